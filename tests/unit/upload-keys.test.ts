import { describe, expect, it } from "vitest";
import { cleanSegment, folderKey, keepBothKey, keyForPath, MAX_SEGMENT_BYTES } from "@/lib/uploads/keys";

/** Issue 17: the server chooses every upload's key; the browser's path only names cleaned segments under the folder. */
describe("keys of uploads", () => {
  it("keeps hostile paths inside the folder", () => {
    expect(keyForPath("inbox/", "../../etc/passwd")).toBe("inbox/etc/passwd");
    expect(keyForPath("", "../../etc/passwd")).toBe("etc/passwd");
    expect(keyForPath("inbox/", "/abs/./x/../y.txt")).toBe("inbox/abs/x/y.txt");
    expect(keyForPath("inbox/", "a\\..\\..\\b.txt")).toBe("inbox/a/b.txt");
    expect(keyForPath("inbox/", "photos//2026/a.jpg")).toBe("inbox/photos/2026/a.jpg");
    expect(() => keyForPath("inbox/", "../..")).toThrow(/no usable name/);
    expect(() => keyForPath("inbox/", "")).toThrow(/no usable name/);
    // The folder itself must be clean.
    expect(() => keyForPath("inbox/../", "a.txt")).toThrow(/folder/);
    expect(() => keyForPath("inbox", "a.txt")).toThrow(/folder/);
  });

  it("never lets a name segment hold a slash, a backslash, NUL or control characters", () => {
    expect(cleanSegment("a/b")).toBe("a_b");
    expect(cleanSegment("a\\b")).toBe("a_b");
    expect(cleanSegment("re\u0000port\u0007.pdf")).toBe("report.pdf");
    expect(cleanSegment("line\nbreak\r.txt")).toBe("linebreak.txt");
    expect(cleanSegment("\u0000")).toBeNull();
    expect(cleanSegment(".")).toBeNull();
    expect(cleanSegment("..")).toBeNull();
    expect(cleanSegment("   ")).toBeNull();
    expect(keyForPath("", "evil\u0000/../x")).toBe("evil/x");
    expect(folderKey("docs/", "a/b")).toBe("docs/a_b/");
    expect(folderKey("docs/", "  New  ")).toBe("docs/New/");
    expect(() => folderKey("docs/", "..")).toThrow(/name/);
  });

  it("cuts names of 300 characters to 255 bytes, keeping the extension and whole characters", () => {
    const long = `${"a".repeat(300)}.pdf`;
    const cut = cleanSegment(long)!;
    expect(Buffer.byteLength(cut)).toBe(MAX_SEGMENT_BYTES);
    expect(cut.endsWith(".pdf")).toBe(true);
    const wide = `${"é".repeat(300)}.txt`; // 2 bytes each
    const cutWide = cleanSegment(wide)!;
    expect(Buffer.byteLength(cutWide)).toBeLessThanOrEqual(MAX_SEGMENT_BYTES);
    expect(cutWide).toMatch(/^é+\.txt$/);
    const emoji = "😀".repeat(300); // 4 bytes each, no extension
    const cutEmoji = cleanSegment(emoji)!;
    expect(Buffer.byteLength(cutEmoji)).toBe(252);
    expect(cutEmoji).toBe("😀".repeat(63));
    expect(() => keyForPath("", Array.from({ length: 6 }, () => "b".repeat(250)).join("/"))).toThrow(/1024 bytes/);
  });

  it("makes names that differ only in Unicode form one key, and names that differ in case two", () => {
    const nfc = "caf\u00e9.txt";
    const nfd = "cafe\u0301.txt";
    expect(nfc).not.toBe(nfd);
    expect(keyForPath("", nfd)).toBe(keyForPath("", nfc));
    expect(keyForPath("", nfd)).toBe("caf\u00e9.txt");
    expect(keyForPath("", "Report.PDF")).not.toBe(keyForPath("", "report.pdf"));
  });

  it("names the other copies of Keep both “name (n).ext”", () => {
    expect(keepBothKey("docs/report.pdf", 1)).toBe("docs/report (1).pdf");
    expect(keepBothKey("report.final.pdf", 2)).toBe("report.final (2).pdf");
    expect(keepBothKey("docs/README", 3)).toBe("docs/README (3)");
    expect(keepBothKey(".env", 1)).toBe(".env (1)");
    const long = keepBothKey(`x/${"a".repeat(251)}.pdf`, 12);
    expect(Buffer.byteLength(long.slice(2))).toBeLessThanOrEqual(MAX_SEGMENT_BYTES);
    expect(long.endsWith(" (12).pdf")).toBe(true);
  });
});

describe("bidi and invisible characters in names (security review 17, finding 10)", () => {
  it("drops bidi controls and invisible characters, so a name shows as what it is", () => {
    expect(cleanSegment("invoice\u202Efdp.exe")).toBe("invoicefdp.exe");
    const hidden = [
      "\u061C",
      "\u200B",
      "\u200E",
      "\u200F",
      "\u202A",
      "\u202B",
      "\u202C",
      "\u202D",
      "\u202E",
      "\u2060",
      "\u2066",
      "\u2067",
      "\u2068",
      "\u2069",
      "\uFEFF",
    ];
    for (const char of hidden) expect(cleanSegment(`a${char}b.txt`), `U+${char.codePointAt(0)!.toString(16)}`).toBe("ab.txt");
    expect(cleanSegment("\u202E\u200B\uFEFF")).toBeNull();
    expect(keyForPath("inbox/", "x\u2066/y\u202E.pdf")).toBe("inbox/x/y.pdf");
  });

  it("keeps ZWJ and ZWNJ, which emoji and scripts need", () => {
    const family = "\u{1F468}\u200D\u{1F469}\u200D\u{1F467}.png";
    expect(cleanSegment(family)).toBe(family);
    expect(cleanSegment("\u0645\u06CC\u200C\u062E\u0648\u0627\u0647\u0645.txt")).toBe("\u0645\u06CC\u200C\u062E\u0648\u0627\u0647\u0645.txt");
  });
});
