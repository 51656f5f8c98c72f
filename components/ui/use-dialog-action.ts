"use client";

import { useActionState, useEffect, useState, useTransition } from "react";
import { useRouter } from "next/navigation";
import type { ActionState } from "@/lib/actions/safe-action";

type Action<Input> = (state: ActionState, input: Input) => Promise<ActionState>;

/**
 * A server action confirmed in a dialog: the dialog's open state, the action's state, and `run`. On
 * success the dialog closes and the page is refreshed; a refusal stays in the open dialog.
 */
export function useDialogAction<Input>(action: Action<Input>) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [, startTransition] = useTransition();
  const [state, dispatch, pending] = useActionState(action, { status: "idle" } as ActionState);
  useEffect(() => {
    if (state.status === "success") {
      setOpen(false);
      router.refresh();
    }
  }, [state, router]);
  const error = state.status === "error" || state.status === "invalid" || state.status === "unauthorized" ? state.message : undefined;
  return { open, setOpen, state, error, pending, run: (input: Input) => startTransition(() => dispatch(input)) };
}
