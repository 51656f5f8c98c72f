import { decode, encode, type JWT } from "next-auth/jwt";
import { SESSION_ABSOLUTE_SECONDS, SESSION_MAX_AGE_SECONDS, sessionCookieName } from "@/lib/auth/config";

export { HTTPS_SESSION_COOKIE, HTTP_SESSION_COOKIE, sessionCookieName } from "@/lib/auth/config";

/**
 * Reading the Auth.js session cookie (a JWE keyed by AUTH_SECRET), for proxy.ts and the server's
 * session check. The cookie carries the user id (`sub`), a random session id (`sid`, whose SHA-256
 * names the row in the sessions table) and the session's absolute end (`sx`, seconds).
 *
 * What proxy.ts also needs: does the cookie look valid (the real check is lib/auth/session.ts,
 * against the database), and should it be renewed: sliding 7-day expiry, at most once a day, and
 * never beyond the session's absolute end.
 */

export const RENEW_AFTER_SECONDS = 24 * 60 * 60;

export type SessionClaims = { sub: string; sid: string; sx: number; exp: number };

export type CookieRenewal = { name: string; value: string; secure: boolean; maxAge: number };

export type SessionCheck = { valid: false } | { valid: true; userId: string; sessionId: string; renewal?: CookieRenewal };

type CookieJar = { get(name: string): { value: string } | undefined; getAll?(name: string): { name?: string; value: string }[] };

/** The claims a new session's cookie starts with (added to the token by Auth.js's jwt callback). */
export function newSessionClaims(sessionId: string, now = Date.now()): { sid: string; sx: number } {
  return { sid: sessionId, sx: Math.floor(now / 1000) + SESSION_ABSOLUTE_SECONDS };
}

/**
 * Decoded session cookies, by secret, cookie name and value: a page's request reads its cookie up to three times
 * (proxy.ts, lib/boot/folder-early-start.ts, the page's session check), each an HKDF and an authenticated decryption
 * through the thread pool (`npm run bench:list`). Decoding is a pure function of those three, so a hit is what a decode
 * would give; the claims' expiry is checked on every read all the same. Only cookies that decoded are kept (a stranger's
 * garbage never enters), at most MAX_DECODED, the oldest dropped first; on globalThis, so the copies of this module in
 * the server and Next's bundles share them.
 */
const DECODED = Symbol.for("bucketshare.session-cookie.decoded");
const MAX_DECODED = 2_000;

function decodedCookies(): Map<string, JWT> {
  const slot = globalThis as Record<symbol, Map<string, JWT> | undefined>;
  slot[DECODED] ??= new Map();
  return slot[DECODED];
}

/** What Auth.js writes: a compact JWE (five base64url parts); anything else is not decoded at all. */
const COMPACT_JWE = /^[\w-]*\.[\w-]*\.[\w-]*\.[\w-]*\.[\w-]*$/;
const MAX_COOKIE = 4_096;

async function decodeCookie(value: string, secret: string, name: string): Promise<JWT | null> {
  if (value.length > MAX_COOKIE || !COMPACT_JWE.test(value)) return null;
  const cache = decodedCookies();
  const key = `${secret}\n${name}\n${value}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const token = await decode({ token: value, secret, salt: name });
  if (token) {
    if (cache.size >= MAX_DECODED) cache.delete(cache.keys().next().value!);
    cache.set(key, Object.freeze(token));
  }
  return token;
}

async function readToken(cookies: CookieJar, secret: string, nowSeconds: number, https: boolean): Promise<{ name: string; token: JWT & SessionClaims } | null> {
  const name = sessionCookieName(https);
  const values = cookies.getAll
    ? cookies
        .getAll(name)
        .filter((c) => c.name === undefined || c.name === name)
        .map((c) => c.value)
    : [cookies.get(name)?.value];
  // A value that does not decode or does not hold a session is skipped: it never ends the check.
  for (const value of values) {
    if (!value) continue;
    let token: JWT | null = null;
    try {
      token = await decodeCookie(value, secret, name);
    } catch {
      continue;
    }
    if (
      !token?.sub ||
      typeof token.sid !== "string" ||
      token.sid.length < 32 ||
      typeof token.sx !== "number" ||
      typeof token.exp !== "number" ||
      token.exp <= nowSeconds ||
      token.sx <= nowSeconds
    ) {
      continue;
    }
    return { name, token: token as JWT & SessionClaims };
  }
  return null;
}

/**
 * Checks the cookie's seal, expiry and absolute end (no database). With `renew`, also says
 * whether to send a renewed cookie, whose lifetime is capped at the session's absolute end.
 */
export async function checkSessionCookie(
  cookies: CookieJar,
  secret: string,
  now = Date.now(),
  options: { renew?: boolean /** The request came over https (isHttpsRequest). */; https?: boolean } = {},
): Promise<SessionCheck> {
  const nowSeconds = Math.floor(now / 1000);
  const https = options.https === true;
  const found = await readToken(cookies, secret, nowSeconds, https);
  if (!found) return { valid: false };
  const { name, token } = found;
  const session = { valid: true as const, userId: token.sub, sessionId: token.sid };
  if (options.renew === false) return session;
  if (typeof token.iat === "number" && nowSeconds - token.iat < RENEW_AFTER_SECONDS) return session;
  const maxAge = Math.min(SESSION_MAX_AGE_SECONDS, token.sx - nowSeconds);
  // Nothing to gain from renewing a cookie that already lives until the absolute end.
  if (token.exp >= nowSeconds + maxAge) return session;
  const { iat: _iat, exp: _exp, jti: _jti, ...claims } = token;
  const value = await encode({ token: claims, secret, salt: name, maxAge });
  return { ...session, renewal: { name, value, secure: https, maxAge } };
}
