"use client";

import { useActionState, useRef, useState, useTransition } from "react";
import { checkLinkHealthAction } from "@/lib/actions/check-link-health";
import { deleteLinkAction } from "@/lib/actions/delete-link";
import { revealLinkAction } from "@/lib/actions/reveal-link";
import { shareAgainAction } from "@/lib/actions/share-again";
import type { ActionState } from "@/lib/actions/safe-action";
import type { HealthOutcome } from "@/lib/health/outcome";
import type { IssuedLink } from "@/lib/links/issue";
import { Button, buttonClass } from "@/components/ui/button";
import { MenuButton } from "@/components/ui/menu-button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Alert } from "@/components/ui/alert";
import { ShareResult, copyText } from "@/components/share/share-result";
import { RevokeLinkDialog } from "@/components/links/revoke-link-button";

export function LinkRowActions({
  id,
  label,
  expired,
  kind = "direct",
  revoked = false,
  showDelete = true,
  request = false,
  repinnable = false,
  replaced = false,
}: {
  id: string;
  label: string;
  expired: boolean;
  kind?: "direct" | "managed";
  revoked?: boolean;
  showDelete?: boolean;
  /** An upload request: "Close request" instead of Revoke, and nothing to share again. */
  request?: boolean;
  /** A pinned managed link whose file changed: "Re-pin" opens its page, where the confirmation shows what changed. */
  repinnable?: boolean;
  /** Shared again already: its successor is the one to share again. */
  replaced?: boolean;
}) {
  const [, startTransition] = useTransition();
  const [copyState, setCopyState] = useState<string | null>(null);
  const [copyError, setCopyError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [resharing, setResharing] = useState(false);
  const [revoking, setRevoking] = useState(false);
  const fallback = useRef<HTMLInputElement>(null);
  const [revealed, setRevealed] = useState<string | null>(null);
  const [deleteState, remove, deleting] = useActionState(deleteLinkAction, { status: "idle" } as ActionState);
  const [againState, again, sharing] = useActionState(shareAgainAction, { status: "idle" } as ActionState<IssuedLink>);
  const [checkState, check, checking] = useActionState(checkLinkHealthAction, { status: "idle" } as ActionState<{ outcome: HealthOutcome | null }>);

  async function copy() {
    setCopyError(null);
    const result = await revealLinkAction({ status: "idle" }, { id });
    if (result.status !== "success" || !result.data) {
      setCopyError(result.status === "idle" ? "Try again." : "message" in result ? (result.message ?? "Try again.") : "Try again.");
      return;
    }
    setRevealed(result.data.url);
    const outcome = await copyText(result.data.url, fallback.current);
    setCopyState(outcome === "copied" ? "Copied" : "Selected: press Ctrl+C (⌘C) to copy");
  }

  const timeZone = typeof Intl !== "undefined" ? Intl.DateTimeFormat().resolvedOptions().timeZone : "UTC";
  return (
    <div className="flex flex-wrap items-center justify-end gap-1 sm:flex-nowrap">
      {!expired && !revoked ? (
        <Button
          variant="ghost"
          className="px-2 py-1 text-xs max-sm:px-3 max-sm:py-2 max-sm:text-sm"
          onClick={() => void copy()}
          aria-label="Copy link"
          title={`Copy the link to ${label}`}
        >
          Copy link
        </Button>
      ) : null}
      <MenuButton
        label="Actions"
        title={`Actions for the link to ${label}`}
        buttonClassName={buttonClass("ghost", "px-2 py-1 text-xs max-sm:px-3 max-sm:py-2 max-sm:text-sm")}
        entries={[
          ...(kind === "managed" && !revoked
            ? [{ kind: "action" as const, label: request ? "Close request" : "Revoke", tone: "danger" as const, onSelect: () => setRevoking(true) }]
            : kind === "direct" && !expired
              ? [
                  {
                    kind: "action" as const,
                    label: "Cannot be revoked",
                    disabled: true,
                    title: "A presigned URL cannot be taken back: it works until it expires.",
                    onSelect: () => undefined,
                  },
                ]
              : []),
          // "Extend" (managed links): the link page's Change expiry, a new expiry counted from now.
          ...(kind === "managed" && !revoked && !request ? [{ kind: "link" as const, label: "Extend", href: `/links/${id}#extend` }] : []),
          ...(repinnable && !revoked ? [{ kind: "link" as const, label: "Re-pin", href: `/links/${id}#repin` }] : []),
          ...(request || replaced
            ? []
            : [
                {
                  kind: "action" as const,
                  label: "Share again",
                  disabled: sharing,
                  onSelect: () => {
                    setResharing(true);
                    startTransition(() => again({ id }));
                  },
                },
              ]),
          ...(request || expired || revoked
            ? []
            : [{ kind: "action" as const, label: "Check now", disabled: checking, onSelect: () => startTransition(() => check({ id })) }]),
          ...(showDelete ? [{ kind: "action" as const, label: "Delete from history", tone: "danger" as const, onSelect: () => setConfirming(true) }] : []),
          { kind: "link", label: "Details…", href: `/links/${id}` },
        ]}
      />
      {kind === "managed" && !revoked ? <RevokeLinkDialog id={id} label={label} open={revoking} onClose={() => setRevoking(false)} request={request} /> : null}
      {/* Where the clipboard API is unavailable the URL is selected here for Ctrl+C. */}
      <input ref={fallback} readOnly value={revealed ?? ""} aria-hidden="true" tabIndex={-1} className="sr-only" />
      <span role="status" aria-live="polite" className="text-xs text-emerald-700 dark:text-emerald-400">
        {copyState}
        {checking ? "Checking…" : checkState.status === "success" ? checkState.message : null}
      </span>
      {checkState.status === "error" || checkState.status === "invalid" || checkState.status === "unauthorized" ? (
        <span role="alert" className="text-xs text-red-700 dark:text-red-400">
          {checkState.message}
        </span>
      ) : null}
      {copyError ? (
        <span role="alert" className="text-xs text-red-700 dark:text-red-400">
          {copyError}
        </span>
      ) : null}
      <ConfirmDialog
        open={confirming}
        title="Delete this link from your history?"
        confirmLabel="Delete from history"
        pending={deleting}
        onClose={() => setConfirming(false)}
        onConfirm={() => startTransition(() => remove({ id }))}
      >
        <p>
          This removes <strong className="break-all">{label}</strong> from your history only.
        </p>
        {kind === "managed" && !revoked ? (
          <p>
            {request ? "This upload request is" : "This managed link is"} <strong>{request ? "closed" : "revoked"}</strong> with it: it stops working at once.
          </p>
        ) : kind === "direct" ? (
          <p>
            <strong>It does not stop the link.</strong> S3 cannot revoke a presigned URL: anyone who has it can still download the file until it expires.
          </p>
        ) : null}
        {deleteState.status === "error" ? <Alert tone="error">{deleteState.message}</Alert> : null}
      </ConfirmDialog>
      <ConfirmDialog
        open={resharing && !sharing && againState.status !== "idle"}
        title="Shared again"
        confirmLabel="Done"
        tone="primary"
        onClose={() => setResharing(false)}
        onConfirm={() => setResharing(false)}
      >
        {againState.status === "success" && againState.data ? (
          <ShareResult link={againState.data} timeZone={timeZone} />
        ) : againState.status === "error" || againState.status === "invalid" || againState.status === "unauthorized" ? (
          <Alert tone="error">{againState.message}</Alert>
        ) : null}
      </ConfirmDialog>
    </div>
  );
}
