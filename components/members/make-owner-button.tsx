"use client";

import { useActionState, useEffect, useState, useTransition } from "react";
import { useRouter } from "next/navigation";
import { handOwnershipAction } from "@/lib/actions/hand-ownership";
import type { ActionState } from "@/lib/actions/safe-action";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Modal, ModalFooter } from "@/components/ui/modal";

const idle = { status: "idle" } as ActionState;

/** "Make Owner" on an Admin's row (the Owner only), confirmed in a dialog saying what changes for both. */
export function MakeOwnerButton({ member }: { member: { id: string; name: string } }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [, startTransition] = useTransition();
  const [state, hand, pending] = useActionState(handOwnershipAction, idle);
  useEffect(() => {
    if (state.status === "success") {
      setOpen(false);
      router.refresh();
    }
  }, [state, router]);
  return (
    <>
      <Button variant="ghost" className="px-2 py-1 text-xs" aria-label={`Make ${member.name} the Owner`} onClick={() => setOpen(true)}>
        Make Owner
      </Button>
      <p role="status" aria-live="polite" className="sr-only">
        {state.status === "success" ? state.message : ""}
      </p>
      <Modal open={open} onClose={() => setOpen(false)} title={`Make ${member.name} the Owner?`} closeButton={false} size="sm">
        <div className="space-y-3 text-sm text-zinc-700 dark:text-zinc-300">
          <p>
            {member.name} gets every right, including Appearance and handing the Owner role on. You become an Admin: you keep members, connections and every
            link, and only the new Owner can give the role back.
          </p>
          {state.status === "error" || state.status === "invalid" || state.status === "unauthorized" ? <Alert tone="error">{state.message}</Alert> : null}
        </div>
        <ModalFooter>
          <Button variant="secondary" onClick={() => setOpen(false)}>
            Cancel
          </Button>
          <Button disabled={pending} onClick={() => startTransition(() => hand({ id: member.id }))}>
            Make Owner
          </Button>
        </ModalFooter>
      </Modal>
    </>
  );
}
