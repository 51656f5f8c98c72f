/**
 * Rules every text a caller sends follows, whichever door it comes through (a server action's form
 * or the API's JSON): one copy, so the two cannot drift apart.
 */

/** A server action's words for a field holding U+0000. */
export const NUL_MESSAGE = "Remove the invisible control character (NUL) that came with this text: it cannot be saved. Check the field and submit again.";
/** The API's words for the same (a developer reads them, so the escape is named). */
export const API_NUL_MESSAGE = "Remove the NUL character (\\u0000): no text here may hold it.";

/**
 * Passwords are only ever hashed, never stored or compared as text by PostgreSQL: one set with a
 * NUL (before the refusal existed) must keep working.
 */
export function isNulExempt(field: string): boolean {
  return /password/i.test(field);
}

/**
 * PostgreSQL cannot store U+0000 in text (22021), and any text field may end up in a row or a
 * query: the dotted paths of every string holding one, at any depth (a few levels), password
 * fields left out. Empty when there is none.
 */
export function nulCharacterPaths(value: unknown, path: string[] = [], depth = 0): string[] {
  if (typeof value === "string") return value.includes("\u0000") ? [path.join(".")] : [];
  if (depth > 8 || value === null || typeof value !== "object" || value instanceof Blob) return [];
  return Object.entries(value).flatMap(([key, item]) => (isNulExempt(key) ? [] : nulCharacterPaths(item, [...path, key], depth + 1)));
}

/**
 * Whether a key has a "." or ".." segment ("dots/../up.txt"). Browsers and every other URL client
 * remove such segments (percent-encoded too) before sending, so no presigned URL can reach the
 * object: it can be browsed here, but not previewed from or shared by a link.
 */
export function keyHasDotSegment(key: string): boolean {
  return key.split("/").some((segment) => segment === "." || segment === "..");
}

/** Why a link to this key cannot work (one object). */
export const DOT_SEGMENT_MESSAGE =
  "This object's key has a “.” or “..” folder segment, which browsers remove from every link, so a link to it cannot work. Copy or rename the object to a key without one, then share that.";

/** The same, for one key among several (a multi-file share). */
export function dotSegmentMessageFor(key: string): string {
  return `“${key}” has a “.” or “..” folder segment, which browsers remove from every link, so it cannot be shared. Rename it or leave it out; no link was created.`;
}
