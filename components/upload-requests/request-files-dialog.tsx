"use client";

import { type FormEvent, useCallback, useEffect, useId, useRef, useState } from "react";
import { AddCorsRuleButton } from "@/components/browser/add-cors-rule-button";
import { ShareResult } from "@/components/share/share-result";
import { defaultExpiryPreset, ExpiryField, useExpiryChoice } from "@/components/share/link-option-fields";
import { useFocusOnSwitch } from "@/components/share/link-change";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { FieldError, inputClass } from "@/components/ui/field";
import { Modal } from "@/components/ui/modal";
import { type RequestCorsState, checkRequestCorsAction } from "@/lib/actions/check-request-cors";
import { createUploadRequestAction } from "@/lib/actions/create-upload-request";
import type { ActionState } from "@/lib/actions/safe-action";
import type { IssuedUploadRequest } from "@/lib/upload-requests/issue";
import { ALLOWED_TYPES_HELP, DEFAULT_LIMITS, limitsInWords, SIZE_HELP, sizeText } from "@/lib/upload-requests/request";

const idle = { status: "idle" } as ActionState<never>;
const FIELDS = ["title", "message", "maxFiles", "maxFileSize", "maxTotalSize", "allowedTypes", "expiresIn", "amount", "until", "password", "folderPerUploader"];

type Cors = { state: "checking" } | { state: "done"; result: RequestCorsState } | { state: "failed"; message: string };

/**
 * "Request files" on a folder: the bucket's CORS is checked from the server first (uploaders'
 * browsers send their files straight to it); when it is missing, what is missing, the exact rule,
 * and "Add CORS rule" for who may manage connections. Then the request's fields, and the link made
 * (Copy, QR code).
 */
export function RequestFilesButton({
  connectionId,
  bucket,
  prefix,
  folderName,
  longestSeconds = null,
}: {
  connectionId: string;
  bucket: string;
  prefix: string;
  /** The folder's name as the heading says it (the bucket's name at its root). */
  folderName: string;
  longestSeconds?: number | null;
}) {
  const [open, setOpen] = useState(false);
  const [round, setRound] = useState(0);
  return (
    <>
      <Button variant="secondary" onClick={() => setOpen(true)}>
        Request files
      </Button>
      {open ? (
        <RequestFilesDialog
          key={round}
          connectionId={connectionId}
          bucket={bucket}
          prefix={prefix}
          folderName={folderName}
          longestSeconds={longestSeconds}
          onClose={() => {
            setOpen(false);
            setRound((r) => r + 1);
          }}
        />
      ) : null}
    </>
  );
}

function RequestFilesDialog({
  connectionId,
  bucket,
  prefix,
  folderName,
  longestSeconds,
  onClose,
}: {
  connectionId: string;
  bucket: string;
  prefix: string;
  folderName: string;
  longestSeconds: number | null;
  onClose: () => void;
}) {
  const ids = useId();
  const [cors, setCors] = useState<Cors>({ state: "checking" });
  const [result, setResult] = useState<ActionState<IssuedUploadRequest>>(idle);
  const [pending, setPending] = useState(false);
  const [askName, setAskName] = useState(false);
  const expiry = useExpiryChoice("managed", defaultExpiryPreset("managed", longestSeconds));
  const view = useRef<HTMLDivElement>(null);
  const issued = result.status === "success" ? (result.data ?? null) : null;
  useFocusOnSwitch(issued !== null, view);

  const check = useCallback(async () => {
    setCors({ state: "checking" });
    try {
      const state = await checkRequestCorsAction(idle, { connectionId, bucket, folder: prefix });
      if (state.status === "success" && state.data) setCors({ state: "done", result: state.data });
      else setCors({ state: "failed", message: "message" in state && state.message ? state.message : "The bucket's CORS could not be checked. Try again." });
    } catch {
      setCors({ state: "failed", message: "The server did not answer, so the bucket's CORS could not be checked. Try again." });
    }
  }, [connectionId, bucket, prefix]);
  useEffect(() => {
    void check();
  }, [check]);

  const errors = result.status === "invalid" ? result.fieldErrors : {};
  const formMessage =
    result.status === "error" || result.status === "unauthorized"
      ? result.message
      : result.status === "invalid" && !FIELDS.some((f) => errors[f])
        ? [result.message, ...Object.values(errors).flat()].join(" ")
        : null;

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (expiry.invalid) return;
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? "");
    setPending(true);
    try {
      const state = await createUploadRequestAction(idle, {
        connectionId,
        bucket,
        folder: prefix,
        ...expiry.fields,
        title: text("title"),
        message: text("message"),
        maxFiles: text("maxFiles"),
        maxFileSize: text("maxFileSize"),
        maxTotalSize: text("maxTotalSize"),
        allowedTypes: text("allowedTypes"),
        password: text("password"),
        askName: form.get("askName") === "on" ? "on" : "",
        askEmail: form.get("askEmail") === "on" ? "on" : "",
        folderPerUploader: form.get("folderPerUploader") === "on" ? "on" : "",
      });
      setResult(state);
    } catch {
      setResult({ status: "error", message: "The server did not answer, so no request was made. Try again." });
    } finally {
      setPending(false);
    }
  }

  const field = (name: string) => ({
    id: `${ids}-${name}`,
    name,
    "aria-invalid": errors[name] ? (true as const) : undefined,
    "aria-describedby": `${ids}-${name}-help ${ids}-${name}-error`,
  });
  const help = (name: string, text: string) => (
    <p id={`${ids}-${name}-help`} className="text-xs text-muted">
      {text}
    </p>
  );
  const error = (name: string) => (
    <div id={`${ids}-${name}-error`}>
      <FieldError errors={errors[name]} />
    </div>
  );

  return (
    <Modal
      open
      onClose={onClose}
      title={`Request files into ${folderName}`}
      subtitle={<p className="truncate text-sm text-zinc-600 dark:text-zinc-400">{`${bucket}/${prefix}`}</p>}
      size="lg"
    >
      <div ref={view}>
        {issued ? (
          <div className="space-y-4">
            <p className="text-sm" role="status">
              Request “{issued.title}” made: {limitsInWords(issued)}. Files land in {issued.bucket}/{issued.landing}.
            </p>
            <ShareResult link={issued} timeZone={expiry.timeZone} request />
            <div className="flex justify-end">
              <Button variant="secondary" onClick={onClose}>
                Done
              </Button>
            </div>
          </div>
        ) : cors.state === "checking" ? (
          <p role="status" className="text-sm">
            Checking that uploaders' browsers may upload to this bucket (its CORS)…
          </p>
        ) : cors.state === "failed" ? (
          <div className="space-y-3">
            <Alert tone="error">{cors.message}</Alert>
            <Button variant="secondary" onClick={() => void check()}>
              Check again
            </Button>
          </div>
        ) : cors.result.cors.status !== "ok" ? (
          <Alert tone="warning" role="status">
            <div className="space-y-2">
              <p>
                Uploaders' browsers send their files straight to this bucket, and it does not let them yet.{" "}
                {cors.result.cors.status === "missing" ? `${cors.result.cors.message} The rule (bucket CORS, JSON):` : cors.result.cors.message}
              </p>
              {cors.result.cors.status === "missing" ? (
                <>
                  <pre className="overflow-x-auto rounded bg-white/60 p-2 text-xs dark:bg-black/30">{JSON.stringify([cors.result.cors.rule], null, 2)}</pre>
                  {cors.result.canAddCorsRule ? (
                    <AddCorsRuleButton connectionId={connectionId} bucket={bucket} onAdded={() => void check()} />
                  ) : (
                    <p>Ask the Owner or an Admin to add it.</p>
                  )}
                </>
              ) : null}
            </div>
          </Alert>
        ) : (
          <form onSubmit={onSubmit} className="space-y-4" noValidate>
            <div className="space-y-1">
              <label htmlFor={`${ids}-title`} className="block text-sm font-medium">
                Title
              </label>
              <input {...field("title")} className={inputClass} placeholder="e.g. Wedding photos" maxLength={200} />
              {help("title", "What uploaders see, and the name of the folder their files land in (empty: today's date).")}
              {error("title")}
            </div>
            <div className="space-y-1">
              <label htmlFor={`${ids}-message`} className="block text-sm font-medium">
                Message to uploaders
              </label>
              <textarea {...field("message")} rows={3} className={inputClass} placeholder="Optional" maxLength={2000} />
              {help("message", "Optional: shown on the upload page.")}
              {error("message")}
            </div>
            <div className="grid gap-3 sm:grid-cols-3">
              <div className="space-y-1">
                <label htmlFor={`${ids}-maxFiles`} className="block text-sm font-medium">
                  Max files
                </label>
                <input {...field("maxFiles")} inputMode="numeric" defaultValue={String(DEFAULT_LIMITS.maxFiles)} className={inputClass} />
                {help("maxFiles", "1 to 10,000.")}
                {error("maxFiles")}
              </div>
              <div className="space-y-1">
                <label htmlFor={`${ids}-maxFileSize`} className="block text-sm font-medium">
                  Max file size
                </label>
                <input {...field("maxFileSize")} defaultValue={sizeText(DEFAULT_LIMITS.maxFileSize)} className={inputClass} />
                {help("maxFileSize", "Each file.")}
                {error("maxFileSize")}
              </div>
              <div className="space-y-1">
                <label htmlFor={`${ids}-maxTotalSize`} className="block text-sm font-medium">
                  Max total size
                </label>
                <input {...field("maxTotalSize")} defaultValue={sizeText(DEFAULT_LIMITS.maxTotalSize)} className={inputClass} />
                {help("maxTotalSize", "All files together.")}
                {error("maxTotalSize")}
              </div>
            </div>
            <p className="-mt-2 text-xs text-muted">{SIZE_HELP}</p>
            <div className="space-y-1">
              <label htmlFor={`${ids}-allowedTypes`} className="block text-sm font-medium">
                Allowed file types
              </label>
              <input {...field("allowedTypes")} className={`${inputClass} font-mono`} placeholder="Any type" spellCheck={false} />
              {help("allowedTypes", `${ALLOWED_TYPES_HELP} Each file's first bytes are checked after it arrives.`)}
              {error("allowedTypes")}
            </div>
            <ExpiryField idPrefix={ids} kind="managed" expiry={expiry} serverErrors={errors} longestSeconds={longestSeconds} />
            <div className="space-y-1">
              <label htmlFor={`${ids}-password`} className="block text-sm font-medium">
                Password
              </label>
              <input {...field("password")} type="password" autoComplete="new-password" placeholder="Optional" className={inputClass} />
              {help("password", "Optional: uploaders must enter it before they can upload.")}
              {error("password")}
            </div>
            <fieldset className="space-y-2 rounded-lg border border-zinc-200 p-3 dark:border-zinc-800">
              <legend className="px-1 text-sm font-medium">Uploaders</legend>
              <label className="flex items-center gap-2 text-sm">
                <input type="checkbox" name="askName" checked={askName} onChange={(e) => setAskName(e.target.checked)} />
                Ask for name
              </label>
              <label className="flex items-center gap-2 text-sm">
                <input type="checkbox" name="askEmail" />
                Ask for email
              </label>
              <div>
                <label className="flex items-center gap-2 text-sm">
                  <input
                    type="checkbox"
                    name="folderPerUploader"
                    disabled={!askName}
                    aria-describedby={`${ids}-folderPerUploader-help ${ids}-folderPerUploader-error`}
                  />
                  A folder per uploader
                </label>
                <p id={`${ids}-folderPerUploader-help`} className="ml-6 text-xs text-muted">
                  Each uploader's files go into a folder of their name (needs Ask for name).
                </p>
              </div>
              {error("folderPerUploader")}
            </fieldset>
            {formMessage ? <Alert tone="error">{formMessage}</Alert> : null}
            <div className="flex justify-end gap-2">
              <Button variant="secondary" onClick={onClose}>
                Cancel
              </Button>
              <Button type="submit" disabled={pending || expiry.invalid}>
                {pending ? "Creating…" : "Create request"}
              </Button>
            </div>
          </form>
        )}
      </div>
    </Modal>
  );
}
