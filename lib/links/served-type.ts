import { baseName, contentDisposition, type DispositionKind } from "@/lib/links/content-disposition";
import { GENERIC_TYPES, isActiveType, mediaTypeEssence, previewPlan } from "@/lib/storage/preview";

/**
 * The Content-Disposition and Content-Type a managed link's download URL forces
 * (`response-content-disposition`, `response-content-type`), so what the recipient's browser gets
 * never depends on what the object says about itself at download time:
 *
 * - The owner's content-type override wins (issuing refuses an active override shown inline).
 * - An attachment keeps the stored type: the browser saves it, whatever it is.
 * - Inline, the type recorded when the link was made is forced when the browser shows it passively
 *   (an "Always the latest version" link whose object is later replaced by an HTML page still gets
 *   the old, passive type). An active type (HTML, XHTML, SVG, XML, JavaScript) or one the browser
 *   would sniff (none, generic, malformed) is served as a download of application/octet-stream.
 */

export type ServedType = { responseContentDisposition: string; responseContentType?: string };

/** Types the browser does not trust and sniffs instead (Chromium: unknown/unknown, application/unknown, *\/*). */
const SNIFFED_TYPES = new Set(["unknown/unknown", "application/unknown", "*/*"]);

/** A type the browser sniffs rather than trusts: the list above, or a wildcard family such as text/* or *\/plain. */
export function isSniffedType(contentType: string | null | undefined): boolean {
  const type = mediaTypeEssence(contentType);
  const [family, subtype] = type.split("/");
  return SNIFFED_TYPES.has(type) || family === "*" || subtype === "*";
}
/** A media type the browser parses as one (RFC 9110 tokens): anything else is sniffed. */
const MEDIA_TYPE = /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/;

/** The recorded type, when a browser would show it inline without running anything; else null. */
export function passiveInlineType(contentType: string | null | undefined): string | null {
  const type = mediaTypeEssence(contentType);
  if (GENERIC_TYPES.has(type) || isSniffedType(type) || !MEDIA_TYPE.test(type) || isActiveType(type)) return null;
  return type;
}

export function servedType(link: {
  disposition: DispositionKind;
  fileName: string;
  contentTypeOverride: string | null;
  /** The type recorded when the link was made. */
  objectContentType: string | null;
}): ServedType {
  if (link.contentTypeOverride) {
    return { responseContentDisposition: contentDisposition(link.disposition, link.fileName), responseContentType: link.contentTypeOverride };
  }
  if (link.disposition === "attachment") return { responseContentDisposition: contentDisposition("attachment", link.fileName) };
  const passive = passiveInlineType(link.objectContentType);
  if (passive) return { responseContentDisposition: contentDisposition("inline", link.fileName), responseContentType: passive };
  return { responseContentDisposition: contentDisposition("attachment", link.fileName), responseContentType: "application/octet-stream" };
}

type ServedLink = Parameters<typeof servedType>[0];

/** What the recipient's Download gets: the served type, always as an attachment under the link's file name. */
export function savedType(link: ServedLink): ServedType {
  return { ...servedType(link), responseContentDisposition: contentDisposition("attachment", link.fileName) };
}

/**
 * What "Open" gets, or null where the link offers no Open: an inline link whose served type a
 * browser shows without running anything (images, PDF, audio, video, plain text).
 */
export function openedType(link: ServedLink): (ServedType & { responseContentType: string }) | null {
  if (link.disposition !== "inline") return null;
  const served = servedType(link);
  const type = served.responseContentType;
  if (!type || !served.responseContentDisposition.startsWith("inline")) return null;
  if (!openableType(link.fileName, type)) return null;
  return { responseContentDisposition: served.responseContentDisposition, responseContentType: type };
}

/** The type "Open" shows a file of this name and recorded type with (one a browser shows passively and the page could preview), or null. */
export function openableType(fileName: string, contentType: string | null | undefined): string | null {
  const passive = passiveInlineType(contentType);
  return passive && previewPlan(fileName, passive) ? passive : null;
}

/**
 * What "Open" gets for one file of a multi-file share, or null where it offers no Open: the same rule as a
 * single file's (the type recorded in the share's snapshot, passive and previewable), inline under its own name.
 */
export function openedFileType(file: { path: string; contentType: string | null }): (ServedType & { responseContentType: string }) | null {
  const name = baseName(file.path);
  const type = openableType(name, file.contentType);
  return type ? { responseContentDisposition: contentDisposition("inline", name), responseContentType: type } : null;
}
