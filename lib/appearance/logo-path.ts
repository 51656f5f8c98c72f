/**
 * Where recipients load an appearance logo from. Kept apart from lib/appearance/logo.ts (which re-encodes uploads
 * with sharp) so recipient pages and the logo route never load the image library.
 */

/** The path recipients load a logo from; the hash changes with the logo, so it may be cached for good. */
export function logoPath(sha256: string): string {
  return `/brand/logo/${sha256}.png`;
}

/** The file name in a logo URL ("<64 hex>.png") to its hash, or null for anything else. */
export function logoHashOf(fileName: string): string | null {
  const match = /^([0-9a-f]{64})\.png$/.exec(fileName);
  return match ? match[1]! : null;
}
