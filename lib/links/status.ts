/**
 * A share link's status: the one function every place asks (history, details page, object panel,
 * CSV, API); the history's status filter (lib/links/history.ts statusWhere) is its SQL twin.
 * In the order the recipient side refuses a link (lib/recipient/link.ts linkRefusal):
 *
 * - revoked        ⇔ revokedAt set (managed links only), whatever its times say
 * - expired        ⇔ now ≥ expiresAt
 * - limit reached  ⇔ downloadLimit set and downloadCount ≥ downloadLimit (managed links)
 * - missing        ⇔ object_state = 'missing' (a use found the shared object deleted)
 * - changed        ⇔ object_state = 'changed' (a use found it replaced; a pinned link refuses it)
 * - expires soon   ⇔ now < expiresAt AND less than min(1 hour, a quarter of its life) is left
 * - active         otherwise: the link works
 *
 * "Life" is expiresAt − createdAt. A fresh 1-hour link is active for its first 45 minutes, a
 * 2-hour link for its first 90; any link of 4 hours or more expires soon only in its last hour
 * (a 7-day link: its last hour, not its last 42).
 *
 * expiresSoonFrom(link) = expiresAt − min(1 h, life / 4) is stored as share_links.expires_soon_at
 * (the hardening migration recomputed it for older rows with the same formula:
 *   expires_at - LEAST(interval '1 hour', (expires_at - created_at) / 4)),
 * so the history's status filters are range queries on indexed columns ($1 = now), the
 * other conditions plain column comparisons checked on the rows the range finds:
 *   expired:       expires_at <= $1
 *   limit reached: expires_at > $1 AND download_count >= download_limit
 *   missing:       expires_at > $1 AND NOT limit reached AND object_state = 'missing'
 *   changed:       expires_at > $1 AND NOT limit reached AND object_state = 'changed'
 *   expires soon:  expires_at > $1 AND expires_soon_at < $1 AND NOT limit reached AND object_state IS NULL
 *                  (and expires_at <= $1 + 1 hour, which those imply: it bounds the index range to one hour)
 *   active:        expires_soon_at >= $1 AND NOT limit reached AND object_state IS NULL
 * (each with revoked_at IS NULL; indexes (owner_id, expires_at) and (owner_id, expires_soon_at).)
 */

export type LinkStatus = "active" | "expires_soon" | "expired" | "revoked" | "limit_reached" | "changed" | "missing";

export const STATUS_LABEL: Record<LinkStatus, string> = {
  active: "Active",
  expires_soon: "Expires soon",
  expired: "Expired",
  revoked: "Revoked",
  limit_reached: "Limit reached",
  changed: "File changed",
  missing: "File missing",
};

/** Every status, in the order the filters offer them. */
export const LINK_STATUSES = ["active", "expires_soon", "expired", "revoked", "limit_reached", "changed", "missing"] as const satisfies readonly LinkStatus[];

/** A link expires soon at most in its last hour… */
export const SOON_WINDOW_MS = 3_600_000;
/** …and only once less than this share of its life (expiresAt − createdAt) is left. */
export const SOON_LIFE_FRACTION = 0.25;

export type LinkTimes = { createdAt: Date; expiresAt: Date };

/** How long before expiry the status turns to "Expires soon": min(1 h, life / 4). */
export function soonWindowMs(link: LinkTimes): number {
  const life = Math.max(0, link.expiresAt.getTime() - link.createdAt.getTime());
  return Math.min(SOON_WINDOW_MS, life * SOON_LIFE_FRACTION);
}

/** What decides a status besides the times (a share_links row has them all; direct links never use up or get marked). */
export type LinkStatusInput = LinkTimes & {
  revokedAt?: Date | null;
  downloadLimit?: number | null;
  downloadCount?: number;
  /** share_links.object_state: "changed" or "missing" once a use found the shared object replaced or deleted. */
  objectState?: string | null;
};

/** Whether every allowed download was served (the recipient side then refuses with "limit reached"). */
export function limitReached(link: Pick<LinkStatusInput, "downloadLimit" | "downloadCount">): boolean {
  return link.downloadLimit != null && (link.downloadCount ?? 0) >= link.downloadLimit;
}

/** The link's status at `now` (see the top of this file for the order and the filters' SQL). */
export function linkStatus(link: LinkStatusInput, now: Date): LinkStatus {
  if (link.revokedAt) return "revoked";
  const left = link.expiresAt.getTime() - now.getTime();
  if (left <= 0) return "expired";
  if (limitReached(link)) return "limit_reached";
  if (link.objectState === "missing") return "missing";
  if (link.objectState === "changed") return "changed";
  return left < soonWindowMs(link) ? "expires_soon" : "active";
}

/** Whether the link still opens for a recipient (a changed object still opens an "Always the latest version" link). */
export function isWorkingStatus(status: LinkStatus): boolean {
  return status === "active" || status === "expires_soon";
}

/**
 * The instant from which the link counts as "expires soon": active up to and including it,
 * expires soon strictly after it (soon ⇔ soonFrom < now < expiresAt).
 */
export function expiresSoonFrom(link: LinkTimes): Date {
  return new Date(link.expiresAt.getTime() - soonWindowMs(link));
}

/**
 * When a link's status next changes after `now` by time alone (to refresh a page then), or null once
 * expired. A used-up or marked link turns "expired" at its expiry.
 */
export function nextStatusChange(link: LinkStatusInput, now: Date): Date | null {
  const status = linkStatus(link, now);
  if (status === "expired" || status === "revoked") return null;
  if (status !== "active") return link.expiresAt;
  // Active until the first instant strictly after soonFrom; 1 ms later is the first we can name.
  return new Date(expiresSoonFrom(link).getTime() + 1);
}

const relativeFormatters = new Map<string, Intl.RelativeTimeFormat>();

/** "in 3 hours", "2 days ago", "in 45 seconds", "now". Rounded to the nearest unit. */
export function relativeTime(target: Date, now: Date, locale = "en"): string {
  let formatter = relativeFormatters.get(locale);
  if (!formatter) {
    formatter = new Intl.RelativeTimeFormat(locale, { numeric: "always", style: "long" });
    relativeFormatters.set(locale, formatter);
  }
  const diffSeconds = Math.round((target.getTime() - now.getTime()) / 1_000);
  if (diffSeconds === 0) return new Intl.RelativeTimeFormat(locale, { numeric: "auto" }).format(0, "second");
  const sign = Math.sign(diffSeconds);
  const abs = Math.abs(diffSeconds);
  if (abs < 60) return formatter.format(sign * abs, "second");
  // Pick the unit from the rounded value: 59 min 40 s is "in 1 hour", not "in 60 minutes".
  const minutes = Math.round(abs / 60);
  if (minutes < 60) return formatter.format(sign * minutes, "minute");
  const hours = Math.round(abs / 3_600);
  if (hours < 24) return formatter.format(sign * hours, "hour");
  return formatter.format(sign * Math.round(abs / 86_400), "day");
}
