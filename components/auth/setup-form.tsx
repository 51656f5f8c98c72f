"use client";

import { useActionState } from "react";
import { createOwnerAction } from "@/lib/actions/create-owner";
import type { ActionState } from "@/lib/actions/safe-action";
import { useHydrated } from "@/components/ui/use-hydrated";
import { Button } from "@/components/ui/button";
import { useReloadOnSuccess } from "@/components/ui/use-reload-on-success";
import { Field } from "@/components/ui/field";
import { NewPasswordFields } from "@/components/auth/new-password-fields";
import { LiveMessage } from "@/components/ui/alert";

export function SetupForm({ setupCode }: { setupCode?: string }) {
  const [state, action, pending] = useActionState(createOwnerAction, { status: "idle" } as ActionState);
  const hydrated = useHydrated();
  useReloadOnSuccess(state);
  const errors = state.status === "invalid" ? state.fieldErrors : {};
  const values = state.status === "invalid" ? (state.values ?? {}) : {};
  return (
    <form action={action} className="space-y-4" noValidate>
      <LiveMessage tone="error" message={state.status === "error" || state.status === "unauthorized" ? state.message : undefined} />
      <Field
        label="Setup code"
        name="setupCode"
        autoComplete="off"
        autoCapitalize="characters"
        spellCheck={false}
        required
        defaultValue={values.setupCode ?? setupCode}
        hint="Printed in the server's console when Bucketshare started (also in the file setup-code in its data folder)."
        errors={errors.setupCode}
      />
      <Field label="Name" name="name" autoComplete="name" required defaultValue={values.name} errors={errors.name} />
      <Field label="Email" name="email" type="email" autoComplete="email" required defaultValue={values.email} errors={errors.email} />
      <NewPasswordFields errors={errors} />
      {/* Until the form hydrates, a click would post it natively: with Referrer-Policy no-referrer that POST carries `Origin: null`, which Next refuses as a cross-site action (a bare 500, and what was typed is lost). */}
      <Button type="submit" className="w-full" disabled={!hydrated || pending}>
        {pending ? "Creating…" : "Create owner account"}
      </Button>
    </form>
  );
}
