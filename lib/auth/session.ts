import "server-only";
import { cache } from "react";
import { redirect } from "next/navigation";
import { auth } from "@/lib/auth";
import { db } from "@/lib/db";

export type SessionUser = { id: string; name: string; email: string };

/**
 * The signed-in user, checked against the database (a deleted user's cookie is worthless).
 * proxy.ts only redirects optimistically; this is the real check, once per request.
 */
/** The user id the session cookie claims (not yet checked against the database). */
export const getSessionUserId = cache(async (): Promise<string | null> => (await auth())?.user?.id ?? null);

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
