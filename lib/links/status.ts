/**
 * A share link's status, derived from its times (revocation is separate: a revoked link is shown
 * as revoked whatever this says).
 *
 * - expired      ⇔ now ≥ expiresAt
 * - expires soon ⇔ now < expiresAt AND (less than 1 hour left OR less than 10% of its life left)
 * - active       otherwise
 *
 * "Less than 10% of its life left" is (expiresAt − now) · 10 < (expiresAt − createdAt), i.e.
 * now > createdAt + 0.9 · (expiresAt − createdAt). A 7-day link is "expiring soon" for its last
 * 16.8 hours, a 1-hour link for all of its hour, a 6-hour link for its last hour.
 *
 * In PostgreSQL (timestamptz columns, $1 = now) the three filters are:
 *   expired:      expires_at <= $1
 *   expires soon: expires_at > $1 AND (expires_at < $1 + interval '1 hour'
 *                   OR (expires_at - $1) * 10 < (expires_at - created_at))
 *   active:       expires_at >= $1 + interval '1 hour'
 *                   AND (expires_at - $1) * 10 >= (expires_at - created_at)
 * (Differences of two timestamptz are day/time intervals, so they compare exactly.) Through
 * Prisma, which cannot compare two columns with arithmetic, filter by `statusBoundaries(now)`:
 * expired ⇔ expiresAt ≤ expiredAtOrBefore; soon by the 1-hour rule ⇔ expiresAt < soonBefore;
 * the 10% rule needs the SQL above (or `linkStatus` on the rows).
 */

export type LinkStatus = "active" | "expires_soon" | "expired";

export const STATUS_LABEL: Record<LinkStatus, string> = {
  active: "Active",
  expires_soon: "Expires soon",
  expired: "Expired",
};

export const SOON_WINDOW_MS = 3_600_000;
/** Share of a link's life (expiresAt − createdAt) under which it "expires soon". */
export const SOON_LIFE_FRACTION = 0.1;

export type LinkTimes = { createdAt: Date; expiresAt: Date };

export function linkStatus(link: LinkTimes, now: Date): LinkStatus {
  const left = link.expiresAt.getTime() - now.getTime();
  if (left <= 0) return "expired";
  const life = link.expiresAt.getTime() - link.createdAt.getTime();
  if (left < SOON_WINDOW_MS || left * 10 < life) return "expires_soon";
  return "active";
}

/**
 * The first instant at which the link counts as "expires soon" (it is active strictly before
 * and at this instant it is not; precisely: soon ⇔ now > soonFrom, up to expiresAt).
 */
export function expiresSoonFrom(link: LinkTimes): Date {
  const expires = link.expiresAt.getTime();
  const life = expires - link.createdAt.getTime();
  return new Date(Math.min(expires - SOON_WINDOW_MS, expires - life / 10));
}

/** When a link's status next changes after `now` (to refresh a page then), or null once expired. */
export function nextStatusChange(link: LinkTimes, now: Date): Date | null {
  const status = linkStatus(link, now);
  if (status === "expired") return null;
  if (status === "expires_soon") return link.expiresAt;
  // Active until the first instant strictly after soonFrom; 1 ms later is the first we can name.
  return new Date(expiresSoonFrom(link).getTime() + 1);
}

export type StatusBoundaries = {
  /** expired ⇔ expiresAt ≤ this (= now). */
  expiredAtOrBefore: Date;
  /** By the 1-hour rule, a link not expired with expiresAt < this expires soon (= now + 1 h). */
  soonBefore: Date;
};

export function statusBoundaries(now: Date): StatusBoundaries {
  return { expiredAtOrBefore: now, soonBefore: new Date(now.getTime() + SOON_WINDOW_MS) };
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
