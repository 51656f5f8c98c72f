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

function unlockKey(authSecret: string): Buffer {
  let key = keys.get(authSecret);
  if (!key) {
    key = createHmac("sha256", authSecret).update("bucketshare:managed-link-unlock:v1").digest();
    keys.set(authSecret, key);
  }
  return key;
}

function mac(linkId: string, expires: number, passwordHash: string, authSecret: string): Buffer {
  const passwordDigest = createHash("sha256").update(passwordHash).digest("hex");
  return createHmac("sha256", unlockKey(authSecret)).update(`${linkId}\n${expires}\n${passwordDigest}`).digest();
}

export function signUnlock(input: { linkId: string; passwordHash: string; authSecret: string; now?: Date; seconds?: number }): {
  value: string;
  expires: number;
} {
  const now = Math.floor((input.now ?? new Date()).getTime() / 1000);
  const expires = now + (input.seconds ?? UNLOCK_SECONDS);
  return { value: `${expires}.${mac(input.linkId, expires, input.passwordHash, input.authSecret).toString("base64url")}`, expires };
}

export function verifyUnlock(value: string | null | undefined, input: { linkId: string; passwordHash: string; authSecret: string; now?: Date }): boolean {
  const match = /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(value ?? "");
  if (!match) return false;
  const expires = Number(match[1]);
  if (expires * 1000 <= (input.now ?? new Date()).getTime()) return false;
  const given = Buffer.from(match[2]!, "base64url");
  const expected = mac(input.linkId, expires, input.passwordHash, input.authSecret);
  return given.length === expected.length && timingSafeEqual(given, expected);
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
