/**
 * A share link's status, derived from its times, unless it was revoked (managed links only):
 * a revoked link is "revoked" whatever its times say, and the time-based filters leave it out.
 *
 * - expired      ⇔ now ≥ expiresAt
 * - expires soon ⇔ now < expiresAt AND less than min(1 hour, a quarter of its life) is left
 * - active       otherwise
 *
 * "Life" is expiresAt − createdAt. A fresh 1-hour link is active for its first 45 minutes, a
 * 2-hour link for its first 90; any link of 4 hours or more expires soon only in its last hour
 * (a 7-day link: its last hour, not its last 42).
 *
 * expiresSoonFrom(link) = expiresAt − min(1 h, life / 4) is stored as share_links.expires_soon_at
 * (the hardening migration recomputed it for older rows with the same formula:
 *   expires_at - LEAST(interval '1 hour', (expires_at - created_at) / 4)),
 * so the history's status filters are range queries on indexed columns ($1 = now):
 *   expired:      expires_at <= $1
 *   expires soon: expires_at > $1 AND expires_soon_at < $1
 *   active:       expires_soon_at >= $1
 * (lib/links/history.ts statusWhere; indexes (owner_id, expires_at) and (owner_id, expires_soon_at).)
 */

export type LinkStatus = "active" | "expires_soon" | "expired" | "revoked";

export const STATUS_LABEL: Record<LinkStatus, string> = {
  active: "Active",
  expires_soon: "Expires soon",
  expired: "Expired",
  revoked: "Revoked",
};

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

/** A revoked link (share_links.revoked_at set) is "revoked" whatever its times say. */
export function linkStatus(link: LinkTimes & { revokedAt?: Date | null }, now: Date): LinkStatus {
  if (link.revokedAt) return "revoked";
  const left = link.expiresAt.getTime() - now.getTime();
  if (left <= 0) return "expired";
  return left < soonWindowMs(link) ? "expires_soon" : "active";
}

/**
 * The instant from which the link counts as "expires soon": active up to and including it,
 * expires soon strictly after it (soon ⇔ soonFrom < now < expiresAt).
 */
export function expiresSoonFrom(link: LinkTimes): Date {
  return new Date(link.expiresAt.getTime() - soonWindowMs(link));
}

/** When a link's status next changes after `now` (to refresh a page then), or null once expired. */
export function nextStatusChange(link: LinkTimes & { revokedAt?: Date | null }, now: Date): Date | null {
  const status = linkStatus(link, now);
  if (status === "expired" || status === "revoked") return null;
  if (status === "expires_soon") return link.expiresAt;
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
