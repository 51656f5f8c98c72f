"use client";

import { useActionState, useEffect, useRef, useState, useTransition } from "react";
import { useRouter } from "next/navigation";
import { revokeLinkAction } from "@/lib/actions/revoke-link";
import type { ActionState } from "@/lib/actions/safe-action";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Alert } from "@/components/ui/alert";

/** "Revoke" with a confirmation (managed links): the link stops working at once, everywhere. */
export function RevokeLinkButton({ id, label, compact = false, request = false }: { id: string; label: string; compact?: boolean; request?: boolean }) {
  const [confirming, setConfirming] = useState(false);
  return (
    <>
      <Button
        variant={compact ? "ghost" : "danger"}
        className={compact ? "px-2 py-1 text-xs text-red-700 dark:text-red-400" : ""}
        onClick={() => setConfirming(true)}
        title={request ? `Close the upload request ${label}` : `Revoke the link to ${label}`}
      >
        {request ? "Close request" : "Revoke"}
      </Button>
      <RevokeLinkDialog id={id} label={label} open={confirming} onClose={() => setConfirming(false)} request={request} />
    </>
  );
}

/** The Revoke confirmation alone, for a trigger elsewhere (the history's Actions menu). */
export function RevokeLinkDialog({
  id,
  label,
  open,
  onClose,
  request = false,
}: {
  id: string;
  label: string;
  open: boolean;
  onClose: () => void;
  /** An upload request: "Close request" (the same revocation, in its words). */
  request?: boolean;
}) {
  const router = useRouter();
  const [, startTransition] = useTransition();
  const [state, revoke, pending] = useActionState(revokeLinkAction, { status: "idle" } as ActionState);

  // Once per result: onClose is a new function on every render of the caller.
  const closeRef = useRef(onClose);
  closeRef.current = onClose;
  useEffect(() => {
    if (state.status === "success") {
      closeRef.current();
      router.refresh();
    }
  }, [state, router]);

  return (
    <>
      <span role="status" aria-live="polite" className="sr-only">
        {state.status === "success" ? state.message : ""}
      </span>
      <ConfirmDialog
        open={open}
        title={request ? "Close this request?" : "Revoke this link?"}
        confirmLabel={request ? "Close request" : "Revoke link"}
        pending={pending}
        onClose={onClose}
        onConfirm={() => startTransition(() => revoke({ id }))}
      >
        {request ? (
          <p>
            The upload link <strong className="break-all">{label}</strong> stops taking files at once for everyone who has it. Files already received stay. It
            stays in your history as Closed; this cannot be undone.
          </p>
        ) : (
          <p>
            The link to <strong className="break-all">{label}</strong> stops working at once for everyone who has it. It stays in your history as Revoked; this
            cannot be undone.
          </p>
        )}
        {state.status === "error" || state.status === "invalid" || state.status === "unauthorized" ? <Alert tone="error">{state.message}</Alert> : null}
      </ConfirmDialog>
    </>
  );
}
