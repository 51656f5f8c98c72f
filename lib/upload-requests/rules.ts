import { formatBytes } from "@/lib/format";

/**
 * An upload request's limits as the uploader meets them (pure, shared by the page, its client component and the
 * server): the limits in words ("Up to 10 files, 1 GB each, 5 GB in all; PDF or images"), and the check of a
 * picked file against them before its first byte (its name and the type the browser says). The server checks the
 * same again when the upload begins, reserves the slot (lib/uploads/store.ts), and checks the bytes themselves
 * once the upload is complete (acceptUploadedType).
 */

export type RequestLimits = {
  maxFiles: number;
  maxFileSize: number;
  maxTotalSize: number;
  /** Extensions (".pdf", "pdf") and MIME families ("image/*") or types ("application/pdf"); empty = any type. */
  allowedTypes: readonly string[];
};

const FAMILY_WORDS: Record<string, string> = {
  image: "images",
  video: "videos",
  audio: "audio",
  text: "text files",
  font: "fonts",
  model: "3D models",
};

const TYPE_WORDS: Record<string, string> = {
  "application/pdf": "PDF",
  "application/zip": "ZIP",
  "application/json": "JSON",
  "text/csv": "CSV",
  "text/plain": "plain text",
};

/** One "Allowed file types" entry in words: "pdf" → "PDF", "image/*" → "images". */
export function typeInWords(rule: string): string {
  const entry = rule.trim().toLowerCase();
  if (entry.endsWith("/*")) return FAMILY_WORDS[entry.slice(0, -2)] ?? `${entry.slice(0, -2)} files`;
  if (entry.includes("/")) return TYPE_WORDS[entry] ?? entry;
  return entry.replace(/^\./, "").toUpperCase();
}

/** "A", "A or B", "A, B or C". */
function orList(words: readonly string[]): string {
  if (words.length <= 1) return words[0] ?? "";
  return `${words.slice(0, -1).join(", ")} or ${words.at(-1)}`;
}

/** The allowed types in words ("PDF or images"), or null when any type is allowed. */
export function allowedTypesInWords(allowed: readonly string[]): string | null {
  const words = [...new Set(allowed.filter((rule) => rule.trim() !== "").map(typeInWords))];
  return words.length === 0 ? null : orList(words);
}

/** "Up to 10 files, 1 GB each, 5 GB in all; PDF or images". */
export function limitsInWords(limits: RequestLimits): string {
  const parts =
    limits.maxFiles === 1
      ? [`Up to 1 file of ${formatBytes(Math.min(limits.maxFileSize, limits.maxTotalSize))}`]
      : [`Up to ${limits.maxFiles} files`, `${formatBytes(limits.maxFileSize)} each`];
  if (limits.maxFiles > 1 && limits.maxTotalSize < limits.maxFileSize * limits.maxFiles) parts.push(`${formatBytes(limits.maxTotalSize)} in all`);
  const types = allowedTypesInWords(limits.allowedTypes);
  return `${parts.join(", ")}${types ? `; ${types}` : ""}`;
}

/** Common extensions and their media types, for files whose browser gave no type and for text formats. */
const EXTENSION_TYPES: Record<string, string> = {
  txt: "text/plain",
  text: "text/plain",
  log: "text/plain",
  md: "text/markdown",
  markdown: "text/markdown",
  csv: "text/csv",
  tsv: "text/tab-separated-values",
  json: "application/json",
  xml: "application/xml",
  yaml: "application/yaml",
  yml: "application/yaml",
  html: "text/html",
  htm: "text/html",
  css: "text/css",
  svg: "image/svg+xml",
  ics: "text/calendar",
  vcf: "text/vcard",
  srt: "text/plain",
  vtt: "text/vtt",
  pdf: "application/pdf",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  png: "image/png",
  gif: "image/gif",
  webp: "image/webp",
  heic: "image/heic",
  tif: "image/tiff",
  tiff: "image/tiff",
  mp4: "video/mp4",
  mov: "video/quicktime",
  mp3: "audio/mpeg",
  wav: "audio/wav",
  zip: "application/zip",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  pptx: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
};

/**
 * Text formats file-type cannot recognise from their first bytes (they have no magic number): such a file is
 * accepted after the upload when its extension is allowed and its first bytes are text (acceptUploadedType).
 */
export const TEXT_EXTENSIONS: ReadonlySet<string> = new Set([
  "txt",
  "text",
  "log",
  "md",
  "markdown",
  "csv",
  "tsv",
  "json",
  "xml",
  "yaml",
  "yml",
  "svg",
  "ics",
  "vcf",
  "srt",
  "vtt",
]);

/** The lower-case extension of a file name ("Report.PDF" → "pdf"), or "". */
export function extensionOf(name: string): string {
  const base = name.slice(name.lastIndexOf("/") + 1);
  const dot = base.lastIndexOf(".");
  return dot <= 0 || dot === base.length - 1 ? "" : base.slice(dot + 1).toLowerCase();
}

/**
 * Types a browser runs when it opens them from the storage's own origin (a direct link): HTML, XHTML, SVG, XML (and
 * its XSLT), JavaScript, Flash. A request's file of such a type is stored as application/octet-stream (a download),
 * and a MIME family ("image/*", "text/*") never covers one: only the extension (".svg") or the exact type listed does.
 */
export function isActiveType(mime: string): boolean {
  const type = mime.split(";")[0]!.trim().toLowerCase();
  return (
    /^(text|application)\/(x-)?(html|xhtml\+xml|xml|xslt?\+xml|javascript|ecmascript|x-javascript|jscript|vbscript)$/.test(type) ||
    type.endsWith("+xml") ||
    type === "text/xml" ||
    type === "image/svg+xml" ||
    type === "application/x-shockwave-flash"
  );
}

/** Extensions of active content (isActiveType) whose usual type is not in EXTENSION_TYPES. */
const ACTIVE_EXTENSIONS: ReadonlySet<string> = new Set([
  "html",
  "htm",
  "shtml",
  "xhtml",
  "xht",
  "svg",
  "svgz",
  "xml",
  "xsl",
  "xslt",
  "js",
  "mjs",
  "cjs",
  "swf",
  "mht",
  "mhtml",
]);

/**
 * The Content-Type a request's file is stored with: the usual type of its extension (never the type the browser
 * claims), or of the type detected from its bytes when the extension says nothing; application/octet-stream for
 * active content (HTML, SVG, XML, scripts: isActiveType) and for what is not known.
 */
export function requestStoredType(name: string, detectedMime?: string | null): string {
  const ext = extensionOf(name);
  if (ACTIVE_EXTENSIONS.has(ext)) return "application/octet-stream";
  const type = EXTENSION_TYPES[ext] ?? (detectedMime ?? "").split(";")[0]!.trim().toLowerCase();
  return type === "" || isActiveType(type) ? "application/octet-stream" : type;
}

/** Whether a type (extension and media type, either may be "") matches one of the rules. */
export function matchesRules(allowed: readonly string[], ext: string, mime: string): boolean {
  const type = mime.split(";")[0]!.trim().toLowerCase();
  return allowed.some((entry) => {
    const rule = entry.trim().toLowerCase();
    if (rule === "") return false;
    // "image/*" does not take an SVG (nor "text/*" an HTML page): active content only when listed by itself.
    if (rule.endsWith("/*")) return type !== "" && type.startsWith(rule.slice(0, -1)) && !isActiveType(type) && !ACTIVE_EXTENSIONS.has(ext);
    if (rule.includes("/")) return type === rule;
    return ext !== "" && ext === rule.replace(/^\./, "");
  });
}

/**
 * Whether a file's name (and the type the browser claims, else the usual type of its extension) is among the
 * allowed types. Only a first look: the bytes decide after the upload.
 */
export function nameAllowed(allowed: readonly string[], name: string, browserType: string): boolean {
  if (allowed.length === 0) return true;
  const ext = extensionOf(name);
  return matchesRules(allowed, ext, browserType) || matchesRules(allowed, ext, EXTENSION_TYPES[ext] ?? "");
}

/** Why a picked file cannot be sent, before its first byte (null when it may be). */
export function precheckFile(limits: RequestLimits, file: { name: string; size: number; type: string }): string | null {
  if (file.size > limits.maxFileSize) return `This file is larger than ${formatBytes(limits.maxFileSize)}, the most this request takes for one file.`;
  if (file.size > limits.maxTotalSize) return `This file is larger than ${formatBytes(limits.maxTotalSize)}, the most this request takes in all.`;
  if (!nameAllowed(limits.allowedTypes, file.name, file.type)) {
    return `This request takes only ${allowedTypesInWords(limits.allowedTypes)}; this file is not one of them.`;
  }
  return null;
}

/** Whether the first bytes of a file read as text: no NUL byte, and valid UTF-8 (a cut last character allowed). */
export function looksLikeText(bytes: Uint8Array): boolean {
  if (bytes.includes(0)) return false;
  // A character cut at the end of the sample is not an error: drop up to 3 trailing bytes of an unfinished sequence.
  for (let cut = 0; cut <= Math.min(3, bytes.length); cut++) {
    try {
      new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(0, bytes.length - cut));
      return true;
    } catch {
      // try with one byte fewer
    }
  }
  return false;
}
