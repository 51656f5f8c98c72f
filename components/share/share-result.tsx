"use client";

import { useId, useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { inputClass } from "@/components/ui/field";
import { formatExpiryDate } from "@/lib/links/expiry";
import { relativeTime } from "@/lib/links/status";
import type { IssuedLink } from "@/lib/links/issue";

/** Copies text, falling back to selecting it where the clipboard API is unavailable. */
export async function copyText(text: string, fallbackInput?: HTMLInputElement | null): Promise<"copied" | "selected"> {
  try {
    if (!navigator.clipboard?.writeText) throw new Error("no clipboard");
    await navigator.clipboard.writeText(text);
    return "copied";
  } catch {
    fallbackInput?.focus();
    fallbackInput?.select();
    return "selected";
  }
}

export function ShareResult({
  link,
  timeZone,
  request = false,
}: {
  link: IssuedLink;
  timeZone: string;
  /** An upload request's link ("Upload link"): none of a share link's settings apply. */
  request?: boolean;
}) {
  const input = useRef<HTMLInputElement>(null);
  const fieldId = useId();
  const [copy, setCopy] = useState<"idle" | "copied" | "selected">("idle");
  // A presigned URL is long, so its QR code is dense and hard to scan: shown only on request.
  // A managed link is short and its QR code is shown at once.
  const [qrShown, setQrShown] = useState(Boolean(link.managed));
  const qrId = useId();
  const expiresAt = new Date(link.expiresAt);
  return (
    <div className="space-y-3">
      <div className="space-y-1">
        <label htmlFor={fieldId} className="block text-sm font-medium">
          {request ? "Upload link" : "Share link"}
        </label>
        <input
          ref={input}
          id={fieldId}
          readOnly
          value={link.url}
          onFocus={(e) => e.currentTarget.select()}
          className={`${inputClass} font-mono text-xs`}
          spellCheck={false}
        />
      </div>
      {link.neverExpires ? (
        <p className="text-sm">Works until you revoke it (no expiry).</p>
      ) : (
        <p className="text-sm">
          Works until <strong>{formatExpiryDate(expiresAt, timeZone)}</strong> ({relativeTime(expiresAt, new Date())}).
        </p>
      )}
      {request ? null : link.managed ? (
        <dl aria-label="Managed link settings" className="grid grid-cols-[9rem_1fr] gap-x-3 gap-y-1 text-sm">
          <dt className="text-muted">Type</dt>
          <dd>Managed link (revocable)</dd>
          <dt className="text-muted">Download limit</dt>
          <dd>{link.managed.downloadLimit === null ? "Unlimited" : link.managed.downloadLimit === 1 ? "1 (one-time)" : link.managed.downloadLimit}</dd>
          <dt className="text-muted">Password</dt>
          <dd>{link.managed.password ? "Yes" : "No"}</dd>
          <dt className="text-muted">Allowed networks</dt>
          <dd className="break-all font-mono text-xs">
            {link.managed.allowedNetworks.length > 0 ? link.managed.allowedNetworks.join(", ") : <span className="font-sans text-sm">Anywhere</span>}
          </dd>
          <dt className="text-muted">Version</dt>
          <dd>{link.managed.pinned ? "This version of the file" : "Always the latest version"}</dd>
        </dl>
      ) : (
        <p className="text-sm text-muted">Direct link: it cannot be revoked before it expires.</p>
      )}
      {link.limitedByCredentials ? (
        <p className="text-sm text-amber-700 dark:text-amber-300">
          Shorter than asked: the connection's temporary credentials end then, and the link with them.
        </p>
      ) : null}
      <div className="flex flex-wrap items-center gap-2">
        <Button
          onClick={async () => {
            setCopy(await copyText(link.url, input.current));
          }}
        >
          Copy link
        </Button>
        <Button variant="secondary" onClick={() => window.open(link.url, "_blank", "noopener,noreferrer")}>
          Open link
        </Button>
        <span role="status" aria-live="polite" className="text-sm text-emerald-700 dark:text-emerald-400">
          {copy === "copied" ? "Copied" : copy === "selected" ? "Selected: press Ctrl+C (⌘C) to copy" : ""}
        </span>
      </div>
      {link.qrSvg && !link.managed ? (
        <Button variant="secondary" aria-controls={qrShown ? qrId : undefined} onClick={() => setQrShown((shown) => !shown)}>
          {qrShown ? "Hide QR code" : "Show QR code"}
        </Button>
      ) : null}
      {link.qrSvg && qrShown ? (
        <figure id={qrId} className="w-40">
          <div
            role="img"
            aria-label="QR code of the share link"
            className="rounded bg-white p-1 [&_svg]:h-auto [&_svg]:w-full"
            // biome-ignore lint/security/noDangerouslySetInnerHtml: the SVG is made on the server by the qrcode package from the link alone
            dangerouslySetInnerHTML={{ __html: link.qrSvg }}
          />
          <figcaption className="mt-1 text-xs text-muted">Scan to open on a phone.</figcaption>
        </figure>
      ) : null}
    </div>
  );
}
