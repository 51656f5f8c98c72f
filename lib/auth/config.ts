import type { NextAuthConfig } from "next-auth";

/**
 * The part of the Auth.js configuration that proxy.ts can load: no database, no providers.
 * The full configuration (lib/auth/index.ts) adds the Credentials provider.
 */

export const SESSION_MAX_AGE_SECONDS = 7 * 24 * 60 * 60;

/** Paths anyone may open: sign-in, first-run setup, health, and (later) what recipients see. */
export const PUBLIC_PATHS = [/^\/sign-in\/?$/, /^\/setup\/?$/, /^\/api\/health\/?$/, /^\/s\//];

export function isPublicPath(pathname: string): boolean {
  return PUBLIC_PATHS.some((pattern) => pattern.test(pathname));
}

export function authConfig(secret: string): NextAuthConfig {
  return {
    secret,
    trustHost: true,
    // Sliding expiry: a session lasts 7 days and is renewed at most once a day while in use.
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS, updateAge: 24 * 60 * 60 },
    pages: { signIn: "/sign-in" },
    providers: [],
    logger: {
      // Auth.js logs CredentialsSignin for every wrong password; our own log line covers it.
      error: () => undefined,
      warn: () => undefined,
    },
    callbacks: {
      session({ session, token }) {
        if (token.sub && session.user) session.user.id = token.sub;
        return session;
      },
    },
  };
}
