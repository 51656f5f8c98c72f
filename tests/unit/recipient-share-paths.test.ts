import { describe, expect, it } from "vitest";
import { ZipFile } from "yazl";
import { isSafeZipEntryName, normalizeFolder, zipEntryName, zipEntryNames } from "@/lib/recipient/share-paths";

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

describe("zipEntryNames", () => {
  it("turns drive letters and backslashes into names every unzip tool takes (yazl refused C:/… after the download was counted)", () => {
    const names = zipEntryNames(["C:/Users/ann/report.pdf", "D:notes.txt", "\\\\server\\share\\x.bin", "/abs/y"]);
    expect(names).toEqual(["C_/Users/ann/report.pdf", "D_notes.txt", "server/share/x.bin", "abs/y"]);
    const zip = new ZipFile();
    for (const name of names) {
      expect(isSafeZipEntryName(name), name).toBe(true);
      expect(() => zip.addBuffer(Buffer.from("x"), name)).not.toThrow();
    }
  });

  it("keeps every file: paths that fold into one name get (2), (3)… before the extension", () => {
    expect(zipEntryNames(["docs\\report.pdf", "docs//report.pdf", "docs/report.pdf", "docs/Report.PDF"])).toEqual([
      "docs/report.pdf",
      "docs/report (2).pdf",
      "docs/report (3).pdf",
      "docs/Report (4).PDF",
    ]);
    expect(zipEntryNames(["a/./b", "a/b", "README", "README"])).toEqual(["a/b", "a/b (2)", "README", "README (2)"]);
    // A file named like a folder that holds another file.
    expect(zipEntryNames(["a", "a/b.txt"])).toEqual(["a (2)", "a/b.txt"]);
  });
});
