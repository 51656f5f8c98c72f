import { IntlMessageFormat } from "intl-messageformat";
import { describe, expect, it } from "vitest";
import { DEFAULT_BRAND } from "@/lib/appearance/brand";
import { contrastWithWhite } from "@/lib/appearance/colour";
import { describeFileType, humanType } from "@/lib/file-type";
import { formatBytes } from "@/lib/format";
import { CATALOGUES } from "@/lib/i18n/catalogues";
import { formatSize, formatUtcDate } from "@/lib/i18n/format";
import { LOCALES, negotiate, t } from "@/lib/i18n";
import { brandCss, brandCssHash, safeBrand } from "@/lib/recipient/html/brand-style";
import { breakableName } from "@/lib/recipient/html/escape";
import { filesPage } from "@/lib/recipient/html/files-template";
import { filePage, type FileView, type RecipientPageContext, statusPage } from "@/lib/recipient/html/templates";
import { PLAIN_PAGES, plainPageText, recipientCsp } from "@/lib/recipient/respond";
import { MAX_BRAND_NAME_LENGTH } from "@/lib/validation/appearance";
import { relativeTime } from "@/lib/links/status";

describe("negotiate (Accept-Language → one of en, fr, de, es)", () => {
  it("picks the best supported language, by region-free match and q-values", () => {
    expect(negotiate("fr-CA")).toBe("fr");
    expect(negotiate("de;q=0.9,en;q=0.8")).toBe("de");
    expect(negotiate("en;q=0.5,es-419;q=0.9")).toBe("es");
    expect(negotiate("ja,fr;q=0.3")).toBe("fr");
    expect(negotiate("DE-at")).toBe("de");
  });

  it("falls back to English: absent, unknown, malformed or enormous headers, and never throws", () => {
    expect(negotiate(null)).toBe("en");
    expect(negotiate("")).toBe("en");
    expect(negotiate("ja")).toBe("en");
    expect(negotiate("**;;q=x")).toBe("en");
    expect(negotiate(";;;,,,q=,=;")).toBe("en");
    expect(negotiate("fr;q=0")).toBe("en");
    expect(negotiate(`fr,${"x".repeat(10_240)}`)).toBe("en");
    expect(negotiate(`${"de-DE;q=0.9,".repeat(1_000)}`)).toBe("en");
    expect(() => negotiate("\u0000\uffff;q=NaN")).not.toThrow();
  });
});

describe("the catalogues", () => {
  const english = Object.keys(CATALOGUES.en);

  it.each(LOCALES)("%s: only keys English has, every message valid ICU with the same placeholders", (locale) => {
    const catalogue: Record<string, string> = CATALOGUES[locale];
    for (const [key, text] of Object.entries(catalogue)) {
      expect(english, `${locale} ${key}`).toContain(key);
      expect(() => new IntlMessageFormat(text, locale), `${locale} ${key}`).not.toThrow();
      const names = (message: string) => [...message.matchAll(/\{(\w+)\s*[,}]/g)].map((match) => match[1]).sort();
      expect(new Set(names(text)), `${locale} ${key}`).toEqual(new Set(names((CATALOGUES.en as Record<string, string>)[key]!)));
    }
  });

  it("say the contract names in English, and translate them elsewhere", () => {
    expect([t("en")("action.download"), t("en")("action.open"), t("en")("action.downloadAll")]).toEqual(["Download", "Open", "Download all"]);
    expect(t("fr")("action.downloadAll")).toBe("Tout télécharger");
    expect(t("de")("action.download")).toBe("Herunterladen");
    expect(t("es")("action.open")).toBe("Abrir");
  });

  it("use plurals", () => {
    expect(t("en")("files.marked", { marked: 1, total: 2 })).toBe(
      "1 of 2 files have changed or been deleted since they were shared; it is marked below and not given out.",
    );
    expect(t("fr")("card.files", { count: 1, size: "1 Ko", name: "Léa" })).toBe("1 fichier, 1 Ko · partagé par Léa avec Bucketshare");
    expect(t("de")("password.retryIn", { minutes: 5 })).toBe("Zu viele Fehlversuche. Versuchen Sie es in 5 Minuten erneut.");
  });

  it("have a heading and a message for every plain page, in every language", () => {
    for (const locale of LOCALES) {
      for (const name of Object.keys(PLAIN_PAGES) as (keyof typeof PLAIN_PAGES)[]) {
        const text = plainPageText({ t: t(locale), brand: DEFAULT_BRAND }, name);
        expect(text.heading.length, `${locale} ${name}`).toBeGreaterThan(3);
        expect(text.message.length, `${locale} ${name}`).toBeGreaterThan(10);
      }
    }
    expect(plainPageText({ t: t("de"), brand: DEFAULT_BRAND }, "limit").heading).toBe("Download-Limit erreicht");
  });
});

describe("human types", () => {
  const en = t("en");
  it.each([
    ["report.pdf", "application/pdf", "PDF document", "pdf"],
    ["scan.pdf", "application/octet-stream", "PDF document", "pdf"],
    ["photo.png", "image/png", "PNG image", "image"],
    ["photo.jpg", null, "JPEG image", "image"],
    ["notes.txt", "text/plain; charset=utf-8", "Text file", "text"],
    ["README", "text/plain", "Text file", "text"],
    ["bundle.zip", "application/zip", "ZIP archive", "archive"],
    ["bundle.zip", "", "ZIP archive", "archive"],
    ["clip.mp4", "video/mp4", "MP4 video", "video"],
    ["talk.MP3", "binary/octet-stream", "MP3 audio", "audio"],
    ["sheet.xlsx", "application/octet-stream", "Excel spreadsheet", "spreadsheet"],
    ["data.parquet", "application/octet-stream", "PARQUET file", "file"],
    ["blob", "application/octet-stream", "File", "file"],
    ["blob", null, "File", "file"],
    [".env", "application/x-weird", "File", "file"],
    ["frame.xyz", "image/x-unknown", "Image", "image"],
  ])("%s (%s) is %s", (name, type, words, icon) => {
    expect(humanType(en, name, type)).toBe(words);
    expect(describeFileType(name, type).icon).toBe(icon);
  });

  it("in the visitor's language, never the raw type or Unknown", () => {
    expect(humanType(t("fr"), "a.pdf", "application/pdf")).toBe("Document PDF");
    expect(humanType(t("de"), "a.png", "image/png")).toBe("PNG-Bild");
    expect(humanType(t("es"), "a.zip", "application/zip")).toBe("Archivo comprimido ZIP");
    expect(humanType(t("fr"), "a.bin", "application/x-something")).toBe("Fichier BIN");
    for (const type of ["text/plain; charset=utf-8", "application/octet-stream", "", null]) expect(humanType(en, "x", type)).not.toMatch(/\/|Unknown/);
  });
});

describe("sizes and dates in the visitor's language", () => {
  it("sizes with the locale's decimal separator and units", () => {
    expect(formatSize(1536, t("en"))).toBe("1.5 KB");
    expect(formatSize(40_000, t("en"))).toBe("39.1 KB");
    expect(formatSize(1536, t("fr"))).toBe("1,5 Ko");
    expect(formatSize(1_572_864, t("de"))).toBe("1,5 MB");
    expect(formatSize(12, t("fr"))).toBe("12 o");
    expect(formatSize(0, t("es"))).toBe("0 B");
    // The same scale and rounding as the signed-in app's formatBytes (lib/format.ts).
    for (const bytes of [0, 12, 1536, 2047, 40_000, 5_000_000, 3.2e12]) expect(formatSize(bytes, t("en")), String(bytes)).toBe(formatBytes(bytes));
  });

  it("dates in UTC, labelled, and relative phrases", () => {
    const date = new Date("2026-12-10T14:05:00Z");
    expect(formatUtcDate(date, "en")).toBe("Dec 10, 2026, 2:05 PM UTC");
    expect(formatUtcDate(date, "fr")).toMatch(/^10 déc\. 2026.*14:05 UTC$/);
    expect(formatUtcDate(date, "de")).toMatch(/^10\. Dez\. 2026.*14:05 UTC$/);
    const now = new Date("2026-12-07T14:00:00Z");
    expect(relativeTime(date, now, "fr")).toBe("dans 3 jours");
    expect(relativeTime(date, now, "de")).toBe("in 3 Tagen");
    expect(relativeTime(date, now, "es")).toBe("dentro de 3 días");
  });
});

const view: FileView = {
  token: "T".repeat(32),
  fileName: "brief.pdf",
  size: "1 KB",
  type: "PDF document",
  icon: "pdf",
  ownerName: "Olive",
  expires: { never: true },
  downloadsLeft: null,
  downloadByPost: false,
  openable: true,
  preview: null,
};

describe("the owner's brand on recipient pages", () => {
  const brand = { name: "Acme & Co", logoUrl: "/appearance/logo?v=3", accent: "#7C2D12" };
  const page: RecipientPageContext = { t: t("en"), brand: safeBrand(brand) };

  it("shows the logo with the name as its alt text, the accent as --accent, and the name in the title", () => {
    const html = filePage(page, view);
    expect(html).toContain('<header class="top"><div class="top-inner"><img class="logo" src="/appearance/logo?v=3" alt="Acme &amp; Co"></div></header>');
    expect(html).toContain("<title>brief.pdf · Acme &amp; Co</title>");
    expect(html).toContain(`<style>${brandCss(page.brand)}</style>`);
    expect(brandCss(page.brand)).toContain(":root{--accent:#7c2d12;--on-accent:#fff;--link:#7c2d12");
    expect(html).toContain('<footer class="foot muted">Shared with Bucketshare</footer>');
  });

  it("shows the name when there is no logo, and Bucketshare's own without any", () => {
    const named = statusPage({ t: t("en"), brand: safeBrand({ ...brand, logoUrl: null }) }, { heading: "H", message: "M" });
    expect(named).toContain('<span class="brand-name">Acme &amp; Co</span>');
    const plain = filePage({ t: t("en"), brand: DEFAULT_BRAND }, view);
    expect(plain).toContain('<span class="brand-name">Bucketshare</span>');
    expect(plain.match(/<style>/g)).toHaveLength(1);
    expect(brandCssHash(DEFAULT_BRAND)).toBeNull();
  });

  it("allows the accent stylesheet by its hash in the CSP, and nothing else", () => {
    const hash = brandCssHash(page.brand)!;
    expect(hash).toMatch(/^sha256-[A-Za-z0-9+/]+=*$/);
    expect(recipientCsp([], [], [hash])).toMatch(new RegExp(`^default-src 'none'; style-src 'sha256-[^']+' '${hash.replace(/[+/]/g, "\\$&")}';`));
  });

  it("keeps a stored value that is not safe out of the page: not a colour, low contrast, an outside logo, a blank name", () => {
    expect(safeBrand({ ...brand, accent: "red;}body{display:none" }).accent).toBe("#0369a1");
    expect(safeBrand({ ...brand, accent: "#fde047" }).accent).toBe("#0369a1");
    expect(safeBrand({ ...brand, logoUrl: "https://evil.example/x.png" }).logoUrl).toBeNull();
    expect(safeBrand({ ...brand, logoUrl: "//evil.example/x.png" }).logoUrl).toBeNull();
    expect(safeBrand({ ...brand, logoUrl: '/x" onerror="y' }).logoUrl).toBeNull();
    expect(safeBrand({ ...brand, name: "   " }).name).toBe("Bucketshare");
    // Bounded as Settings → Appearance bounds it (lib/validation/appearance.ts).
    expect(safeBrand({ ...brand, name: "A".repeat(100) }).name).toBe("A".repeat(MAX_BRAND_NAME_LENGTH));
    expect(MAX_BRAND_NAME_LENGTH).toBe(60);
  });
});

describe("pages in the visitor's language", () => {
  it("set <html lang> and translate the file page, keeping the English contract names in English", () => {
    const fr = filePage({ t: t("fr"), brand: DEFAULT_BRAND }, { ...view, type: "Document PDF" });
    expect(fr).toContain('<html lang="fr">');
    expect(fr).toContain(">Télécharger</a>");
    expect(fr).toContain(">Ouvrir</a>");
    expect(fr).toContain("<dt>Taille</dt>");
    expect(fr).toContain("N’expire pas");
    const en = filePage({ t: t("en"), brand: DEFAULT_BRAND }, view);
    expect(en).toContain('<html lang="en">');
    expect(en).toContain(`<a class="button" href="/s/${view.token}/download">Download</a>`);
    expect(en).toContain(">Open</a>");
  });

  it("translate the multi-file page, and say what Download all does without jargon", () => {
    const files = (locale: "en" | "de") =>
      filesPage(
        { t: t(locale), brand: DEFAULT_BRAND },
        {
          token: view.token,
          title: "Set",
          ownerName: "Olive",
          fileCount: 2,
          totalSize: "2 KB",
          expires: { never: true },
          downloadsLeft: null,
          zipAllowed: true,
          downloadByPost: false,
          marked: { changed: 0, missing: 0 },
          dir: "",
          query: "",
          folders: ["docs"],
          files: [{ path: "a.txt", name: "a.txt", size: "1 KB", type: "Text file", icon: "text", state: null, previewable: true, openable: true }],
          nextAfter: null,
          firstPage: true,
        },
      );
    const en = files("en");
    expect(en).toContain(">Download all</a>");
    expect(en).toContain("Downloads all files as one ZIP.");
    expect(en).not.toMatch(/Bucketshare server|storage/);
    const de = files("de");
    expect(de).toContain('<html lang="de">');
    expect(de).toContain(">Alle herunterladen</a>");
    expect(de).toContain('Herunterladen<span class="sr-only"> a.txt</span>');
    expect(de).toContain('<label for="q">Nach Name filtern</label>');
  });
});

describe("long file names", () => {
  it("break after their separators, not inside words; short names are untouched; everything stays escaped", () => {
    expect(breakableName("Quarterly_financial_statement_Q3_2026_final.xlsx").html).toBe(
      "Quarterly_<wbr>financial_<wbr>statement_<wbr>Q3_<wbr>2026_<wbr>final.<wbr>xlsx",
    );
    expect(breakableName("q3 report-final.bin").html).toBe("q3 report-final.bin");
    expect(breakableName("<b>_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.txt").html).toBe("&lt;b&gt;_<wbr>aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.<wbr>txt");
  });
});

describe("the accent's contrast", () => {
  it("is white text's ratio on it; links keep the default blue when the accent is only just readable", () => {
    expect(contrastWithWhite("#ffffff")).toBeCloseTo(1, 5);
    expect(contrastWithWhite("#000000")).toBeCloseTo(21, 5);
    expect(contrastWithWhite("#0369a1")).toBeGreaterThan(5.5);
    const edge = "#757575"; // 4.6:1 on white
    expect(contrastWithWhite(edge)).toBeGreaterThan(4.5);
    expect(brandCss(safeBrand({ name: "A", logoUrl: null, accent: edge }))).toContain(`:root{--accent:${edge};--on-accent:#fff;--link:#0369a1`);
  });
});
