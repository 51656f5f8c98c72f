import "server-only";
import { cache } from "react";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { checkSessionCookie } from "@/lib/auth/session-cookie";
import { db } from "@/lib/db";
import { getRuntimeSecrets } from "@/lib/env";

export type SessionUser = { id: string; name: string; email: string };

/** The user id the session cookie claims (not yet checked against the database). */
export const getSessionUserId = cache(async (): Promise<string | null> => {
  const session = await checkSessionCookie(await cookies(), getRuntimeSecrets().authSecret);
  return session.valid ? session.userId : null;
});

/**
 * The signed-in user, checked against the database (a deleted user's cookie is worthless).
 * proxy.ts only redirects optimistically; this is the real check, once per request.
 */
export const getSessionUser = cache(async (): Promise<SessionUser | null> => {
  const id = await getSessionUserId();
  if (!id) return null;
  return db.user.findUnique({ where: { id }, select: { id: true, name: true, email: true } });
});

export async function requireUser(): Promise<SessionUser> {
  const user = await getSessionUser();
  if (!user) redirect("/sign-in");
  return user;
}
