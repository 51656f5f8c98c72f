"use client";

import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { ModalFooter } from "@/components/ui/modal";

/**
 * The end of a share dialog's form: the server's message (announced), Cancel and "Generate link"
 * ("Save changes" when changing the link made already; once a link is made, Cancel goes back to it).
 */
export function GenerateLinkFooter({
  message,
  pending,
  disabled,
  onCancel,
  saving = false,
  afterLink = false,
}: {
  message: string | null;
  pending: boolean;
  disabled: boolean;
  onCancel: () => void;
  /** Changing the link made already instead of making one. */
  saving?: boolean;
  /** A link was made already: Cancel goes back to it. */
  afterLink?: boolean;
}) {
  return (
    <>
      <div role="alert" aria-live="assertive">
        {message ? <Alert tone="error">{message}</Alert> : null}
      </div>
      <ModalFooter>
        <Button variant="secondary" onClick={onCancel}>
          {afterLink ? "Back to the link" : "Cancel"}
        </Button>
        <Button type="submit" disabled={pending || disabled}>
          {saving ? (pending ? "Saving…" : "Save changes") : pending ? "Generating…" : "Generate link"}
        </Button>
      </ModalFooter>
    </>
  );
}
