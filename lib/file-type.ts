import type { MessageKey, MessageValues, Translate } from "@/lib/i18n";
import { GENERIC_TYPES, mediaTypeEssence } from "@/lib/storage/preview";

/**
 * What kind of file a recipient is given, in words ("PDF document", "PNG image", "Text file", "ZIP archive",
 * "<EXT> file", else "File") and as an icon, from its stored type and its name. A specific stored type wins;
 * a generic one (application/octet-stream) leaves it to the extension. Never the raw type or "Unknown".
 */

export type FileIcon = "pdf" | "image" | "text" | "audio" | "video" | "archive" | "code" | "document" | "spreadsheet" | "presentation" | "file" | "folder";

export type FileTypeDescription = { icon: FileIcon; message: MessageKey; values?: MessageValues };

type Entry = readonly [FileIcon, MessageKey, string?];

const IMAGE = (label: string): Entry => ["image", "type.extImage", label];
const AUDIO = (label: string): Entry => ["audio", "type.extAudio", label];
const VIDEO = (label: string): Entry => ["video", "type.extVideo", label];
const ARCHIVE = (label: string): Entry => ["archive", "type.archive", label];
const CODE = (label: string): Entry => ["code", "type.code", label];

const BY_EXTENSION: Record<string, Entry> = {
  pdf: ["pdf", "type.pdf"],
  png: IMAGE("PNG"),
  jpg: IMAGE("JPEG"),
  jpeg: IMAGE("JPEG"),
  gif: IMAGE("GIF"),
  webp: IMAGE("WebP"),
  avif: IMAGE("AVIF"),
  heic: IMAGE("HEIC"),
  bmp: IMAGE("BMP"),
  tif: IMAGE("TIFF"),
  tiff: IMAGE("TIFF"),
  svg: IMAGE("SVG"),
  ico: IMAGE("ICO"),
  txt: ["text", "type.text"],
  log: ["text", "type.text"],
  md: ["text", "type.markdown"],
  csv: ["spreadsheet", "type.csv"],
  tsv: ["spreadsheet", "type.csv"],
  json: ["code", "type.json"],
  html: ["code", "type.html"],
  htm: ["code", "type.html"],
  mp3: AUDIO("MP3"),
  wav: AUDIO("WAV"),
  ogg: AUDIO("Ogg"),
  oga: AUDIO("Ogg"),
  flac: AUDIO("FLAC"),
  m4a: AUDIO("M4A"),
  aac: AUDIO("AAC"),
  opus: AUDIO("Opus"),
  mp4: VIDEO("MP4"),
  m4v: VIDEO("MP4"),
  webm: VIDEO("WebM"),
  mov: VIDEO("QuickTime"),
  mkv: VIDEO("MKV"),
  avi: VIDEO("AVI"),
  ogv: VIDEO("Ogg"),
  zip: ARCHIVE("ZIP"),
  gz: ARCHIVE("GZIP"),
  tgz: ARCHIVE("TAR.GZ"),
  tar: ARCHIVE("TAR"),
  bz2: ARCHIVE("BZIP2"),
  xz: ARCHIVE("XZ"),
  "7z": ARCHIVE("7-Zip"),
  rar: ARCHIVE("RAR"),
  doc: ["document", "type.word"],
  docx: ["document", "type.word"],
  rtf: ["document", "type.extFile", "RTF"],
  odt: ["document", "type.odt"],
  xls: ["spreadsheet", "type.excel"],
  xlsx: ["spreadsheet", "type.excel"],
  ods: ["spreadsheet", "type.ods"],
  ppt: ["presentation", "type.powerpoint"],
  pptx: ["presentation", "type.powerpoint"],
  odp: ["presentation", "type.odp"],
  ttf: ["file", "type.font"],
  otf: ["file", "type.font"],
  woff: ["file", "type.font"],
  woff2: ["file", "type.font"],
  iso: ["archive", "type.diskImage"],
  dmg: ["archive", "type.diskImage"],
  js: CODE("JavaScript"),
  mjs: CODE("JavaScript"),
  ts: CODE("TypeScript"),
  tsx: CODE("TypeScript"),
  py: CODE("Python"),
  go: CODE("Go"),
  rs: CODE("Rust"),
  java: CODE("Java"),
  c: CODE("C"),
  h: CODE("C"),
  cpp: CODE("C++"),
  rb: CODE("Ruby"),
  php: CODE("PHP"),
  sh: CODE("Shell"),
  css: CODE("CSS"),
  sql: CODE("SQL"),
  xml: ["code", "type.extFile", "XML"],
  yml: ["code", "type.extFile", "YAML"],
  yaml: ["code", "type.extFile", "YAML"],
};

/** Stored types and the extension whose entry they mean. */
const BY_TYPE: Record<string, string> = {
  "application/pdf": "pdf",
  "image/png": "png",
  "image/jpeg": "jpg",
  "image/pjpeg": "jpg",
  "image/gif": "gif",
  "image/webp": "webp",
  "image/avif": "avif",
  "image/heic": "heic",
  "image/bmp": "bmp",
  "image/tiff": "tiff",
  "image/svg+xml": "svg",
  "image/x-icon": "ico",
  "image/vnd.microsoft.icon": "ico",
  "text/plain": "txt",
  "text/markdown": "md",
  "text/csv": "csv",
  "text/tab-separated-values": "tsv",
  "application/json": "json",
  "text/html": "html",
  "application/xhtml+xml": "html",
  "text/css": "css",
  "text/javascript": "js",
  "application/javascript": "js",
  "application/xml": "xml",
  "text/xml": "xml",
  "application/yaml": "yaml",
  "audio/mpeg": "mp3",
  "audio/mp3": "mp3",
  "audio/wav": "wav",
  "audio/x-wav": "wav",
  "audio/ogg": "ogg",
  "audio/flac": "flac",
  "audio/mp4": "m4a",
  "audio/aac": "aac",
  "audio/opus": "opus",
  "video/mp4": "mp4",
  "video/webm": "webm",
  "video/quicktime": "mov",
  "video/x-matroska": "mkv",
  "video/ogg": "ogv",
  "application/zip": "zip",
  "application/x-zip-compressed": "zip",
  "application/gzip": "gz",
  "application/x-gzip": "gz",
  "application/x-tar": "tar",
  "application/x-bzip2": "bz2",
  "application/x-xz": "xz",
  "application/x-7z-compressed": "7z",
  "application/vnd.rar": "rar",
  "application/x-rar-compressed": "rar",
  "application/msword": "doc",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
  "application/rtf": "rtf",
  "application/vnd.oasis.opendocument.text": "odt",
  "application/vnd.ms-excel": "xls",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
  "application/vnd.oasis.opendocument.spreadsheet": "ods",
  "application/vnd.ms-powerpoint": "ppt",
  "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
  "application/vnd.oasis.opendocument.presentation": "odp",
  "application/x-iso9660-image": "iso",
};

function described([icon, message, label]: Entry): FileTypeDescription {
  return label === undefined ? { icon, message } : { icon, message, values: { ext: label } };
}

/** The name's extension, lower case, when it looks like one ("report.final.PDF" → "pdf"; "README" → null). */
function extensionOf(fileName: string): string | null {
  const match = /\.([a-z0-9]{1,8})$/i.exec(fileName.split("/").pop() ?? "");
  return match && match.index > 0 ? match[1]!.toLowerCase() : null;
}

export function describeFileType(fileName: string, contentType: string | null | undefined): FileTypeDescription {
  const essence = mediaTypeEssence(contentType);
  const extension = extensionOf(fileName);
  if (!GENERIC_TYPES.has(essence)) {
    const known = BY_TYPE[essence];
    if (known) return described(BY_EXTENSION[known]!);
    if (essence.startsWith("font/")) return { icon: "file", message: "type.font" };
  }
  if (extension && BY_EXTENSION[extension]) return described(BY_EXTENSION[extension]!);
  const family = essence.split("/")[0];
  if (family === "image") return { icon: "image", message: "type.image" };
  if (family === "audio") return { icon: "audio", message: "type.audio" };
  if (family === "video") return { icon: "video", message: "type.video" };
  if (family === "text") return { icon: "text", message: "type.text" };
  if (extension && /[a-z]/.test(extension)) return { icon: "file", message: "type.extFile", values: { ext: extension.toUpperCase() } };
  return { icon: "file", message: "type.file" };
}

/** "PDF document", "Document PDF", "PDF-Dokument"… */
export function humanType(t: Translate, fileName: string, contentType: string | null | undefined): string {
  const type = describeFileType(fileName, contentType);
  return t(type.message, type.values);
}
