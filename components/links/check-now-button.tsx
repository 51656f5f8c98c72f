"use client";

import { useActionState } from "react";
import { checkLinkHealthAction } from "@/lib/actions/check-link-health";
import type { ActionState } from "@/lib/actions/safe-action";
import type { HealthOutcome } from "@/lib/health/outcome";
import { Button } from "@/components/ui/button";
import { LiveMessage } from "@/components/ui/alert";

/** /links/<id> → "Check now": one health check at once; the outcome is said here and the page's health follows. */
export function CheckNowButton({ id }: { id: string }) {
  const [state, check, checking] = useActionState(checkLinkHealthAction, { status: "idle" } as ActionState<{ outcome: HealthOutcome | null }>);
  return (
    <form action={check} className="space-y-2">
      <input type="hidden" name="id" value={id} />
      <Button type="submit" variant="secondary" disabled={checking}>
        {checking ? "Checking…" : "Check now"}
      </Button>
      <LiveMessage
        tone={state.status === "success" ? "success" : "error"}
        message={state.status === "idle" ? undefined : state.status === "success" ? state.message : state.message}
      />
    </form>
  );
}
