"use client";

import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import { Modal } from "@/components/ui/modal";
import { Button } from "@/components/ui/button";
import { FieldError, inputClass } from "@/components/ui/field";
import { Alert } from "@/components/ui/alert";
import { GenerateLinkFooter } from "@/components/share/generate-link-footer";
import { createFilesShareAction, type IssuedFilesShare } from "@/lib/actions/create-files-share";
import { scanFilesShareAction } from "@/lib/actions/scan-files-share";
import type { ActionState } from "@/lib/actions/safe-action";
import { changeLinkOptionsAction } from "@/lib/actions/change-link-options";
import { AfterLinkChoice, changeRequest, expiryKey, LinkShown, keptExpiry, useFocusOnSwitch, useLinkFlow } from "@/components/share/link-change";
import {
  AddressWarnings,
  defaultExpiryPreset,
  EXPIRY_FIELDS,
  ExpiryField,
  LinkTypeField,
  MANAGED_FIELDS,
  NoteField,
  ProtectionFields,
  useExpiryChoice,
  useManagedOptions,
} from "@/components/share/link-option-fields";
import { MAX_SHARE_FILES } from "@/lib/links/files-limit";
import { namePatternRegex } from "@/lib/links/name-pattern";
import { formatBytes } from "@/lib/format";

export type FilesShareSource =
  | { mode: "keys"; connectionId: string; bucket: string; keys: string[] }
  | { mode: "folder"; connectionId: string; bucket: string; prefix: string; name: string };

type Scan =
  | { state: "idle" }
  | { state: "running"; count: number; bytes: number }
  | { state: "done"; count: number; bytes: number }
  | { state: "too_many"; count: number }
  | { state: "failed"; message: string };

const idle = { status: "idle" } as ActionState<never>;
const KEYS_PER_STEP = 100;
const PATTERN_DEBOUNCE_MS = 400;
/** Server actions accept request bodies up to 1 MB (Next's default): the selected keys must fit in one. */
const MAX_SELECTION_BYTES = 900_000;
const FIELDS: readonly string[] = [...EXPIRY_FIELDS, "title", "note", ...MANAGED_FIELDS, "pattern"];

function plural(n: number, one: string, many: string): string {
  return `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;
}

/**
 * "Share selected" / "Share folder <name>": a managed link to a snapshot of several files. Before
 * generating, it lists the files step by step (with progress) and says how many files and bytes
 * the share will hold; beyond the limit it says so and stops.
 */
export function FilesShareDialog({
  source,
  publicUrl,
  storagePrivateHost,
  open,
  onClose,
  onCreated,
  longestSeconds = null,
  credentialsExpireAt = null,
}: {
  source: FilesShareSource;
  publicUrl: string | null;
  /** The storage's host when it is a loopback or private address (lib/storage/private-endpoint.ts). */
  storagePrivateHost: string | null;
  /** The person's grant allows links of at most this long; null: no limit of theirs. */
  longestSeconds?: number | null;
  /** When the connection's temporary credentials end (ISO); null for long-lived keys. */
  credentialsExpireAt?: string | null;
  open: boolean;
  onClose: () => void;
  onCreated?: () => void;
}) {
  const ids = useId();
  const [recursive, setRecursive] = useState(false);
  const [pattern, setPattern] = useState("");
  const [appliedPattern, setAppliedPattern] = useState("");
  const [title, setTitle] = useState("");
  const expiry = useExpiryChoice("managed", defaultExpiryPreset("managed", longestSeconds));
  const [note, setNote] = useState("");
  const [zipAllowed, setZipAllowed] = useState(true);
  const [scan, setScan] = useState<Scan>({ state: "idle" });
  const [result, setResult] = useState<ActionState<unknown>>(idle);
  const flow = useLinkFlow<IssuedFilesShare>();
  const changing = flow.mode === "change";
  const view = useRef<HTMLDivElement>(null);
  useFocusOnSwitch(flow.showing, view);
  const [pending, setPending] = useState(false);
  const run = useRef(0);

  // Typing in the name pattern re-counts once the typing pauses; until then what is shown is not of the pattern as typed.
  const recounting = source.mode === "folder" && pattern.trim() !== appliedPattern;
  useEffect(() => {
    const timer = setTimeout(() => setAppliedPattern(pattern.trim()), PATTERN_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [pattern]);

  const patternBroken = appliedPattern !== "" && namePatternRegex(appliedPattern) === null;
  const sourceFields =
    source.mode === "keys"
      ? { mode: "keys", connectionId: source.connectionId, bucket: source.bucket, keys: source.keys }
      : { mode: "folder", connectionId: source.connectionId, bucket: source.bucket, prefix: source.prefix, recursive, pattern: appliedPattern };
  const sourceKey = JSON.stringify(sourceFields);

  // The snapshot preview: one server step per 1,000 listed objects (or 100 checked keys).
  // biome-ignore lint/correctness/useExhaustiveDependencies: sourceKey is the source's value (a new object each render): it runs again only when what is shared changes
  useEffect(() => {
    if (source.mode === "keys" && new Blob([JSON.stringify(source.keys)]).size > MAX_SELECTION_BYTES) {
      setScan({
        state: "failed",
        message: "This selection is too large to send in one request. Share the folder instead (with a name pattern if needed), or select fewer files.",
      });
      return;
    }
    if (patternBroken) {
      setScan({ state: "failed", message: "Not a usable pattern: check that every [ has its ] and every { its }. Example: *.pdf" });
      return;
    }
    const mine = ++run.current;
    let count = 0;
    let bytes = 0;
    let cursor: string | undefined;
    setScan({ state: "running", count: 0, bytes: 0 });
    (async () => {
      // A selection is checked 100 keys per step, sending only those keys; a folder is listed by continuation token.
      const chunks = source.mode === "keys" ? Math.ceil(source.keys.length / KEYS_PER_STEP) : 0;
      let chunk = 0;
      do {
        const step = await scanFilesShareAction(
          idle,
          source.mode === "keys"
            ? { ...sourceFields, keys: source.keys.slice(chunk * KEYS_PER_STEP, (chunk + 1) * KEYS_PER_STEP) }
            : { ...sourceFields, ...(cursor ? { cursor } : {}) },
        );
        if (mine !== run.current) return;
        if (step.status !== "success" || !step.data) {
          setScan({
            state: "failed",
            message:
              step.status === "invalid"
                ? Object.values(step.fieldErrors).flat().join(" ") || step.message
                : ("message" in step && step.message) || "The files could not be listed.",
          });
          return;
        }
        count += step.data.count;
        bytes += step.data.bytes;
        if (count > MAX_SHARE_FILES) {
          setScan({ state: "too_many", count });
          return;
        }
        if (source.mode === "keys") {
          chunk++;
          cursor = chunk < chunks ? String(chunk) : undefined;
        } else cursor = step.data.next ?? undefined;
        setScan(cursor ? { state: "running", count, bytes } : { state: "done", count, bytes });
      } while (cursor);
    })().catch(() => {
      if (mine === run.current) setScan({ state: "failed", message: "The files could not be listed: the server did not answer. Try again." });
    });
    return () => {
      run.current++;
    };
  }, [sourceKey]);

  const defaultTitle =
    source.mode === "folder"
      ? source.name
      : scan.state === "done" || scan.state === "running"
        ? plural(scan.state === "done" ? scan.count : source.keys.length, "file", "files")
        : plural(source.keys.length, "file", "files");

  const serverErrors = result.status === "invalid" ? result.fieldErrors : {};
  const serverMessage =
    result.status === "error" || result.status === "unauthorized"
      ? result.message
      : result.status === "invalid" && !FIELDS.some((f) => serverErrors[f])
        ? [result.message, ...Object.values(serverErrors).flat()].join(" ")
        : null;
  // The server checks the managed options (sent as typed); its messages stand under each field.
  const managed = useManagedOptions(serverErrors, false);

  const cannotGenerate = recounting || scan.state !== "done" || scan.count === 0;

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    if ((!changing && cannotGenerate) || expiry.invalid) return;
    const sent = { expiry: expiryKey(expiry.fields), options: managed.options };
    setPending(true);
    try {
      if (changing && flow.link && flow.sent) {
        const state = await changeLinkOptionsAction(idle, changeRequest(flow.link.id, flow.sent, expiry.fields, managed.options));
        setResult(state);
        if (state.status === "success") flow.changed(state.data, sent, state.message);
        return;
      }
      const state = await createFilesShareAction(idle, {
        ...sourceFields,
        ...expiry.fields,
        title,
        note,
        ...managed.fields,
        zipAllowed: zipAllowed ? "on" : "",
      });
      setResult(state);
      if (state.status === "success" && state.data) {
        flow.made(state.data, sent);
        onCreated?.();
      }
    } catch {
      setResult({ status: "error", message: "The server did not answer, so no link was created. Try again." });
    } finally {
      setPending(false);
    }
  }

  const heading = source.mode === "folder" ? `Share folder ${source.name}` : `Share ${plural(source.keys.length, "file", "files")}`;
  const nothing = !recounting && scan.state === "done" && scan.count === 0;
  return (
    <Modal
      open={open}
      onClose={onClose}
      title={heading}
      subtitle={
        <p className="truncate text-sm text-zinc-600 dark:text-zinc-400" title={source.mode === "folder" ? source.prefix : undefined}>
          {source.mode === "folder" ? `${source.bucket}/${source.prefix}` : `${source.bucket}: ${plural(source.keys.length, "file", "files")} selected`}
        </p>
      }
      size="lg"
    >
      <div ref={view}>
        {flow.showing && flow.link ? (
          <LinkShown
            flow={flow}
            link={flow.link}
            timeZone={expiry.timeZone}
            summary={
              <p className="text-sm" role="status">
                Shared {plural(flow.link.fileCount, "file", "files")} · {formatBytes(flow.link.totalBytes)} as “{flow.link.title}”.
              </p>
            }
            onChangeOptions={() => setResult(idle)}
            onDone={onClose}
          />
        ) : (
          <form onSubmit={onSubmit} className="space-y-4" noValidate>
            <AfterLinkChoice idPrefix={ids} flow={flow} />
            {changing ? null : (
              <>
                {source.mode === "folder" ? (
                  <div className="space-y-3 rounded-lg border border-zinc-200 p-3 dark:border-zinc-800">
                    <label className="flex items-center gap-2 text-sm">
                      <input type="checkbox" checked={recursive} onChange={(e) => setRecursive(e.target.checked)} />
                      Include subfolders
                    </label>
                    <div className="space-y-1">
                      <label htmlFor={`${ids}-pattern`} className="block text-sm font-medium">
                        Name pattern (optional)
                      </label>
                      <div className="flex gap-2">
                        <input
                          id={`${ids}-pattern`}
                          value={pattern}
                          onChange={(e) => setPattern(e.target.value)}
                          onBlur={() => setAppliedPattern(pattern.trim())}
                          onKeyDown={(e) => {
                            if (e.key === "Enter") {
                              e.preventDefault();
                              setAppliedPattern(pattern.trim());
                            }
                          }}
                          placeholder="e.g. *.pdf"
                          className={`${inputClass} font-mono`}
                          aria-describedby={`${ids}-pattern-help`}
                          spellCheck={false}
                        />
                        <Button variant="secondary" onClick={() => setAppliedPattern(pattern.trim())}>
                          Apply
                        </Button>
                      </div>
                      <p id={`${ids}-pattern-help`} className="text-xs text-muted">
                        Matches file names, ignoring case: * any characters, ? one character, {"{pdf,docx}"} alternatives.
                      </p>
                      <FieldError errors={serverErrors.pattern} />
                    </div>
                  </div>
                ) : null}

                <div aria-live="polite" className="text-sm">
                  {recounting ? (
                    <p role="status">{pattern.trim() ? `Counting the files matching “${pattern.trim()}”…` : "Counting the files…"}</p>
                  ) : scan.state === "running" ? (
                    <p role="status">
                      Listing files… {plural(scan.count, "file", "files")} ({formatBytes(scan.bytes)}) so far
                    </p>
                  ) : scan.state === "done" && scan.count > 0 ? (
                    <p role="status" className="font-medium">
                      {plural(scan.count, "file", "files")} · {formatBytes(scan.bytes)} will be shared.
                    </p>
                  ) : nothing ? (
                    <Alert tone="error">
                      {source.mode === "keys"
                        ? "Nothing is selected: tick the files to share first."
                        : appliedPattern
                          ? `No file ${recursive ? "in this folder or its subfolders" : "in this folder"} matches “${appliedPattern}”, so there is nothing to share.`
                          : `This folder has no files${recursive ? "" : " directly in it (tick Include subfolders to share what its subfolders hold)"}, so there is nothing to share.`}
                    </Alert>
                  ) : scan.state === "too_many" ? (
                    <Alert tone="error">
                      More than {MAX_SHARE_FILES.toLocaleString("en-US")} files: one share holds at most {MAX_SHARE_FILES.toLocaleString("en-US")}. Listing
                      stopped. Share a subfolder, narrow it with a name pattern
                      {source.mode === "folder" && recursive ? ", or leave out subfolders" : ""}.
                    </Alert>
                  ) : scan.state === "failed" ? (
                    <Alert tone="error">{scan.message}</Alert>
                  ) : null}
                </div>

                <LinkTypeField idPrefix={ids} kind="managed" />
                <AddressWarnings kind="managed" publicUrl={publicUrl} storagePrivateHost={storagePrivateHost} zip />
              </>
            )}

            <ExpiryField
              idPrefix={ids}
              kind="managed"
              expiry={expiry}
              serverErrors={serverErrors}
              longestSeconds={longestSeconds}
              kept={changing ? keptExpiry(flow.link, flow.sent, expiry.fields, expiry.timeZone) : null}
              managedCredentialsEndAt={!changing && credentialsExpireAt ? new Date(credentialsExpireAt) : null}
            />

            <ProtectionFields
              idPrefix={ids}
              managed={managed}
              limitHelp="Empty for unlimited. Each file downloaded counts as one, and Download all counts as one."
              passwordHelp={changing ? "Leave it as it is to keep the password; empty it to remove the password." : undefined}
            />

            {changing ? null : (
              <>
                <div className="space-y-1">
                  <label htmlFor={`${ids}-title-input`} className="block text-sm font-medium">
                    Title
                  </label>
                  <input
                    id={`${ids}-title-input`}
                    value={title}
                    onChange={(e) => setTitle(e.target.value)}
                    placeholder={defaultTitle}
                    className={inputClass}
                    aria-describedby={`${ids}-title-help`}
                  />
                  <p id={`${ids}-title-help`} className="text-xs text-muted">
                    What the recipient sees. Empty: “{defaultTitle}”.
                  </p>
                  <FieldError errors={serverErrors.title} />
                </div>

                <label className="flex items-start gap-2 text-sm">
                  <input type="checkbox" checked={zipAllowed} onChange={(e) => setZipAllowed(e.target.checked)} className="mt-1" />
                  <span>
                    Allow Download all (ZIP; these bytes pass through this server)
                    <span className="block text-xs text-muted">
                      Single files go straight from your storage; a ZIP of everything is streamed through Bucketshare.
                    </span>
                  </span>
                </label>

                <NoteField idPrefix={ids} value={note} onChange={setNote} errors={serverErrors.note} />
              </>
            )}

            <GenerateLinkFooter
              message={serverMessage}
              pending={pending}
              disabled={(!changing && cannotGenerate) || expiry.invalid}
              onCancel={flow.link ? flow.backToLink : onClose}
              saving={changing}
              afterLink={flow.link !== null}
            />
          </form>
        )}
      </div>
    </Modal>
  );
}
