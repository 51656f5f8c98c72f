import { describe, expect, it } from "vitest";
import { contentDisposition } from "@/lib/links/content-disposition";
import { csvRow } from "@/lib/links/csv";
import {
  attachmentDisposition,
  MANIFEST_JSON_CLOSE,
  MANIFEST_JSON_OPEN,
  manifestCsvHeader,
  manifestCsvLine,
  manifestExpiry,
  manifestFileName,
  manifestJsonLine,
  manifestQuerySchema,
  type ManifestEntry,
} from "@/lib/links/manifest-format";

const now = new Date("2026-11-29T11:00:00Z");
const entry = (over: Partial<ManifestEntry> = {}): ManifestEntry => ({
  path: "photos/day 1/a.jpg",
  size: 12_345,
  etag: '"9b2cf535f27731c974343645a3985328"',
  versionId: null,
  expiresAt: new Date("2026-11-30T11:00:00Z"),
  url: "http://127.0.0.1:9000/b/photos/a.jpg?X-Amz-Signature=abc",
  ...over,
});

describe("manifest lines", () => {
  it("CSV: a header, then every field quoted, CRLF, quotes doubled, formula-looking paths prefixed", () => {
    expect(manifestCsvHeader()).toBe('"path","size","etag","version_id","expires_at","url"\r\n');
    expect(manifestCsvLine(entry())).toBe(
      '"photos/day 1/a.jpg","12345","""9b2cf535f27731c974343645a3985328""","","2026-11-30T11:00:00.000Z","http://127.0.0.1:9000/b/photos/a.jpg?X-Amz-Signature=abc"\r\n',
    );
    expect(manifestCsvLine(entry({ path: '=HYPERLINK("x")', versionId: "v1", etag: null }))).toMatch(/^"'=HYPERLINK\(""x""\)","12345","","v1",/);
    expect(manifestCsvLine(entry({ path: "+1, -2; @3\tx" }))).toMatch(/^"'\+1, -2; @3\tx",/);
    for (const e of [entry(), entry({ etag: null, versionId: "-v" }), entry({ path: '"q"', etag: "=x" })]) {
      expect(manifestCsvLine(e)).toBe(csvRow([e.path, String(e.size), e.etag ?? "", e.versionId ?? "", e.expiresAt.toISOString(), e.url]));
    }
  });

  it("JSON: one array with one object per line, valid as a whole", () => {
    const text =
      MANIFEST_JSON_OPEN + manifestJsonLine(entry(), true) + manifestJsonLine(entry({ path: 'b\n"c".txt', versionId: "v2" }), false) + MANIFEST_JSON_CLOSE;
    expect(text.split("\n")).toHaveLength(5); // "[", two entries, "]", ""
    const parsed = JSON.parse(text) as Record<string, unknown>[];
    expect(parsed).toEqual([
      {
        path: "photos/day 1/a.jpg",
        size: 12_345,
        etag: '"9b2cf535f27731c974343645a3985328"',
        versionId: null,
        expiresAt: "2026-11-30T11:00:00.000Z",
        url: entry().url,
      },
      {
        path: 'b\n"c".txt',
        size: 12_345,
        etag: '"9b2cf535f27731c974343645a3985328"',
        versionId: "v2",
        expiresAt: "2026-11-30T11:00:00.000Z",
        url: entry().url,
      },
    ]);
    expect(JSON.parse(MANIFEST_JSON_OPEN + MANIFEST_JSON_CLOSE)).toEqual([]);
  });

  it("names the file after the share's title", () => {
    expect(manifestFileName("Q4 photos", "csv")).toBe("Q4 photos manifest.csv");
    expect(manifestFileName(null, "json")).toBe("share manifest.json");
  });

  it("attachmentDisposition is contentDisposition's value, fast path or not", () => {
    const names = [
      "a.jpg",
      "report 2026.pdf",
      "a+b&c#d.csv",
      ".",
      "..",
      "...",
      " lead.txt",
      "trail.txt ",
      'q"uote.txt',
      "back\\slash",
      "50%.txt",
      "a/b",
      "résumé.pdf",
      "日本語.txt",
      "x".repeat(255),
      `${"y".repeat(256)}.txt`,
      "tab\tname",
      "~`!#$&'()*+,-.;<=>?@[]^_{|}",
    ];
    for (const name of names) expect(attachmentDisposition(name), name).toBe(contentDisposition("attachment", name));
  });
});

describe("manifest expiry", () => {
  it("keeps what was chosen, 1 minute to 7 days", () => {
    expect(manifestExpiry(now, 3_600, null)).toEqual({ ok: true, seconds: 3_600, expiresAt: new Date("2026-11-29T12:00:00Z"), limitedByCredentials: false });
    expect(manifestExpiry(now, 604_800, undefined)).toMatchObject({ ok: true, seconds: 604_800, expiresAt: new Date("2026-12-06T11:00:00Z") });
    expect(manifestExpiry(now, 10_000_000, null)).toMatchObject({ ok: true, seconds: 604_800 });
    expect(manifestExpiry(now, 1, null)).toMatchObject({ ok: true, seconds: 60 });
  });

  it("never lasts beyond the temporary credentials' end", () => {
    const credentialsEnd = new Date("2026-11-29T13:30:00Z");
    expect(manifestExpiry(now, 86_400, credentialsEnd)).toEqual({ ok: true, seconds: 9_000, expiresAt: credentialsEnd, limitedByCredentials: true });
    expect(manifestExpiry(now, 3_600, credentialsEnd)).toMatchObject({ ok: true, seconds: 3_600, limitedByCredentials: false });
    const result = manifestExpiry(now, 3_600, new Date("2026-11-29T11:00:30Z"));
    expect(result.ok).toBe(false);
    expect(manifestExpiry(now, 3_600, new Date("2026-11-28T00:00:00Z")).ok).toBe(false);
  });

  it("never lasts beyond the share's own end", () => {
    const shareEnd = new Date("2026-11-29T11:10:00Z");
    expect(manifestExpiry(now, 86_400, null, shareEnd)).toEqual({ ok: true, seconds: 600, expiresAt: shareEnd, limitedByCredentials: false });
    expect(manifestExpiry(now, 3_600, new Date("2026-11-29T11:30:00Z"), shareEnd)).toMatchObject({ ok: true, seconds: 600 });
    expect(manifestExpiry(now, 300, null, shareEnd)).toMatchObject({ ok: true, seconds: 300 });
    expect(manifestExpiry(now, 60, null, new Date("2026-11-29T11:00:30Z"))).toMatchObject({ ok: true, seconds: 30 });
    expect(manifestExpiry(now, 3_600, null, now).ok).toBe(false);
  });

  it("validates the route's parameters", () => {
    expect(manifestQuerySchema.parse({})).toEqual({ format: "csv", expires: 86_400 });
    expect(manifestQuerySchema.parse({ format: "json", expires: "604800" })).toEqual({ format: "json", expires: 604_800 });
    for (const bad of [{ format: "xml" }, { expires: "604801" }, { expires: "59" }, { expires: "1.5" }, { expires: "abc" }]) {
      expect(manifestQuerySchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
    expect(manifestQuerySchema.safeParse({ expires: "604801" }).error?.issues[0]?.message).toBe("Presigned URLs last at most 7 days (604,800 seconds).");
  });
});
