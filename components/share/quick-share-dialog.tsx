"use client";

import { useActionState, useEffect, useId, useMemo, useState, useTransition, type FormEvent } from "react";
import { useModalDialog } from "@/components/ui/use-modal-dialog";
import { createShareLinkAction } from "@/lib/actions/create-share-link";
import type { ActionState } from "@/lib/actions/safe-action";
import type { IssuedLink } from "@/lib/links/issue";
import { baseName } from "@/lib/links/content-disposition";
import {
  DEFAULT_EXPIRY_PRESET,
  EXPIRY_PRESETS,
  EXPIRY_UNITS,
  MAX_EXPIRY_SECONDS,
  effectiveExpiry,
  formatExpiryDate,
  resolveExpiry,
  type ExpiryChoice,
  type ExpiryUnit,
} from "@/lib/links/expiry";
import { Button } from "@/components/ui/button";
import { FieldError, inputClass } from "@/components/ui/field";
import { Alert } from "@/components/ui/alert";
import { ShareResult } from "@/components/share/share-result";

export type ShareTarget = { connectionId: string; bucket: string; key: string; name: string; credentialsExpireAt: string | null };

const idle = { status: "idle" } as ActionState<IssuedLink>;

function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch {
    return "UTC";
  }
}

export function QuickShareDialog({ target, open, onClose }: { target: ShareTarget; open: boolean; onClose: () => void }) {
  const ref = useModalDialog(open);
  const ids = useId();
  const [timeZone, setTimeZone] = useState("UTC");
  const [expiresIn, setExpiresIn] = useState<string>(DEFAULT_EXPIRY_PRESET);
  const [amount, setAmount] = useState("2");
  const [unit, setUnit] = useState<ExpiryUnit>("hours");
  const [until, setUntil] = useState("");
  const [disposition, setDisposition] = useState<"inline" | "attachment">("inline");
  const [fileName, setFileName] = useState(baseName(target.key));
  const [contentType, setContentType] = useState("");
  const [note, setNote] = useState("");
  const [state, generate, pending] = useActionState(createShareLinkAction, idle);
  const [, startTransition] = useTransition();
  const [showResult, setShowResult] = useState(false);

  useEffect(() => setTimeZone(browserTimeZone()), []);

  useEffect(() => {
    if (state.status === "success") setShowResult(true);
  }, [state]);

  const mode: ExpiryChoice["mode"] = expiresIn === "custom" ? "custom" : expiresIn === "until" ? "until" : "preset";
  const choice: ExpiryChoice =
    mode === "custom" ? { mode, amount, unit } : mode === "until" ? { mode, localDateTime: until, timeZone } : { mode, preset: expiresIn };
  // Checked as the owner types; the server checks again.
  const preview = useMemo(() => (mode === "until" && !until ? null : resolveExpiry(choice, new Date(), { timeZone })), [mode, until, amount, unit, expiresIn, timeZone]); // eslint-disable-line react-hooks/exhaustive-deps
  const credentialsEnd = target.credentialsExpireAt ? new Date(target.credentialsExpireAt) : null;
  const capped = preview?.ok ? effectiveExpiry(preview.expiresAt, credentialsEnd) : null;

  const serverErrors = state.status === "invalid" ? state.fieldErrors : {};
  const serverMessage = state.status === "error" || state.status === "unauthorized" ? state.message : state.status === "invalid" && !serverErrors.expiresIn && !serverErrors.amount && !serverErrors.until && !serverErrors.fileName && !serverErrors.contentType && !serverErrors.note ? state.message : null;
  const expiryError = preview && !preview.ok ? preview.message : (serverErrors.expiresIn ?? serverErrors.amount ?? serverErrors.until)?.join(" ");

  function useLongest() {
    setExpiresIn("7d");
  }

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    const data = new FormData();
    data.set("connectionId", target.connectionId);
    data.set("bucket", target.bucket);
    data.set("key", target.key);
    data.set("expiryMode", mode);
    data.set("preset", mode === "preset" ? expiresIn : DEFAULT_EXPIRY_PRESET);
    data.set("amount", amount);
    data.set("unit", unit);
    data.set("until", until);
    data.set("timeZone", timeZone);
    data.set("disposition", disposition);
    data.set("fileName", fileName);
    data.set("contentType", contentType);
    data.set("note", note);
    startTransition(() => generate(data));
  }

  const titleId = `${ids}-title`;
  return (
    <dialog
      ref={ref}
      onClose={onClose}
      aria-labelledby={titleId}
      className="m-auto max-h-[calc(100dvh-2rem)] w-[min(34rem,calc(100vw-1rem))] overflow-y-auto rounded-xl border border-zinc-200 bg-white p-0 text-zinc-900 shadow-xl backdrop:bg-black/40 dark:border-zinc-800 dark:bg-zinc-900 dark:text-zinc-100"
    >
      <div className="space-y-4 p-5">
        <div className="flex items-start justify-between gap-3">
          <div className="min-w-0">
            <h2 id={titleId} className="text-lg font-semibold">
              Quick Share
            </h2>
            <p className="truncate text-sm text-zinc-600 dark:text-zinc-400" title={target.key}>
              {target.bucket}/{target.key}
            </p>
          </div>
          <button type="button" onClick={onClose} aria-label="Close" className="rounded p-1 text-muted hover:bg-zinc-100 dark:hover:bg-zinc-800">
            ✕
          </button>
        </div>

        {showResult && state.status === "success" && state.data ? (
          <div className="space-y-4">
            <ShareResult link={state.data} timeZone={timeZone} />
            <div className="flex justify-end gap-2 border-t border-zinc-200 pt-3 dark:border-zinc-800">
              <Button variant="secondary" onClick={() => setShowResult(false)}>
                Change options
              </Button>
              <Button variant="secondary" onClick={onClose}>
                Done
              </Button>
            </div>
          </div>
        ) : (
          <form onSubmit={onSubmit} className="space-y-4" noValidate>
            <div className="space-y-1">
              <label htmlFor={`${ids}-expires`} className="block text-sm font-medium">
                Expires in
              </label>
              <select id={`${ids}-expires`} value={expiresIn} onChange={(e) => setExpiresIn(e.target.value)} className={inputClass} aria-describedby={`${ids}-expiry-help`}>
                {EXPIRY_PRESETS.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.label}
                  </option>
                ))}
                <option value="custom">Custom duration…</option>
                <option value="until">Until a date and time…</option>
              </select>
              {mode === "custom" ? (
                <div className="flex gap-2 pt-1">
                  <div className="w-28">
                    <label htmlFor={`${ids}-amount`} className="sr-only">
                      Duration
                    </label>
                    <input id={`${ids}-amount`} type="number" min={1} inputMode="numeric" value={amount} onChange={(e) => setAmount(e.target.value)} className={inputClass} aria-invalid={Boolean(expiryError) || undefined} />
                  </div>
                  <div className="w-36">
                    <label htmlFor={`${ids}-unit`} className="sr-only">
                      Unit
                    </label>
                    <select id={`${ids}-unit`} value={unit} onChange={(e) => setUnit(e.target.value as ExpiryUnit)} className={inputClass}>
                      {EXPIRY_UNITS.map((u) => (
                        <option key={u} value={u}>
                          {u}
                        </option>
                      ))}
                    </select>
                  </div>
                </div>
              ) : null}
              {mode === "until" ? (
                <div className="space-y-1 pt-1">
                  <label htmlFor={`${ids}-until`} className="block text-sm">
                    Expires at ({timeZone})
                  </label>
                  <input id={`${ids}-until`} type="datetime-local" value={until} onChange={(e) => setUntil(e.target.value)} className={inputClass} aria-invalid={Boolean(expiryError) || undefined} />
                </div>
              ) : null}
              <div id={`${ids}-expiry-help`} aria-live="polite" className="space-y-1 text-sm">
                {expiryError ? (
                  <>
                    <FieldError errors={[expiryError]} />
                    {preview && !preview.ok && preview.longestAllowed ? (
                      <Button variant="secondary" onClick={useLongest}>
                        Use the longest allowed (7 days)
                      </Button>
                    ) : null}
                  </>
                ) : capped ? (
                  <p className="text-zinc-600 dark:text-zinc-400">
                    The link will work until {formatExpiryDate(capped.expiresAt, timeZone)}.
                  </p>
                ) : null}
                {capped?.limitedByCredentials ? (
                  <Alert tone="warning">
                    This connection uses temporary credentials that end {formatExpiryDate(capped.expiresAt, timeZone)}. The link stops working then,
                    earlier than you asked.
                  </Alert>
                ) : null}
              </div>
            </div>

            <fieldset className="space-y-1">
              <legend className="text-sm font-medium">When the recipient opens it</legend>
              <div className="flex flex-wrap gap-4 text-sm">
                <label className="flex items-center gap-2">
                  <input type="radio" name="disposition" value="inline" checked={disposition === "inline"} onChange={() => setDisposition("inline")} />
                  Open in browser
                </label>
                <label className="flex items-center gap-2">
                  <input type="radio" name="disposition" value="attachment" checked={disposition === "attachment"} onChange={() => setDisposition("attachment")} />
                  Download
                </label>
              </div>
            </fieldset>

            <div className="space-y-1">
              <label htmlFor={`${ids}-filename`} className="block text-sm font-medium">
                File name
              </label>
              <input id={`${ids}-filename`} value={fileName} onChange={(e) => setFileName(e.target.value)} className={inputClass} aria-invalid={serverErrors.fileName ? true : undefined} />
              <FieldError errors={serverErrors.fileName} />
            </div>

            <details className="text-sm" open={Boolean(serverErrors.contentType)}>
              <summary className="cursor-pointer font-medium">More options</summary>
              <div className="mt-2 space-y-3">
                <div className="space-y-1">
                  <label htmlFor={`${ids}-ctype`} className="block text-sm font-medium">
                    Content type (optional)
                  </label>
                  <input id={`${ids}-ctype`} value={contentType} onChange={(e) => setContentType(e.target.value)} placeholder="Keep the object's own" className={inputClass} aria-invalid={serverErrors.contentType ? true : undefined} />
                  <FieldError errors={serverErrors.contentType} />
                </div>
                <div className="space-y-1">
                  <label htmlFor={`${ids}-note`} className="block text-sm font-medium">
                    Note (optional)
                  </label>
                  <input id={`${ids}-note`} value={note} onChange={(e) => setNote(e.target.value)} placeholder="Who the link is for" className={inputClass} />
                  <FieldError errors={serverErrors.note} />
                </div>
              </div>
            </details>

            <div role="alert" aria-live="assertive">
              {serverMessage ? <Alert tone="error">{serverMessage}</Alert> : null}
            </div>

            <div className="flex justify-end gap-2">
              <Button variant="secondary" onClick={onClose}>
                Cancel
              </Button>
              <Button type="submit" disabled={pending || Boolean(preview && !preview.ok)}>
                {pending ? "Generating…" : "Generate link"}
              </Button>
            </div>
            <p className="text-xs text-muted">Links can last from 1 minute to {MAX_EXPIRY_SECONDS / 86_400} days. Anyone with the link can download the file until it expires.</p>
          </form>
        )}
      </div>
    </dialog>
  );
}
