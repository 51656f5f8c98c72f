"use client";

import { useRouter } from "next/navigation";
import { type DragEvent, type FormEvent, type ReactNode, type RefObject, useCallback, useEffect, useId, useRef, useState } from "react";
import type { Engine } from "@/components/browser/upload-engine";
import {
  type BeginData,
  type BeginInput,
  documentAllowsUploads,
  filesFromDrop,
  filesFromInput,
  type OnExisting,
  type PickedFile,
  readBegin,
  settled,
  soleUpload,
  totals,
  type UploadItem,
  uploadErrorMessage,
} from "@/components/browser/upload-plan";
import { QuickShareDialog, type ShareTarget } from "@/components/share/quick-share-dialog";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Modal, ModalFooter } from "@/components/ui/modal";
import type { ActionState } from "@/lib/actions/safe-action";
import { baseName } from "@/lib/links/content-disposition";
import { formatBytes } from "@/lib/format";
import type { ShareLimits } from "@/lib/links/grant-limits";

type Action<I, T> = (previous: ActionState<T>, input: I) => Promise<ActionState<T>>;
export type CreateFolderInput = { connectionId: string; bucket: string; prefix: string; name: string };

type Props = {
  connectionId: string;
  bucket: string;
  /** The current folder ("" or ending in "/"). */
  prefix: string;
  beginUpload: Action<BeginInput, BeginData>;
  createFolder: Action<CreateFolderInput, { key: string }>;
  /** Quick Share on a file just uploaded: null when the person may not share here. */
  share: { limits: ShareLimits | null; credentialsExpireAt: string | null; storagePrivateHost: string | null; publicUrl: string | null } | null;
  children: ReactNode;
};

type Choice = { onExisting: "replace" | "keep-both" | "skip"; all: boolean };
type Clash = { path: string; key: string; size: number; lastModified: string | null; resolve: (choice: Choice) => void };

const idle = { status: "idle" } as const;
let nextLocalId = 0;

/** The path of the document this page was loaded as (its CSP is that document's). */
function documentPath(): string {
  const entry = performance.getEntriesByType("navigation")[0];
  try {
    return new URL(entry?.name ?? window.location.href).pathname;
  } catch {
    return window.location.pathname;
  }
}

const STATE_LABEL: Record<UploadItem["state"], string> = {
  starting: "Waiting",
  asking: "Name taken: waiting for your choice",
  uploading: "Uploading",
  paused: "Paused",
  done: "Uploaded",
  failed: "Failed",
  skipped: "Not uploaded",
};

/**
 * "Upload", "Upload folder", "Upload and share" and "New folder" on the current folder, and dropping files or
 * folders onto the listing (for people who may upload here; decided on the server). Each file first asks the
 * server (beginUploadAction), which picks the key and says when the name is taken; then Uppy sends its parts
 * straight to storage. A taken name is never replaced without "Replace".
 */
export function FolderUploads({ connectionId, bucket, prefix, beginUpload, createFolder, share, children }: Props) {
  const router = useRouter();
  const ids = useId();
  const filesInput = useRef<HTMLInputElement>(null);
  const folderInput = useRef<HTMLInputElement>(null);
  const shareInput = useRef<HTMLInputElement>(null);
  const engine = useRef<Engine | null>(null);
  const picked = useRef(new Map<string, PickedFile>());
  const applyAll = useRef<OnExisting | "skip" | null>(null);
  const refreshed = useRef(true);
  const [items, setItems] = useState<UploadItem[]>([]);
  const [clash, setClash] = useState<Clash | null>(null);
  const [clashAll, setClashAll] = useState(false);
  const [shareAfter, setShareAfter] = useState(false);
  const [sharing, setSharing] = useState<ShareTarget | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);
  const [folderOpen, setFolderOpen] = useState(false);

  const update = useCallback((id: string, change: Partial<UploadItem>) => {
    setItems((current) => current.map((item) => (item.id === id ? { ...item, ...change } : item)));
  }, []);

  const getEngine = useCallback(async (): Promise<Engine> => {
    if (engine.current) return engine.current;
    const { createEngine } = await import("@/components/browser/upload-engine");
    const uppy = createEngine();
    uppy.on("upload-progress", (file, progress) => {
      if (file) update(file.meta.localId, { bytes: progress.bytesUploaded ?? 0 });
    });
    uppy.on("upload-pause", (file, isPaused) => {
      if (file) update(file.meta.localId, { state: isPaused ? "paused" : "uploading" });
    });
    uppy.on("upload-success", (file) => {
      if (!file) return;
      update(file.meta.localId, { state: "done", message: undefined });
      refreshed.current = false;
      // Done: out of Uppy's list (its key may be uploaded again later, after "Replace").
      queueMicrotask(() => uppy.removeFile(file.id));
    });
    uppy.on("upload-error", (file, error) => {
      if (file) update(file.meta.localId, { state: "failed", message: uploadErrorMessage(error) });
    });
    engine.current = uppy;
    return uppy;
  }, [update]);

  useEffect(() => () => engine.current?.destroy(), []);

  // When a batch has settled: the listing shows what arrived; "Upload and share" opens Quick Share on the file.
  useEffect(() => {
    if (items.length === 0 || !settled(items)) return;
    if (!refreshed.current) {
      refreshed.current = true;
      router.refresh();
    }
    const sole = soleUpload(items);
    if (shareAfter && sole?.key && share) {
      setShareAfter(false);
      setSharing(shareTargetFor(sole.key));
    }
  });

  function shareTargetFor(key: string): ShareTarget {
    return { connectionId, bucket, key, name: baseName(key), ...share!, limits: share!.limits };
  }

  function askClash(path: string, conflict: { key: string; size: number; lastModified: string | null }): Promise<Choice> {
    return new Promise((resolve) => {
      setClashAll(false);
      setClash({ path, ...conflict, resolve });
    });
  }

  /** Asks the server for one file's upload (asking the person when the name is taken); adds it to Uppy. */
  async function begin(item: UploadItem, onExisting: OnExisting): Promise<boolean> {
    const entry = picked.current.get(item.id);
    if (!entry) return false;
    update(item.id, { state: "starting", message: undefined, bytes: 0 });
    let choice: OnExisting = applyAll.current === "skip" ? "ask" : (applyAll.current ?? onExisting);
    for (;;) {
      let state: ActionState<BeginData>;
      try {
        state = await beginUpload(idle, {
          connectionId,
          bucket,
          prefix,
          path: entry.path,
          size: entry.file.size,
          type: entry.file.type,
          onExisting: choice,
        });
      } catch {
        update(item.id, { state: "failed", message: "The app could not be reached. Try again." });
        return false;
      }
      const outcome = readBegin(state);
      if (outcome.kind === "refused") {
        update(item.id, { state: "failed", message: outcome.message });
        return false;
      }
      if (outcome.kind === "done") {
        update(item.id, { state: "done", key: outcome.key, bytes: 0 });
        refreshed.current = false;
        return false;
      }
      if (outcome.kind === "conflict") {
        if (applyAll.current === "skip") {
          update(item.id, { state: "skipped", message: "A file with this name is already there; it was kept." });
          return false;
        }
        update(item.id, { state: "asking", key: outcome.key });
        const answer = await askClash(entry.path, outcome);
        if (answer.all) applyAll.current = answer.onExisting;
        if (answer.onExisting === "skip") {
          update(item.id, { state: "skipped", message: "A file with this name is already there; it was kept." });
          return false;
        }
        choice = answer.onExisting;
        continue;
      }
      const uppy = await getEngine();
      uppy.addFile({
        name: baseName(outcome.key) || entry.file.name,
        type: entry.file.type || "application/octet-stream",
        data: entry.file,
        meta: { uploadId: outcome.id, key: outcome.key, localId: item.id, relativePath: `${item.id}/${entry.path}` },
      });
      update(item.id, { state: "uploading", key: outcome.key });
      return true;
    }
  }

  async function start(files: PickedFile[], options: { share?: boolean } = {}) {
    if (files.length === 0) return;
    if (!documentAllowsUploads(documentPath(), connectionId)) {
      setNotice("This page was opened from elsewhere in the app, so the browser may not send files to this storage yet. Reload the page, then upload.");
      return;
    }
    setNotice(null);
    applyAll.current = null;
    const fresh: UploadItem[] = files.map((file) => {
      const id = `u${++nextLocalId}`;
      picked.current.set(id, file);
      return { id, path: file.path, size: file.file.size, state: "starting", bytes: 0 };
    });
    setShareAfter(Boolean(options.share) && files.length === 1);
    setItems((current) => (settled(current) ? fresh : [...current, ...fresh]));
    let added = 0;
    for (const item of fresh) if (await begin(item, "ask")) added++;
    if (added > 0) void (await getEngine()).upload().catch(() => undefined);
  }

  async function retry(item: UploadItem) {
    const uppy = engine.current;
    const inUppy = uppy?.getFiles().find((file) => file.meta.localId === item.id);
    if (uppy && inUppy) {
      update(item.id, { state: "uploading", message: undefined });
      void uppy.retryUpload(inUppy.id).catch(() => undefined);
      return;
    }
    if (await begin(item, "ask")) void (await getEngine()).upload().catch(() => undefined);
  }

  function pauseResume(item: UploadItem) {
    const uppy = engine.current;
    const file = uppy?.getFiles().find((candidate) => candidate.meta.localId === item.id);
    if (uppy && file) uppy.pauseResume(file.id);
  }

  function cancel(item: UploadItem) {
    const uppy = engine.current;
    const file = uppy?.getFiles().find((candidate) => candidate.meta.localId === item.id);
    // Removing the file aborts its multipart upload (the app's /uploads/<id>/abort): nothing is left half-written.
    if (uppy && file) uppy.removeFile(file.id);
    update(item.id, { state: "skipped", message: "Cancelled." });
  }

  function onDrop(event: DragEvent<HTMLElement>) {
    if (!event.dataTransfer.types.includes("Files")) return;
    event.preventDefault();
    setDragging(false);
    void filesFromDrop(event.dataTransfer).then((files) => start(files));
  }

  const sum = totals(items);
  const busy = items.length > 0 && !settled(items);
  const sole = soleUpload(items);
  const running = items.some((item) => item.state === "uploading");
  const pausedAny = items.some((item) => item.state === "paused");

  return (
    <section
      aria-label="Folder contents"
      onDragOver={(event) => {
        if (!event.dataTransfer.types.includes("Files")) return;
        event.preventDefault();
        event.dataTransfer.dropEffect = "copy";
        setDragging(true);
      }}
      onDragLeave={(event) => {
        if (event.currentTarget === event.target) setDragging(false);
      }}
      onDrop={onDrop}
      data-upload-drop=""
      className={`space-y-3 rounded-lg ${dragging ? "outline-2 outline-dashed outline-offset-4 outline-sky-600" : ""}`}
    >
      <div className="flex flex-wrap items-center gap-2">
        <Button onClick={() => filesInput.current?.click()}>Upload</Button>
        <Button variant="secondary" onClick={() => folderInput.current?.click()}>
          Upload folder
        </Button>
        {share ? (
          <Button variant="secondary" onClick={() => shareInput.current?.click()}>
            Upload and share
          </Button>
        ) : null}
        <Button variant="secondary" onClick={() => setFolderOpen(true)}>
          New folder
        </Button>
        <p className="text-xs text-muted">or drop files and folders onto the list</p>
        <HiddenFileInput ref={filesInput} kind="files" label="Files to upload" multiple onFiles={(files) => void start(files)} />
        <HiddenFileInput ref={folderInput} kind="folder" label="Folder to upload" directory onFiles={(files) => void start(files)} />
        <HiddenFileInput ref={shareInput} kind="share" label="File to upload and share" onFiles={(files) => void start(files, { share: true })} />
      </div>

      {notice ? (
        <Alert tone="warning" role="alert">
          {notice}{" "}
          <button type="button" className="underline" onClick={() => window.location.reload()}>
            Reload
          </button>
        </Alert>
      ) : null}

      {items.length > 0 ? (
        <div className="space-y-2 rounded-lg border border-zinc-200 p-3 dark:border-zinc-800">
          <div className="flex flex-wrap items-center justify-between gap-2">
            <h2 className="text-sm font-semibold" id={`${ids}-uploads`}>
              Uploads
            </h2>
            <div className="flex gap-2">
              {running ? (
                <Button variant="secondary" onClick={() => engine.current?.pauseAll()}>
                  Pause all
                </Button>
              ) : null}
              {pausedAny ? (
                <Button variant="secondary" onClick={() => engine.current?.resumeAll()}>
                  Resume all
                </Button>
              ) : null}
              {!busy ? (
                <Button variant="ghost" onClick={() => setItems([])}>
                  Clear list
                </Button>
              ) : null}
            </div>
          </div>
          <div role="status" aria-live="polite" className="text-sm">
            {busy
              ? `Uploading ${sum.done} of ${sum.count} files: ${formatBytes(sum.bytes)} of ${formatBytes(sum.size)} (${sum.percent}%)`
              : `${sum.done} of ${sum.count} ${sum.count === 1 ? "file" : "files"} uploaded.`}
          </div>
          <progress className="h-2 w-full" max={100} value={sum.percent} aria-labelledby={`${ids}-uploads`} />
          <ul className="divide-y divide-zinc-200 text-sm dark:divide-zinc-800" aria-labelledby={`${ids}-uploads`}>
            {items.map((item) => {
              const percent = item.size === 0 ? (item.state === "done" ? 100 : 0) : Math.floor((Math.min(item.bytes, item.size) / item.size) * 100);
              return (
                <li key={item.id} className="flex flex-wrap items-center gap-x-3 gap-y-1 py-2">
                  <span className="min-w-0 flex-1 truncate font-medium">{item.path}</span>
                  <span className="text-muted">
                    {STATE_LABEL[item.state]}
                    {item.state === "uploading" || item.state === "paused" ? ` ${percent}%` : ""} · {formatBytes(item.size)}
                  </span>
                  <progress className="h-1.5 w-24" max={100} value={item.state === "done" ? 100 : percent} aria-label={`Progress of ${item.path}`} />
                  {item.state === "uploading" || item.state === "paused" ? (
                    <>
                      <Button
                        variant="ghost"
                        className="px-2 py-1"
                        onClick={() => pauseResume(item)}
                        aria-label={`${item.state === "paused" ? "Resume" : "Pause"} ${item.path}`}
                      >
                        {item.state === "paused" ? "Resume" : "Pause"}
                      </Button>
                      <Button variant="ghost" className="px-2 py-1" onClick={() => cancel(item)} aria-label={`Cancel ${item.path}`}>
                        Cancel
                      </Button>
                    </>
                  ) : null}
                  {item.state === "failed" ? (
                    <Button variant="ghost" className="px-2 py-1" onClick={() => void retry(item)} aria-label={`Retry ${item.path}`}>
                      Retry
                    </Button>
                  ) : null}
                  {item.message ? (
                    <span className={`w-full text-xs ${item.state === "failed" ? "text-red-700 dark:text-red-300" : "text-muted"}`}>{item.message}</span>
                  ) : null}
                </li>
              );
            })}
          </ul>
          {sole?.key && share ? (
            <div className="flex items-center gap-2">
              <Button onClick={() => setSharing(shareTargetFor(sole.key!))} aria-label={`Quick Share ${baseName(sole.key)}`}>
                Quick Share
              </Button>
              <span className="text-xs text-muted">Share the file you just uploaded.</span>
            </div>
          ) : null}
        </div>
      ) : null}

      {children}

      {clash ? (
        <Modal
          open
          onClose={() => {
            setClash(null);
            clash.resolve({ onExisting: "skip", all: false });
          }}
          title="A file with this name is already here"
          size="sm"
          closeButton={false}
        >
          <div className="space-y-2 text-sm">
            <p>
              <span className="font-medium break-all">{clash.key}</span> already exists ({formatBytes(clash.size)}
              {clash.lastModified ? `, last modified ${new Date(clash.lastModified).toLocaleString()}` : ""}).
            </p>
            <p>“Replace” overwrites it with the file you picked; “Keep both” uploads yours under a new name.</p>
            <label className="flex items-center gap-2">
              <input type="checkbox" checked={clashAll} onChange={(event) => setClashAll(event.currentTarget.checked)} />
              Apply to all
            </label>
          </div>
          <ModalFooter>
            <Button
              variant="secondary"
              onClick={() => {
                setClash(null);
                clash.resolve({ onExisting: "skip", all: clashAll });
              }}
            >
              Skip
            </Button>
            <Button
              variant="secondary"
              onClick={() => {
                setClash(null);
                clash.resolve({ onExisting: "keep-both", all: clashAll });
              }}
            >
              Keep both
            </Button>
            <Button
              variant="danger"
              onClick={() => {
                setClash(null);
                clash.resolve({ onExisting: "replace", all: clashAll });
              }}
            >
              Replace
            </Button>
          </ModalFooter>
        </Modal>
      ) : null}

      {folderOpen ? (
        <NewFolderDialog
          onClose={() => setFolderOpen(false)}
          onCreated={() => {
            setFolderOpen(false);
            router.refresh();
          }}
          create={(name) => createFolder(idle, { connectionId, bucket, prefix, name })}
        />
      ) : null}

      {sharing ? <QuickShareDialog key={sharing.key} target={sharing} open onClose={() => setSharing(null)} /> : null}
    </section>
  );
}

/** "New folder": a name, then createFolderAction makes the empty folder (its "name/" marker). */
function NewFolderDialog({
  onClose,
  onCreated,
  create,
}: {
  onClose: () => void;
  onCreated: () => void;
  create: (name: string) => Promise<ActionState<unknown>>;
}) {
  const [state, setState] = useState<ActionState<{ key: string }>>(idle);
  const [pending, setPending] = useState(false);
  const nameId = useId();
  // The name first (the dialog, opened just before this runs, would focus its ✕).
  useEffect(() => document.getElementById(nameId)?.focus(), [nameId]);
  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const name = String(new FormData(event.currentTarget).get("name") ?? "");
    setPending(true);
    try {
      const next = await create(name);
      if (next.status === "success") onCreated();
      else setState(next);
    } catch {
      setState({ status: "error", message: "The app could not be reached. Try again." });
    } finally {
      setPending(false);
    }
  }
  const nameErrors = state.status === "invalid" ? state.fieldErrors.name : undefined;
  const message =
    state.status === "error" || state.status === "unauthorized" ? state.message : state.status === "invalid" && !nameErrors ? state.message : null;
  return (
    <Modal open onClose={onClose} title="New folder" size="sm">
      <form onSubmit={(event) => void submit(event)} className="space-y-3" noValidate>
        <Field label="Name" name="name" id={nameId} required autoComplete="off" errors={nameErrors} />
        {message ? (
          <Alert tone="error" role="alert">
            {message}
          </Alert>
        ) : null}
        <ModalFooter>
          <Button variant="secondary" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" disabled={pending}>
            Create folder
          </Button>
        </ModalFooter>
      </form>
    </Modal>
  );
}

/** The file picker behind "Upload", "Upload folder" or "Upload and share": what was picked, then emptied for the next pick. */
function HiddenFileInput({
  ref,
  kind,
  label,
  multiple = false,
  directory = false,
  onFiles,
}: {
  ref: RefObject<HTMLInputElement | null>;
  kind: string;
  label: string;
  multiple?: boolean;
  directory?: boolean;
  onFiles: (files: PickedFile[]) => void;
}) {
  return (
    <input
      ref={ref}
      type="file"
      multiple={multiple}
      hidden
      data-upload-input={kind}
      aria-label={label}
      {...(directory ? ({ webkitdirectory: "" } as object) : {})}
      onChange={(event) => {
        onFiles(filesFromInput(event.currentTarget.files));
        event.currentTarget.value = "";
      }}
    />
  );
}
