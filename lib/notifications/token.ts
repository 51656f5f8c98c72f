import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * One-click unsubscribe tokens (/unsubscribe/<token>): `<payload>.<mac>`, both base64url. The payload
 * names the person and the kind of notification; the MAC is HMAC-SHA-256 under a key derived from
 * AUTH_SECRET for this purpose only, so a token cannot be altered to name another person or kind, and
 * no other signed value of the app passes as one. Pure (the key is a parameter) so it is unit-tested.
 */

export const NOTIFICATION_KINDS = ["expiring", "broken", "downloads", "uploads"] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export type UnsubscribeClaim = { personId: string; kind: NotificationKind };

const CONTEXT = "bucketshare:unsubscribe:v1";

export function unsubscribeKey(authSecret: string): Buffer {
  return createHmac("sha256", authSecret).update(CONTEXT).digest();
}

function mac(payload: string, key: Buffer): string {
  return createHmac("sha256", key).update(payload).digest("base64url");
}

export function signUnsubscribeToken(claim: UnsubscribeClaim, key: Buffer): string {
  const payload = Buffer.from(JSON.stringify({ p: claim.personId, k: claim.kind }), "utf8").toString("base64url");
  return `${payload}.${mac(payload, key)}`;
}

/** The claim of a token this app signed, or null for anything else (tampered, truncated, another key, an unknown kind). */
export function verifyUnsubscribeToken(token: string, key: Buffer): UnsubscribeClaim | null {
  if (token.length > 400) return null;
  const parts = token.split(".");
  if (parts.length !== 2) return null;
  const [payload, given] = parts as [string, string];
  if (!/^[A-Za-z0-9_-]+$/.test(payload) || !/^[A-Za-z0-9_-]+$/.test(given)) return null;
  const expected = Buffer.from(mac(payload, key), "base64url");
  const actual = Buffer.from(given, "base64url");
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) return null;
  try {
    const parsed = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as { p?: unknown; k?: unknown };
    if (typeof parsed.p !== "string" || !/^[a-z0-9]{1,64}$/.test(parsed.p)) return null;
    if (!NOTIFICATION_KINDS.includes(parsed.k as NotificationKind)) return null;
    return { personId: parsed.p, kind: parsed.k as NotificationKind };
  } catch {
    return null;
  }
}
