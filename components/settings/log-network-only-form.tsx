"use client";

import { useActionState } from "react";
import { setLogNetworkOnlyAction } from "@/lib/actions/set-log-network-only";
import type { ActionState } from "@/lib/actions/safe-action";
import { useHydrated } from "@/components/ui/use-hydrated";
import { Button } from "@/components/ui/button";
import { LiveMessage } from "@/components/ui/alert";

/** Settings → access logs of managed links keep only the network part of recipients' addresses. */
export function LogNetworkOnlyForm({ initial }: { initial: boolean }) {
  const [state, action, pending] = useActionState(setLogNetworkOnlyAction, { status: "idle" } as ActionState);
  const hydrated = useHydrated();
  // Uncontrolled: a box ticked before the form hydrated stays ticked. (Controlled, it was unticked
  // by the next render, and by the reset React gives a form after its action, which goes back to
  // the server-rendered box; the saved setting then differed from the box.) Keyed by the saved
  // setting, so the box shows it again once the save has come back.
  return (
    <form action={action} className="space-y-2">
      <label className="flex items-start gap-2 text-sm">
        <input key={String(initial)} type="checkbox" name="logNetworkOnly" defaultChecked={initial} className="mt-1" />
        <span>
          Log only the network part of recipients&apos; addresses
          <span className="block text-xs text-muted">
            Access logs then keep 203.0.113.0/24 instead of 203.0.113.7 (IPv6: the /48). Applies to new log entries.
          </span>
        </span>
      </label>
      <LiveMessage tone="success" message={state.status === "success" ? state.message : undefined} />
      <LiveMessage tone="error" message={state.status === "error" || state.status === "invalid" ? state.message : undefined} />
      {/* Until the form hydrates, a click would post it natively: with Referrer-Policy no-referrer that POST carries `Origin: null`, which Next refuses as a cross-site action (a bare 500, and what was typed is lost). */}
      <Button type="submit" variant="secondary" disabled={!hydrated || pending}>
        Save privacy setting
      </Button>
    </form>
  );
}
