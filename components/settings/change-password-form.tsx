"use client";

import { useActionState } from "react";
import { changePasswordAction } from "@/lib/actions/change-password";
import type { ActionState } from "@/lib/actions/safe-action";
import { useHydrated } from "@/components/ui/use-hydrated";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { LiveMessage } from "@/components/ui/alert";

export function ChangePasswordForm() {
  const [state, action, pending] = useActionState(changePasswordAction, { status: "idle" } as ActionState);
  const hydrated = useHydrated();
  const errors = state.status === "invalid" ? state.fieldErrors : {};
  const error = state.status === "error" || state.status === "unauthorized" ? state.message : undefined;
  return (
    <form action={action} className="max-w-sm space-y-4" noValidate>
      <LiveMessage tone="error" message={error} />
      <LiveMessage tone="success" message={state.status === "success" ? state.message : undefined} />
      <Field label="Current password" name="currentPassword" type="password" autoComplete="current-password" required errors={errors.currentPassword} />
      <Field
        label="New password"
        name="newPassword"
        type="password"
        autoComplete="new-password"
        required
        minLength={12}
        hint="At least 12 characters."
        errors={errors.newPassword}
      />
      <Field label="Confirm new password" name="confirmNewPassword" type="password" autoComplete="new-password" required errors={errors.confirmNewPassword} />
      {/* Until the form hydrates, a click would post it natively: with Referrer-Policy no-referrer that POST carries `Origin: null`, which Next refuses as a cross-site action (a bare 500, and what was typed is lost). */}
      <Button type="submit" disabled={!hydrated || pending}>
        {pending ? "Changing…" : "Change password"}
      </Button>
    </form>
  );
}
