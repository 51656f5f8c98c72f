"use server";

import { signIn } from "@/lib/auth";
import { createOwner } from "@/lib/auth/owner";
import { publicAction } from "@/lib/actions/safe-action";
import { syncEnvConnection } from "@/lib/storage/env-connection";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { log } from "@/lib/log";
import { ownerSchema } from "@/lib/validation/auth";

/** First-run setup. Refused for good once an owner exists, whoever calls it and however. */
export const createOwnerAction = publicAction("createOwner", ownerSchema, async (input) => {
  const result = await createOwner(db, input);
  if (!result.created) {
    log.warn("auth.setup.refused", { reason: "owner exists" });
    throw new AppError("forbidden", "Bucketshare already has an owner. Sign in instead.");
  }
  log.info("auth.setup.owner_created", { userId: result.userId });
  await syncEnvConnection(db);
  await signIn("credentials", { email: input.email, password: input.password, redirect: false });
  return { reloadTo: "/buckets" };
});
