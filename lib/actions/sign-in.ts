"use server";

import { CredentialsSignin, signIn } from "@/lib/auth";
import { guardedAttempt } from "@/lib/auth/rate-limit";
import { publicAction } from "@/lib/actions/safe-action";
import { AppError } from "@/lib/errors";
import { log } from "@/lib/log";
import { getClientAddress } from "@/lib/security/client-address";
import { safeCallbackPath, signInSchema } from "@/lib/validation/auth";

export const signInAction = publicAction("signIn", signInSchema, async (input) => {
  const address = await getClientAddress();
  const result = await guardedAttempt({ scope: "sign-in", subject: input.email, address }, async () => {
    try {
      await signIn("credentials", { email: input.email, password: input.password, redirect: false });
      return true;
    } catch (error) {
      if (error instanceof CredentialsSignin) return false;
      throw error;
    }
  });
  if (!result.ok) {
    if (result.limited) throw new AppError("rate_limited", result.message ?? "Too many failed attempts. Try again later.");
    const message = "Wrong email or password.";
    throw new AppError("invalid", message, { fieldErrors: { form: [message] } });
  }
  log.info("auth.sign_in.succeeded", { email: input.email, clientAddress: address });
  return { reloadTo: safeCallbackPath(input.callbackUrl) };
});
