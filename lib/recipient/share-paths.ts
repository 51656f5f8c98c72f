/**
 * Paths of a multi-file share as recipients use them (pure, no I/O): the folder a page shows, and
 * a path as a ZIP entry name.
 */

/** "a/b/" for "a/b", "" for the top; a folder is only ever a prefix of paths, so nothing else needs checking. */
export function normalizeFolder(dir: string | null | undefined): string {
  const parts = (dir ?? "").split("/").filter((part) => part !== "");
  return parts.length ? `${parts.join("/")}/` : "";
}

/** A path as a ZIP entry name: relative, no empty, "." or ".." segments (nothing can land outside the folder it is unpacked in). */
export function zipEntryName(path: string): string {
  const parts = path.replaceAll("\\", "/").split("/").filter((part) => part !== "" && part !== "." && part !== "..");
  return parts.join("/") || "file";
}
