"use client";

import { useActionState, useEffect, useId, useState, useTransition, type FormEvent } from "react";
import { Modal, ModalFooter } from "@/components/ui/modal";
import { createShareLinkAction } from "@/lib/actions/create-share-link";
import type { ActionState } from "@/lib/actions/safe-action";
import type { IssuedLink } from "@/lib/links/issue";
import { baseName } from "@/lib/links/content-disposition";
import { DEFAULT_EXPIRY_PRESET, EXPIRY_PRESETS, MAX_EXPIRY_SECONDS, type LinkKind } from "@/lib/links/expiry";
import { Button } from "@/components/ui/button";
import { FieldError, inputClass } from "@/components/ui/field";
import { Alert } from "@/components/ui/alert";
import { GenerateLinkFooter } from "@/components/share/generate-link-footer";
import { ShareResult } from "@/components/share/share-result";
import {
  EXPIRY_FIELDS,
  ExpiryField,
  MANAGED_FIELDS,
  ManagedLinkFields,
  PrivateStorageWarning,
  useExpiryChoice,
  useManagedOptions,
} from "@/components/share/link-option-fields";

export type ShareTarget = {
  connectionId: string;
  bucket: string;
  key: string;
  name: string;
  credentialsExpireAt: string | null;
  /**
   * The storage's host when it is a loopback or private address (decided on the server by
   * lib/storage/private-endpoint.ts): a direct link to it works only on this network.
   */
  storagePrivateHost: string | null;
  /** PUBLIC_URL (or AUTH_URL) when set: managed links are then the default. */
  publicUrl: string | null;
};

const TRADE_OFF: Record<LinkKind, string> = {
  direct: "A presigned URL straight to your storage: works without Bucketshare, lasts up to 7 days, and cannot be revoked.",
  managed: "Goes through Bucketshare: you can revoke it at once, limit downloads, add a password or networks, and keep it up to 90 days or without expiry.",
};

const idle = { status: "idle" } as ActionState<IssuedLink>;

export function QuickShareDialog({ target, open, onClose }: { target: ShareTarget; open: boolean; onClose: () => void }) {
  const ids = useId();
  const [disposition, setDisposition] = useState<"inline" | "attachment">("inline");
  const [fileName, setFileName] = useState(baseName(target.key));
  const [contentType, setContentType] = useState("");
  const [note, setNote] = useState("");
  const [kind, setKind] = useState<LinkKind>(target.publicUrl ? "managed" : "direct");
  const expiry = useExpiryChoice(kind, DEFAULT_EXPIRY_PRESET);
  const [alwaysLatest, setAlwaysLatest] = useState(false);
  const [checked, setChecked] = useState(false);
  const [state, generate, pending] = useActionState(createShareLinkAction, idle);
  const [, startTransition] = useTransition();
  const [showResult, setShowResult] = useState(false);

  useEffect(() => {
    if (state.status === "success") setShowResult(true);
  }, [state]);

  // Temporary credentials cap direct links only (a managed link presigns at each download).
  const credentialsEnd = kind === "direct" && target.credentialsExpireAt ? new Date(target.credentialsExpireAt) : null;

  const serverErrors = state.status === "invalid" ? state.fieldErrors : {};
  const FIELDS: readonly string[] = [...EXPIRY_FIELDS, "fileName", "contentType", "note", ...MANAGED_FIELDS];
  const serverMessage =
    state.status === "error" || state.status === "unauthorized"
      ? state.message
      : state.status === "invalid" && !FIELDS.some((f) => serverErrors[f])
        ? [state.message, ...Object.values(serverErrors).flat()].join(" ")
        : null;
  const managed = useManagedOptions(serverErrors, checked);

  function chooseKind(next: LinkKind) {
    setKind(next);
    // 30 days, 90 days and No expiry exist for managed links only.
    if (next === "direct" && !EXPIRY_PRESETS.some((p) => p.id === expiry.expiresIn) && expiry.mode === "preset") expiry.setExpiresIn("7d");
  }

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    setChecked(true);
    if (kind === "managed" && managed.refused) return;
    const data = new FormData();
    data.set("linkType", kind);
    if (kind === "managed") {
      for (const [name, value] of Object.entries(managed.fields)) data.set(name, value);
      if (alwaysLatest) data.set("alwaysLatest", "on");
    }
    data.set("connectionId", target.connectionId);
    data.set("bucket", target.bucket);
    data.set("key", target.key);
    for (const [name, value] of Object.entries(expiry.fields)) data.set(name, value);
    data.set("disposition", disposition);
    data.set("fileName", fileName);
    data.set("contentType", contentType);
    data.set("note", note);
    startTransition(() => generate(data));
  }

  return (
    <Modal
      open={open}
      onClose={onClose}
      title="Quick Share"
      subtitle={
        <p className="truncate text-sm text-zinc-600 dark:text-zinc-400" title={target.key}>
          {target.bucket}/{target.key}
        </p>
      }
      size="md"
    >
      {showResult && state.status === "success" && state.data ? (
        <div className="space-y-4">
          <ShareResult link={state.data} timeZone={expiry.timeZone} />
          <ModalFooter divided>
            <Button variant="secondary" onClick={() => setShowResult(false)}>
              Change options
            </Button>
            <Button variant="secondary" onClick={onClose}>
              Done
            </Button>
          </ModalFooter>
        </div>
      ) : (
        <form onSubmit={onSubmit} className="space-y-4" noValidate>
          <fieldset className="space-y-1" aria-describedby={`${ids}-kind-help`}>
            <legend className="text-sm font-medium">Link type</legend>
            <div className="flex flex-wrap gap-4 text-sm">
              <label className="flex items-center gap-2">
                <input type="radio" name="linkType" value="direct" checked={kind === "direct"} onChange={() => chooseKind("direct")} />
                Direct link
              </label>
              <label className="flex items-center gap-2">
                <input type="radio" name="linkType" value="managed" checked={kind === "managed"} onChange={() => chooseKind("managed")} />
                Managed link
              </label>
            </div>
            <p id={`${ids}-kind-help`} className="text-sm text-zinc-600 dark:text-zinc-400">
              {TRADE_OFF[kind]}
            </p>
            {kind === "managed" && !target.publicUrl ? (
              <Alert tone="warning">
                Bucketshare has no public address, so this link uses the address you opened it at. Recipients elsewhere cannot reach a localhost address: set{" "}
                <code>PUBLIC_URL</code> to the address people use to reach Bucketshare (for example https://share.example.com) and restart it.
              </Alert>
            ) : null}
            {target.storagePrivateHost ? <PrivateStorageWarning host={target.storagePrivateHost} /> : null}
          </fieldset>

          <ExpiryField
            idPrefix={ids}
            kind={kind}
            expiry={expiry}
            serverErrors={serverErrors}
            credentialsExpireAt={credentialsEnd}
            onUseLongest={kind === "direct" ? () => expiry.setExpiresIn("7d") : undefined}
          />

          <fieldset className="space-y-1">
            <legend className="text-sm font-medium">When the recipient opens it</legend>
            <div className="flex flex-wrap gap-4 text-sm">
              <label className="flex items-center gap-2">
                <input type="radio" name="disposition" value="inline" checked={disposition === "inline"} onChange={() => setDisposition("inline")} />
                Open in browser
              </label>
              <label className="flex items-center gap-2">
                <input
                  type="radio"
                  name="disposition"
                  value="attachment"
                  checked={disposition === "attachment"}
                  onChange={() => setDisposition("attachment")}
                />
                Download
              </label>
            </div>
          </fieldset>

          <div className="space-y-1">
            <label htmlFor={`${ids}-filename`} className="block text-sm font-medium">
              File name
            </label>
            <input
              id={`${ids}-filename`}
              value={fileName}
              onChange={(e) => setFileName(e.target.value)}
              className={inputClass}
              aria-invalid={serverErrors.fileName ? true : undefined}
            />
            <FieldError errors={serverErrors.fileName} />
          </div>

          {kind === "managed" ? (
            <ManagedLinkFields
              idPrefix={ids}
              managed={managed}
              limitHelp="Empty for unlimited; 1 for a one-time link. Page views and link previews do not count."
            >
              <label className="flex items-start gap-2 text-sm">
                <input type="checkbox" checked={alwaysLatest} onChange={(e) => setAlwaysLatest(e.target.checked)} className="mt-1" />
                <span>
                  Always the latest version
                  <span className="block text-xs text-muted">Unchecked: the link serves the file as it is now, and refuses it once replaced.</span>
                </span>
              </label>
            </ManagedLinkFields>
          ) : null}

          <details className="text-sm" open={Boolean(serverErrors.contentType)}>
            <summary className="cursor-pointer font-medium">More options</summary>
            <div className="mt-2 space-y-3">
              <div className="space-y-1">
                <label htmlFor={`${ids}-ctype`} className="block text-sm font-medium">
                  Content type (optional)
                </label>
                <input
                  id={`${ids}-ctype`}
                  value={contentType}
                  onChange={(e) => setContentType(e.target.value)}
                  placeholder="Keep the object's own"
                  className={inputClass}
                  aria-invalid={serverErrors.contentType ? true : undefined}
                />
                <FieldError errors={serverErrors.contentType} />
              </div>
              <div className="space-y-1">
                <label htmlFor={`${ids}-note`} className="block text-sm font-medium">
                  Note (optional)
                </label>
                <input id={`${ids}-note`} value={note} onChange={(e) => setNote(e.target.value)} placeholder="Who the link is for" className={inputClass} />
                <FieldError errors={serverErrors.note} />
              </div>
            </div>
          </details>

          <GenerateLinkFooter message={serverMessage} pending={pending} disabled={expiry.invalid} onCancel={onClose} />
          <p className="text-xs text-muted">
            {kind === "direct"
              ? `Direct links can last from 1 minute to ${MAX_EXPIRY_SECONDS / 86_400} days. Anyone with the link can download the file until it expires.`
              : "Anyone with the link (and its password, from an allowed network) can download the file until it expires, reaches its limit or you revoke it."}
          </p>
        </form>
      )}
    </Modal>
  );
}
