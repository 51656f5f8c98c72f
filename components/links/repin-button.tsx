"use client";

import { useActionState, useEffect, useState, useTransition } from "react";
import { useRouter } from "next/navigation";
import { repinLinkAction } from "@/lib/actions/repin-link";
import type { ActionState } from "@/lib/actions/safe-action";
import { formatBytes } from "@/lib/format";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";

type Facts = { size: number; etag: string | null; versionId: string | null; lastModified: string | null };

/** "Re-pin" with a confirmation that says what changed (the pinned file against the file now). */
export function RepinButton({ id, label, pinned, now }: { id: string; label: string; pinned: Facts; now: Facts }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [, startTransition] = useTransition();
  const [state, repin, pending] = useActionState(repinLinkAction, { status: "idle" } as ActionState);
  // From the history's "Re-pin" (…/links/<id>#repin): the confirmation opens at once.
  useEffect(() => {
    if (window.location.hash === "#repin") setOpen(true);
  }, []);
  useEffect(() => {
    if (state.status === "success") {
      setOpen(false);
      router.refresh();
    }
  }, [state, router]);
  const factsOf = (f: Facts) =>
    [
      formatBytes(f.size),
      f.versionId ? `version ${f.versionId}` : null,
      f.etag ? `ETag ${f.etag}` : null,
      f.lastModified ? `modified ${new Date(f.lastModified).toUTCString()}` : null,
    ]
      .filter(Boolean)
      .join(", ");
  return (
    <>
      <Button id="repin" variant="secondary" onClick={() => setOpen(true)}>
        Re-pin
      </Button>
      <span role="status" aria-live="polite" className="sr-only">
        {state.status === "success" ? state.message : ""}
      </span>
      <ConfirmDialog
        open={open}
        title="Re-pin to the file as it is now?"
        confirmLabel="Re-pin"
        tone="primary"
        pending={pending}
        onClose={() => setOpen(false)}
        onConfirm={() => startTransition(() => repin({ id, seenEtag: now.etag ?? "" }))}
      >
        <p>
          <strong className="break-all">{label}</strong> changed since the link was made. Recipients get the file as it is now from then on.
        </p>
        <dl className="grid grid-cols-[6rem_1fr] gap-1 text-sm">
          <dt>Shared</dt>
          <dd className="break-all">{factsOf(pinned)}</dd>
          <dt>Now</dt>
          <dd className="break-all">{factsOf(now)}</dd>
        </dl>
        {state.status === "error" || state.status === "invalid" || state.status === "unauthorized" ? <Alert tone="error">{state.message}</Alert> : null}
      </ConfirmDialog>
    </>
  );
}
