import { createHash, createHmac, timingSafeEqual } from "node:crypto";

/**
 * The "known browser" cookie every successful sign-in sets: proof that this browser has signed in
 * to this email before. Attempts carrying a valid one for the email being tried are exempt from the
 * per-email cap (lib/auth/limits.ts), so strangers spreading guesses over many addresses cannot
 * lock the owner out of a browser they already use; the per-(email, address) back-off and the
 * per-address cap still apply to them.
 *
 * Value: `<issued-at, Unix seconds>.<HMAC-SHA256>` over SHA-256(email) and the issue time, with a
 * key derived from AUTH_SECRET. It cannot be made without the secret, names no email in clear,
 * counts for one email only and for KNOWN_BROWSER_SECONDS after it was issued (rotating AUTH_SECRET
 * forgets every browser). HttpOnly, SameSite=Lax, Secure over https, Path=/.
 */

export const KNOWN_BROWSER_COOKIE = "bs_known_browser";
export const KNOWN_BROWSER_SECONDS = 365 * 24 * 60 * 60;
/** A cookie issued this far "in the future" (clock skew between instances) still counts. */
const SKEW_SECONDS = 5 * 60;

const keys = new Map<string, Buffer>();

function knownBrowserKey(authSecret: string): Buffer {
  let key = keys.get(authSecret);
  if (!key) {
    key = createHmac("sha256", authSecret).update("bucketshare:known-browser:v1").digest();
    keys.set(authSecret, key);
  }
  return key;
}

function mac(email: string, issuedAt: number, authSecret: string): Buffer {
  const emailDigest = createHash("sha256").update(email.trim().toLowerCase()).digest("hex");
  return createHmac("sha256", knownBrowserKey(authSecret)).update(`${emailDigest}\n${issuedAt}`).digest();
}

export function signKnownBrowser(input: { email: string; authSecret: string; now?: Date }): string {
  const issuedAt = Math.floor((input.now ?? new Date()).getTime() / 1000);
  return `${issuedAt}.${mac(input.email, issuedAt, input.authSecret).toString("base64url")}`;
}

/** True when `value` was issued by this server for this email less than a year ago. */
export function verifyKnownBrowser(value: string | null | undefined, input: { email: string; authSecret: string; now?: Date }): boolean {
  const match = /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(value ?? "");
  if (!match) return false;
  const issuedAt = Number(match[1]);
  const now = Math.floor((input.now ?? new Date()).getTime() / 1000);
  if (issuedAt > now + SKEW_SECONDS || now - issuedAt >= KNOWN_BROWSER_SECONDS) return false;
  const given = Buffer.from(match[2]!, "base64url");
  const expected = mac(input.email, issuedAt, input.authSecret);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Options for cookies().set: `secure` when the request came over https (isHttpsRequest, as for the session cookie). */
export function knownBrowserCookieOptions(secure: boolean) {
  return { httpOnly: true, sameSite: "lax" as const, secure, path: "/", maxAge: KNOWN_BROWSER_SECONDS };
}
