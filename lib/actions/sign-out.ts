"use server";

import { z } from "zod";
import { signOut } from "@/lib/auth";
import { signedInAction } from "@/lib/actions/safe-action";

export const signOutAction = signedInAction("signOut", z.object({}), async () => {
  await signOut({ redirect: false });
  return { redirectTo: "/sign-in" };
});
