"use client";

import { useActionState, useEffect, useId, useRef, useState, useTransition, type FormEvent } from "react";
import { useRouter } from "next/navigation";
import { changeAllowedNetworksAction } from "@/lib/actions/change-allowed-networks";
import { changeDownloadLimitAction } from "@/lib/actions/change-download-limit";
import { changeLinkPasswordAction } from "@/lib/actions/change-link-password";
import { changeLinkExpiryAction } from "@/lib/actions/change-link-expiry";
import { revealLinkAction } from "@/lib/actions/reveal-link";
import type { ActionState } from "@/lib/actions/safe-action";
import { MANAGED_EXPIRY_PRESETS, NEVER_PRESET } from "@/lib/links/expiry";
import { linkPasswordProblem, NEW_LINK_PASSWORD_TOO_SHORT } from "@/lib/links/link-password";
import { Button } from "@/components/ui/button";
import { FieldError, inputClass } from "@/components/ui/field";
import { copyText } from "@/components/share/share-result";
import { typedBeforeHydration, useHydrated, useTakeOverOnHydrate } from "@/components/ui/use-hydrated";

const idle = { status: "idle" } as ActionState;

function useRefreshOnSuccess(state: ActionState) {
  const router = useRouter();
  useEffect(() => {
    if (state.status === "success") router.refresh();
  }, [state, router]);
}

type ChangeAction = (previous: ActionState, input: Record<string, unknown>) => Promise<ActionState>;

/**
 * What the link page's change forms share: one controlled field that takes over what was typed or
 * chosen before the form hydrated (it is what is sent), its action, and a refresh of the page's
 * figures on success.
 */
function useChangeForm<T extends HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>(action: ChangeAction, initial: string) {
  const ids = useId();
  const [, startTransition] = useTransition();
  const [value, setValue] = useState(initial);
  const [state, run, pending] = useActionState(action, idle);
  useRefreshOnSuccess(state);
  const hydrated = useHydrated();
  const field = useRef<T>(null);
  useTakeOverOnHydrate(() => {
    const typed = typedBeforeHydration(field.current, value);
    if (typed !== undefined) setValue(typed);
  });
  const send = (input: Record<string, unknown>) => startTransition(() => run(input));
  return { ids, value, setValue, state, pending, hydrated, field, send };
}

function Outcome({ state }: { state: ActionState }) {
  return (
    <p role="status" aria-live="polite" className="text-sm">
      {state.status === "success" ? (
        <span className="text-emerald-700 dark:text-emerald-400">{state.message}</span>
      ) : state.status === "error" ||
        state.status === "unauthorized" ||
        (state.status === "invalid" && Object.keys(state.fieldErrors).every((k) => k === "id")) ? (
        <span className="text-red-700 dark:text-red-400">{state.message}</span>
      ) : null}
    </p>
  );
}

/** Link page → "Copy link" (decrypted on the server while the link works). */
export function CopyLinkButton({ id }: { id: string }) {
  const [message, setMessage] = useState<{ tone: "ok" | "error"; text: string } | null>(null);
  const [revealed, setRevealed] = useState("");
  const fallback = useRef<HTMLInputElement>(null);
  async function copy() {
    setMessage(null);
    const result = await revealLinkAction({ status: "idle" }, { id });
    if (result.status !== "success" || !result.data) {
      setMessage({ tone: "error", text: result.status !== "idle" && "message" in result && result.message ? result.message : "Try again." });
      return;
    }
    setRevealed(result.data.url);
    const outcome = await copyText(result.data.url, fallback.current);
    setMessage({ tone: "ok", text: outcome === "copied" ? "Copied" : "Selected: press Ctrl+C (⌘C) to copy" });
  }
  return (
    <span className="inline-flex items-center gap-2">
      <Button variant="secondary" onClick={() => void copy()}>
        Copy link
      </Button>
      <input ref={fallback} readOnly value={revealed} aria-hidden="true" tabIndex={-1} className="sr-only" />
      <span
        role="status"
        aria-live="polite"
        className={`text-sm ${message?.tone === "error" ? "text-red-700 dark:text-red-400" : "text-emerald-700 dark:text-emerald-400"}`}
      >
        {message?.text}
      </span>
    </span>
  );
}

/** Link page → "Change expiry" (managed links): a preset counted from now, or No expiry. */
export function ChangeExpiryForm({ id }: { id: string }) {
  const {
    ids,
    value: preset,
    setValue: setPreset,
    state,
    pending,
    hydrated,
    field: select,
    send,
  } = useChangeForm<HTMLSelectElement>(changeLinkExpiryAction, "30d");
  function onSubmit(event: FormEvent) {
    event.preventDefault();
    send({ id, preset });
  }
  const errors = state.status === "invalid" ? state.fieldErrors.preset : undefined;
  return (
    <form id="extend" onSubmit={onSubmit} className="scroll-mt-20 space-y-2" aria-labelledby={`${ids}-title`} noValidate>
      <h3 id={`${ids}-title`} className="text-sm font-semibold">
        Change expiry
      </h3>
      <div className="flex flex-wrap items-end gap-2">
        <div className="space-y-1">
          <label htmlFor={`${ids}-preset`} className="block text-xs font-medium">
            New expiry, from now
          </label>
          <select
            ref={select}
            id={`${ids}-preset`}
            value={preset}
            onChange={(e) => setPreset(e.target.value)}
            className={inputClass}
            aria-invalid={errors ? true : undefined}
          >
            {MANAGED_EXPIRY_PRESETS.map((p) => (
              <option key={p.id} value={p.id}>
                {p.label}
              </option>
            ))}
            <option value={NEVER_PRESET}>No expiry</option>
          </select>
        </div>
        {/* Until the form hydrates, a click would submit it natively (a GET of this page) and change nothing. */}
        <Button type="submit" variant="secondary" disabled={!hydrated || pending}>
          Change expiry
        </Button>
      </div>
      <FieldError errors={errors} />
      <Outcome state={state} />
    </form>
  );
}

/** Link page → "Change download limit" (managed links): empty = unlimited. */
export function ChangeDownloadLimitForm({ id, current }: { id: string; current: number | null }) {
  const {
    ids,
    value,
    setValue,
    state,
    pending,
    hydrated,
    field: input,
    send,
  } = useChangeForm<HTMLInputElement>(changeDownloadLimitAction, current === null ? "" : String(current));
  const [clientError, setClientError] = useState<string | null>(null);
  function onSubmit(event: FormEvent) {
    event.preventDefault();
    const t = value.trim();
    if (t !== "" && !(/^\d+$/.test(t) && Number(t) >= 1 && Number(t) <= 1_000_000)) {
      setClientError("Enter a whole number from 1 to 1,000,000, or leave it empty for unlimited.");
      return;
    }
    setClientError(null);
    send({ id, downloadLimit: t });
  }
  const errors = clientError ? [clientError] : state.status === "invalid" ? state.fieldErrors.downloadLimit : undefined;
  return (
    <form onSubmit={onSubmit} className="space-y-2" aria-labelledby={`${ids}-title`} noValidate>
      <h3 id={`${ids}-title`} className="text-sm font-semibold">
        Change download limit
      </h3>
      <div className="flex flex-wrap items-end gap-2">
        <div className="space-y-1">
          <label htmlFor={`${ids}-limit`} className="block text-xs font-medium">
            New download limit
          </label>
          <input
            ref={input}
            id={`${ids}-limit`}
            inputMode="numeric"
            value={value}
            onChange={(e) => setValue(e.target.value)}
            placeholder="Unlimited"
            className={`${inputClass} w-40`}
            aria-invalid={errors ? true : undefined}
            aria-describedby={`${ids}-error`}
          />
        </div>
        <Button type="submit" variant="secondary" disabled={!hydrated || pending}>
          Change download limit
        </Button>
      </div>
      <div id={`${ids}-error`}>
        <FieldError errors={errors} />
      </div>
      <Outcome state={state} />
    </form>
  );
}

/**
 * Link page → "Change password" (managed links): set or change it, or "Remove password". Who
 * entered the old one must enter the new one at their next request.
 */
export function ChangePasswordForm({ id, hasPassword }: { id: string; hasPassword: boolean }) {
  const {
    ids,
    value: password,
    setValue: setPassword,
    state,
    pending,
    hydrated,
    field: input,
    send,
  } = useChangeForm<HTMLInputElement>(changeLinkPasswordAction, "");
  const [clientError, setClientError] = useState<string | null>(null);
  useEffect(() => {
    if (state.status === "success") setPassword("");
  }, [state, setPassword]);
  function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (password === "" || linkPasswordProblem(password) !== null) {
      setClientError(NEW_LINK_PASSWORD_TOO_SHORT);
      return;
    }
    setClientError(null);
    send({ id, mode: "set", password });
  }
  function remove() {
    setClientError(null);
    send({ id, mode: "remove" });
  }
  const errors = clientError ? [clientError] : state.status === "invalid" ? state.fieldErrors.password : undefined;
  return (
    <form onSubmit={onSubmit} className="space-y-2" aria-labelledby={`${ids}-title`} noValidate>
      <h3 id={`${ids}-title`} className="text-sm font-semibold">
        Change password
      </h3>
      <p id={`${ids}-hint`} className="text-xs text-muted">
        {hasPassword
          ? "Recipients who entered the current password must enter the new one."
          : "The link has no password now: recipients will need to enter this one."}
      </p>
      <div className="flex flex-wrap items-end gap-2">
        <div className="space-y-1">
          <label htmlFor={`${ids}-password`} className="block text-xs font-medium">
            New password
          </label>
          <input
            ref={input}
            id={`${ids}-password`}
            type="password"
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            className={`${inputClass} w-56`}
            aria-invalid={errors ? true : undefined}
            aria-describedby={`${ids}-hint ${ids}-error`}
          />
        </div>
        <Button type="submit" variant="secondary" disabled={!hydrated || pending}>
          Change password
        </Button>
        {hasPassword ? (
          <Button type="button" variant="secondary" disabled={!hydrated || pending} onClick={remove}>
            Remove password
          </Button>
        ) : null}
      </div>
      <div id={`${ids}-error`}>
        <FieldError errors={errors} />
      </div>
      <Outcome state={state} />
    </form>
  );
}

/** Link page → "Change allowed networks" (managed links): IPv4/IPv6 addresses or CIDR ranges; empty = anywhere. */
export function ChangeAllowedNetworksForm({ id, current }: { id: string; current: string[] }) {
  const currentText = current.join("\n");
  const {
    ids,
    value,
    setValue,
    state,
    pending,
    hydrated,
    field: textarea,
    send,
  } = useChangeForm<HTMLTextAreaElement>(changeAllowedNetworksAction, currentText);
  // After a change the page reloads with the stored (canonical) list.
  useEffect(() => setValue(currentText), [currentText, setValue]);
  function onSubmit(event: FormEvent) {
    event.preventDefault();
    send({ id, allowedNetworks: value });
  }
  const errors = state.status === "invalid" ? state.fieldErrors.allowedNetworks : undefined;
  return (
    <form onSubmit={onSubmit} className="space-y-2 sm:col-span-2" aria-labelledby={`${ids}-title`} noValidate>
      <h3 id={`${ids}-title`} className="text-sm font-semibold">
        Change allowed networks
      </h3>
      <div className="space-y-1">
        <label htmlFor={`${ids}-networks`} className="block text-xs font-medium">
          Allowed networks
        </label>
        <textarea
          ref={textarea}
          id={`${ids}-networks`}
          rows={3}
          value={value}
          onChange={(e) => setValue(e.target.value)}
          placeholder="Anywhere, or e.g. 203.0.113.0/24, 2001:db8::/32"
          className={`${inputClass} font-mono text-xs`}
          spellCheck={false}
          aria-invalid={errors ? true : undefined}
          aria-describedby={`${ids}-help ${ids}-error`}
        />
        <p id={`${ids}-help`} className="text-xs text-muted">
          IPv4/IPv6 addresses or CIDR ranges, separated by commas or new lines. Empty: anywhere. Applies from the recipient&apos;s next request.
        </p>
      </div>
      <Button type="submit" variant="secondary" disabled={!hydrated || pending}>
        Change allowed networks
      </Button>
      <div id={`${ids}-error`}>
        <FieldError errors={errors} />
      </div>
      <Outcome state={state} />
    </form>
  );
}
