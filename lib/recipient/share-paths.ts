/**
 * Paths of a multi-file share as recipients use them (pure, no I/O): the folder a page shows, and
 * a path as a ZIP entry name.
 */

/** "a/b/" for "a/b", "" for the top; a folder is only ever a prefix of paths, so nothing else needs checking. */
export function normalizeFolder(dir: string | null | undefined): string {
  const parts = (dir ?? "").split("/").filter((part) => part !== "");
  return parts.length ? `${parts.join("/")}/` : "";
}

/** Windows device names: such a file cannot be created there, with or without an extension (CON, nul.txt, Com1.tar.gz). */
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com[1-9]|lpt[1-9])(?= *(\.|$))/i;

/** One part of an entry name as it would be created on Windows: trailing dots and spaces dropped. */
const windowsPart = (part: string) => part.replace(/[. ]+$/, "");

/**
 * A path as a ZIP entry name that every unzip tool takes and that cannot land outside the folder it
 * is unpacked in: "/" the only separator (a backslash is one too), no empty, "." or ".." segments,
 * no leading "/". Windows drops trailing dots and spaces (".. " would become ".."), so they go
 * first; a colon (a drive letter, an NTFS stream) becomes "_", and a device name gets "_" after it
 * ("CON" is "CON_", "nul.txt" is "nul_.txt"). Unicode in the composed form (NFC), as most disks
 * keep it.
 */
export function zipEntryName(path: string): string {
  const parts = path
    .normalize("NFC")
    .replaceAll("\\", "/")
    .split("/")
    .map(windowsPart)
    .filter((part) => part !== "")
    .map((part) => part.replaceAll(":", "_").replace(WINDOWS_DEVICE, "$1_"));
  return parts.join("/") || "file";
}

/** True when an unzip tool takes the name as a relative file inside the folder, on any disk (what zipEntryName makes). */
export function isSafeZipEntryName(name: string): boolean {
  if (name === "" || name.includes("\\") || name.includes(":") || name.startsWith("/")) return false;
  return name.split("/").every((part) => part !== "" && windowsPart(part) === part && !WINDOWS_DEVICE.test(part));
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
 * ignoring case and Unicode form (case-insensitive or normalizing disks would overwrite one with
 * the other: names are compared in NFC, lower case) and never the name of
 * a folder another entry lies in. A collision gets " (2)", " (3)"… before the extension. Throws
 * when a name would still be refused by an unzip tool: called before the download is counted.
 */
export function zipEntryNames(paths: readonly string[]): string[] {
  const names = paths.map(zipEntryName);
  const key = (name: string) => name.toLowerCase().normalize("NFC");
  const folders = new Set<string>();
  for (const name of names) {
    const parts = name.split("/");
    for (let i = 1; i < parts.length; i++) folders.add(key(parts.slice(0, i).join("/")));
  }
  const taken = new Set<string>();
  return names.map((name) => {
    let candidate = name;
    for (let n = 2; taken.has(key(candidate)) || folders.has(key(candidate)); n++) candidate = numbered(name, n);
    if (!isSafeZipEntryName(candidate)) throw new Error("a ZIP entry name could not be made safe");
    taken.add(key(candidate));
    return candidate;
  });
}

/** What a multi-file share is called: the owner's title, else its file count. */
export function shareTitle(link: { title: string | null; fileCount: number | null }): string {
  return link.title || `${link.fileCount ?? 0} files`;
}
