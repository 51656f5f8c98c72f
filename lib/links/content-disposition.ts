/**
 * Content-Disposition values for presigned URLs (`response-content-disposition`), per RFC 6266
 * with RFC 8187/5987 `filename*` for names a quoted ASCII string cannot carry:
 *
 *   résumé.pdf → attachment; filename="resume.pdf"; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf
 *   report.pdf → attachment; filename="report.pdf"
 *
 * Names with `"`, `\` or `%` get `filename*` too, even when ASCII: browsers disagree on
 * backslash escapes in quoted strings, and some percent-decode a plain `filename`.
 */

export type DispositionKind = "inline" | "attachment";

export const FALLBACK_FILE_NAME = "download";
export const MAX_FILE_NAME_BYTES = 255;

const encoder = new TextEncoder();

function byteLength(value: string): number {
  return encoder.encode(value).length;
}

// C0 and C1 controls, DEL, and the bidirectional overrides/isolates that can disguise an
// extension ("invoice\u202Efdp.exe" shows as "invoiceexe.pdf").
const UNSAFE_CHARS = /[\u0000-\u001F\u007F-\u009F\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

/** Cut to at most `maxBytes` UTF-8 bytes without splitting a character (grapheme cluster). */
function truncateBytes(value: string, maxBytes: number): string {
  if (byteLength(value) <= maxBytes) return value;
  let out = "";
  let used = 0;
  for (const { segment } of new Intl.Segmenter("en", { granularity: "grapheme" }).segment(value)) {
    const size = byteLength(segment);
    if (used + size > maxBytes) break;
    out += segment;
    used += size;
  }
  return out;
}

/**
 * A name safe to offer as a download: control and bidi-override characters removed, `/` and `\`
 * → `_`, surrounding spaces trimmed, at most 255 UTF-8 bytes (keeping the extension), NFC.
 * Nothing usable left (empty, "." or "..") → "download".
 */
export function sanitizeFileName(name: string): string {
  let clean = name.normalize("NFC").replace(UNSAFE_CHARS, "").replace(/[/\\]/g, "_").trim();
  if (clean === "" || clean === "." || clean === "..") return FALLBACK_FILE_NAME;
  if (byteLength(clean) > MAX_FILE_NAME_BYTES) {
    const dot = clean.lastIndexOf(".");
    const ext = dot > 0 ? clean.slice(dot) : "";
    if (ext !== "" && byteLength(ext) <= 32) {
      clean = truncateBytes(clean.slice(0, dot), MAX_FILE_NAME_BYTES - byteLength(ext)).trimEnd() + ext;
    } else {
      clean = truncateBytes(clean, MAX_FILE_NAME_BYTES).trimEnd();
    }
  }
  return clean;
}

/** The last non-empty segment of an object key ("a/b/c.pdf" → "c.pdf", "a/b/" → "b"); "" if none. */
export function baseName(key: string): string {
  const segments = key.split("/").filter((segment) => segment !== "");
  return segments.at(-1) ?? "";
}

/** ASCII stand-in: accents stripped (NFKD), other non-printable-ASCII characters → "_". */
export function asciiFallback(name: string): string {
  const stripped = name
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .replace(/[^\x20-\x7E]/gu, "_");
  return stripped.trim() === "" ? FALLBACK_FILE_NAME : stripped;
}

function quote(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

// RFC 8187 attr-char: ALPHA / DIGIT / "!" / "#" / "$" / "&" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~"
const ATTR_CHAR = /[A-Za-z0-9!#$&+\-.^_`|~]/;

/** RFC 8187 value-chars: UTF-8 bytes, each outside attr-char percent-encoded. */
export function encodeRfc8187(value: string): string {
  let out = "";
  for (const char of value) {
    if (ATTR_CHAR.test(char)) {
      out += char;
    } else {
      for (const byte of encoder.encode(char)) out += `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
    }
  }
  return out;
}

export function contentDisposition(kind: DispositionKind, fileName: string): string {
  const name = sanitizeFileName(fileName);
  const plain = /^[\x20-\x7E]*$/.test(name) && !/["\\%]/.test(name);
  if (plain) return `${kind}; filename=${quote(name)}`;
  return `${kind}; filename=${quote(asciiFallback(name))}; filename*=UTF-8''${encodeRfc8187(name)}`;
}
