"use client";

import { useId, useRef, useState, type FormEvent } from "react";
import { Modal } from "@/components/ui/modal";
import { createShareLinkAction } from "@/lib/actions/create-share-link";
import { changeLinkOptionsAction } from "@/lib/actions/change-link-options";
import type { ActionState } from "@/lib/actions/safe-action";
import type { IssuedLink } from "@/lib/links/issue";
import { baseName } from "@/lib/links/content-disposition";
import { EXPIRY_PRESETS, MAX_EXPIRY_SECONDS, type LinkKind } from "@/lib/links/expiry";
import { FieldError, inputClass } from "@/components/ui/field";
import { GenerateLinkFooter } from "@/components/share/generate-link-footer";
import { AfterLinkChoice, changeRequest, expiryKey, LinkShown, keptExpiry, useFocusOnSwitch, useLinkFlow } from "@/components/share/link-change";
import type { ShareLimits } from "@/lib/links/grant-limits";
import {
  AddressWarnings,
  defaultExpiryPreset,
  defaultLinkKind,
  EXPIRY_FIELDS,
  ExpiryField,
  LinkTypeField,
  longestPreset,
  MANAGED_FIELDS,
  NoteField,
  ProtectionFields,
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
  /** What the person's grant allows (link types, longest expiry); null: everything. */
  limits?: ShareLimits | null;
};

const idle = { status: "idle" } as ActionState<never>;
const FIELDS: readonly string[] = [...EXPIRY_FIELDS, "fileName", "contentType", "note", ...MANAGED_FIELDS];

export function QuickShareDialog({ target, open, onClose }: { target: ShareTarget; open: boolean; onClose: () => void }) {
  const ids = useId();
  const [disposition, setDisposition] = useState<"inline" | "attachment">("inline");
  const [fileName, setFileName] = useState(baseName(target.key));
  const [contentType, setContentType] = useState("");
  const [note, setNote] = useState("");
  const longest = target.limits?.longestExpirySeconds ?? null;
  const managedOnly = target.limits ? !target.limits.kinds.includes("direct") : false;
  const [kind, setKind] = useState<LinkKind>(managedOnly ? "managed" : defaultLinkKind(target.publicUrl));
  const flow = useLinkFlow<IssuedLink>();
  const changing = flow.mode === "change";
  const view = useRef<HTMLDivElement>(null);
  useFocusOnSwitch(flow.showing, view);
  // Changing the link made already: a managed link's options.
  const linkKind: LinkKind = changing ? "managed" : kind;
  const expiry = useExpiryChoice(linkKind, defaultExpiryPreset(kind, longest));
  const [alwaysLatest, setAlwaysLatest] = useState(false);
  const [checked, setChecked] = useState(false);
  const [state, setState] = useState<ActionState<unknown>>(idle);
  const [pending, setPending] = useState(false);

  // Temporary credentials cap direct links only (a managed link presigns at each download).
  const credentialsEnd = kind === "direct" && !changing && target.credentialsExpireAt ? new Date(target.credentialsExpireAt) : null;

  const serverErrors = state.status === "invalid" ? state.fieldErrors : {};
  const serverMessage =
    state.status === "error" || state.status === "unauthorized"
      ? state.message
      : state.status === "invalid" && !FIELDS.some((f) => serverErrors[f])
        ? [state.message, ...Object.values(serverErrors).flat()].join(" ")
        : null;
  const managed = useManagedOptions(serverErrors, checked);

  function chooseKind(next: LinkKind) {
    setKind(next);
    // Each link type has its default expiry until one is chosen; 30 days, 90 days and No expiry exist for managed links only.
    if (expiry.mode !== "preset") return;
    if (!expiry.touched) expiry.suggest(defaultExpiryPreset(next, longest));
    else if (next === "direct" && !EXPIRY_PRESETS.some((p) => p.id === expiry.expiresIn)) expiry.suggest(longestPreset("direct", longest));
  }

  async function run(action: () => Promise<ActionState<unknown>>, done: (state: ActionState<unknown>) => void) {
    setPending(true);
    try {
      const result = await action();
      setState(result);
      if (result.status === "success") done(result);
    } catch {
      setState({ status: "error", message: "The server did not answer, so nothing was changed. Try again." });
    } finally {
      setPending(false);
    }
  }

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    setChecked(true);
    if (linkKind === "managed" && managed.refused) return;
    const sent = { expiry: expiryKey(expiry.fields), options: managed.options };
    if (changing && flow.link && flow.sent) {
      const request = changeRequest(flow.link.id, flow.sent, expiry.fields, managed.options);
      void run(
        () => changeLinkOptionsAction(idle, request),
        (result) =>
          flow.changed(result.status === "success" ? (result.data as never) : undefined, sent, result.status === "success" ? result.message : undefined),
      );
      return;
    }
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
    void run(
      () => createShareLinkAction(idle, data),
      (result) => {
        if (result.status === "success" && result.data) flow.made(result.data as IssuedLink, sent);
      },
    );
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
      <div ref={view}>
        {flow.showing && flow.link ? (
          <LinkShown flow={flow} link={flow.link} timeZone={expiry.timeZone} onChangeOptions={() => setState(idle)} onDone={onClose} />
        ) : (
          <form onSubmit={onSubmit} className="space-y-4" noValidate>
            <AfterLinkChoice idPrefix={ids} flow={flow} />
            {changing ? null : (
              <>
                <LinkTypeField idPrefix={ids} kind={kind} onChange={chooseKind} managedOnlyByGrant={managedOnly} />
                <AddressWarnings kind={kind} publicUrl={target.publicUrl} storagePrivateHost={target.storagePrivateHost} />
              </>
            )}

            <ExpiryField
              idPrefix={ids}
              kind={linkKind}
              expiry={expiry}
              serverErrors={serverErrors}
              credentialsExpireAt={credentialsEnd}
              managedCredentialsEndAt={kind === "managed" && !changing && target.credentialsExpireAt ? new Date(target.credentialsExpireAt) : null}
              longestSeconds={longest}
              onUseLongest={linkKind === "direct" ? () => expiry.setExpiresIn("7d") : undefined}
              kept={changing ? keptExpiry(flow.link, flow.sent, expiry.fields, expiry.timeZone) : null}
            />

            {linkKind === "managed" ? (
              <ProtectionFields
                idPrefix={ids}
                managed={managed}
                limitHelp="Empty for unlimited; 1 for a one-time link. Page views and link previews do not count."
                passwordHelp={changing ? "Leave it as it is to keep the password; empty it to remove the password." : undefined}
              />
            ) : null}

            {changing ? null : (
              <>
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
                  <label className="flex items-start gap-2 text-sm">
                    <input type="checkbox" checked={alwaysLatest} onChange={(e) => setAlwaysLatest(e.target.checked)} className="mt-1" />
                    <span>
                      Always the latest version
                      <span className="block text-xs text-muted">Unchecked: the link serves the file as it is now, and refuses it once replaced.</span>
                    </span>
                  </label>
                ) : null}

                <NoteField idPrefix={ids} value={note} onChange={setNote} errors={serverErrors.note} />

                <details className="text-sm" open={Boolean(serverErrors.contentType)}>
                  <summary className="cursor-pointer font-medium">More options</summary>
                  <div className="mt-2 space-y-1">
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
                </details>
              </>
            )}

            <GenerateLinkFooter
              message={serverMessage}
              pending={pending}
              disabled={expiry.invalid}
              onCancel={flow.link ? flow.backToLink : onClose}
              saving={changing}
              afterLink={flow.link !== null}
            />
            <p className="text-xs text-muted">
              {linkKind === "direct"
                ? `Direct links can last from 1 minute to ${MAX_EXPIRY_SECONDS / 86_400} days. Anyone with the link can download the file until it expires.`
                : "Anyone with the link (and its password, from an allowed network) can download the file until it expires, reaches its limit or you revoke it."}
            </p>
          </form>
        )}
      </div>
    </Modal>
  );
}
