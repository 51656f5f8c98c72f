import { createHash, createHmac, timingSafeEqual } from "node:crypto";

/**
 * The cookie a right password sets: it unlocks one managed link for UNLOCK_SECONDS. Its value is
 * `<expiry in Unix seconds>.<HMAC-SHA256>` over the link id, the expiry and a digest of the link's
 * password hash, with a key derived from AUTH_SECRET. So it cannot be made without the secret,
 * cannot be stretched, opens no other link, and stops working if the link's password changes.
 * Scoped to /s/<token> (HttpOnly, SameSite=Lax, Secure over https).
 */

export const UNLOCK_COOKIE = "bs_unlock";
export const UNLOCK_SECONDS = 15 * 60;

const keys = new Map<string, Buffer>();

/**
 * The MAC of a cookie bound to one managed link and its password: over the link id, a time (the
 * value's own number) and a digest of the password hash, with a key derived from AUTH_SECRET for
 * this purpose only. Both link cookies (this one and the known-browser one) are made with it.
 */
export function linkCookieMac(purpose: string, linkId: string, time: number, passwordHash: string, authSecret: string): Buffer {
  const id = `${purpose}\n${authSecret}`;
  let key = keys.get(id);
  if (!key) {
    key = createHmac("sha256", authSecret).update(`bucketshare:${purpose}:v1`).digest();
    keys.set(id, key);
  }
  const passwordDigest = createHash("sha256").update(passwordHash).digest("hex");
  return createHmac("sha256", key).update(`${linkId}\n${time}\n${passwordDigest}`).digest();
}

/** `<number>.<43 base64url characters>`, the shape of both link cookies, or null. */
export function parseLinkCookie(value: string | null | undefined): { time: number; mac: Buffer } | null {
  const match = /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(value ?? "");
  return match ? { time: Number(match[1]), mac: Buffer.from(match[2]!, "base64url") } : null;
}

const mac = (linkId: string, expires: number, passwordHash: string, authSecret: string) =>
  linkCookieMac("managed-link-unlock", linkId, expires, passwordHash, authSecret);

export function signUnlock(input: { linkId: string; passwordHash: string; authSecret: string; now?: Date; seconds?: number }): {
  value: string;
  expires: number;
} {
  const now = Math.floor((input.now ?? new Date()).getTime() / 1000);
  const expires = now + (input.seconds ?? UNLOCK_SECONDS);
  return { value: `${expires}.${mac(input.linkId, expires, input.passwordHash, input.authSecret).toString("base64url")}`, expires };
}

export function verifyUnlock(value: string | null | undefined, input: { linkId: string; passwordHash: string; authSecret: string; now?: Date }): boolean {
  const parsed = parseLinkCookie(value);
  if (!parsed) return false;
  if (parsed.time * 1000 <= (input.now ?? new Date()).getTime()) return false;
  const expected = mac(input.linkId, parsed.time, input.passwordHash, input.authSecret);
  return parsed.mac.length === expected.length && timingSafeEqual(parsed.mac, expected);
}

/** Every value of `name` in a Cookie header (a browser may send several with different paths). */
export function cookieValues(header: string | null, name: string): string[] {
  if (!header) return [];
  const values: string[] = [];
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    values.push(part.slice(eq + 1).trim());
  }
  return values;
}

/** The Set-Cookie line for a link unlocked until `expires` (Unix seconds). */
export function unlockCookieHeader(input: { token: string; value: string; seconds?: number; secure: boolean }): string {
  const parts = [`${UNLOCK_COOKIE}=${input.value}`, `Path=/s/${input.token}`, `Max-Age=${input.seconds ?? UNLOCK_SECONDS}`, "HttpOnly", "SameSite=Lax"];
  if (input.secure) parts.push("Secure");
  return parts.join("; ");
}
