"use server";

import { signIn } from "@/lib/auth";
import { publicAction } from "@/lib/actions/safe-action";
import { ssoSettings } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { log } from "@/lib/log";
import { acceptInvite } from "@/lib/members/store";
import { acceptInviteSchema } from "@/lib/validation/members";

/**
 * /invite/<token>: the invited person chooses a name and password; they join the team with the
 * invite's role and grants and are signed in. The token is the whole authorisation (192 random bits,
 * bound to one email, one use, 7 days).
 */
export const acceptInviteAction = publicAction("acceptInvite", acceptInviteSchema, async (input) => {
  // OIDC_ONLY: nobody but the Owner signs in with a password, so none is chosen here (the invite page offers single sign-on).
  const sso = ssoSettings();
  if (sso?.only) {
    const message = `This Bucketshare signs people in with ${sso.name}: use "Sign in with ${sso.name}" to join.`;
    throw new AppError("invalid", message, { fieldErrors: { form: [message] } });
  }
  const { userId, email } = await acceptInvite(input.token, input);
  log.info("member.invite_accepted", { userId });
  await signIn("credentials", { email, password: input.password, redirect: false });
  return { reloadTo: "/buckets" };
});
