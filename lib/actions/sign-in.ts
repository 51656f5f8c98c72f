"use server";

import { cookies, headers } from "next/headers";
import { CredentialsSignin, signIn } from "@/lib/auth";
import { KNOWN_BROWSER_COOKIE, knownBrowserCookieOptions, signKnownBrowser, verifyKnownBrowser } from "@/lib/auth/known-browser";
import { guardedAttempt } from "@/lib/auth/rate-limit";
import { publicAction } from "@/lib/actions/safe-action";
import { recordAuditAfter } from "@/lib/audit/record";
import { db } from "@/lib/db/client";
import { getRuntimeSecrets } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { log } from "@/lib/log";
import { getClientAddress, isHttpsRequest } from "@/lib/security/client-address";
import { safeCallbackPath, signInSchema } from "@/lib/validation/auth";

export const signInAction = publicAction("signIn", signInSchema, async (input) => {
  const address = await getClientAddress();
  const jar = await cookies();
  const { authSecret } = getRuntimeSecrets();
  const knownBrowser = verifyKnownBrowser(jar.get(KNOWN_BROWSER_COOKIE)?.value, { email: input.email, authSecret });
  const result = await guardedAttempt({ scope: "sign-in", subject: input.email, address, knownBrowser }, async () => {
    try {
      await signIn("credentials", { email: input.email, password: input.password, redirect: false });
      return true;
    } catch (error) {
      if (error instanceof CredentialsSignin) return false;
      throw error;
    }
  });
  if (!result.ok) {
    if (!result.limited) await recordSignInFailure(input.email, address);
    if (result.limited) throw new AppError("rate_limited", result.message ?? "Too many failed attempts. Try again later.");
    const message = "Wrong email or password.";
    throw new AppError("invalid", message, { fieldErrors: { form: [message] } });
  }
  // This browser is now known for this email (renewed at every sign-in): see lib/auth/known-browser.ts.
  const secure = isHttpsRequest(await headers());
  jar.set(KNOWN_BROWSER_COOKIE, signKnownBrowser({ email: input.email, authSecret }), knownBrowserCookieOptions(secure));
  const person = await db.user.findUnique({ where: { email: input.email }, select: { id: true, name: true } });
  if (person) await recordAuditAfter({ actor: person, kind: "sign_in", subject: person.name, subjectId: person.id, address });
  log.info("auth.sign_in.succeeded", { email: input.email, clientAddress: address, knownBrowser });
  return { reloadTo: safeCallbackPath(input.callbackUrl) };
});

/** A failed sign-in: shown to the team of the account it named (a stranger's email is kept without a team). */
async function recordSignInFailure(email: string, address: string): Promise<void> {
  const named = await db.user.findUnique({ where: { email }, select: { id: true, name: true, teamId: true } });
  await recordAuditAfter({
    actor: null,
    actorName: email,
    teamId: named ? (named.teamId ?? named.id) : null,
    kind: "sign_in_failed",
    subject: named?.name ?? email,
    subjectId: named?.id ?? null,
    address,
  });
}
