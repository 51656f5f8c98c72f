import type { NextAuthConfig } from "next-auth";

/**
 * Session settings shared by Auth.js (lib/auth/index.ts adds the Credentials provider) and
 * proxy.ts (public paths, cookie lifetime). No database here.
 */

/** The cookie's sliding lifetime: 7 days since it was last renewed (proxy.ts renews it at most daily). */
export const SESSION_MAX_AGE_SECONDS = 7 * 24 * 60 * 60;

/** However much it slides, a session ends 30 days after sign-in (the row's expires_at). */
export const SESSION_ABSOLUTE_SECONDS = 30 * 24 * 60 * 60;

/** Paths anyone may open: sign-in, first-run setup, health, and what recipients see (/s/…). */
export const PUBLIC_PATHS = [/^\/sign-in\/?$/, /^\/setup\/?$/, /^\/api\/health\/?$/, /^\/s\//];

export function isPublicPath(pathname: string): boolean {
  return PUBLIC_PATHS.some((pattern) => pattern.test(pathname));
}

export function authConfig(secret: string): NextAuthConfig {
  return {
    secret,
    trustHost: true,
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
