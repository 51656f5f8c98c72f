import type { BeginResult } from "@/lib/uploads/begin";

/**
 * The browser half of "Upload" (pure, unit-tested): which files a pick or a drop holds and under
 * which relative path, how far a batch has come, and what the server's answer to beginUploadAction
 * means. The server decides every key, clash and part size (lib/actions/begin-upload.ts); nothing here
 * chooses a key.
 */

/** One file to upload and its path relative to the current folder ("a.pdf", or "photos/2026/a.jpg" from a folder). */
export type PickedFile = { file: File; path: string };

/** What "Replace" / "Keep both" (or nothing yet) tells the server when a name is taken. */
export type OnExisting = "ask" | "replace" | "keep-both";

/** beginUploadAction's input (THE CONTRACT, item 1). */
export type BeginInput = {
  connectionId: string;
  bucket: string;
  prefix: string;
  path: string;
  size: number;
  type: string;
  onExisting: OnExisting;
};

/** beginUploadAction's data on success: a clash, an empty file written at once, or the multipart upload to send. */
export type BeginData = BeginResult;

export type BeginOutcome =
  | { kind: "conflict"; key: string; size: number; lastModified: string | null }
  | { kind: "done"; key: string }
  | { kind: "upload"; id: string; key: string; partSize: number; partCount: number; uploadId: string }
  | { kind: "refused"; message: string };

type StateLike = { status: string; data?: unknown; message?: string; fieldErrors?: Record<string, string[] | undefined> };

/** The action's answer in the uploader's words; anything but a clear success is a refusal with the server's message. */
export function readBegin(state: StateLike): BeginOutcome {
  if (state.status !== "success") {
    const fields = Object.values(state.fieldErrors ?? {})
      .flat()
      .filter((text): text is string => Boolean(text));
    const message = [state.message, ...fields].filter(Boolean).join(" ");
    return { kind: "refused", message: message || "The upload could not start." };
  }
  const data = (state.data ?? {}) as Partial<Record<string, unknown>>;
  const conflict = data.conflict as { key?: unknown; size?: unknown; lastModified?: unknown } | undefined;
  if (conflict && typeof conflict.key === "string") {
    return {
      kind: "conflict",
      key: conflict.key,
      size: typeof conflict.size === "number" ? conflict.size : 0,
      lastModified: typeof conflict.lastModified === "string" ? conflict.lastModified : null,
    };
  }
  if (data.done === true && typeof data.key === "string") return { kind: "done", key: data.key };
  if (typeof data.id === "string" && typeof data.key === "string" && typeof data.uploadId === "string") {
    return {
      kind: "upload",
      id: data.id,
      key: data.key,
      uploadId: data.uploadId,
      partSize: typeof data.partSize === "number" ? data.partSize : 0,
      partCount: typeof data.partCount === "number" ? data.partCount : 0,
    };
  }
  return { kind: "refused", message: "The server gave no upload to send the file to." };
}

/** The path a picked file keeps: a folder pick's relative path ("photos/2026/a.jpg"), else its name. */
export function pickedPath(file: File): string {
  const relative = (file as File & { webkitRelativePath?: string }).webkitRelativePath;
  return relative ? relative : file.name;
}

/** Files from an <input type="file"> (with or without webkitdirectory). */
export function filesFromInput(list: FileList | null | undefined): PickedFile[] {
  return Array.from(list ?? [], (file) => ({ file, path: pickedPath(file) }));
}

type Entry = {
  isFile: boolean;
  isDirectory: boolean;
  name: string;
  file?: (resolve: (file: File) => void, reject: (error: unknown) => void) => void;
  createReader?: () => { readEntries: (resolve: (entries: Entry[]) => void, reject: (error: unknown) => void) => void };
};

async function readAll(entry: Entry, base: string, out: PickedFile[]): Promise<void> {
  if (entry.isFile && entry.file) {
    const file = await new Promise<File>((resolve, reject) => entry.file!(resolve, reject));
    out.push({ file, path: `${base}${entry.name}` });
    return;
  }
  if (entry.isDirectory && entry.createReader) {
    const reader = entry.createReader();
    // readEntries answers in batches (100 in Chromium) until an empty one.
    for (;;) {
      const batch = await new Promise<Entry[]>((resolve, reject) => reader.readEntries(resolve, reject));
      if (batch.length === 0) break;
      for (const child of batch) await readAll(child, `${base}${entry.name}/`, out);
    }
  }
}

/**
 * The files of a drop: a dropped folder keeps its structure ("photos/2026/a.jpg"); loose files keep their
 * names. Entries must be taken from the items synchronously, before the drop event ends.
 */
export async function filesFromDrop(data: DataTransfer): Promise<PickedFile[]> {
  const items = Array.from(data.items ?? []).filter((item) => item.kind === "file");
  const taken = items.map((item) => ({
    entry: (item as DataTransferItem & { webkitGetAsEntry?: () => Entry | null }).webkitGetAsEntry?.() ?? null,
    file: item.getAsFile(),
  }));
  if (taken.length === 0) return filesFromInput(data.files);
  const out: PickedFile[] = [];
  for (const { entry, file } of taken) {
    if (entry?.isDirectory) await readAll(entry, "", out);
    else if (file) out.push({ file, path: pickedPath(file) });
  }
  return out;
}

/** One line of the upload panel. */
export type UploadState = "starting" | "asking" | "uploading" | "paused" | "done" | "failed" | "skipped";
export type UploadItem = {
  /** Local id (stable across retries). */
  id: string;
  path: string;
  size: number;
  state: UploadState;
  bytes: number;
  /** The key the server chose, once it did. */
  key?: string;
  message?: string;
};

/** Bytes sent of the batch's bytes (skipped files count for nothing). */
export function totals(items: readonly UploadItem[]): { bytes: number; size: number; done: number; count: number; percent: number } {
  const counted = items.filter((item) => item.state !== "skipped");
  const size = counted.reduce((sum, item) => sum + item.size, 0);
  const bytes = counted.reduce((sum, item) => sum + (item.state === "done" ? item.size : Math.min(item.bytes, item.size)), 0);
  const done = counted.filter((item) => item.state === "done").length;
  const percent = size === 0 ? (done === counted.length ? 100 : 0) : Math.floor((bytes / size) * 100);
  return { bytes, size, done, count: counted.length, percent };
}

/** Whether nothing of the batch is still under way (each file done, failed or skipped). */
export function settled(items: readonly UploadItem[]): boolean {
  return items.every((item) => item.state === "done" || item.state === "failed" || item.state === "skipped");
}

/** The one file just uploaded, when a batch that settled holds exactly one (Quick Share is offered on it). */
export function soleUpload(items: readonly UploadItem[]): UploadItem | null {
  if (!settled(items)) return null;
  const done = items.filter((item) => item.state === "done");
  return done.length === 1 && items.filter((item) => item.state !== "skipped").length === 1 ? done[0]! : null;
}

/**
 * Whether this document's Content-Security-Policy lets the browser send parts to storage: the proxy names
 * the connection's storage in `connect-src` only for documents loaded on the bucket browser's pages of a
 * connection the person may upload to. A page reached by a client-side navigation from elsewhere keeps the
 * first document's policy.
 */
export function documentAllowsUploads(documentPath: string, connectionId: string): boolean {
  if (documentPath === "/buckets" || documentPath === "/buckets/") return true;
  const [first, second] = documentPath.split("/").filter(Boolean);
  if (first !== "buckets" || second === undefined) return false;
  try {
    return decodeURIComponent(second) === connectionId;
  } catch {
    return false;
  }
}

/** A short text for an upload error (Uppy's S3 errors carry the storage's or the app's XML message). */
export function uploadErrorMessage(error: unknown): string {
  const body = (error as { body?: unknown } | null)?.body;
  if (typeof body === "string") {
    const message = /<Message>([^<]{1,300})<\/Message>/.exec(body)?.[1];
    if (message) return message;
  }
  if (error instanceof Error && error.message) {
    if (/network|failed to fetch/i.test(error.message)) return "The storage could not be reached (a network fault, or the bucket's CORS rule).";
    return error.message.slice(0, 300);
  }
  return "The upload failed.";
}
