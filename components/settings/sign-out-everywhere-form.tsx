"use client";

import { useActionState, useEffect } from "react";
import { signOutEverywhereAction } from "@/lib/actions/sign-out-everywhere";
import type { ActionState } from "@/lib/actions/safe-action";
import { useHydrated } from "@/components/ui/use-hydrated";
import { Button } from "@/components/ui/button";
import { LiveMessage } from "@/components/ui/alert";

export function SignOutEverywhereForm() {
  const [state, action, pending] = useActionState(signOutEverywhereAction, { status: "idle" } as ActionState);
  const hydrated = useHydrated();
  // This session had already ended elsewhere: there is nothing left to sign out of here.
  useEffect(() => {
    if (state.status === "unauthorized") window.location.assign("/sign-in");
  }, [state]);
  return (
    <form action={action} className="space-y-2">
      <LiveMessage tone="error" message={state.status === "error" ? state.message : undefined} />
      {/* Until the form hydrates, a click would post it natively: with Referrer-Policy no-referrer that POST carries `Origin: null`, which Next refuses as a cross-site action (a bare 500, and what was typed is lost). */}
      <Button type="submit" variant="secondary" disabled={!hydrated || pending}>
        {pending ? "Signing out…" : "Sign out everywhere"}
      </Button>
    </form>
  );
}
