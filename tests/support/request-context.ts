import type { SessionUser } from "@/lib/auth/session";

/**
 * Who is signed in, as a server action or page sees it, stood in for integration tests that are
 * about something else. Everything else they touch is real (`next/cache` and `next/navigation` are
 * stubbed for every integration test by the alias in vitest.config.ts). Use in a test file:
 *
 *   import { session } from "../support/request-context";
 *   vi.mock("@/lib/auth/session", async () => (await import("../support/request-context")).sessionModule);
 *
 * Tests about sessions themselves (sign-in, sign-out, ended or deleted users, the setup code) keep
 * the real session module and stand in only for the browser's cookies: see ./browser.ts.
 */

export const session: { user: SessionUser | null } = { user: null };

export const sessionModule = {
  getSessionUserId: async () => session.user?.id ?? null,
  getSessionUser: async () => session.user,
  requireUser: async () => {
    if (!session.user) throw new Error("requireUser called without a mocked session");
    return session.user;
  },
};
