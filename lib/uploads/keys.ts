import { isCleanFolder } from "@/lib/auth/permissions";

/**
 * Object keys of uploads, chosen by the server: the browser's relative path ("a.pdf", or
 * "photos/2026/a.jpg" for a dropped folder) only names segments under the current folder, each
 * one cleaned here. Never "." or "..", never empty, no control characters, no "/" or "\" inside a
 * name, at most 255 UTF-8 bytes, Unicode NFC (so names that differ only in Unicode form are one
 * key; names that differ in case stay two keys, as S3 keys are case-sensitive).
 */

/** Bytes of one segment (the limit of most file systems, so a download keeps its name). */
export const MAX_SEGMENT_BYTES = 255;
/** S3's limit on a key. */
export const MAX_KEY_BYTES = 1024;

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
/**
 * Bidi controls (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069) and invisible characters (U+200B, U+2060,
 * U+FEFF): "invoice\u202Efdp.exe" would show as "invoiceexe.pdf". ZWNJ and ZWJ (U+200C, U+200D) stay: emoji and
 * scripts need them.
 */
const INVISIBLE = /[\u061c\u200b\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]/g;
const SEPARATOR = /[/\\]/g;

/** A name (a file's, an uploader's) without bidi controls and invisible characters (INVISIBLE). */
export const stripInvisible = (text: string): string => text.replace(INVISIBLE, "");

const utf8Length = (text: string) => Buffer.byteLength(text, "utf8");

/** The longest start of `text` within `bytes` UTF-8 bytes, never cutting a character in two. */
function truncateBytes(text: string, bytes: number): string {
  if (utf8Length(text) <= bytes) return text;
  let out = "";
  let used = 0;
  for (const char of text) {
    const size = utf8Length(char);
    if (used + size > bytes) break;
    out += char;
    used += size;
  }
  return out;
}

/** Splits "report.final.pdf" into "report.final" and ".pdf"; a leading dot (".env") is part of the name. */
export function splitExtension(name: string): { stem: string; extension: string } {
  const dot = name.lastIndexOf(".");
  if (dot <= 0 || dot === name.length - 1) return { stem: name, extension: "" };
  return { stem: name.slice(0, dot), extension: name.slice(dot) };
}

/** A name cut to `bytes`, keeping its extension when the extension is short enough to keep. */
function fitName(name: string, bytes: number): string {
  if (utf8Length(name) <= bytes) return name;
  const { stem, extension } = splitExtension(name);
  if (extension && utf8Length(extension) <= 32) return truncateBytes(stem, bytes - utf8Length(extension)).trimEnd() + extension;
  return truncateBytes(name, bytes).trimEnd();
}

/**
 * One name segment, cleaned: NFC, control, bidi and invisible characters dropped, "/" and "\" turned into "_",
 * surrounding spaces trimmed, cut to 255 bytes (keeping the extension). "", "." and ".." give
 * null: such a segment names no file.
 */
export function cleanSegment(raw: string): string | null {
  const name = raw.normalize("NFC").replace(CONTROL, "").replace(INVISIBLE, "").replace(SEPARATOR, "_").trim();
  if (name === "" || name === "." || name === "..") return null;
  const fitted = fitName(name, MAX_SEGMENT_BYTES);
  return fitted === "" || fitted === "." || fitted === ".." ? null : fitted;
}

export class UnusableNameError extends Error {
  override name = "UnusableNameError";
}

/**
 * The key a relative path lands on under `prefix` ("" or a clean folder ending in "/"). Empty, "."
 * and ".." segments are dropped (so "../../etc/passwd" lands on "<prefix>etc/passwd", inside the
 * folder); a path with no name left, or a key over 1024 bytes, is refused.
 */
export function keyForPath(prefix: string, path: string): string {
  if (!isCleanFolder(prefix)) throw new UnusableNameError("The folder is not one Bucketshare can upload into.");
  const segments = path
    .replace(/\\/g, "/")
    .split("/")
    .map(cleanSegment)
    .filter((s): s is string => s !== null);
  if (segments.length === 0) throw new UnusableNameError("The file has no usable name.");
  const key = prefix + segments.join("/");
  if (utf8Length(key) > MAX_KEY_BYTES) throw new UnusableNameError(`The path is too long: a key holds at most ${MAX_KEY_BYTES} bytes.`);
  return key;
}

/** The key of a new folder `name` under `prefix`: its marker "…/name/". */
export function folderKey(prefix: string, name: string): string {
  if (!isCleanFolder(prefix)) throw new UnusableNameError("The folder is not one Bucketshare can make a folder in.");
  const segment = cleanSegment(name);
  if (segment === null) throw new UnusableNameError("Give the folder a name.");
  const key = `${prefix}${segment}/`;
  if (utf8Length(key) > MAX_KEY_BYTES) throw new UnusableNameError(`The name is too long: a key holds at most ${MAX_KEY_BYTES} bytes.`);
  return key;
}

/** "Keep both": the n-th other name of a key, "dir/name (n).ext" (still at most 255 bytes a segment). */
export function keepBothKey(key: string, n: number): string {
  const slash = key.lastIndexOf("/");
  const folder = key.slice(0, slash + 1);
  const { stem, extension } = splitExtension(key.slice(slash + 1));
  const suffix = ` (${n})${extension}`;
  return `${folder}${truncateBytes(stem, MAX_SEGMENT_BYTES - utf8Length(suffix)).trimEnd()}${suffix}`;
}
