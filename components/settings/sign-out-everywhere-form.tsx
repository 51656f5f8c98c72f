"use client";

import { useActionState, useEffect } from "react";
import { signOutEverywhereAction } from "@/lib/actions/sign-out-everywhere";
import type { ActionState } from "@/lib/actions/safe-action";
import { Button } from "@/components/ui/button";
import { LiveMessage } from "@/components/ui/alert";

export function SignOutEverywhereForm() {
  const [state, action, pending] = useActionState(signOutEverywhereAction, { status: "idle" } as ActionState);
  // This session had already ended elsewhere: there is nothing left to sign out of here.
  useEffect(() => {
    if (state.status === "unauthorized") window.location.assign("/sign-in");
  }, [state]);
  return (
    <form action={action} className="space-y-2">
      <LiveMessage tone="error" message={state.status === "error" ? state.message : undefined} />
      <Button type="submit" variant="secondary" disabled={pending}>
        {pending ? "Signing out…" : "Sign out everywhere"}
      </Button>
    </form>
  );
}
