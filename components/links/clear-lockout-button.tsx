"use client";

import { useActionState, useEffect } from "react";
import { useRouter } from "next/navigation";
import { clearLinkLockoutAction } from "@/lib/actions/clear-link-lockout";
import type { ActionState } from "@/lib/actions/safe-action";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";

/** "Clear lock-out" (a password-protected managed link with wrong passwords): recipients may try again at once. */
export function ClearLockoutButton({ id }: { id: string }) {
  const router = useRouter();
  const [state, clear, pending] = useActionState(clearLinkLockoutAction, { status: "idle" } as ActionState);

  useEffect(() => {
    if (state.status === "success") router.refresh();
  }, [state, router]);

  return (
    <form action={clear} className="mt-2 space-y-2">
      <input type="hidden" name="id" value={id} />
      <Button type="submit" variant="secondary" className="px-2.5 py-1 text-xs" disabled={pending}>
        Clear lock-out
      </Button>
      <span role="status" aria-live="polite" className="sr-only">
        {state.status === "success" ? state.message : ""}
      </span>
      {state.status === "error" || state.status === "invalid" || state.status === "unauthorized" ? <Alert tone="error">{state.message}</Alert> : null}
    </form>
  );
}
