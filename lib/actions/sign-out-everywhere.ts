"use server";

import { z } from "zod";
import { signOut } from "@/lib/auth";
import { endUserSessions } from "@/lib/auth/session-store";
import { signedInAction } from "@/lib/actions/safe-action";
import { log } from "@/lib/log";
import { recordAuditAfter } from "@/lib/audit/record";

/** Ends every session of the owner, this one included (a lost laptop, a shared computer). */
export const signOutEverywhereAction = signedInAction("signOutEverywhere", z.object({}), async (_input, user) => {
  const ended = await endUserSessions(user.id);
  await recordAuditAfter({ actor: user, kind: "settings.changed", subject: "Sessions", details: { setting: "signOutEverywhere", ended } });
  await signOut({ redirect: false });
  log.info("auth.sign_out_everywhere", { userId: user.id, ended });
  return { redirectTo: "/sign-in" };
});
