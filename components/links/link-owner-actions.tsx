"use client";

import { useActionState, useEffect, useId, useRef, useState, useTransition, type FormEvent } from "react";
import { useRouter } from "next/navigation";
import { changeDownloadLimitAction } from "@/lib/actions/change-download-limit";
import { changeLinkExpiryAction } from "@/lib/actions/change-link-expiry";
import { revealLinkAction } from "@/lib/actions/reveal-link";
import type { ActionState } from "@/lib/actions/safe-action";
import { MANAGED_EXPIRY_PRESETS, NEVER_PRESET } from "@/lib/links/expiry";
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
  const ids = useId();
  const [, startTransition] = useTransition();
  const [preset, setPreset] = useState("30d");
  const [state, change, pending] = useActionState(changeLinkExpiryAction, idle);
  useRefreshOnSuccess(state);
  // Chosen before the form hydrated: the select shows it, the state must hold it (it is what is sent).
  const hydrated = useHydrated();
  const select = useRef<HTMLSelectElement>(null);
  useTakeOverOnHydrate(() => {
    const chosen = typedBeforeHydration(select.current, preset);
    if (chosen !== undefined) setPreset(chosen);
  });
  function onSubmit(event: FormEvent) {
    event.preventDefault();
    startTransition(() => change({ id, preset }));
  }
  const errors = state.status === "invalid" ? state.fieldErrors.preset : undefined;
  return (
    <form onSubmit={onSubmit} className="space-y-2" aria-labelledby={`${ids}-title`} noValidate>
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
  const ids = useId();
  const [, startTransition] = useTransition();
  const [value, setValue] = useState(current === null ? "" : String(current));
  const [clientError, setClientError] = useState<string | null>(null);
  const [state, change, pending] = useActionState(changeDownloadLimitAction, idle);
  useRefreshOnSuccess(state);
  // Typed before the form hydrated: the field shows it, the state must hold it (it is what is sent).
  const hydrated = useHydrated();
  const input = useRef<HTMLInputElement>(null);
  useTakeOverOnHydrate(() => {
    const typed = typedBeforeHydration(input.current, value);
    if (typed !== undefined) setValue(typed);
  });
  function onSubmit(event: FormEvent) {
    event.preventDefault();
    const t = value.trim();
    if (t !== "" && !(/^\d+$/.test(t) && Number(t) >= 1 && Number(t) <= 1_000_000)) {
      setClientError("Enter a whole number from 1 to 1,000,000, or leave it empty for unlimited.");
      return;
    }
    setClientError(null);
    startTransition(() => change({ id, downloadLimit: t }));
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
