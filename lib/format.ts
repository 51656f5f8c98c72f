/** Display formatting shared by server and client components (pure). */

const UNITS = ["B", "KB", "MB", "GB", "TB", "PB"];

/**
 * The number and unit a size is written with: powers of 1024 up to the last of `unitCount` units, rounded to 2
 * digits below 10, 1 below 100, none above (and none for bytes). Shared by formatBytes and the recipient pages'
 * localised formatSize (lib/i18n/format.ts).
 */
export function scaleBytes(bytes: number | bigint, unitCount = UNITS.length): { value: number; digits: number; unit: number } {
  let value = Number(bytes);
  let unit = 0;
  while (value >= 1024 && unit < unitCount - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return { value: Number(value.toFixed(digits)), digits, unit };
}

/** 1536 → "1.5 KB" (powers of 1024, as storage consoles show). */
export function formatBytes(bytes: number | bigint): string {
  const { value, digits, unit } = scaleBytes(bytes);
  return `${value.toFixed(digits).replace(/\.0+$|(\.\d*[1-9])0+$/, "$1")} ${UNITS[unit]}`;
}

const exactFormats = new Map<string, Intl.DateTimeFormat>();

/** "22 Nov 2026, 23:40:00 UTC". Formatters are cached: a listing formats a hundred dates. */
export function formatExactDate(date: Date, timeZone?: string): string {
  const zone = timeZone ?? "";
  let format = exactFormats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "long", timeZone });
    exactFormats.set(zone, format);
  }
  return format.format(date);
}

const shortFormats = new Map<string, Intl.DateTimeFormat>();

/**
 * "6 Dec 2026, 14:05", the signed-in app's one way of writing a moment (with the relative part, see
 * components/ui/relative-time.tsx). In `timeZone`, or the runtime's own zone when none is given.
 */
export function formatDateTime(date: Date, timeZone?: string): string {
  const zone = timeZone ?? "";
  let format = shortFormats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-GB", {
      day: "numeric",
      month: "short",
      year: "numeric",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
      timeZone,
    });
    shortFormats.set(zone, format);
  }
  return format.format(date);
}

export type FileKind = "folder" | "image" | "pdf" | "text" | "audio" | "video" | "archive" | "code" | "file";

const EXTENSIONS: Record<string, FileKind> = {
  png: "image",
  jpg: "image",
  jpeg: "image",
  gif: "image",
  webp: "image",
  avif: "image",
  svg: "image",
  bmp: "image",
  ico: "image",
  pdf: "pdf",
  txt: "text",
  md: "text",
  csv: "text",
  log: "text",
  json: "text",
  xml: "text",
  yml: "text",
  yaml: "text",
  ini: "text",
  tsv: "text",
  mp3: "audio",
  wav: "audio",
  ogg: "audio",
  flac: "audio",
  m4a: "audio",
  aac: "audio",
  opus: "audio",
  mp4: "video",
  webm: "video",
  mov: "video",
  mkv: "video",
  m4v: "video",
  ogv: "video",
  zip: "archive",
  gz: "archive",
  tgz: "archive",
  tar: "archive",
  bz2: "archive",
  xz: "archive",
  "7z": "archive",
  rar: "archive",
  js: "code",
  ts: "code",
  tsx: "code",
  py: "code",
  go: "code",
  rs: "code",
  java: "code",
  c: "code",
  h: "code",
  sh: "code",
  html: "code",
  css: "code",
};

export function fileKind(key: string, contentType?: string | null): FileKind {
  if (contentType) {
    if (contentType.startsWith("image/")) return "image";
    if (contentType === "application/pdf") return "pdf";
    if (contentType.startsWith("audio/")) return "audio";
    if (contentType.startsWith("video/")) return "video";
    if (contentType.startsWith("text/") || contentType === "application/json") return "text";
  }
  const ext = key.toLowerCase().match(/\.([a-z0-9]+)$/)?.[1];
  return (ext && EXTENSIONS[ext]) || "file";
}

/** What the details panel can preview in the browser. SVG is left out: it can carry scripts. */
export function previewKind(key: string, contentType?: string | null): "image" | "pdf" | "text" | "audio" | "video" | null {
  if (contentType === "image/svg+xml" || key.toLowerCase().endsWith(".svg")) return null;
  const kind = fileKind(key, contentType);
  return kind === "image" || kind === "pdf" || kind === "text" || kind === "audio" || kind === "video" ? kind : null;
}
