/**
 * Paths of a multi-file share as recipients use them (pure, no I/O): the folder a page shows, and
 * a path as a ZIP entry name.
 */

/** "a/b/" for "a/b", "" for the top; a folder is only ever a prefix of paths, so nothing else needs checking. */
export function normalizeFolder(dir: string | null | undefined): string {
  const parts = (dir ?? "").split("/").filter((part) => part !== "");
  return parts.length ? `${parts.join("/")}/` : "";
}

/**
 * A path as a ZIP entry name that every unzip tool takes and that cannot land outside the folder it
 * is unpacked in: "/" the only separator (a backslash is one too), no empty, "." or ".." segments,
 * no leading "/", no drive letter ("C:" becomes "C_").
 */
export function zipEntryName(path: string): string {
  const parts = path
    .replaceAll("\\", "/")
    .split("/")
    .filter((part) => part !== "" && part !== "." && part !== "..");
  if (parts[0] && /^[a-zA-Z]:/.test(parts[0])) parts[0] = `${parts[0][0]}_${parts[0].slice(2)}`;
  return parts.join("/") || "file";
}

/** True when an unzip tool takes the name as a relative file inside the folder (what zipEntryName makes). */
export function isSafeZipEntryName(name: string): boolean {
  if (name === "" || name.includes("\\") || name.startsWith("/") || /^[a-zA-Z]:/.test(name)) return false;
  return name.split("/").every((part) => part !== "" && part !== "." && part !== "..");
}

/** "name (2).ext": the suffix goes before the extension, so the file still opens with the same program. */
function numbered(name: string, n: number): string {
  const slash = name.lastIndexOf("/");
  const base = name.slice(slash + 1);
  const dot = base.lastIndexOf(".");
  const [stem, ext] = dot > 0 ? [base.slice(0, dot), base.slice(dot)] : [base, ""];
  return `${name.slice(0, slash + 1)}${stem} (${n})${ext}`;
}

/**
 * The entry names of a ZIP, one per path in the same order: safe (zipEntryName) and unique, also
 * ignoring case (case-insensitive disks would overwrite one with the other) and never the name of
 * a folder another entry lies in. A collision gets " (2)", " (3)"… before the extension. Throws
 * when a name would still be refused by an unzip tool: called before the download is counted.
 */
export function zipEntryNames(paths: readonly string[]): string[] {
  const names = paths.map(zipEntryName);
  const folders = new Set<string>();
  for (const name of names) {
    const parts = name.split("/");
    for (let i = 1; i < parts.length; i++) folders.add(parts.slice(0, i).join("/").toLowerCase());
  }
  const taken = new Set<string>();
  return names.map((name) => {
    let candidate = name;
    for (let n = 2; taken.has(candidate.toLowerCase()) || folders.has(candidate.toLowerCase()); n++) candidate = numbered(name, n);
    if (!isSafeZipEntryName(candidate)) throw new Error("a ZIP entry name could not be made safe");
    taken.add(candidate.toLowerCase());
    return candidate;
  });
}

/** What a multi-file share is called: the owner's title, else its file count. */
export function shareTitle(link: { title: string | null; fileCount: number | null }): string {
  return link.title || `${link.fileCount ?? 0} files`;
}
