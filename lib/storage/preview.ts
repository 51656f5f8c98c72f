/**
 * What the details panel may preview, and as which type. A bucket can hold anything, so the
 * preview never lets the browser decide: the presigned preview URL forces the response type of
 * the preview kind (`response-content-type`), and that type is always one the browser renders
 * passively (an image decoder, the PDF viewer, a media player). Text is read on the server and
 * shown as text.
 *
 * - The stored Content-Type is trusted when it names a specific type; the file extension only
 *   when the stored type is empty or generic (application/octet-stream, binary/octet-stream).
 *   So `invoice.pdf` stored as application/xhtml+xml is not a PDF.
 * - Active types (HTML, XHTML, SVG, any XML, JavaScript) get no preview at all.
 */

export type PreviewPlan = { kind: "text" } | { kind: "image" | "pdf" | "audio" | "video"; responseContentType: string } | null;

/** Stored types that say nothing about the content: the extension decides. */
export const GENERIC_TYPES = new Set(["", "application/octet-stream", "binary/octet-stream"]);

/** "Text/HTML; charset=utf-8" → "text/html". */
export function mediaTypeEssence(contentType: string | null | undefined): string {
  return (contentType ?? "").split(";")[0]!.trim().toLowerCase();
}

/** Types a browser runs or renders as a document with scripts (HTML, XHTML, SVG, XML, JavaScript). */
export function isActiveType(contentType: string | null | undefined): boolean {
  const type = mediaTypeEssence(contentType);
  return (
    type === "text/html" ||
    type === "application/xhtml+xml" ||
    type === "image/svg+xml" ||
    type === "text/xml" ||
    type === "application/xml" ||
    type.endsWith("+xml") ||
    type === "text/xsl" ||
    type === "application/xslt+xml" ||
    type === "text/javascript" ||
    type === "application/javascript" ||
    type === "application/x-javascript" ||
    type === "text/ecmascript" ||
    type === "application/ecmascript" ||
    type === "text/jscript" ||
    type === "application/wasm" ||
    type === "text/cache-manifest" ||
    type === "multipart/x-mixed-replace"
  );
}

/** Raster images every current browser decodes (SVG is not one: it is a document). */
const IMAGE_TYPES = new Set(["image/png", "image/jpeg", "image/gif", "image/webp", "image/avif", "image/bmp", "image/x-icon", "image/vnd.microsoft.icon"]);
const MEDIA_TYPE = /^(audio|video)\/[a-z0-9][a-z0-9.+-]{0,60}$/;
/** Shown as text in a <pre> (read on the server, escaped by React). */
const TEXT_TYPES = new Set(["application/json", "application/x-ndjson", "application/yaml", "application/x-yaml", "application/toml"]);

const BY_EXTENSION: Record<string, PreviewPlan> = {
  png: { kind: "image", responseContentType: "image/png" },
  jpg: { kind: "image", responseContentType: "image/jpeg" },
  jpeg: { kind: "image", responseContentType: "image/jpeg" },
  gif: { kind: "image", responseContentType: "image/gif" },
  webp: { kind: "image", responseContentType: "image/webp" },
  avif: { kind: "image", responseContentType: "image/avif" },
  bmp: { kind: "image", responseContentType: "image/bmp" },
  ico: { kind: "image", responseContentType: "image/x-icon" },
  pdf: { kind: "pdf", responseContentType: "application/pdf" },
  mp3: { kind: "audio", responseContentType: "audio/mpeg" },
  wav: { kind: "audio", responseContentType: "audio/wav" },
  ogg: { kind: "audio", responseContentType: "audio/ogg" },
  opus: { kind: "audio", responseContentType: "audio/ogg" },
  flac: { kind: "audio", responseContentType: "audio/flac" },
  m4a: { kind: "audio", responseContentType: "audio/mp4" },
  aac: { kind: "audio", responseContentType: "audio/aac" },
  mp4: { kind: "video", responseContentType: "video/mp4" },
  m4v: { kind: "video", responseContentType: "video/mp4" },
  webm: { kind: "video", responseContentType: "video/webm" },
  ogv: { kind: "video", responseContentType: "video/ogg" },
  mov: { kind: "video", responseContentType: "video/quicktime" },
  mkv: { kind: "video", responseContentType: "video/x-matroska" },
  txt: { kind: "text" },
  md: { kind: "text" },
  csv: { kind: "text" },
  tsv: { kind: "text" },
  log: { kind: "text" },
  json: { kind: "text" },
  xml: { kind: "text" },
  yml: { kind: "text" },
  yaml: { kind: "text" },
  ini: { kind: "text" },
};

/** The preview for an object of this key and stored Content-Type, or null for none. */
export function previewPlan(key: string, storedContentType: string | null | undefined): PreviewPlan {
  const type = mediaTypeEssence(storedContentType);
  if (isActiveType(type)) return null;
  if (GENERIC_TYPES.has(type)) {
    const extension = key.toLowerCase().match(/\.([a-z0-9]+)$/)?.[1];
    return (extension && BY_EXTENSION[extension]) || null;
  }
  if (IMAGE_TYPES.has(type)) return { kind: "image", responseContentType: type };
  if (type === "application/pdf") return { kind: "pdf", responseContentType: "application/pdf" };
  if (MEDIA_TYPE.test(type)) return { kind: type.startsWith("audio/") ? "audio" : "video", responseContentType: type };
  if (type.startsWith("text/") || TEXT_TYPES.has(type)) return { kind: "text" };
  return null;
}
