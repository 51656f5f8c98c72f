"use client";

import { useActionState, useState } from "react";
import { setLogNetworkOnlyAction } from "@/lib/actions/set-log-network-only";
import type { ActionState } from "@/lib/actions/safe-action";
import { Button } from "@/components/ui/button";
import { LiveMessage } from "@/components/ui/alert";

/** Settings → access logs of managed links keep only the network part of recipients' addresses. */
export function LogNetworkOnlyForm({ initial }: { initial: boolean }) {
  const [checked, setChecked] = useState(initial);
  const [state, action, pending] = useActionState(setLogNetworkOnlyAction, { status: "idle" } as ActionState);
  return (
    <form action={action} className="space-y-2">
      <label className="flex items-start gap-2 text-sm">
        <input type="checkbox" name="logNetworkOnly" checked={checked} onChange={(e) => setChecked(e.target.checked)} className="mt-1" />
        <span>
          Log only the network part of recipients&apos; addresses
          <span className="block text-xs text-muted">
            Access logs then keep 203.0.113.0/24 instead of 203.0.113.7 (IPv6: the /48). Applies to new log entries.
          </span>
        </span>
      </label>
      <LiveMessage tone="success" message={state.status === "success" ? state.message : undefined} />
      <LiveMessage tone="error" message={state.status === "error" || state.status === "invalid" ? state.message : undefined} />
      <Button type="submit" variant="secondary" disabled={pending}>
        Save privacy setting
      </Button>
    </form>
  );
}
