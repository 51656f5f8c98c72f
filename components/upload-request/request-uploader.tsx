"use client";

import { type DragEvent, useCallback, useEffect, useId, useRef, useState } from "react";
import type { Engine } from "@/components/browser/upload-engine";
import { filesFromDrop, uploadErrorMessage } from "@/components/browser/upload-plan";
import { createResumeStore, type ResumeEntry, type ResumeStore } from "@/components/upload-request/resume";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { useHydrated } from "@/components/ui/use-hydrated";
import { formatBytes } from "@/lib/format";
import { precheckFile, type RequestLimits } from "@/lib/upload-requests/rules";

/**
 * What the person without an account does on an upload request's page: their name and e-mail when asked, files
 * added with "Add files" or dropped, each checked against the limits before its first byte, then "Upload": the
 * server begins each file (its slot, its key, its secret), Uppy sends the parts straight to storage, and the
 * server completes it after its own checks. Pause, resume, retry and cancel per file; a reload or a dropped
 * connection resumes (the file added again picks up where its parts stopped); "Done" lists what arrived.
 */

type Props = {
  token: string;
  /** Names this request in the browser's storage (its id: never the token). */
  requestKey: string;
  limits: RequestLimits;
  askName: boolean;
  askEmail: boolean;
};

type ItemState = "ready" | "refused" | "starting" | "uploading" | "paused" | "done" | "failed";
type Item = {
  id: string;
  file: File;
  /** The name shown: the file's, then the one it is stored under once the server began it. */
  name: string;
  size: number;
  state: ItemState;
  bytes: number;
  message?: string;
  /** Parts of it are already at the storage (a reload or a dropped connection): it will resume. */
  resumes?: boolean;
  /** The upload on the server has ended (refused, failed): Retry begins it anew. */
  ended?: boolean;
};

type Begun = { id: string; key: string; name: string; partSize: number; partCount: number; uploadId: string; secret: string };
type Problem = { detail?: string; errors?: { field: string; message: string }[] };
type Arrived = { id: string; name: string; size: number };

function readArrived(key: string): Arrived[] {
  try {
    const value = JSON.parse(window.sessionStorage.getItem(key) ?? "[]") as unknown;
    return Array.isArray(value)
      ? value.filter((entry): entry is Arrived => typeof entry?.id === "string" && typeof entry?.name === "string" && typeof entry?.size === "number")
      : [];
  } catch {
    return [];
  }
}

const SECRET_HEADER = "x-upload-secret";
const STATE_LABEL: Record<ItemState, string> = {
  ready: "Ready",
  refused: "Not accepted",
  starting: "Starting",
  uploading: "Uploading",
  paused: "Paused",
  done: "Arrived",
  failed: "Failed",
};
const FINAL_CODES = new Set(["NotAccepted", "InvalidPart", "InvalidPartOrder", "NoSuchUpload", "NoSuchKey", "BadDigest"]);

let nextId = 0;

const sameFile = (a: File, b: File) => a.name === b.name && a.size === b.size && a.lastModified === b.lastModified;
const running = (state: ItemState) => state === "starting" || state === "uploading" || state === "paused";

/** Whether an Uppy error means the server ended the upload (a retry then begins it anew) rather than a fault on the way. */
function endedOnServer(error: unknown): boolean {
  const e = error as { status?: unknown; serviceCode?: unknown } | null;
  if (typeof e?.serviceCode === "string" && FINAL_CODES.has(e.serviceCode)) return true;
  return e?.status === 404 || e?.status === 409 || e?.status === 410 || e?.status === 422;
}

export function RequestUploader({ token, requestKey, limits, askName, askEmail }: Props) {
  const ids = useId();
  const hydrated = useHydrated();
  const input = useRef<HTMLInputElement>(null);
  const doneHeading = useRef<HTMLHeadingElement>(null);
  const engine = useRef<Engine | null>(null);
  const secrets = useRef(new Map<string, string>());
  const store = useRef<ResumeStore | null>(null);
  const [items, setItems] = useState<Item[]>([]);
  const [interrupted, setInterrupted] = useState<ResumeEntry[]>([]);
  const [uploaderName, setUploaderName] = useState("");
  const [uploaderEmail, setUploaderEmail] = useState("");
  const [fieldErrors, setFieldErrors] = useState<Record<string, string[]>>({});
  const [notice, setNotice] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);
  /** What arrived from this browser tab, kept across reloads (sessionStorage), for "Done". */
  const [arrivedBefore, setArrivedBefore] = useState<Arrived[]>([]);
  const wasBusy = useRef(false);
  const arrivedKey = `bucketshare.arrived:${requestKey}`;

  useEffect(() => {
    const resume = createResumeStore(typeof window === "undefined" ? null : window.localStorage, requestKey);
    store.current = resume;
    setInterrupted(resume.interrupted());
    setArrivedBefore(readArrived(`bucketshare.arrived:${requestKey}`));
    try {
      const saved = JSON.parse(window.localStorage.getItem(`bucketshare.uploader:${requestKey}`) ?? "{}") as { name?: unknown; email?: unknown };
      if (typeof saved.name === "string") setUploaderName(saved.name);
      if (typeof saved.email === "string") setUploaderEmail(saved.email);
    } catch {
      // Nothing remembered.
    }
    return () => engine.current?.destroy();
  }, [requestKey]);

  const update = useCallback((id: string, change: Partial<Item>) => {
    setItems((current) => current.map((item) => (item.id === id ? { ...item, ...change } : item)));
  }, []);

  const getEngine = useCallback(async (): Promise<Engine> => {
    if (engine.current) return engine.current;
    const { createEngine } = await import("@/components/browser/upload-engine");
    const uppy = createEngine({
      signUrl: `/u/${token}/sign`,
      appHeaders: (uploadId): Record<string, string> => {
        const secret = secrets.current.get(uploadId);
        return secret ? { [SECRET_HEADER]: secret } : {};
      },
    });
    uppy.on("upload-progress", (file, progress) => {
      if (file) update(file.meta.localId, { bytes: progress.bytesUploaded ?? 0 });
    });
    uppy.on("upload-pause", (file, isPaused) => {
      if (file) update(file.meta.localId, { state: isPaused ? "paused" : "uploading" });
    });
    uppy.on("upload-success", (file) => {
      if (!file) return;
      setItems((current) =>
        current.map((item) => {
          if (item.id !== file.meta.localId) return item;
          store.current?.forget(item.file);
          try {
            const list = [...readArrived(arrivedKey), { id: file.meta.uploadId, name: item.name, size: item.size }];
            window.sessionStorage.setItem(arrivedKey, JSON.stringify(list.slice(-500)));
          } catch {
            // Only this page's list then.
          }
          return { ...item, state: "done", bytes: item.size, message: undefined, resumes: false };
        }),
      );
      queueMicrotask(() => uppy.removeFile(file.id));
    });
    uppy.on("upload-error", (file, error) => {
      if (!file) return;
      const ended = endedOnServer(error);
      setItems((current) =>
        current.map((item) => {
          if (item.id !== file.meta.localId) return item;
          if (ended) store.current?.forget(item.file);
          return { ...item, state: "failed", message: uploadErrorMessage(error), ended };
        }),
      );
      if (ended) queueMicrotask(() => uppy.removeFile(file.id));
    });
    engine.current = uppy;
    return uppy;
  }, [token, update, arrivedKey]);

  function addFiles(files: File[]) {
    if (files.length === 0) return;
    setNotice(null);
    setItems((current) => {
      const kept = current.filter((item) => item.state !== "refused");
      const fresh: Item[] = [];
      for (const file of files) {
        if (kept.some((item) => sameFile(item.file, file) && item.state !== "failed") || fresh.some((item) => sameFile(item.file, file))) continue;
        const refusal = precheckFile(limits, { name: file.name, size: file.size, type: file.type });
        const resumes = !refusal && store.current?.find(file) != null;
        fresh.push({
          id: `f${++nextId}`,
          file,
          name: file.name,
          size: file.size,
          state: refusal ? "refused" : "ready",
          bytes: 0,
          ...(refusal ? { message: refusal } : {}),
          ...(resumes ? { resumes: true, message: "Part of this file was sent before: it will resume where it stopped." } : {}),
        });
      }
      return [...current, ...fresh];
    });
    setInterrupted((current) =>
      current.filter((entry) => !files.some((file) => file.name === entry.name && file.size === entry.size && file.lastModified === entry.lastModified)),
    );
  }

  /** The server's answer to begin, or null after saying why not (on the item, or on the name and e-mail fields). */
  async function beginOnServer(item: Item): Promise<Begun | null> {
    let response: Response;
    try {
      response = await fetch(`/u/${token}/begin`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        credentials: "same-origin",
        body: JSON.stringify({
          name: item.file.name,
          size: item.file.size,
          type: item.file.type,
          ...(uploaderName.trim() ? { uploaderName: uploaderName.trim() } : {}),
          ...(uploaderEmail.trim() ? { uploaderEmail: uploaderEmail.trim() } : {}),
        }),
      });
    } catch {
      update(item.id, { state: "failed", message: "The app could not be reached. Try again.", ended: true });
      return null;
    }
    if (response.ok) return (await response.json()) as Begun;
    const problem = (await response.json().catch(() => null)) as Problem | null;
    const personal = (problem?.errors ?? []).filter((error) => error.field === "uploaderName" || error.field === "uploaderEmail");
    if (personal.length > 0) {
      setFieldErrors(Object.fromEntries(personal.map((error) => [error.field, [error.message]])));
      update(item.id, { state: "ready", message: undefined });
      return null;
    }
    update(item.id, { state: "failed", message: problem?.detail ?? "The upload could not start. Try again.", ended: true });
    return null;
  }

  /** Whether the upload an earlier visit began is still in progress on the server (then it resumes). */
  async function stillInProgress(entry: ResumeEntry): Promise<boolean> {
    try {
      const response = await fetch(`/u/${token}/uploads/${encodeURIComponent(entry.id)}/create`, {
        method: "POST",
        headers: { [SECRET_HEADER]: entry.secret },
        credentials: "same-origin",
      });
      return response.ok;
    } catch {
      return false;
    }
  }

  /** Begins (or resumes) one file and hands it to Uppy; false when it did not start. */
  async function start(item: Item): Promise<boolean> {
    update(item.id, { state: "starting", message: undefined, bytes: 0, ended: false });
    const saved = store.current?.find(item.file) ?? null;
    let upload: { id: string; key: string; uploadId: string; secret: string; name: string; resume: boolean } | null = null;
    if (saved && (await stillInProgress(saved))) {
      upload = { id: saved.id, key: saved.key, uploadId: saved.uploadId, secret: saved.secret, name: item.name, resume: true };
    } else {
      if (saved) store.current?.forget(item.file);
      const begun = await beginOnServer(item);
      if (!begun) return false;
      store.current?.save(item.file, { id: begun.id, secret: begun.secret, key: begun.key, uploadId: begun.uploadId });
      upload = { ...begun, resume: false };
    }
    secrets.current.set(upload.id, upload.secret);
    const uppy = await getEngine();
    const fileId = uppy.addFile({
      name: upload.name,
      type: item.file.type || "application/octet-stream",
      data: item.file,
      meta: { uploadId: upload.id, key: upload.key, localId: item.id, relativePath: `${item.id}/${item.file.name}` },
    });
    // A multipart upload begun before the reload: Uppy asks the storage which parts it holds (ListParts) and sends the rest.
    if (upload.resume) uppy.setFileState(fileId, { s3Multipart: { key: upload.key, uploadId: upload.uploadId } });
    update(item.id, { state: "uploading", name: upload.name, resumes: upload.resume });
    return true;
  }

  function personalErrors(): Record<string, string[]> {
    const errors: Record<string, string[]> = {};
    if (askName && !uploaderName.trim()) errors.uploaderName = ["Enter your name."];
    if (askEmail && !uploaderEmail.trim()) errors.uploaderEmail = ["Enter your e-mail address."];
    else if (uploaderEmail.trim() && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(uploaderEmail.trim())) errors.uploaderEmail = ["Enter a valid e-mail address."];
    return errors;
  }

  async function uploadAll() {
    const ready = items.filter((item) => item.state === "ready");
    if (ready.length === 0) {
      setNotice("Add files first.");
      return;
    }
    const errors = personalErrors();
    setFieldErrors(errors);
    if (Object.keys(errors).length > 0) {
      document.getElementById(`${ids}-${Object.keys(errors)[0]}`)?.focus();
      return;
    }
    setNotice(null);
    try {
      window.localStorage.setItem(`bucketshare.uploader:${requestKey}`, JSON.stringify({ name: uploaderName, email: uploaderEmail }));
    } catch {
      // Not remembered; nothing else changes.
    }
    let added = 0;
    for (const item of ready) if (await start(item)) added++;
    if (added > 0) void (await getEngine()).upload().catch(() => undefined);
  }

  async function retry(item: Item) {
    const uppy = engine.current;
    const inUppy = uppy?.getFiles().find((file) => file.meta.localId === item.id);
    if (uppy && inUppy && !item.ended) {
      update(item.id, { state: "uploading", message: undefined });
      void uppy.retryUpload(inUppy.id).catch(() => undefined);
      return;
    }
    if (await start(item)) void (await getEngine()).upload().catch(() => undefined);
  }

  function uppyFile(item: Item) {
    return engine.current?.getFiles().find((file) => file.meta.localId === item.id);
  }

  function cancel(item: Item) {
    const file = uppyFile(item);
    // Removing the file aborts its multipart upload (…/abort): nothing is left half-written, and the slot is given back.
    if (file) engine.current?.removeFile(file.id);
    store.current?.forget(item.file);
    setItems((current) => current.filter((candidate) => candidate.id !== item.id));
  }

  function onDrop(event: DragEvent<HTMLElement>) {
    if (!event.dataTransfer.types.includes("Files")) return;
    event.preventDefault();
    setDragging(false);
    void filesFromDrop(event.dataTransfer).then((files) => addFiles(files.map((picked) => picked.file)));
  }

  const counted = items.filter((item) => item.state !== "refused");
  const size = counted.reduce((sum, item) => sum + item.size, 0);
  const bytes = counted.reduce((sum, item) => sum + (item.state === "done" ? item.size : Math.min(item.bytes, item.size)), 0);
  const percent = size === 0 ? 0 : Math.floor((bytes / size) * 100);
  const busy = items.some((item) => running(item.state));
  const arrived = items.filter((item) => item.state === "done");
  // What arrived before a reload (read once, when the page loaded), then what arrived since.
  const arrivedAll: Arrived[] = [
    ...arrivedBefore.map((entry) => ({ ...entry, id: `before-${entry.id}` })),
    ...arrived.map((item) => ({ id: item.id, name: item.name, size: item.size })),
  ];
  const settled = items.length > 0 && !busy && !items.some((item) => item.state === "ready");
  const anyRunning = items.some((item) => item.state === "uploading" || item.state === "starting");
  const anyPaused = items.some((item) => item.state === "paused");

  // When a batch has settled with files that arrived: "Done" takes the focus (and is announced).
  useEffect(() => {
    if (busy) wasBusy.current = true;
    else if (wasBusy.current && settled && arrived.length > 0) {
      wasBusy.current = false;
      doneHeading.current?.focus();
    }
  }, [busy, settled, arrived.length]);

  return (
    <div className="space-y-5">
      {interrupted.length > 0 ? (
        <Alert tone="warning" role="status">
          {interrupted.length === 1 ? "One file was interrupted" : `${interrupted.length} files were interrupted`}:{" "}
          <span className="font-medium break-all">{interrupted.map((entry) => entry.name).join(", ")}</span>. Add {interrupted.length === 1 ? "it" : "them"}{" "}
          again to resume where {interrupted.length === 1 ? "it" : "they"} stopped.
        </Alert>
      ) : null}

      {askName || askEmail ? (
        <div className="grid gap-3 sm:grid-cols-2">
          {askName ? (
            <Field
              id={`${ids}-uploaderName`}
              label="Your name"
              name="uploaderName"
              autoComplete="name"
              required
              maxLength={200}
              value={uploaderName}
              onChange={(event) => {
                setUploaderName(event.currentTarget.value);
                setFieldErrors(({ uploaderName: _, ...rest }) => rest);
              }}
              errors={fieldErrors.uploaderName}
            />
          ) : null}
          {askEmail ? (
            <Field
              id={`${ids}-uploaderEmail`}
              label="Your email"
              name="uploaderEmail"
              type="email"
              autoComplete="email"
              required
              maxLength={320}
              value={uploaderEmail}
              onChange={(event) => {
                setUploaderEmail(event.currentTarget.value);
                setFieldErrors(({ uploaderEmail: _, ...rest }) => rest);
              }}
              errors={fieldErrors.uploaderEmail}
            />
          ) : null}
        </div>
      ) : null}

      <section
        aria-label="Files to send"
        data-upload-drop=""
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
        className={`space-y-3 rounded-lg border-2 border-dashed p-4 ${dragging ? "border-sky-600 bg-sky-50 dark:bg-sky-950/40" : "border-zinc-300 dark:border-zinc-700"}`}
      >
        <div className="flex flex-wrap items-center gap-3">
          {/* Disabled until hydrated: pressed earlier it would open nothing. */}
          <Button variant="secondary" onClick={() => input.current?.click()} disabled={!hydrated}>
            Add files
          </Button>
          <p className="text-sm text-muted">or drop them here</p>
          <input
            ref={input}
            type="file"
            multiple
            hidden
            data-upload-input="files"
            aria-label="Files to send"
            onChange={(event) => {
              addFiles(Array.from(event.currentTarget.files ?? []));
              event.currentTarget.value = "";
            }}
          />
        </div>

        {items.length > 0 ? (
          <ul className="divide-y divide-zinc-200 text-sm dark:divide-zinc-800" aria-label="Files">
            {items.map((item) => {
              const itemPercent = item.size === 0 ? 0 : Math.floor((Math.min(item.bytes, item.size) / item.size) * 100);
              return (
                <li key={item.id} className="flex flex-wrap items-center gap-x-3 gap-y-1 py-2">
                  {/* On a phone the name has a line of its own (the state, progress and buttons go below it). */}
                  <span className="min-w-0 basis-full font-medium break-words sm:basis-0 sm:flex-1">{item.name}</span>
                  <span className="flex-1 text-muted sm:flex-none">
                    {STATE_LABEL[item.state]}
                    {item.state === "uploading" || item.state === "paused" ? ` ${itemPercent}%` : ""} · {formatBytes(item.size)}
                  </span>
                  {item.state !== "refused" ? (
                    <progress className="h-1.5 w-24" max={100} value={item.state === "done" ? 100 : itemPercent} aria-label={`Progress of ${item.name}`} />
                  ) : null}
                  {item.state === "uploading" || item.state === "paused" ? (
                    <Button
                      variant="ghost"
                      className="px-2 py-1"
                      onClick={() => {
                        const file = uppyFile(item);
                        if (file) engine.current?.pauseResume(file.id);
                      }}
                      aria-label={`${item.state === "paused" ? "Resume" : "Pause"} ${item.name}`}
                    >
                      {item.state === "paused" ? "Resume" : "Pause"}
                    </Button>
                  ) : null}
                  {item.state === "failed" ? (
                    <Button variant="ghost" className="px-2 py-1" onClick={() => void retry(item)} aria-label={`Retry ${item.name}`}>
                      Retry
                    </Button>
                  ) : null}
                  {item.state !== "done" && item.state !== "starting" ? (
                    <Button variant="ghost" className="px-2 py-1" onClick={() => cancel(item)} aria-label={`Remove ${item.name}`}>
                      Remove
                    </Button>
                  ) : null}
                  {item.message ? (
                    <span className={`w-full text-xs ${item.state === "failed" || item.state === "refused" ? "text-red-700 dark:text-red-300" : "text-muted"}`}>
                      {item.message}
                    </span>
                  ) : null}
                </li>
              );
            })}
          </ul>
        ) : (
          <p className="text-sm text-muted">No files added yet.</p>
        )}
      </section>

      <div className="flex flex-wrap items-center gap-2">
        {/* Once everything added has arrived, "Upload" has nothing left to send (Add files starts another batch). */}
        {settled && arrived.length > 0 ? null : (
          <Button onClick={() => void uploadAll()} disabled={!hydrated || (busy && !items.some((item) => item.state === "ready"))}>
            Upload
          </Button>
        )}
        {anyRunning ? (
          <Button variant="secondary" onClick={() => engine.current?.pauseAll()}>
            Pause all
          </Button>
        ) : null}
        {anyPaused ? (
          <Button variant="secondary" onClick={() => engine.current?.resumeAll()}>
            Resume all
          </Button>
        ) : null}
      </div>

      {notice ? (
        <Alert tone="warning" role="alert">
          {notice}
        </Alert>
      ) : null}

      {counted.length > 0 ? (
        <div className="space-y-1">
          <div role="status" aria-live="polite" className="text-sm">
            {busy
              ? `Sending ${arrived.length} of ${counted.length} files: ${formatBytes(bytes)} of ${formatBytes(size)} (${percent}%)`
              : `${arrived.length} of ${counted.length} ${counted.length === 1 ? "file" : "files"} sent.`}
          </div>
          <progress className="h-2 w-full" max={100} value={percent} aria-label="Total progress" />
        </div>
      ) : null}

      {settled && arrived.length > 0 ? (
        <section
          aria-labelledby={`${ids}-done`}
          className="space-y-2 rounded-lg border border-emerald-300 bg-emerald-50 p-4 dark:border-emerald-900 dark:bg-emerald-950/40"
        >
          <h2 id={`${ids}-done`} ref={doneHeading} tabIndex={-1} className="text-lg font-semibold">
            Done
          </h2>
          <p className="text-sm">
            {arrivedAll.length === 1
              ? "This file arrived: the person who asked for it has it now."
              : `These ${arrivedAll.length} files arrived: the person who asked for them has them now.`}
          </p>
          <ul className="list-disc pl-5 text-sm" aria-label="Files that arrived">
            {arrivedAll.map((entry) => (
              <li key={entry.id}>
                <span className="break-all">{entry.name}</span> ({formatBytes(entry.size)})
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  );
}
