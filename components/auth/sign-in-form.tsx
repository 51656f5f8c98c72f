"use client";

import { useActionState } from "react";
import { signInAction } from "@/lib/actions/sign-in";
import type { ActionState } from "@/lib/actions/safe-action";
import { useHydrated } from "@/components/ui/use-hydrated";
import { Button } from "@/components/ui/button";
import { useReloadOnSuccess } from "@/components/ui/use-reload-on-success";
import { Field } from "@/components/ui/field";
import { LiveMessage } from "@/components/ui/alert";

export function SignInForm({ callbackUrl }: { callbackUrl?: string }) {
  const [state, action, pending] = useActionState(signInAction, { status: "idle" } as ActionState);
  const hydrated = useHydrated();
  useReloadOnSuccess(state);
  const errors = state.status === "invalid" ? state.fieldErrors : {};
  const values = state.status === "invalid" ? (state.values ?? {}) : {};
  const formError =
    state.status === "invalid" ? errors.form?.join(" ") : state.status === "error" || state.status === "unauthorized" ? state.message : undefined;
  return (
    <form action={action} className="space-y-4" noValidate>
      <LiveMessage tone="error" message={formError} />
      {callbackUrl ? <input type="hidden" name="callbackUrl" value={callbackUrl} /> : null}
      <Field label="Email" name="email" type="email" autoComplete="username" required defaultValue={values.email} errors={errors.email} />
      <Field label="Password" name="password" type="password" autoComplete="current-password" required errors={errors.password} />
      {/* Until the form hydrates, a click would post it natively: with Referrer-Policy no-referrer that POST carries `Origin: null`, which Next refuses as a cross-site action (a bare 500, and what was typed is lost). */}
      <Button type="submit" className="w-full" disabled={!hydrated || pending}>
        {pending ? "Signing in…" : "Sign in"}
      </Button>
    </form>
  );
}
