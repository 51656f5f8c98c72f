/**
 * Resuming an upload request's files after a reload or a dropped connection (pure apart from the Storage it is
 * given, unit-tested). Each file the server began is remembered in localStorage under its fingerprint (the
 * request, the file's name, size and last-modified time): the upload's id and secret, the key Uppy knows it by
 * and the storage's multipart UploadId. When the same file is added again, Uppy is given that multipart upload
 * (file.s3Multipart) and asks the storage which parts it already holds (ListParts), so only the rest is sent.
 */

export type ResumeEntry = {
  /** The upload's id (the app's row) and its secret, which every request about this upload carries. */
  id: string;
  secret: string;
  /** The key Uppy knows the upload by (the app's public key for it, never the object's key). */
  key: string;
  /** The storage's multipart UploadId. */
  uploadId: string;
  name: string;
  size: number;
  lastModified: number;
  /** When the entry was written (entries older than a day are dropped: the server gives abandoned slots back). */
  savedAt: number;
};

export type FileLike = { name: string; size: number; lastModified: number };

const PREFIX = "bucketshare.upload:";
/** The server gives an idle upload's slot back after an hour; a day-old entry is surely gone. */
export const RESUME_MAX_AGE_MS = 24 * 60 * 60 * 1000;

/** The fingerprint of one file for one request: the same file added again after a reload has the same one. */
export function fingerprint(requestKey: string, file: FileLike): string {
  return `${PREFIX}${requestKey}:${file.size}:${file.lastModified}:${file.name}`;
}

type StorageLike = Pick<Storage, "getItem" | "setItem" | "removeItem" | "key" | "length">;

function parse(text: string | null): ResumeEntry | null {
  if (!text) return null;
  try {
    const value = JSON.parse(text) as Partial<ResumeEntry>;
    const strings = [value.id, value.secret, value.key, value.uploadId, value.name].every((v) => typeof v === "string" && v !== "");
    const numbers = [value.size, value.lastModified, value.savedAt].every((v) => typeof v === "number" && Number.isFinite(v));
    return strings && numbers ? (value as ResumeEntry) : null;
  } catch {
    return null;
  }
}

export function createResumeStore(storage: StorageLike | null, requestKey: string, now: () => number = Date.now) {
  const safe = <T>(work: () => T, fallback: T): T => {
    if (!storage) return fallback;
    try {
      return work();
    } catch {
      // Private browsing, storage full or turned off: resuming is then not offered, uploads still work.
      return fallback;
    }
  };
  return {
    save(file: FileLike, entry: Omit<ResumeEntry, "name" | "size" | "lastModified" | "savedAt">): void {
      const full: ResumeEntry = { ...entry, name: file.name, size: file.size, lastModified: file.lastModified, savedAt: now() };
      safe(() => storage!.setItem(fingerprint(requestKey, file), JSON.stringify(full)), undefined);
    },
    find(file: FileLike): ResumeEntry | null {
      const entry = safe(() => parse(storage!.getItem(fingerprint(requestKey, file))), null);
      return entry && now() - entry.savedAt < RESUME_MAX_AGE_MS ? entry : null;
    },
    forget(file: FileLike): void {
      safe(() => storage!.removeItem(fingerprint(requestKey, file)), undefined);
    },
    /** The files of this request left unfinished (stale entries are dropped on the way). */
    interrupted(): ResumeEntry[] {
      return safe(() => {
        const found: ResumeEntry[] = [];
        const stale: string[] = [];
        for (let i = 0; i < storage!.length; i++) {
          const name = storage!.key(i);
          if (!name?.startsWith(`${PREFIX}${requestKey}:`)) continue;
          const entry = parse(storage!.getItem(name));
          if (entry && now() - entry.savedAt < RESUME_MAX_AGE_MS) found.push(entry);
          else stale.push(name);
        }
        for (const name of stale) storage!.removeItem(name);
        return found.sort((a, b) => a.name.localeCompare(b.name));
      }, []);
    },
  };
}

export type ResumeStore = ReturnType<typeof createResumeStore>;
