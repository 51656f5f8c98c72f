"use client";

import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { ModalFooter } from "@/components/ui/modal";

/** The end of a share dialog's form: the server's message (announced), Cancel and "Generate link". */
export function GenerateLinkFooter({
  message,
  pending,
  disabled,
  onCancel,
}: {
  message: string | null;
  pending: boolean;
  disabled: boolean;
  onCancel: () => void;
}) {
  return (
    <>
      <div role="alert" aria-live="assertive">
        {message ? <Alert tone="error">{message}</Alert> : null}
      </div>
      <ModalFooter>
        <Button variant="secondary" onClick={onCancel}>
          Cancel
        </Button>
        <Button type="submit" disabled={pending || disabled}>
          {pending ? "Generating…" : "Generate link"}
        </Button>
      </ModalFooter>
    </>
  );
}
