"use client";

import { useActionState, useState, useTransition } from "react";
import { deleteConnectionAction } from "@/lib/actions/delete-connection";
import type { ActionState } from "@/lib/actions/safe-action";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Alert } from "@/components/ui/alert";

export function DeleteConnectionButton({ id, name, linkCount }: { id: string; name: string; linkCount: number }) {
  const [open, setOpen] = useState(false);
  const [state, action, pending] = useActionState(deleteConnectionAction, { status: "idle" } as ActionState);
  const [, startTransition] = useTransition();
  return (
    <>
      <Button variant="ghost" aria-label={`Delete ${name}`} onClick={() => setOpen(true)}>
        Delete
      </Button>
      <ConfirmDialog
        open={open}
        title={`Delete “${name}”?`}
        confirmLabel="Delete connection"
        pending={pending}
        onClose={() => setOpen(false)}
        onConfirm={() => startTransition(() => action({ id }))}
      >
        <p>Bucketshare forgets this connection's endpoint and keys. Nothing in the storage itself is touched.</p>
        {linkCount > 0 ? (
          <p>
            {linkCount} link{linkCount === 1 ? "" : "s"} issued through it stay in your history. Links that have not expired keep working until they expire: S3
            cannot revoke a presigned link.
          </p>
        ) : null}
        {state.status === "error" ? <Alert tone="error">{state.message}</Alert> : null}
      </ConfirmDialog>
    </>
  );
}
