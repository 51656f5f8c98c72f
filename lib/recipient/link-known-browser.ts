import { timingSafeEqual } from "node:crypto";
import { cookieValues, linkCookieMac, parseLinkCookie } from "@/lib/recipient/unlock-cookie";

/**
 * The "known browser" cookie of a managed link: set with the unlock cookie when the right password
 * is entered, it says this browser knew the password within LINK_KNOWN_BROWSER_SECONDS. Guesses
 * carrying one are exempt from the link's lock-out (lib/auth/limits.ts), so a stranger's guessing
 * cannot keep out a recipient who unlocked the link before (the pair back-off and the per-address
 * cap still apply to them). The sign-in equivalent is lib/auth/known-browser.ts.
 *
 * Value: `<issued-at, Unix seconds>.<HMAC-SHA256>` over the link id, the issue time and a digest of
 * the link's password hash, with a key derived from AUTH_SECRET: it cannot be made without the
 * secret, counts for one link only, and stops counting if the link's password changes.
 * Scoped to /s/<token> (HttpOnly, SameSite=Lax, Secure over https).
 */

export const LINK_KNOWN_BROWSER_COOKIE = "bs_link_known";
export const LINK_KNOWN_BROWSER_SECONDS = 30 * 24 * 60 * 60;
/** A cookie issued this far "in the future" (clock skew between instances) still counts. */
const SKEW_SECONDS = 5 * 60;

const mac = (linkId: string, issuedAt: number, passwordHash: string, authSecret: string) =>
  linkCookieMac("link-known-browser", linkId, issuedAt, passwordHash, authSecret);

type LinkSecret = { linkId: string; passwordHash: string; authSecret: string; now?: Date };

export function signLinkKnownBrowser(input: LinkSecret): string {
  const issuedAt = Math.floor((input.now ?? new Date()).getTime() / 1000);
  return `${issuedAt}.${mac(input.linkId, issuedAt, input.passwordHash, input.authSecret).toString("base64url")}`;
}

export function verifyLinkKnownBrowser(value: string | null | undefined, input: LinkSecret): boolean {
  const parsed = parseLinkCookie(value);
  if (!parsed) return false;
  const now = Math.floor((input.now ?? new Date()).getTime() / 1000);
  if (parsed.time > now + SKEW_SECONDS || now - parsed.time >= LINK_KNOWN_BROWSER_SECONDS) return false;
  const expected = mac(input.linkId, parsed.time, input.passwordHash, input.authSecret);
  return parsed.mac.length === expected.length && timingSafeEqual(parsed.mac, expected);
}

/** Whether any of the request's cookies of this name is a valid one for this link. */
export function isKnownLinkBrowser(cookieHeader: string | null, input: LinkSecret): boolean {
  return cookieValues(cookieHeader, LINK_KNOWN_BROWSER_COOKIE).some((value) => verifyLinkKnownBrowser(value, input));
}

export function linkKnownBrowserCookieHeader(input: { token: string; value: string; secure: boolean }): string {
  const parts = [`${LINK_KNOWN_BROWSER_COOKIE}=${input.value}`, `Path=/s/${input.token}`, `Max-Age=${LINK_KNOWN_BROWSER_SECONDS}`, "HttpOnly", "SameSite=Lax"];
  if (input.secure) parts.push("Secure");
  return parts.join("; ");
}
