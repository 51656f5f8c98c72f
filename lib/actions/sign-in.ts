"use server";

import { headers } from "next/headers";
import { CredentialsSignin, signIn } from "@/lib/auth";
import {
  clearSignInFailures,
  forgetSignInAttempt,
  recordSignInAttempt,
  retryMessage,
  signInAttemptState,
} from "@/lib/auth/rate-limit";
import { publicAction } from "@/lib/actions/safe-action";
import { AppError } from "@/lib/errors";
import { log } from "@/lib/log";
import { safeCallbackPath, signInSchema } from "@/lib/validation/auth";

/**
 * The client address for the per-address limit: the right-most X-Forwarded-For entry, which is
 * the one a reverse proxy appends (or, without one, the socket address Next.js puts there).
 */
async function clientAddress(): Promise<string> {
  const h = await headers();
  const forwarded = h.get("x-forwarded-for")?.split(",").at(-1)?.trim();
  return (forwarded || h.get("x-real-ip") || "unknown").slice(0, 64);
}

export const signInAction = publicAction("signIn", signInSchema, async (input) => {
  const address = await clientAddress();
  const attempt = await recordSignInAttempt(input.email, address);
  const before = await signInAttemptState(input.email, address);
  if (before.exceeded) {
    await forgetSignInAttempt(attempt);
    const state = await signInAttemptState(input.email, address);
    log.warn("auth.sign_in.rate_limited", { email: input.email, clientAddress: address });
    throw new AppError("rate_limited", retryMessage(state.until ?? new Date(Date.now() + 60_000)));
  }
  try {
    await signIn("credentials", { email: input.email, password: input.password, redirect: false });
  } catch (error) {
    if (!(error instanceof CredentialsSignin)) {
      await forgetSignInAttempt(attempt);
      throw error;
    }
    log.info("auth.sign_in.failed", { email: input.email, clientAddress: address });
    const after = await signInAttemptState(input.email, address);
    const message = after.atLimit && after.until ? retryMessage(after.until) : "Wrong email or password.";
    throw new AppError("invalid", message, { fieldErrors: { form: [message] } });
  }
  await clearSignInFailures(input.email);
  log.info("auth.sign_in.succeeded", { email: input.email });
  return { reloadTo: safeCallbackPath(input.callbackUrl) };
});
