import { z } from "zod";
import { contentDisposition } from "@/lib/links/content-disposition";
import { csvField, csvRow } from "@/lib/links/csv";
import { effectiveExpiry, EXPIRY_PRESETS, MAX_EXPIRY_SECONDS, MIN_EXPIRY_SECONDS } from "@/lib/links/expiry";

/**
 * A multi-file share's manifest, for tools: one entry per file with its path in the share, size,
 * ETag, version and a direct presigned URL (GetObject of that key and version, as an attachment
 * named after the file). Pure functions here (formatting, expiry, parameters); the stream that
 * reads the snapshot and signs is lib/links/manifest.ts.
 *
 * Formats, both one entry per line (the page counts lines for its progress):
 * - CSV: a header line, then one CRLF-terminated record per file, every field quoted and
 *   formula-looking cells prefixed (lib/links/csv.ts);
 * - JSON: one array, `[` on the first line, then one object per line, `]` on the last (valid JSON
 *   for `jq '.[]'`, and streamable line by line).
 */

export const MANIFEST_FORMATS = ["csv", "json"] as const;
export type ManifestFormat = (typeof MANIFEST_FORMATS)[number];

export const MANIFEST_COLUMNS = ["path", "size", "etag", "version_id", "expires_at", "url"] as const;

/** What the export offers: the direct-link presets (1 hour … 7 days). */
export const MANIFEST_EXPIRY_PRESETS = EXPIRY_PRESETS;
export const DEFAULT_MANIFEST_EXPIRY_SECONDS = 86_400;

/** `?format=csv|json&expires=<seconds>` of /links/<id>/manifest. */
export const manifestQuerySchema = z.object({
  format: z.enum(MANIFEST_FORMATS, { error: "Choose CSV or JSON." }).default("csv"),
  expires: z.coerce
    .number({ error: "Enter the expiry in seconds." })
    .int({ error: "Enter the expiry as a whole number of seconds." })
    .min(MIN_EXPIRY_SECONDS, { error: "URLs must last at least 1 minute (60 seconds)." })
    .max(MAX_EXPIRY_SECONDS, { error: "Presigned URLs last at most 7 days (604,800 seconds)." })
    .default(DEFAULT_MANIFEST_EXPIRY_SECONDS),
});
export type ManifestQuery = z.infer<typeof manifestQuerySchema>;

export type ManifestEntry = {
  path: string;
  size: number;
  etag: string | null;
  versionId: string | null;
  expiresAt: Date;
  url: string;
};

export type ManifestExpiry = { ok: true; seconds: number; expiresAt: Date; limitedByCredentials: boolean } | { ok: false; message: string };

/**
 * The URLs' lifetime: what was asked (already 60 s … 7 days), cut to the end of the connection's
 * temporary credentials when they end first (a URL signed with them stops working then anyway),
 * and never past the share's own end (a manifest must not keep handing out files after it).
 * `now` should have whole seconds (X-Amz-Date does).
 */
export function manifestExpiry(now: Date, requestedSeconds: number, credentialsExpireAt: Date | null | undefined, shareExpiresAt?: Date): ManifestExpiry {
  const byCredentials = manifestExpiryByCredentials(now, requestedSeconds, credentialsExpireAt);
  if (!byCredentials.ok || !shareExpiresAt || shareExpiresAt.getTime() >= byCredentials.expiresAt.getTime()) return byCredentials;
  const left = Math.floor((shareExpiresAt.getTime() - now.getTime()) / 1_000);
  if (left < 1) return { ok: false, message: "This share has expired: its files are not exported any more." };
  return { ok: true, seconds: left, expiresAt: new Date(now.getTime() + left * 1_000), limitedByCredentials: false };
}

function manifestExpiryByCredentials(now: Date, requestedSeconds: number, credentialsExpireAt: Date | null | undefined): ManifestExpiry {
  const seconds = Math.min(Math.max(Math.floor(requestedSeconds), MIN_EXPIRY_SECONDS), MAX_EXPIRY_SECONDS);
  const requested = new Date(now.getTime() + seconds * 1_000);
  const effective = effectiveExpiry(requested, credentialsExpireAt);
  if (!effective.limitedByCredentials) return { ok: true, seconds, expiresAt: requested, limitedByCredentials: false };
  const left = Math.floor((effective.expiresAt.getTime() - now.getTime()) / 1_000);
  if (left < MIN_EXPIRY_SECONDS) {
    return {
      ok: false,
      message: "The storage connection's temporary credentials end within a minute: renew them in Settings → Connections, then export again.",
    };
  }
  return { ok: true, seconds: left, expiresAt: new Date(now.getTime() + left * 1_000), limitedByCredentials: true };
}

export function manifestCsvHeader(): string {
  return csvRow(MANIFEST_COLUMNS);
}

/**
 * As csvRow would write it; the size (digits), the time (ISO, starts with a digit) and the URL
 * (http…, percent-encoded: no `"`) cannot need escaping or the formula prefix, so they are only quoted.
 */
export function manifestCsvLine(entry: ManifestEntry): string {
  return `${csvField(entry.path)},"${entry.size}",${entry.etag === null ? '""' : csvField(entry.etag)},${entry.versionId === null ? '""' : csvField(entry.versionId)},"${entry.expiresAt.toISOString()}","${entry.url}"\r\n`;
}

export const MANIFEST_JSON_OPEN = "[\n";
export const MANIFEST_JSON_CLOSE = "\n]\n";

/** One array element on its own line; every element but the first starts with the `,\n` before it. */
export function manifestJsonLine(entry: ManifestEntry, first: boolean): string {
  const json = JSON.stringify({
    path: entry.path,
    size: entry.size,
    etag: entry.etag,
    versionId: entry.versionId,
    expiresAt: entry.expiresAt.toISOString(),
    url: entry.url,
  });
  return first ? json : `,\n${json}`;
}

/** "photos manifest.csv" from the share's title. */
export function manifestFileName(title: string | null, format: ManifestFormat): string {
  const base = (title ?? "").trim() || "share";
  return `${base} manifest.${format}`;
}

// Printable ASCII without `"` `\` `%` `/`, no space at either end, at most 255 bytes, not "." or "..":
// contentDisposition() gives `attachment; filename="<name>"` for these, unchanged. Most names are
// such; the check is much cheaper than its normalisation (tests/unit/manifest-format.test.ts).
const PLAIN_NAME = /^(?!\.\.?$)[!#-$&-.0-[\]-~](?:[ !#-$&-.0-[\]-~]{0,253}[!#-$&-.0-[\]-~])?$/;

/** contentDisposition("attachment", name), with a fast path for plain ASCII names. */
export function attachmentDisposition(name: string): string {
  return PLAIN_NAME.test(name) ? `attachment; filename="${name}"` : contentDisposition("attachment", name);
}
