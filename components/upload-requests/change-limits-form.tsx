"use client";

import { useActionState, useEffect, useId, useTransition, type FormEvent } from "react";
import { useRouter } from "next/navigation";
import { changeRequestLimitsAction } from "@/lib/actions/change-request-limits";
import type { ActionState } from "@/lib/actions/safe-action";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { useHydrated } from "@/components/ui/use-hydrated";
import { SIZE_HELP, sizeText } from "@/lib/upload-requests/request";

const idle = { status: "idle" } as ActionState;

/** Upload request page → "Change limits": Max files, Max file size, Max total size (the dialog's fields and rules). */
export function ChangeLimitsForm({ id, current }: { id: string; current: { maxFiles: number; maxFileSize: number; maxTotalSize: number } }) {
  const ids = useId();
  const router = useRouter();
  const hydrated = useHydrated();
  const [, startTransition] = useTransition();
  const [state, run, pending] = useActionState(changeRequestLimitsAction, idle);
  useEffect(() => {
    if (state.status === "success") router.refresh();
  }, [state, router]);
  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    startTransition(() => run({ id, maxFiles: form.get("maxFiles"), maxFileSize: form.get("maxFileSize"), maxTotalSize: form.get("maxTotalSize") }));
  }
  const errors = state.status === "invalid" ? state.fieldErrors : {};
  return (
    <form onSubmit={onSubmit} className="space-y-2" aria-labelledby={`${ids}-title`} noValidate>
      <h3 id={`${ids}-title`} className="text-sm font-semibold">
        Change limits
      </h3>
      <div className="grid gap-2 sm:grid-cols-3">
        <Field label="Max files" name="maxFiles" inputMode="numeric" defaultValue={String(current.maxFiles)} errors={errors.maxFiles} />
        <Field label="Max file size" name="maxFileSize" defaultValue={sizeText(current.maxFileSize)} errors={errors.maxFileSize} />
        <Field label="Max total size" name="maxTotalSize" defaultValue={sizeText(current.maxTotalSize)} errors={errors.maxTotalSize} />
      </div>
      <p className="text-xs text-muted">{SIZE_HELP} Files already received stay; uploads in progress keep their place.</p>
      <Button type="submit" variant="secondary" disabled={!hydrated || pending}>
        Change limits
      </Button>
      <p role="status" aria-live="polite" className="text-sm">
        {state.status === "success" ? (
          <span className="text-emerald-700 dark:text-emerald-400">{state.message}</span>
        ) : state.status === "error" || state.status === "unauthorized" || (state.status === "invalid" && Object.keys(errors).every((k) => k === "id")) ? (
          <span className="text-red-700 dark:text-red-400">{state.message}</span>
        ) : null}
      </p>
    </form>
  );
}
