import { describe, expect, it } from "vitest";
import { normalizeFolder, zipEntryName } from "@/lib/recipient/share-paths";

describe("normalizeFolder", () => {
  it("gives the folder as a path prefix ending in /", () => {
    expect(normalizeFolder(null)).toBe("");
    expect(normalizeFolder("")).toBe("");
    expect(normalizeFolder("/")).toBe("");
    expect(normalizeFolder("a/b")).toBe("a/b/");
    expect(normalizeFolder("/a//b/")).toBe("a/b/");
    expect(normalizeFolder("a+b%20c#d?e&f")).toBe("a+b%20c#d?e&f/");
  });
});

describe("zipEntryName", () => {
  it("keeps relative paths as they are, awkward characters included", () => {
    expect(zipEntryName("docs/日本語 ファイル.pdf")).toBe("docs/日本語 ファイル.pdf");
    expect(zipEntryName("a+b%20c#d?e&f/deep & odd+%#?.bin")).toBe("a+b%20c#d?e&f/deep & odd+%#?.bin");
  });

  it("never lets an entry land outside the folder it is unpacked in", () => {
    expect(zipEntryName("/etc/passwd")).toBe("etc/passwd");
    expect(zipEntryName("../../x")).toBe("x");
    expect(zipEntryName("a/./../b")).toBe("a/b");
    expect(zipEntryName("a\\..\\b")).toBe("a/b");
    expect(zipEntryName("..")).toBe("file");
  });
});
