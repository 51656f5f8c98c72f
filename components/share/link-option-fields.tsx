"use client";

import { useEffect, useMemo, useState } from "react";
import { Button } from "@/components/ui/button";
import { FieldError, inputClass } from "@/components/ui/field";
import { Alert } from "@/components/ui/alert";
import {
  DEFAULT_EXPIRY_PRESET,
  EXPIRY_PRESETS,
  EXPIRY_UNITS,
  MANAGED_EXPIRY_PRESETS,
  NEVER_PRESET,
  credentialsEndProblem,
  credentialsEndSentence,
  managedCredentialsEndSentence,
  outlivesCredentials,
  effectiveExpiry,
  formatExpiryDate,
  resolveExpiry,
  type ExpiryChoice,
  type ExpiryUnit,
  type LinkKind,
} from "@/lib/links/expiry";
import { durationText, MANAGED_ONLY_GRANT_MESSAGE } from "@/lib/links/grant-limits";
import { linkPasswordProblem } from "@/lib/links/link-password";
import { parseRangeList } from "@/lib/security/cidr";

/**
 * The option fields both share dialogs offer (Quick Share, and "Share selected"/"Share folder"):
 * the expiry choice (a preset, a custom duration or until a date and time) and a managed link's
 * download limit, password and allowed networks. Each dialog keeps its own state through these
 * hooks and sends the same field names to its server action.
 */

/** The field names the server actions report expiry and managed-option errors under. */
export const EXPIRY_FIELDS = ["expiresIn", "amount", "until"] as const;
export const MANAGED_FIELDS = ["downloadLimit", "password", "allowedNetworks"] as const;

type ServerErrors = Partial<Record<string, string[]>>;

export function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch {
    return "UTC";
  }
}

/** The expiry the owner is choosing, checked as they type (the server checks again with the same rules). */
export function useExpiryChoice(kind: LinkKind, initialPreset: string) {
  const [timeZone, setTimeZone] = useState("UTC");
  const [expiresIn, suggest] = useState(initialPreset);
  /** The owner chose an expiry (a link type's default no longer replaces it). */
  const [touched, setTouched] = useState(false);
  const [amount, setAmount] = useState("2");
  const [unit, setUnit] = useState<ExpiryUnit>("hours");
  const [until, setUntil] = useState("");

  useEffect(() => setTimeZone(browserTimeZone()), []);

  const mode: ExpiryChoice["mode"] = expiresIn === "custom" ? "custom" : expiresIn === "until" ? "until" : "preset";
  const preview = useMemo(() => {
    if (mode === "until" && !until) return null;
    const choice: ExpiryChoice =
      mode === "custom" ? { mode, amount, unit } : mode === "until" ? { mode, localDateTime: until, timeZone } : { mode, preset: expiresIn };
    return resolveExpiry(choice, new Date(), { timeZone, kind });
  }, [mode, until, amount, unit, expiresIn, timeZone, kind]);

  /** What the server actions read (expiryMode, preset, amount, unit, until, timeZone). */
  const fields = { expiryMode: mode, preset: mode === "preset" ? expiresIn : initialPreset, amount, unit, until, timeZone };
  return {
    timeZone,
    expiresIn,
    setExpiresIn: (value: string) => {
      setTouched(true);
      suggest(value);
    },
    /** Sets the preset without counting as the owner's choice (a link type's default). */
    suggest,
    touched,
    amount,
    setAmount,
    unit,
    setUnit,
    until,
    setUntil,
    mode,
    preview,
    fields,
    invalid: Boolean(preview && !preview.ok),
  };
}
export type ExpiryChoiceState = ReturnType<typeof useExpiryChoice>;

/** "Expires in": the presets for the link type (managed adds 30/90 days and No expiry), a custom duration, or until a date and time. */
export function ExpiryField({
  idPrefix,
  kind,
  expiry,
  serverErrors,
  credentialsExpireAt = null,
  managedCredentialsEndAt = null,
  onUseLongest,
  kept = null,
  longestSeconds = null,
}: {
  idPrefix: string;
  kind: LinkKind;
  expiry: ExpiryChoiceState;
  /** The person's grant allows links of at most this long (lib/links/grant-limits.ts); null: the link type's own limit. */
  longestSeconds?: number | null;
  serverErrors: ServerErrors;
  /** Temporary credentials that end before the link would (direct links). */
  credentialsExpireAt?: Date | null;
  /** Managed links: when the connection's temporary credentials end (the link is not shortened, but fails from then unless they are renewed). */
  managedCredentialsEndAt?: Date | null;
  /** Offered when a direct link asks for more than 7 days. */
  onUseLongest?: () => void;
  /** Changing a link made already, its expiry untouched: what it keeps (said instead of the preview). */
  kept?: string | null;
}) {
  const { preview, mode, timeZone } = expiry;
  const capped = preview?.ok ? effectiveExpiry(preview.expiresAt, credentialsExpireAt) : null;
  // Credentials that ended, or end within a minute: no direct link can be signed on them (the server refuses the same way).
  const credentialsProblem = capped?.limitedByCredentials && credentialsExpireAt ? credentialsEndProblem(credentialsExpireAt, new Date(), timeZone) : null;
  const beyondGrant = longestSeconds !== null && preview?.ok === true && (preview.neverExpires === true || preview.seconds > longestSeconds);
  const error =
    preview && !preview.ok
      ? preview.message
      : beyondGrant
        ? `Your access allows links of at most ${durationText(longestSeconds)}. Choose a shorter expiry.`
        : (serverErrors.expiresIn ?? serverErrors.amount ?? serverErrors.until)?.join(" ");
  const presets = presetsWithin(kind === "managed" ? MANAGED_EXPIRY_PRESETS : EXPIRY_PRESETS, longestSeconds);
  return (
    <div className="space-y-1">
      <label htmlFor={`${idPrefix}-expires`} className="block text-sm font-medium">
        Expires in
      </label>
      <select
        id={`${idPrefix}-expires`}
        value={expiry.expiresIn}
        onChange={(e) => expiry.setExpiresIn(e.target.value)}
        className={inputClass}
        aria-describedby={`${idPrefix}-expiry-help`}
      >
        {presets.map((p) => (
          <option key={p.id} value={p.id}>
            {p.label}
          </option>
        ))}
        {kind === "managed" && longestSeconds === null ? <option value={NEVER_PRESET}>No expiry</option> : null}
        <option value="custom">Custom duration…</option>
        <option value="until">Until a date and time…</option>
      </select>
      {mode === "custom" ? (
        <div className="flex gap-2 pt-1">
          <div className="w-28">
            <label htmlFor={`${idPrefix}-amount`} className="sr-only">
              Duration
            </label>
            <input
              id={`${idPrefix}-amount`}
              type="number"
              min={1}
              inputMode="numeric"
              value={expiry.amount}
              onChange={(e) => expiry.setAmount(e.target.value)}
              className={inputClass}
              aria-invalid={Boolean(error) || undefined}
            />
          </div>
          <div className="w-36">
            <label htmlFor={`${idPrefix}-unit`} className="sr-only">
              Unit
            </label>
            <select id={`${idPrefix}-unit`} value={expiry.unit} onChange={(e) => expiry.setUnit(e.target.value as ExpiryUnit)} className={inputClass}>
              {EXPIRY_UNITS.map((u) => (
                <option key={u} value={u}>
                  {u}
                </option>
              ))}
            </select>
          </div>
        </div>
      ) : null}
      {mode === "until" ? (
        <div className="space-y-1 pt-1">
          <label htmlFor={`${idPrefix}-until`} className="block text-sm">
            Expires at ({timeZone})
          </label>
          <input
            id={`${idPrefix}-until`}
            type="datetime-local"
            value={expiry.until}
            onChange={(e) => expiry.setUntil(e.target.value)}
            className={inputClass}
            aria-invalid={Boolean(error) || undefined}
          />
        </div>
      ) : null}
      <div id={`${idPrefix}-expiry-help`} aria-live="polite" className="space-y-1 text-sm">
        {longestSeconds !== null ? (
          <p className="text-zinc-600 dark:text-zinc-400">Your access allows links of at most {durationText(longestSeconds)}.</p>
        ) : null}
        {error ? (
          <>
            <FieldError errors={[error]} />
            {preview && !preview.ok && preview.longestAllowed && onUseLongest ? (
              <Button variant="secondary" onClick={onUseLongest}>
                Use the longest allowed (7 days)
              </Button>
            ) : null}
          </>
        ) : kept ? (
          <p className="text-zinc-600 dark:text-zinc-400">{kept}</p>
        ) : preview?.ok && preview.neverExpires ? (
          <p className="text-zinc-600 dark:text-zinc-400">The link works until you revoke it.</p>
        ) : capped && !credentialsProblem ? (
          <p className="text-zinc-600 dark:text-zinc-400">The link will work until {formatExpiryDate(capped.expiresAt, timeZone)}.</p>
        ) : null}
        {credentialsProblem ? (
          <Alert tone="warning">{credentialsProblem}</Alert>
        ) : capped?.limitedByCredentials ? (
          <Alert tone="warning">{credentialsEndSentence(capped.expiresAt, timeZone)}</Alert>
        ) : kind === "managed" && managedCredentialsEndAt && preview?.ok && outlivesCredentials(preview, managedCredentialsEndAt) ? (
          <Alert tone="warning">{managedCredentialsEndSentence(managedCredentialsEndAt, timeZone)}</Alert>
        ) : null}
      </div>
    </div>
  );
}

export type ManagedOptions = { downloadLimit: string; password: string; allowedNetworks: string };

/** Checked as the owner types (the server checks again with the same rules and messages). */
function downloadLimitProblem(text: string): string | null {
  const t = text.trim();
  if (t === "") return null;
  return /^\d+$/.test(t) && Number(t) >= 1 && Number(t) <= 1_000_000 ? null : "Enter a whole number from 1 to 1,000,000, or leave it empty for unlimited.";
}

function networksProblem(text: string): string | null {
  const parsed = parseRangeList(text);
  if (parsed.ok) return null;
  return `Not an IPv4/IPv6 address or CIDR range: ${parsed.invalid
    .slice(0, 5)
    .map((e) => `"${e.slice(0, 60)}"`)
    .join(", ")}${parsed.invalid.length > 5 ? ` and ${parsed.invalid.length - 5} more` : ""}. Use forms such as 203.0.113.0/24 or 2001:db8::/32.`;
}

export type ManagedOptionErrors = Partial<Record<keyof ManagedOptions, string>>;

/**
 * A managed link's download limit, password and allowed networks. `checkInBrowser`: once the
 * owner has tried to submit, the limit and networks are checked here too (Quick Share); otherwise
 * only the server's messages are shown.
 */
export function useManagedOptions(serverErrors: ServerErrors, checkInBrowser: boolean) {
  const [options, setOptions] = useState<ManagedOptions>({ downloadLimit: "", password: "", allowedNetworks: "" });
  const errors: ManagedOptionErrors = {
    downloadLimit: (checkInBrowser ? downloadLimitProblem(options.downloadLimit) : null) ?? serverErrors.downloadLimit?.join(" "),
    password: (checkInBrowser ? linkPasswordProblem(options.password) : null) ?? serverErrors.password?.join(" "),
    allowedNetworks: (checkInBrowser ? networksProblem(options.allowedNetworks) : null) ?? serverErrors.allowedNetworks?.join(" "),
  };
  return {
    options,
    setOptions,
    errors,
    /** The browser's check already refuses these options (nothing is sent then). */
    refused: Boolean(downloadLimitProblem(options.downloadLimit) || networksProblem(options.allowedNetworks) || linkPasswordProblem(options.password)),
    /** What the server actions read; an empty password is left out. */
    fields: {
      downloadLimit: options.downloadLimit,
      ...(options.password ? { password: options.password } : {}),
      allowedNetworks: options.allowedNetworks,
    } as Record<string, string>,
  };
}
export type ManagedOptionsState = ReturnType<typeof useManagedOptions>;

/**
 * "Protection": a managed link's Download limit, Password and Allowed networks, each with its
 * message beneath it, in the same place and order in both share dialogs. `passwordHelp` is said
 * under the password (when changing a link made already: what an empty field does).
 */
export function ProtectionFields({
  idPrefix,
  managed,
  limitHelp,
  passwordHelp,
}: {
  idPrefix: string;
  managed: ManagedOptionsState;
  limitHelp: string;
  passwordHelp?: string;
}) {
  const { options, errors } = managed;
  const set = (field: keyof ManagedOptions) => (e: { target: { value: string } }) => managed.setOptions({ ...options, [field]: e.target.value });
  return (
    <fieldset className="space-y-3 rounded-lg border border-zinc-200 p-3 dark:border-zinc-800">
      <legend className="px-1 text-sm font-medium">Protection</legend>
      <div className="space-y-1">
        <label htmlFor={`${idPrefix}-limit`} className="block text-sm font-medium">
          Download limit
        </label>
        <input
          id={`${idPrefix}-limit`}
          inputMode="numeric"
          value={options.downloadLimit}
          onChange={set("downloadLimit")}
          placeholder="Unlimited"
          className={`${inputClass} w-40`}
          aria-invalid={errors.downloadLimit ? true : undefined}
          aria-describedby={`${idPrefix}-limit-help ${idPrefix}-limit-error`}
        />
        <p id={`${idPrefix}-limit-help`} className="text-xs text-muted">
          {limitHelp}
        </p>
        <div id={`${idPrefix}-limit-error`}>
          <FieldError errors={errors.downloadLimit ? [errors.downloadLimit] : undefined} />
        </div>
      </div>
      <div className="space-y-1">
        <label htmlFor={`${idPrefix}-password`} className="block text-sm font-medium">
          Password
        </label>
        <input
          id={`${idPrefix}-password`}
          type="password"
          autoComplete="new-password"
          value={options.password}
          onChange={set("password")}
          placeholder="Optional"
          className={inputClass}
          aria-invalid={errors.password ? true : undefined}
          aria-describedby={passwordHelp ? `${idPrefix}-password-help` : undefined}
        />
        {passwordHelp ? (
          <p id={`${idPrefix}-password-help`} className="text-xs text-muted">
            {passwordHelp}
          </p>
        ) : null}
        <FieldError errors={errors.password ? [errors.password] : undefined} />
      </div>
      <div className="space-y-1">
        <label htmlFor={`${idPrefix}-networks`} className="block text-sm font-medium">
          Allowed networks
        </label>
        <textarea
          id={`${idPrefix}-networks`}
          rows={2}
          value={options.allowedNetworks}
          onChange={set("allowedNetworks")}
          placeholder="Optional, e.g. 203.0.113.0/24, 2001:db8::/32"
          className={`${inputClass} font-mono text-xs`}
          spellCheck={false}
          aria-invalid={errors.allowedNetworks ? true : undefined}
          aria-describedby={`${idPrefix}-networks-help ${idPrefix}-networks-error`}
        />
        <p id={`${idPrefix}-networks-help`} className="text-xs text-muted">
          IPv4/IPv6 addresses or CIDR ranges, separated by commas or new lines. Empty: anywhere.
        </p>
        <div id={`${idPrefix}-networks-error`}>
          <FieldError errors={errors.allowedNetworks ? [errors.allowedNetworks] : undefined} />
        </div>
      </div>
    </fieldset>
  );
}

/** Both dialogs' default link type: managed when Bucketshare knows its public address (PUBLIC_URL), else direct. */
export function defaultLinkKind(publicUrl: string | null): LinkKind {
  return publicUrl ? "managed" : "direct";
}

/** Both dialogs' default expiry for a link type: a managed link 7 days, a direct link 1 hour; never beyond the grant's longest. */
export function defaultExpiryPreset(kind: LinkKind, longestSeconds: number | null = null): string {
  const preferred = kind === "managed" ? "7d" : DEFAULT_EXPIRY_PRESET;
  const offered = presetsWithin(kind === "managed" ? MANAGED_EXPIRY_PRESETS : EXPIRY_PRESETS, longestSeconds);
  if (offered.some((p) => p.id === preferred)) return preferred;
  return offered.at(-1)?.id ?? "custom";
}

/** The longest preset a link type offers within a grant's longest expiry ("custom" when none fits). */
export function longestPreset(kind: LinkKind, longestSeconds: number | null): string {
  return presetsWithin(kind === "managed" ? MANAGED_EXPIRY_PRESETS : EXPIRY_PRESETS, longestSeconds).at(-1)?.id ?? "custom";
}

/** The presets no longer than a grant's longest expiry (all of them without one). */
function presetsWithin<P extends { seconds: number }>(presets: readonly P[], longestSeconds: number | null): readonly P[] {
  return longestSeconds === null ? presets : presets.filter((p) => p.seconds <= longestSeconds);
}

/** What each link type means for the owner: the dialogs' intro, under "Link type" (gone once a link is shown). */
export const LINK_TYPE_TRADE_OFF: Record<LinkKind, string> = {
  direct: "A presigned URL straight to your storage: works without Bucketshare, lasts up to 7 days, and cannot be revoked.",
  managed: "Goes through Bucketshare: you can revoke it at once, limit downloads, add a password or networks, and keep it up to 90 days or without expiry.",
};

/**
 * "Link type", first in both dialogs: Direct or Managed (Quick Share), or Managed only (several
 * files), with what the choice means beneath.
 */
export function LinkTypeField({
  idPrefix,
  kind,
  onChange,
  managedOnlyByGrant = false,
}: {
  idPrefix: string;
  kind: LinkKind;
  /** Absent: only a managed link can be made (several files). */
  onChange?: (kind: LinkKind) => void;
  /** The person's grant allows managed links only: no choice, and the reason said. */
  managedOnlyByGrant?: boolean;
}) {
  if (managedOnlyByGrant) {
    return (
      <fieldset className="space-y-1" aria-describedby={`${idPrefix}-kind-help`}>
        <legend className="text-sm font-medium">Link type</legend>
        <p className="text-sm">Managed link</p>
        <p id={`${idPrefix}-kind-help`} className="text-sm text-zinc-600 dark:text-zinc-400">
          {MANAGED_ONLY_GRANT_MESSAGE} {LINK_TYPE_TRADE_OFF.managed}
        </p>
      </fieldset>
    );
  }
  return (
    <fieldset className="space-y-1" aria-describedby={`${idPrefix}-kind-help`}>
      <legend className="text-sm font-medium">Link type</legend>
      {onChange ? (
        <div className="flex flex-wrap gap-4 text-sm">
          <label className="flex items-center gap-2">
            <input type="radio" name="linkType" value="direct" checked={kind === "direct"} onChange={() => onChange("direct")} />
            Direct link
          </label>
          <label className="flex items-center gap-2">
            <input type="radio" name="linkType" value="managed" checked={kind === "managed"} onChange={() => onChange("managed")} />
            Managed link
          </label>
        </div>
      ) : (
        <p className="text-sm">Managed link (the one kind for several files)</p>
      )}
      <p id={`${idPrefix}-kind-help`} className="text-sm text-zinc-600 dark:text-zinc-400">
        {LINK_TYPE_TRADE_OFF[kind]}
      </p>
    </fieldset>
  );
}

/**
 * Right under "Link type" in both dialogs: a managed link without a public address (it carries
 * the address the owner opened Bucketshare at), and storage at a private address.
 */
export function AddressWarnings({
  kind,
  publicUrl,
  storagePrivateHost,
  zip = false,
}: {
  kind: LinkKind;
  publicUrl: string | null;
  storagePrivateHost: string | null;
  zip?: boolean;
}) {
  if (!(kind === "managed" && !publicUrl) && !storagePrivateHost) return null;
  return (
    <div className="space-y-2">
      {kind === "managed" && !publicUrl ? (
        <Alert tone="warning">
          Bucketshare has no public address, so this link uses the address you opened it at. Recipients elsewhere cannot reach a localhost address: set{" "}
          <code>PUBLIC_URL</code> to the address people use to reach Bucketshare (for example https://share.example.com) and restart it.
        </Alert>
      ) : null}
      {storagePrivateHost ? <PrivateStorageWarning host={storagePrivateHost} zip={zip} /> : null}
    </div>
  );
}

/** "Note (optional)": who the link is for, shown in the history (both dialogs, after the link's options). */
export function NoteField({ idPrefix, value, onChange, errors }: { idPrefix: string; value: string; onChange: (v: string) => void; errors?: string[] }) {
  return (
    <div className="space-y-1">
      <label htmlFor={`${idPrefix}-note`} className="block text-sm font-medium">
        Note (optional)
      </label>
      <input id={`${idPrefix}-note`} value={value} onChange={(e) => onChange(e.target.value)} placeholder="Who the link is for" className={inputClass} />
      <FieldError errors={errors} />
    </div>
  );
}

/**
 * Said when the connection's endpoint is a loopback or private address (decided on the server:
 * lib/storage/private-endpoint.ts). Every download is a presigned URL to the storage itself, for
 * a direct link and a managed link alike, so recipients elsewhere cannot open the link (a
 * several-files share's Download all, streamed through Bucketshare, is the one exception).
 */
export function PrivateStorageWarning({ host, zip = false }: { host: string; zip?: boolean }) {
  return (
    <Alert tone="warning">
      This storage is at a private address (<code>{host}</code>):{" "}
      {zip
        ? "each file downloads straight from it, so recipients elsewhere cannot open the files (only Download all passes through Bucketshare)."
        : "downloads come straight from it, so this link works only on this machine or its network and recipients elsewhere cannot open it."}{" "}
      Share from a connection whose endpoint they can reach.
    </Alert>
  );
}
