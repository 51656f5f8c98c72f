import "server-only";
import { cache } from "react";
import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import type { Actor } from "@/lib/auth/permissions";
import { checkSessionCookie } from "@/lib/auth/session-cookie";
import { findSessionUser } from "@/lib/auth/session-store";
import { databaseUnavailableError } from "@/lib/db/unavailable";
import { getRuntimeSecrets } from "@/lib/env";
import { isDatabaseUnavailable } from "@/lib/errors";
import { earlyFolderWork, markDatabaseUnavailable } from "@/lib/http/request-state";
import { log } from "@/lib/log";
import { isHttpsRequest } from "@/lib/security/client-address";

/** The signed-in person: who they are, and (as an Actor) what lib/auth/permissions.ts lets them do. */
export type SessionUser = Actor & { name: string; email: string };

/** What the request's session cookie claims (sealed and unexpired, not yet checked against the database). */
const readSessionCookie = cache(async (): Promise<{ userId: string; sessionId: string } | null> => {
  const session = await checkSessionCookie(await cookies(), getRuntimeSecrets().authSecret, Date.now(), {
    renew: false,
    https: isHttpsRequest(await headers()),
  });
  return session.valid ? { userId: session.userId, sessionId: session.sessionId } : null;
});

/** The user id the session cookie claims (not yet checked against the database). */
export const getSessionUserId = cache(async (): Promise<string | null> => (await readSessionCookie())?.userId ?? null);

/** The id of the session the request's cookie names (for sign-out and "keep this session"). */
export async function getCurrentSessionId(): Promise<string | null> {
  return (await readSessionCookie())?.sessionId ?? null;
}

/**
 * The signed-in user, checked against the database: the session row must exist and be within its
 * absolute lifetime, and its user must exist (one indexed query). proxy.ts only redirects
 * optimistically; this is the real check, once per request.
 */
export const getSessionUser = cache(async (): Promise<SessionUser | null> => {
  const session = await readSessionCookie();
  if (!session) return null;
  // A folder page's request may have begun this very check on arrival (lib/boot/folder-early-start.ts).
  const early = await earlyFolderWork();
  if (early?.sessionId === session.sessionId && early.userId === session.userId) return early.user;
  return findSessionUser(session.sessionId, session.userId);
});

/**
 * What a signed-in page throws for a failed read: a database that does not answer becomes the error boundary's
 * "database is not answering" (and the server's 503); any other error is itself.
 */
export function pageFault(error: unknown): unknown {
  if (!isDatabaseUnavailable(error)) return error;
  markDatabaseUnavailable();
  return databaseUnavailableError(error);
}

/**
 * The signed-in user of a page, or a redirect to sign-in. A database that does not answer (the
 * query gave up after a few seconds) becomes the error boundary's "database is not answering".
 */
export async function requireUser(): Promise<SessionUser> {
  let user: SessionUser | null;
  try {
    user = await getSessionUser();
  } catch (error) {
    if (isDatabaseUnavailable(error)) log.error("auth.session.database_unavailable", { error });
    throw pageFault(error);
  }
  if (!user) redirect("/sign-in");
  return user;
}
