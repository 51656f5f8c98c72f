"use client";

import { handOwnershipAction } from "@/lib/actions/hand-ownership";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { useDialogAction } from "@/components/ui/use-dialog-action";

/** "Make Owner" on an Admin's row (the Owner only), confirmed in a dialog saying what changes for both. */
export function MakeOwnerButton({ member }: { member: { id: string; name: string } }) {
  const { open, setOpen, state, error, pending, run } = useDialogAction(handOwnershipAction);
  return (
    <>
      <Button variant="ghost" className="px-2 py-1 text-xs" aria-label={`Make ${member.name} the Owner`} onClick={() => setOpen(true)}>
        Make Owner
      </Button>
      <p role="status" aria-live="polite" className="sr-only">
        {state.status === "success" ? state.message : ""}
      </p>
      <ConfirmDialog
        open={open}
        title={`Make ${member.name} the Owner?`}
        confirmLabel="Make Owner"
        tone="primary"
        pending={pending}
        onConfirm={() => run({ id: member.id })}
        onClose={() => setOpen(false)}
      >
        <p>
          {member.name} gets every right, including Appearance and handing the Owner role on. You become an Admin: you keep members, connections and every link,
          and only the new Owner can give the role back.
        </p>
        {error ? <Alert tone="error">{error}</Alert> : null}
      </ConfirmDialog>
    </>
  );
}
