import { type Actor, allowedLinkKinds, canOnObject, listingView, longestExpirySeconds } from "@/lib/auth/permissions";
import { AppError } from "@/lib/errors";
import type { LinkKind } from "@/lib/links/expiry";

/**
 * What a person's grant allows when they issue a link, as the dialogs say it and the server
 * enforces it (the rules themselves are in lib/auth/permissions.ts). Safe in client components.
 */

export const MANAGED_ONLY_GRANT_MESSAGE = "Your access allows managed links only.";

const UNITS = [
  { seconds: 86_400, one: "day", many: "days" },
  { seconds: 3_600, one: "hour", many: "hours" },
  { seconds: 60, one: "minute", many: "minutes" },
] as const;

/** "30 days", "12 hours", "90 minutes": the largest unit that divides the duration. */
export function durationText(seconds: number): string {
  const unit = UNITS.find((u) => seconds % u.seconds === 0) ?? UNITS[2];
  const count = Math.floor(seconds / unit.seconds);
  return `${count.toLocaleString("en-US")} ${count === 1 ? unit.one : unit.many}`;
}

export function longestExpiryMessage(seconds: number): string {
  return `Your access allows links of at most ${durationText(seconds)}. Choose a shorter expiry.`;
}

/** What one object's share refuses with, so nothing outside the person's folder is confirmed to exist. */
const OUTSIDE_MESSAGE = "This object does not exist (any more), so no link was created.";
const BROWSE_ONLY_MESSAGE = "Your access allows browsing here, not sharing. Ask an Admin for Can share.";

function refuseOutside(actor: Actor, connectionId: string, bucket: string, key: string): never {
  if (canOnObject(actor, "browse", connectionId, bucket, key)) throw new AppError("forbidden", BROWSE_ONLY_MESSAGE, { reason: "not_granted" });
  throw new AppError("not_found", OUTSIDE_MESSAGE, { reason: "no_such_object" });
}

/** Every key must be one the actor may share (Can share, in their bucket and inside their folder). */
export function assertMayShareKeys(actor: Actor, connectionId: string, bucket: string, keys: readonly string[]): void {
  for (const key of keys) if (!canOnObject(actor, "share", connectionId, bucket, key)) refuseOutside(actor, connectionId, bucket, key);
}

/** A whole folder ("" for the bucket's root): only one inside the actor's folder. */
export function assertMayShareFolder(actor: Actor, connectionId: string, bucket: string, prefix: string): void {
  if (listingView(actor, "share", connectionId, bucket, prefix) === "all") return;
  if (listingView(actor, "browse", connectionId, bucket, prefix) === "all") throw new AppError("forbidden", BROWSE_ONLY_MESSAGE, { reason: "not_granted" });
  throw new AppError("not_found", "This folder does not exist (any more), so no link was created.", { reason: "no_such_object", field: "prefix" });
}

/** The link type must be one the grant allows (action field "linkType"; the API names its own). */
export function assertLinkKindAllowed(actor: Actor, connectionId: string, kind: LinkKind): void {
  if (allowedLinkKinds(actor, connectionId).includes(kind)) return;
  throw new AppError("invalid", MANAGED_ONLY_GRANT_MESSAGE, { reason: "link_type_not_granted", field: "linkType" });
}

/** The expiry must be within the grant's Longest expiry ("No expiry" never is). */
export function assertExpiryAllowed(actor: Actor, connectionId: string, expiry: { seconds: number; neverExpires: boolean }): void {
  const longest = longestExpirySeconds(actor, connectionId);
  if (longest === null || (!expiry.neverExpires && expiry.seconds <= longest)) return;
  throw new AppError("invalid", longestExpiryMessage(longest), { reason: "invalid_expiry", field: "expiresIn" });
}

/** What the share dialogs may offer: the link types and the longest expiry (null: the link type's own limit). */
export type ShareLimits = { kinds: LinkKind[]; longestExpirySeconds: number | null };

/** The actor's limits on a connection, or null when they may not share there at all. */
export function shareLimitsFor(actor: Actor, connectionId: string): ShareLimits | null {
  const kinds = allowedLinkKinds(actor, connectionId);
  return kinds.length === 0 ? null : { kinds, longestExpirySeconds: longestExpirySeconds(actor, connectionId) };
}
