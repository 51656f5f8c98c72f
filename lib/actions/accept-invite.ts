"use server";

import { signIn } from "@/lib/auth";
import { publicAction } from "@/lib/actions/safe-action";
import { log } from "@/lib/log";
import { acceptInvite } from "@/lib/members/store";
import { acceptInviteSchema } from "@/lib/validation/members";

/**
 * /invite/<token>: the invited person chooses a name and password; they join the team with the
 * invite's role and grants and are signed in. The token is the whole authorisation (192 random bits,
 * bound to one email, one use, 7 days).
 */
export const acceptInviteAction = publicAction("acceptInvite", acceptInviteSchema, async (input) => {
  const { userId, email } = await acceptInvite(input.token, input);
  log.info("member.invite_accepted", { userId });
  await signIn("credentials", { email, password: input.password, redirect: false });
  return { reloadTo: "/buckets" };
});
