import type { SessionUser } from "@/lib/auth/session";

/**
 * What a server action sees of its request inside Next (who is signed in; revalidatePath and
 * redirect, which need a running Next server), stood in for integration tests. Everything else
 * they touch is real. Use in a test file:
 *
 *   vi.mock("@/lib/auth/session", async () => (await import("./request-context")).sessionModule);
 *   vi.mock("next/cache", async () => (await import("./request-context")).cacheModule);
 *   vi.mock("next/navigation", async () => (await import("./request-context")).navigationModule);
 *   const { session } = await import("./request-context");
 *
 * This replaces the session module: fine where the test is about something else. Tests about
 * sessions themselves (sign-in, sign-out, ended or deleted users, the setup code) keep the real one
 * and stand in only for the browser's cookies: see ./browser.ts.
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

export const cacheModule = { revalidatePath: () => undefined, revalidateTag: () => undefined };

export const navigationModule = {
  redirect: (url: string): never => {
    throw Object.assign(new Error("NEXT_REDIRECT"), { redirectTo: url });
  },
  notFound: (): never => {
    throw new Error("NEXT_NOT_FOUND");
  },
};
