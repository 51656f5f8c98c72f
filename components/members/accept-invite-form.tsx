"use client";

import { useActionState } from "react";
import { acceptInviteAction } from "@/lib/actions/accept-invite";
import type { ActionState } from "@/lib/actions/safe-action";
import { useHydrated } from "@/components/ui/use-hydrated";
import { Button } from "@/components/ui/button";
import { useReloadOnSuccess } from "@/components/ui/use-reload-on-success";
import { Field, FieldError } from "@/components/ui/field";
import { NewPasswordFields } from "@/components/auth/new-password-fields";
import { LiveMessage } from "@/components/ui/alert";

/** /invite/<token>: the invited person's name and password; on success they are signed in and land on /buckets. */
export function AcceptInviteForm({ token, email }: { token: string; email: string }) {
  const [state, action, pending] = useActionState(acceptInviteAction, { status: "idle" } as ActionState);
  const hydrated = useHydrated();
  useReloadOnSuccess(state);
  const errors = state.status === "invalid" ? state.fieldErrors : {};
  const values = state.status === "invalid" ? (state.values ?? {}) : {};
  return (
    <form action={action} className="space-y-4" noValidate>
      <LiveMessage tone="error" message={state.status === "error" ? state.message : undefined} />
      <FieldError errors={errors.form} />
      <input type="hidden" name="token" value={token} />
      <Field label="Email" name="shownEmail" value={email} readOnly autoComplete="username" hint="The invite is for this address: you sign in with it." />
      <Field label="Name" name="name" autoComplete="name" required defaultValue={values.name} errors={errors.name} />
      <NewPasswordFields errors={errors} />
      <Button type="submit" className="w-full" disabled={!hydrated || pending}>
        {pending ? "Joining…" : "Join and sign in"}
      </Button>
    </form>
  );
}
