import type { NextAuthConfig } from "next-auth";

/**
 * Session settings shared by Auth.js (lib/auth/index.ts adds the Credentials provider) and
 * proxy.ts (public paths, cookie lifetime). No database here.
 */

/** The cookie's sliding lifetime: 7 days since it was last renewed (proxy.ts renews it at most daily). */
export const SESSION_MAX_AGE_SECONDS = 7 * 24 * 60 * 60;

/** However much it slides, a session ends 30 days after sign-in (the row's expires_at). */
export const SESSION_ABSOLUTE_SECONDS = 30 * 24 * 60 * 60;

/**
 * Over https the cookie is `__Host-` prefixed: the browser then only accepts it Secure, for Path=/
 * and without a Domain, so neither plain http nor a sibling subdomain can plant or shadow it. Only
 * that name is read over https, only the plain one over http; which scheme a request came over is
 * isHttpsRequest's rule (a trusted proxy's X-Forwarded-Proto), as for the unlock cookie.
 */
export const HTTPS_SESSION_COOKIE = "__Host-authjs.session-token";
export const HTTP_SESSION_COOKIE = "authjs.session-token";

export function sessionCookieName(https: boolean): string {
  return https ? HTTPS_SESSION_COOKIE : HTTP_SESSION_COOKIE;
}

/**
 * Paths anyone may open: sign-in (and the single sign-on callback), first-run setup, health, what recipients see
 * (/s/…, and appearance logos, /brand/logo/<sha256>.png), upload requests' pages (/u/…: their token is checked there), and notification e-mails' unsubscribe links
 * (/unsubscribe/<signed token>), and storage events pushed by a provider (/hooks/storage/<connection id>: its signature is checked there).
 */
export const PUBLIC_PATHS = [
  /^\/sign-in\/?$/,
  /^\/api\/auth\/callback\/oidc\/?$/,
  /^\/setup\/?$/,
  /^\/api\/health\/?$/,
  /^\/s\//,
  /^\/u\//,
  /^\/invite\/[A-Za-z0-9_-]{1,64}\/?$/,
  /^\/brand\/logo\/[0-9a-f]{64}\.png$/,
  /^\/unsubscribe\/[A-Za-z0-9._%-]{1,400}(\/confirm)?\/?$/,
  /^\/hooks\/storage\/[^/]{1,64}\/?$/,
];

export function isPublicPath(pathname: string): boolean {
  return PUBLIC_PATHS.some((pattern) => pattern.test(pathname));
}

/** `https`: the request came over https (isHttpsRequest), which decides the cookies' names and Secure flag. */
export function authConfig(secret: string, https: boolean): NextAuthConfig {
  return {
    secret,
    trustHost: true,
    useSecureCookies: https,
    cookies: { sessionToken: { name: sessionCookieName(https), options: { httpOnly: true, sameSite: "lax", path: "/", secure: https } } },
    // The cookie lasts 7 days; proxy.ts renews it at most once a day while in use (sliding expiry),
    // never beyond the session's absolute end. Each session is also a row in the sessions table,
    // checked on every request and deleted at sign-out.
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
    providers: [],
    logger: {
      // Auth.js logs CredentialsSignin for every wrong password; our own log line covers it.
      error: () => undefined,
      warn: () => undefined,
    },
  };
}
