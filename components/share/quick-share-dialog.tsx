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
  MANAGED_EXPIRY_PRESETS,
  MAX_EXPIRY_SECONDS,
  NEVER_PRESET,
  effectiveExpiry,
  formatExpiryDate,
  resolveExpiry,
  type ExpiryChoice,
  type ExpiryUnit,
  type LinkKind,
} from "@/lib/links/expiry";
import { parseRangeList } from "@/lib/security/cidr";
import { Button } from "@/components/ui/button";
import { FieldError, inputClass } from "@/components/ui/field";
import { Alert } from "@/components/ui/alert";
import { ShareResult } from "@/components/share/share-result";

export type ShareTarget = {
  connectionId: string;
  bucket: string;
  key: string;
  name: string;
  credentialsExpireAt: string | null;
  /** PUBLIC_URL (or AUTH_URL) when set: managed links are then the default. */
  publicUrl: string | null;
};

const TRADE_OFF: Record<LinkKind, string> = {
  direct: "A presigned URL straight to your storage: works without Bucketshare, lasts up to 7 days, and cannot be revoked.",
  managed: "Goes through Bucketshare: you can revoke it at once, limit downloads, add a password or networks, and keep it up to 90 days or without expiry.",
};

/** Checked as the owner types (the server checks again with the same rules). */
function downloadLimitProblem(text: string): string | null {
  const t = text.trim();
  if (t === "") return null;
  return /^\d+$/.test(t) && Number(t) >= 1 && Number(t) <= 1_000_000 ? null : "Enter a whole number from 1 to 1,000,000, or leave it empty for unlimited.";
}

function networksProblem(text: string): string | null {
  const parsed = parseRangeList(text);
  if (parsed.ok) return null;
  return `Not an IPv4/IPv6 address or CIDR range: ${parsed.invalid.slice(0, 5).map((e) => `"${e.slice(0, 60)}"`).join(", ")}${parsed.invalid.length > 5 ? ` and ${parsed.invalid.length - 5} more` : ""}. Use forms such as 203.0.113.0/24 or 2001:db8::/32.`;
}

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
  const [kind, setKind] = useState<LinkKind>(target.publicUrl ? "managed" : "direct");
  const [downloadLimit, setDownloadLimit] = useState("");
  const [password, setPassword] = useState("");
  const [networks, setNetworks] = useState("");
  const [alwaysLatest, setAlwaysLatest] = useState(false);
  const [checked, setChecked] = useState(false);
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
  const preview = useMemo(() => (mode === "until" && !until ? null : resolveExpiry(choice, new Date(), { timeZone, kind })), [mode, until, amount, unit, expiresIn, timeZone, kind]); // eslint-disable-line react-hooks/exhaustive-deps
  // Temporary credentials cap direct links only (a managed link presigns at each download).
  const credentialsEnd = kind === "direct" && target.credentialsExpireAt ? new Date(target.credentialsExpireAt) : null;
  const capped = preview?.ok ? effectiveExpiry(preview.expiresAt, credentialsEnd) : null;

  const serverErrors = state.status === "invalid" ? state.fieldErrors : {};
  const FIELDS = ["expiresIn", "amount", "until", "fileName", "contentType", "note", "downloadLimit", "password", "allowedNetworks"];
  const serverMessage =
    state.status === "error" || state.status === "unauthorized"
      ? state.message
      : state.status === "invalid" && !FIELDS.some((f) => serverErrors[f])
        ? [state.message, ...Object.values(serverErrors).flat()].join(" ")
        : null;
  const expiryError = preview && !preview.ok ? preview.message : (serverErrors.expiresIn ?? serverErrors.amount ?? serverErrors.until)?.join(" ");
  const limitError = (checked ? downloadLimitProblem(downloadLimit) : null) ?? serverErrors.downloadLimit?.join(" ");
  const networksError = (checked ? networksProblem(networks) : null) ?? serverErrors.allowedNetworks?.join(" ");
  const presets = kind === "managed" ? MANAGED_EXPIRY_PRESETS : EXPIRY_PRESETS;

  function chooseKind(next: LinkKind) {
    setKind(next);
    // 30 days, 90 days and No expiry exist for managed links only.
    if (next === "direct" && !EXPIRY_PRESETS.some((p) => p.id === expiresIn) && expiresIn !== "custom" && expiresIn !== "until") setExpiresIn("7d");
  }

  function useLongest() {
    setExpiresIn("7d");
  }

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    setChecked(true);
    if (kind === "managed" && (downloadLimitProblem(downloadLimit) || networksProblem(networks))) return;
    const data = new FormData();
    data.set("linkType", kind);
    if (kind === "managed") {
      data.set("downloadLimit", downloadLimit);
      if (password) data.set("password", password);
      data.set("allowedNetworks", networks);
      if (alwaysLatest) data.set("alwaysLatest", "on");
    }
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
            <fieldset className="space-y-1" aria-describedby={`${ids}-kind-help`}>
              <legend className="text-sm font-medium">Link type</legend>
              <div className="flex flex-wrap gap-4 text-sm">
                <label className="flex items-center gap-2">
                  <input type="radio" name="linkType" value="direct" checked={kind === "direct"} onChange={() => chooseKind("direct")} />
                  Direct link
                </label>
                <label className="flex items-center gap-2">
                  <input type="radio" name="linkType" value="managed" checked={kind === "managed"} onChange={() => chooseKind("managed")} />
                  Managed link
                </label>
              </div>
              <p id={`${ids}-kind-help`} className="text-sm text-zinc-600 dark:text-zinc-400">
                {TRADE_OFF[kind]}
              </p>
              {kind === "managed" && !target.publicUrl ? (
                <Alert tone="warning">
                  Bucketshare has no public address, so this link uses the address you opened it at. Recipients elsewhere cannot reach a localhost
                  address: set <code>PUBLIC_URL</code> to the address people use to reach Bucketshare (for example https://share.example.com) and
                  restart it.
                </Alert>
              ) : null}
            </fieldset>

            <div className="space-y-1">
              <label htmlFor={`${ids}-expires`} className="block text-sm font-medium">
                Expires in
              </label>
              <select id={`${ids}-expires`} value={expiresIn} onChange={(e) => setExpiresIn(e.target.value)} className={inputClass} aria-describedby={`${ids}-expiry-help`}>
                {presets.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.label}
                  </option>
                ))}
                {kind === "managed" ? <option value={NEVER_PRESET}>No expiry</option> : null}
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
                    {preview && !preview.ok && preview.longestAllowed && kind === "direct" ? (
                      <Button variant="secondary" onClick={useLongest}>
                        Use the longest allowed (7 days)
                      </Button>
                    ) : null}
                  </>
                ) : preview?.ok && preview.neverExpires ? (
                  <p className="text-zinc-600 dark:text-zinc-400">The link works until you revoke it.</p>
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

            {kind === "managed" ? (
              <div className="space-y-3 rounded-lg border border-zinc-200 p-3 dark:border-zinc-800">
                <div className="space-y-1">
                  <label htmlFor={`${ids}-limit`} className="block text-sm font-medium">
                    Download limit
                  </label>
                  <input
                    id={`${ids}-limit`}
                    inputMode="numeric"
                    value={downloadLimit}
                    onChange={(e) => setDownloadLimit(e.target.value)}
                    placeholder="Unlimited"
                    className={`${inputClass} w-40`}
                    aria-invalid={limitError ? true : undefined}
                    aria-describedby={`${ids}-limit-help ${ids}-limit-error`}
                  />
                  <p id={`${ids}-limit-help`} className="text-xs text-muted">
                    Empty for unlimited; 1 for a one-time link. Page views and link previews do not count.
                  </p>
                  <div id={`${ids}-limit-error`}>
                    <FieldError errors={limitError ? [limitError] : undefined} />
                  </div>
                </div>
                <div className="space-y-1">
                  <label htmlFor={`${ids}-password`} className="block text-sm font-medium">
                    Password
                  </label>
                  <input
                    id={`${ids}-password`}
                    type="password"
                    autoComplete="new-password"
                    value={password}
                    onChange={(e) => setPassword(e.target.value)}
                    placeholder="Optional"
                    className={inputClass}
                    aria-invalid={serverErrors.password ? true : undefined}
                  />
                  <FieldError errors={serverErrors.password} />
                </div>
                <div className="space-y-1">
                  <label htmlFor={`${ids}-networks`} className="block text-sm font-medium">
                    Allowed networks
                  </label>
                  <textarea
                    id={`${ids}-networks`}
                    rows={2}
                    value={networks}
                    onChange={(e) => setNetworks(e.target.value)}
                    placeholder="Optional, e.g. 203.0.113.0/24, 2001:db8::/32"
                    className={`${inputClass} font-mono text-xs`}
                    spellCheck={false}
                    aria-invalid={networksError ? true : undefined}
                    aria-describedby={`${ids}-networks-help ${ids}-networks-error`}
                  />
                  <p id={`${ids}-networks-help`} className="text-xs text-muted">
                    IPv4/IPv6 addresses or CIDR ranges, separated by commas or new lines. Empty: anywhere.
                  </p>
                  <div id={`${ids}-networks-error`}>
                    <FieldError errors={networksError ? [networksError] : undefined} />
                  </div>
                </div>
                <label className="flex items-start gap-2 text-sm">
                  <input type="checkbox" checked={alwaysLatest} onChange={(e) => setAlwaysLatest(e.target.checked)} className="mt-1" />
                  <span>
                    Always the latest version
                    <span className="block text-xs text-muted">Unchecked: the link serves the file as it is now, and refuses it once replaced.</span>
                  </span>
                </label>
              </div>
            ) : null}

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
            <p className="text-xs text-muted">
              {kind === "direct"
                ? `Direct links can last from 1 minute to ${MAX_EXPIRY_SECONDS / 86_400} days. Anyone with the link can download the file until it expires.`
                : "Anyone with the link (and its password, from an allowed network) can download the file until it expires, reaches its limit or you revoke it."}
            </p>
          </form>
        )}
      </div>
    </dialog>
  );
}
