import "server-only";
import { db } from "@/lib/db/client";
import { log } from "@/lib/log";
import { networkPart } from "@/lib/security/cidr";

/**
 * The access log of managed links (link_events; shown on /links/<id>). Outcomes:
 * - `page_view`: the recipient page was shown. With reason `password_page`, the password page was
 *   (no valid unlock cookie yet: being asked is not a refusal). With reason `preview_agent` (a chat app's unfurler,
 *   given the title card) or `head` (a HEAD request), it was a request to /download that was
 *   answered without a download and not counted. With reason `preview`, the page's preview
 *   (/preview: an image, or a PDF, audio or video of a link without a download limit) was fetched:
 *   a row of its own, which the owner's table folds into the page view that loaded it
 *   (lib/links/access-log-view.ts foldPreviews).
 * - `download`: a counted download (written by the same statement that counts it, lib/recipient/count.ts).
 * - `refused` with a reason: revoked, expired, limit, network, password (rows written
 *   before the password page was logged as `password_page`),
 *   changed, missing (the pinned object was replaced or deleted), rate_limited (a password guess
 *   refused by the guessing limits, unchecked).
 * - `wrong_password` (with reason `locked_out` when it locked the link: lib/auth/limits.ts), `unlocked`.
 * Writing never delays or fails the response: rows are inserted in the background and a failure
 * is only logged.
 */

export type LinkOutcome = "page_view" | "download" | "refused" | "wrong_password" | "unlocked";
export type LinkEventReason =
  | "revoked"
  | "expired"
  | "limit"
  | "network"
  | "password"
  | "password_page"
  | "changed"
  | "missing"
  | "rate_limited"
  | "locked_out"
  | "preview_agent"
  | "head"
  | "preview";

export const MAX_USER_AGENT = 512;

/** The address as the owner chose to keep it: whole, or only its network part (/24, /48). */
export function loggedAddress(address: string, networkOnly: boolean): string {
  return networkOnly ? networkPart(address) : address;
}

export function loggedUserAgent(userAgent: string | null): string | null {
  return userAgent ? userAgent.slice(0, MAX_USER_AGENT) : null;
}

export type LinkEventInput = {
  linkId: string;
  outcome: LinkOutcome;
  reason?: LinkEventReason | null;
  clientAddress: string;
  userAgent: string | null;
  previewAgent: boolean;
  /** Multi-file shares: the file's path in the share, "*" for Download all. */
  filePath?: string | null;
  /** When the request arrived (default: now); a page's preview is then always logged after the page. */
  at?: Date;
};

const pending = new Set<Promise<void>>();

export function recordLinkEvent(event: LinkEventInput): void {
  const write = db.linkEvent
    .create({
      data: {
        linkId: event.linkId,
        outcome: event.outcome,
        reason: event.reason ?? null,
        clientAddress: event.clientAddress,
        userAgent: loggedUserAgent(event.userAgent),
        previewAgent: event.previewAgent,
        filePath: event.filePath ?? null,
        ...(event.at ? { createdAt: event.at } : {}),
      },
      select: { id: true },
    })
    .then(
      () => undefined,
      (error: unknown) => log.error("links.event_not_logged", { linkId: event.linkId, outcome: event.outcome, error }),
    )
    .finally(() => pending.delete(write));
  pending.add(write);
}

/** Waits for the access-log rows written so far (tests, and a clean shutdown). */
export async function settleLinkEvents(): Promise<void> {
  while (pending.size > 0) await Promise.all([...pending]);
}
