"use server";

import { headers } from "next/headers";
import { CredentialsSignin, signIn } from "@/lib/auth";
import { clearSignInFailures, recordSignInFailure, retryMessage, signInBlockedUntil } from "@/lib/auth/rate-limit";
import { publicAction } from "@/lib/actions/safe-action";
import { AppError } from "@/lib/errors";
import { log } from "@/lib/log";
import { safeCallbackPath, signInSchema } from "@/lib/validation/auth";

async function clientAddress(): Promise<string> {
  const h = await headers();
  const forwarded = h.get("x-forwarded-for")?.split(",")[0]?.trim();
  return (forwarded || h.get("x-real-ip") || "unknown").slice(0, 64);
}

export const signInAction = publicAction("signIn", signInSchema, async (input) => {
  const address = await clientAddress();
  const blockedUntil = await signInBlockedUntil(input.email, address);
  if (blockedUntil) {
    log.warn("auth.sign_in.rate_limited", { email: input.email, clientAddress: address });
    throw new AppError("rate_limited", retryMessage(blockedUntil));
  }
  try {
    await signIn("credentials", { email: input.email, password: input.password, redirect: false });
  } catch (error) {
    if (!(error instanceof CredentialsSignin)) throw error;
    await recordSignInFailure(input.email, address);
    log.info("auth.sign_in.failed", { email: input.email, clientAddress: address });
    const nowBlocked = await signInBlockedUntil(input.email, address);
    throw new AppError("invalid", nowBlocked ? retryMessage(nowBlocked) : "Wrong email or password.", {
      fieldErrors: { form: [nowBlocked ? retryMessage(nowBlocked) : "Wrong email or password."] },
    });
  }
  await clearSignInFailures(input.email);
  log.info("auth.sign_in.succeeded", { email: input.email });
  return { reloadTo: safeCallbackPath(input.callbackUrl) };
});
