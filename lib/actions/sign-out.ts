"use server";

import { z } from "zod";
import { signOut } from "@/lib/auth";
import { getCurrentSessionId } from "@/lib/auth/session";
import { endSession } from "@/lib/auth/session-store";
import { signedInAction } from "@/lib/actions/safe-action";
import { log } from "@/lib/log";

/** Ends this session on the server (a copied cookie stops working at once), then drops the cookie. */
export const signOutAction = signedInAction("signOut", z.object({}), async (_input, user) => {
  const sessionId = await getCurrentSessionId();
  if (sessionId) await endSession(sessionId);
  await signOut({ redirect: false });
  log.info("auth.sign_out", { userId: user.id });
  return { redirectTo: "/sign-in" };
});
