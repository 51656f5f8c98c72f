import { describe, expect, it } from "vitest";
import { asciiFallback, baseName, contentDisposition, encodeRfc8187, sanitizeFileName } from "@/lib/links/content-disposition";

describe("contentDisposition", () => {
  it("plain ASCII names: a quoted filename only", () => {
    expect(contentDisposition("attachment", "report.pdf")).toBe('attachment; filename="report.pdf"');
    expect(contentDisposition("inline", "photo 2026-11-22.jpg")).toBe('inline; filename="photo 2026-11-22.jpg"');
  });

  it("résumé.pdf: accent-stripped fallback plus UTF-8 filename*", () => {
    expect(contentDisposition("attachment", "résumé.pdf")).toBe(`attachment; filename="resume.pdf"; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf`);
    // Decomposed (NFD, as macOS writes names) gives the same header.
    expect(contentDisposition("attachment", "re\u0301sume\u0301.pdf")).toBe(`attachment; filename="resume.pdf"; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf`);
  });

  it("日本語.txt: underscores in the fallback", () => {
    expect(contentDisposition("inline", "日本語.txt")).toBe(`inline; filename="___.txt"; filename*=UTF-8''%E6%97%A5%E6%9C%AC%E8%AA%9E.txt`);
  });

  it("quotes are escaped in the fallback and percent-encoded in filename*", () => {
    expect(contentDisposition("attachment", 'the "final" draft.pdf')).toBe(
      `attachment; filename="the \\"final\\" draft.pdf"; filename*=UTF-8''the%20%22final%22%20draft.pdf`,
    );
    expect(contentDisposition("attachment", "100% done.txt")).toBe(`attachment; filename="100% done.txt"; filename*=UTF-8''100%25%20done.txt`);
    expect(contentDisposition("attachment", "l'été.txt")).toBe(`attachment; filename="l'ete.txt"; filename*=UTF-8''l%27%C3%A9t%C3%A9.txt`);
  });

  it("never lets a control character or path separator through", () => {
    const header = contentDisposition("attachment", "../evil\r\nSet-Cookie: x=1.txt");
    expect(header).toBe('attachment; filename=".._evilSet-Cookie: x=1.txt"');
    expect(contentDisposition("attachment", "")).toBe('attachment; filename="download"');
  });

  it("round-trips filename* through decodeURIComponent", () => {
    for (const name of ["résumé.pdf", "日本語.txt", "a+b&c#d$é.txt", "emoji 😀.png", "Ærøskøbing ﬁle.txt"]) {
      const header = contentDisposition("attachment", name);
      const encoded = /filename\*=UTF-8''(.*)$/.exec(header)?.[1];
      expect(encoded && decodeURIComponent(encoded)).toBe(name.normalize("NFC"));
      expect(header).toMatch(/^[\x20-\x7E]+$/);
    }
  });
});

describe("encodeRfc8187", () => {
  it("keeps attr-chars, encodes the rest as UTF-8 bytes", () => {
    expect(encodeRfc8187("aZ9!#$&+-.^_`|~")).toBe("aZ9!#$&+-.^_`|~");
    expect(encodeRfc8187(` "%'()*,/:;<=>?@[\\]{}`)).toBe("%20%22%25%27%28%29%2A%2C%2F%3A%3B%3C%3D%3E%3F%40%5B%5C%5D%7B%7D");
    expect(encodeRfc8187("€")).toBe("%E2%82%AC");
  });
});

describe("asciiFallback", () => {
  it("strips accents, replaces the rest", () => {
    expect(asciiFallback("Crème brûlée.pdf")).toBe("Creme brulee.pdf");
    expect(asciiFallback("日本語")).toBe("___");
    expect(asciiFallback("ﬁle")).toBe("file");
  });
});

describe("sanitizeFileName", () => {
  it("removes control and bidi-override characters, replaces separators, trims", () => {
    expect(sanitizeFileName("  a/b\\c\u0000d\u007F\u0085.txt  ")).toBe("a_b_cd.txt");
    expect(sanitizeFileName("invoice\u202Efdp.exe")).toBe("invoicefdp.exe");
  });

  it("falls back to 'download' when nothing usable remains", () => {
    for (const name of ["", "   ", ".", "..", "\u0001\u0002"]) expect(sanitizeFileName(name)).toBe("download");
  });

  it("keeps at most 255 UTF-8 bytes, the extension, and whole characters", () => {
    const long = `${"é".repeat(200)}.pdf`; // 404 bytes
    const clean = sanitizeFileName(long);
    expect(Buffer.byteLength(clean)).toBeLessThanOrEqual(255);
    expect(clean).toBe(`${"é".repeat(125)}.pdf`);
    const emoji = sanitizeFileName("👍🏽".repeat(40)); // 8 bytes each, no extension
    expect(Buffer.byteLength(emoji)).toBeLessThanOrEqual(255);
    expect(emoji).toBe("👍🏽".repeat(31));
    expect(sanitizeFileName("a".repeat(255))).toBe("a".repeat(255));
  });
});

describe("baseName", () => {
  it.each([
    ["reports/2026/q3.pdf", "q3.pdf"],
    ["q3.pdf", "q3.pdf"],
    ["photos/2026/", "2026"],
    ["a//b//", "b"],
    ["/", ""],
    ["", ""],
  ])("%j → %j", (key, name) => {
    expect(baseName(key)).toBe(name);
  });
});
