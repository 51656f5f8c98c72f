import "server-only";
import { createHash } from "node:crypto";
import { AppError } from "@/lib/errors";

/**
 * Appearance logos. Every upload is decoded and re-encoded as a PNG of at most 256×256 (fit inside, alpha kept), so
 * what recipients are served is always a plain raster image made here: an SVG is rasterised (no script, no links, no
 * styles survive), a GIF keeps its first frame, metadata is dropped. Anything the decoder cannot read is refused.
 */

/** The largest upload accepted, in bytes. */
export const MAX_LOGO_BYTES = 512 * 1024;
/** The largest image accepted, in pixels (width × height), decoded or, for an SVG, as drawn. */
export const MAX_LOGO_PIXELS = 4096 * 4096;
/** The re-encoded logo fits inside this square. */
export const LOGO_SIZE = 256;

export const LOGO_TYPES_MESSAGE = "Logo must be a PNG, JPEG, WebP, GIF or SVG image.";
export const LOGO_TOO_LARGE_MESSAGE = "Logo must be at most 512 KiB. Save a smaller file (256 × 256 pixels is plenty) and try again.";
export const LOGO_SVG_REFERENCES_MESSAGE =
  "SVG logos cannot embed or link to other images or files (an <image>, a data: URL, a link or an entity). Export the logo as PNG and try again.";
export const LOGO_TOO_SLOW_MESSAGE = "Logo took too long to draw. Export it as PNG and try again.";
export const LOGO_TOO_MANY_PIXELS_MESSAGE = "Logo is too large in pixels: at most 4096 × 4096. Save a smaller image and try again.";

const ACCEPTED_FORMATS = new Set(["png", "jpeg", "webp", "gif", "svg"]);

export type EncodedLogo = { png: Buffer; sha256: string };

/** How long decoding and re-encoding one logo may take before it is refused. */
const PIPELINE_SECONDS = 5;

/**
 * Whether an SVG (or any text upload) pulls in something else: an embedded or linked image (<image>, <feImage>,
 * <foreignObject>), a data: URL, an href or src that is not a fragment of the same file, a url() that is not one,
 * a stylesheet import, or a DTD entity. The re-encoder would not fetch most of these, but a logo is refused rather
 * than trusted to the decoder's choices.
 */
function svgReferencesOthers(upload: Uint8Array): boolean {
  const text = new TextDecoder("utf-8").decode(upload);
  if (!/^\uFEFF?\s*</.test(text)) return false; // PNG, JPEG, GIF and WebP start with binary signatures
  if (text.includes("\u0000")) return true; // not UTF-8 text: its content cannot be checked
  return (
    /<([\w-]+:)?(image|feImage|foreignObject)\b/i.test(text) ||
    /data:/i.test(text) ||
    /\b(href|src)\s*=\s*["']?\s*(?!#)[^\s"'>]/i.test(text) ||
    /url\(\s*["']?\s*(?!#)/i.test(text) ||
    /@import/i.test(text) ||
    /<!ENTITY/i.test(text)
  );
}

function refuse(message: string, cause?: unknown): never {
  throw new AppError("invalid", message, { reason: "unusable_logo", field: "logo", cause });
}

/** Decodes an uploaded logo and re-encodes it as PNG, or refuses it (AppError "unusable_logo" at the field "logo"). */
export async function reencodeLogo(upload: Uint8Array): Promise<EncodedLogo> {
  if (upload.byteLength > MAX_LOGO_BYTES) refuse(LOGO_TOO_LARGE_MESSAGE);
  if (upload.byteLength === 0) refuse(LOGO_TYPES_MESSAGE);
  if (svgReferencesOthers(upload)) refuse(LOGO_SVG_REFERENCES_MESSAGE);
  const options = { limitInputPixels: MAX_LOGO_PIXELS, failOn: "error" as const, animated: false };
  // Loaded here, not at the top: only saving a logo needs libvips (see lib/appearance/logo-path.ts).
  const { default: sharp } = await import("sharp");
  let format: string | undefined;
  let pixels = 0;
  let longest = 0;
  try {
    const metadata = await sharp(upload, options).metadata();
    format = metadata.format;
    pixels = (metadata.width ?? 0) * (metadata.height ?? 0);
    longest = Math.max(metadata.width ?? 0, metadata.height ?? 0);
  } catch (error) {
    if (/pixel limit/i.test(String(error))) refuse(LOGO_TOO_MANY_PIXELS_MESSAGE, error);
    refuse(LOGO_TYPES_MESSAGE, error);
  }
  if (!format || !ACCEPTED_FORMATS.has(format)) refuse(LOGO_TYPES_MESSAGE);
  if (pixels === 0) refuse(LOGO_TYPES_MESSAGE);
  if (pixels > MAX_LOGO_PIXELS) refuse(LOGO_TOO_MANY_PIXELS_MESSAGE);
  // A small SVG (an icon drawn at 24×24, say) is drawn at 256 pixels rather than enlarged afterwards.
  const density = format === "svg" && longest < LOGO_SIZE ? Math.ceil((72 * LOGO_SIZE) / longest) : undefined;
  let png: Buffer;
  try {
    png = await sharp(upload, { ...options, ...(density ? { density } : {}) })
      .timeout({ seconds: PIPELINE_SECONDS })
      .rotate()
      .resize(LOGO_SIZE, LOGO_SIZE, { fit: "inside", withoutEnlargement: true })
      .ensureAlpha()
      .png({ compressionLevel: 9 })
      .toBuffer();
  } catch (error) {
    if (/pixel limit/i.test(String(error))) refuse(LOGO_TOO_MANY_PIXELS_MESSAGE, error);
    if (/timeout/i.test(String(error))) refuse(LOGO_TOO_SLOW_MESSAGE, error);
    refuse(LOGO_TYPES_MESSAGE, error);
  }
  return { png, sha256: createHash("sha256").update(png).digest("hex") };
}
