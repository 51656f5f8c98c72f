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

  it("drops the trailing dots and spaces Windows would drop, so no part turns into .. on unpacking", () => {
    expect(zipEntryName("x/.. /y")).toBe("x/y");
    expect(zipEntryName("x/. ./y")).toBe("x/y");
    expect(zipEntryName("docs./a.txt")).toBe("docs/a.txt");
    expect(zipEntryName("notes .txt. ")).toBe("notes .txt");
    expect(zipEntryName("... ")).toBe("file");
  });

  it("keeps names Windows cannot create out: no colon, no device names with or without an extension", () => {
    expect(zipEntryName("a:b/c:d.txt")).toBe("a_b/c_d.txt");
    expect(zipEntryName("CON")).toBe("CON_");
    expect(zipEntryName("logs/nul.txt")).toBe("logs/nul_.txt");
    expect(zipEntryName("aux/Com1.tar.gz")).toBe("aux_/Com1_.tar.gz");
    expect(zipEntryName("LPT9 ")).toBe("LPT9_");
    expect(zipEntryName("prn. /x")).toBe("prn_/x");
    // Only the whole name (before its first dot) is a device name.
    expect(zipEntryName("console.log/com10/lpt0.txt/auxiliary")).toBe("console.log/com10/lpt0.txt/auxiliary");
  });

  it("writes names in the composed Unicode form", () => {
    expect(zipEntryName("cafe\u0301/re\u0301sume\u0301.txt")).toBe("caf\u00e9/r\u00e9sum\u00e9.txt");
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

  it("tells apart names that one disk would unpack as the same file: trailing dots, Unicode forms, devices", () => {
    expect(zipEntryNames(["docs./a.txt", "docs/a.txt"])).toEqual(["docs/a.txt", "docs/a (2).txt"]);
    expect(zipEntryNames(["caf\u00e9.txt", "cafe\u0301.txt", "CAFE\u0301.TXT"])).toEqual(["caf\u00e9.txt", "caf\u00e9 (2).txt", "CAF\u00c9 (3).TXT"]);
    expect(zipEntryNames(["x/.. /y", "x/y"])).toEqual(["x/y", "x/y (2)"]);
    const names = zipEntryNames(["NUL", "nul_", "C:/a:b", "x/.. /..  /y"]);
    expect(names).toEqual(["NUL_", "nul_ (2)", "C_/a_b", "x/y"]);
    for (const name of names) expect(isSafeZipEntryName(name), name).toBe(true);
  });

  it("does not call unsafe what Windows would unpack elsewhere or refuse", () => {
    for (const name of ["x/.. /y", "a/b.", "a /b", "C:/x", "a/b:c", "CON", "dir/aux.txt", "com1.tar.gz"]) expect(isSafeZipEntryName(name), name).toBe(false);
    for (const name of ["a/b", "CON_", "console.log", "com10", ".hidden"]) expect(isSafeZipEntryName(name), name).toBe(true);
  });
});
