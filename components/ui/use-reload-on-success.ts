"use client";

import { useEffect } from "react";
import type { ActionState } from "@/lib/actions/safe-action";

/** Follows an action's `reloadTo` with a full page load (see ActionOutcome in lib/actions/safe-action.ts). */
export function useReloadOnSuccess(state: ActionState<unknown>) {
  const target = state.status === "success" ? state.reloadTo : undefined;
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new state object is a new success, even to the same target
  useEffect(() => {
    if (target) window.location.assign(target);
  }, [target, state]);
}
