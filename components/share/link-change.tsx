"use client";

import { type ReactNode, type RefObject, useEffect, useRef, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { ModalFooter } from "@/components/ui/modal";
import { ShareResult } from "@/components/share/share-result";
import type { ManagedOptions } from "@/components/share/link-option-fields";
import type { ChangedLinkOptions } from "@/lib/actions/change-link-options";
import { revokeLinkAction } from "@/lib/actions/revoke-link";
import { formatExpiryDate } from "@/lib/links/expiry";
import type { IssuedLink } from "@/lib/links/issue";

/**
 * "Change options" after a link was made, the same in both share dialogs: a managed link is
 * changed in place (same address, changeLinkOptionsAction); a direct link cannot be changed, so
 * the dialog says plainly that a new link will be made and the first keeps working. Making a new
 * link instead of changing a managed one offers "Revoke the first".
 */

export const NEW_LINK_NOTICE = "A new link will be made. The first link keeps working until it expires.";
const NEW_LINK_FIRST_REVOKED = "A new link will be made. The first link is revoked.";

/** The options a link was made or last changed with, as the form holds them: what "Save changes" compares against. */
export type SentOptions = { expiry: string; options: ManagedOptions };

/** The expiry as chosen (the time zone aside: it only says how to read "until"). */
export function expiryKey(fields: Record<string, string>): string {
  const { expiryMode, preset, amount, unit, until } = fields;
  return JSON.stringify(expiryMode === "preset" ? [expiryMode, preset] : expiryMode === "custom" ? [expiryMode, amount, unit] : [expiryMode, until]);
}

/**
 * What Save changes sends: the link's id and only what differs from what it was made with (an
 * untouched expiry is kept, not counted again from now; an untouched password is kept; an
 * emptied one is removed).
 */
export function changeRequest(id: string, sent: SentOptions, expiryFields: Record<string, string>, options: ManagedOptions): Record<string, string> {
  const request: Record<string, string> = { id, expiryMode: "keep", passwordMode: "keep" };
  if (expiryKey(expiryFields) !== sent.expiry) Object.assign(request, expiryFields);
  if (options.downloadLimit.trim() !== sent.options.downloadLimit.trim())
    Object.assign(request, { changeDownloadLimit: "on", downloadLimit: options.downloadLimit });
  if (options.password !== sent.options.password)
    Object.assign(request, { passwordMode: options.password === "" ? "remove" : "set", password: options.password });
  if (options.allowedNetworks.trim() !== sent.options.allowedNetworks.trim())
    Object.assign(request, { changeAllowedNetworks: "on", allowedNetworks: options.allowedNetworks });
  return request;
}

/** Changing a link, its expiry untouched: the expiry it keeps (counted again from now only when another is chosen). */
export function keptExpiry(link: IssuedLink | null, sent: SentOptions | null, expiryFields: Record<string, string>, timeZone: string): string | null {
  if (!link || !sent || expiryKey(expiryFields) !== sent.expiry) return null;
  if (link.neverExpires) return "Unchanged: the link works until you revoke it.";
  return `Unchanged: the link works until ${formatExpiryDate(new Date(link.expiresAt), timeZone)}. Choose another expiry to count it from now.`;
}

export type LinkFlowMode = "first" | "change" | "new";

/** Which link the dialog shows, whether it shows it or the form, and what the form does next. */
export function useLinkFlow<L extends IssuedLink>() {
  const [link, setLink] = useState<L | null>(null);
  const [showing, setShowing] = useState(false);
  const [next, setNext] = useState<"change" | "new">("new");
  /** The managed link a new one was made instead of (offered "Revoke the first"). */
  const [previous, setPrevious] = useState<L | null>(null);
  const [revokedIds, setRevokedIds] = useState<string[]>([]);
  const [sent, setSent] = useState<SentOptions | null>(null);
  /** Said above the link: "Saved: …" after Save changes, or that the first link is revoked. */
  const [notice, setNotice] = useState<string | null>(null);

  const isRevoked = (id: string) => revokedIds.includes(id);
  const changeable = Boolean(link?.managed && !isRevoked(link.id));
  const mode: LinkFlowMode = link === null ? "first" : next === "change" && changeable ? "change" : "new";
  return {
    link,
    showing: showing && link !== null,
    mode,
    /** The link shown can be changed in place (managed and not revoked). */
    changeable,
    previous: previous && !isRevoked(previous.id) ? previous : null,
    sent,
    notice,
    isRevoked,
    setNext,
    /** "Change options": back to the form, changing a managed link by default. */
    changeOptions() {
      setNext(changeable ? "change" : "new");
      setNotice(null);
      setShowing(false);
    },
    backToLink() {
      setShowing(true);
    },
    made(made: L, options: SentOptions) {
      setPrevious(link?.managed && !isRevoked(link.id) ? link : null);
      setLink(made);
      setSent(options);
      setNotice(null);
      setShowing(true);
    },
    changed(data: ChangedLinkOptions | undefined, options: SentOptions, message: string | undefined) {
      if (data)
        setLink((current) =>
          current
            ? {
                ...current,
                expiresAt: data.expiresAt,
                requestedExpiresAt: data.expiresAt,
                neverExpires: data.neverExpires,
                managed: current.managed
                  ? { ...current.managed, downloadLimit: data.downloadLimit, password: data.password, allowedNetworks: data.allowedNetworks }
                  : null,
              }
            : current,
        );
      setSent(options);
      setNotice(message ?? null);
      setShowing(true);
    },
    markRevoked(id: string) {
      setRevokedIds((ids) => [...ids, id]);
      setNotice("The first link is revoked: it no longer works.");
    },
  };
}
export type LinkFlow<L extends IssuedLink> = ReturnType<typeof useLinkFlow<L>>;

/** "Revoke the first": revokes the managed link made before (revokeLinkAction, as the history's Revoke). */
export function RevokeFirst({ id, onRevoked }: { id: string; onRevoked: (id: string) => void }) {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <div className="flex flex-wrap items-center gap-2">
      <Button
        variant="secondary"
        disabled={pending}
        onClick={async () => {
          setPending(true);
          setError(null);
          try {
            const state = await revokeLinkAction({ status: "idle" }, { id });
            if (state.status === "success") onRevoked(id);
            else setError("message" in state ? state.message : "The first link could not be revoked. Try again.");
          } catch {
            setError("The server did not answer, so the first link still works. Try again.");
          } finally {
            setPending(false);
          }
        }}
      >
        {pending ? "Revoking…" : "Revoke the first"}
      </Button>
      <span role="alert" className="text-sm text-red-700 dark:text-red-300">
        {error ?? ""}
      </span>
    </div>
  );
}

/**
 * First in the form once a link was made: for a managed link, "Change this link" (the default)
 * or "Make a new link" (then "Revoke the first" is offered); for a direct link (or a revoked one),
 * the plain notice that a new link will be made.
 */
export function AfterLinkChoice<L extends IssuedLink>({ idPrefix, flow }: { idPrefix: string; flow: LinkFlow<L> }) {
  const link = flow.link;
  if (!link || flow.mode === "first") return null;
  const revoked = flow.isRevoked(link.id);
  return (
    <div className="space-y-2">
      {flow.changeable ? (
        <fieldset className="space-y-1">
          <legend className="text-sm font-medium">The link you made</legend>
          <div className="flex flex-wrap gap-4 text-sm">
            <label className="flex items-center gap-2">
              <input type="radio" name={`${idPrefix}-next`} checked={flow.mode === "change"} onChange={() => flow.setNext("change")} />
              Change this link
            </label>
            <label className="flex items-center gap-2">
              <input type="radio" name={`${idPrefix}-next`} checked={flow.mode === "new"} onChange={() => flow.setNext("new")} />
              Make a new link
            </label>
          </div>
        </fieldset>
      ) : null}
      <div aria-live="polite" className="space-y-2">
        {flow.mode === "change" ? (
          <p className="text-sm text-zinc-600 dark:text-zinc-400">
            Same address: the new expiry and protection apply from the recipient's next request. Everything else stays as it is; to change that, make a new
            link.
          </p>
        ) : (
          <Alert tone="info">{revoked && link.managed ? NEW_LINK_FIRST_REVOKED : NEW_LINK_NOTICE}</Alert>
        )}
      </div>
      {flow.mode === "new" && link.managed && !revoked ? <RevokeFirst id={link.id} onRevoked={flow.markRevoked} /> : null}
    </div>
  );
}

/** Under a new link made instead of a managed one: the first still works, with "Revoke the first" at hand. */
export function FirstLinkStillWorks<L extends IssuedLink>({ flow }: { flow: LinkFlow<L> }) {
  const first = flow.previous;
  if (!first) return null;
  return (
    <div className="space-y-2 rounded-lg border border-zinc-200 p-3 text-sm dark:border-zinc-800">
      <p>
        The first link (<span className="break-all font-mono text-xs">{first.url}</span>) still works until it expires.
      </p>
      <RevokeFirst id={first.id} onRevoked={flow.markRevoked} />
    </div>
  );
}

/** "Saved: …" after Save changes, or "The first link is revoked: …" (announced). */
export function FlowNotice<L extends IssuedLink>({ flow }: { flow: LinkFlow<L> }) {
  return (
    <div role="status" aria-live="polite">
      {flow.notice ? <Alert tone="success">{flow.notice}</Alert> : null}
    </div>
  );
}

/**
 * The link a share dialog made: what changed, the link itself, the first link when a new one replaced it,
 * and "Change options" (back to the form, for this link) or "Done".
 */
export function LinkShown<L extends IssuedLink>({
  flow,
  link,
  timeZone,
  summary,
  onChangeOptions,
  onDone,
}: {
  flow: LinkFlow<L>;
  link: L;
  timeZone: string;
  /** A line above the link (what a multi-file share holds). */
  summary?: ReactNode;
  onChangeOptions: () => void;
  onDone: () => void;
}) {
  return (
    <div className="space-y-4">
      <FlowNotice flow={flow} />
      {summary}
      <ShareResult key={link.id} link={link} timeZone={timeZone} />
      <FirstLinkStillWorks flow={flow} />
      <ModalFooter divided>
        <Button
          variant="secondary"
          onClick={() => {
            onChangeOptions();
            flow.changeOptions();
          }}
        >
          Change options
        </Button>
        <Button variant="secondary" onClick={onDone}>
          Done
        </Button>
      </ModalFooter>
    </div>
  );
}

/**
 * When the dialog switches between the form and the link (Generate, Save changes, Change options,
 * Back to the link), the focus moves to the first field of what is now shown instead of being lost
 * with the button that was pressed.
 */
export function useFocusOnSwitch(showing: boolean, container: RefObject<HTMLElement | null>) {
  const mounted = useRef(false);
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the view switches, and only then
  useEffect(() => {
    if (!mounted.current) {
      mounted.current = true;
      return;
    }
    container.current?.querySelector<HTMLElement>("input:not([type=hidden]), select, textarea, button")?.focus();
  }, [showing]);
}
