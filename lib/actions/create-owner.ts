"use server";

import { resolve } from "node:path";
import { signIn } from "@/lib/auth";
import { createOwner, ownerExists } from "@/lib/auth/owner";
import { guardedAttempt } from "@/lib/auth/rate-limit";
import { consumeSetupCode, readSetupCode, setupCodeMatches } from "@/lib/auth/setup-code";
import { publicAction } from "@/lib/actions/safe-action";
import { syncEnvConnection } from "@/lib/storage/env-connection";
import { db } from "@/lib/db/client";
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { log } from "@/lib/log";
import { getClientAddress } from "@/lib/security/client-address";
import { ownerSchema } from "@/lib/validation/auth";

function refuseCode(message: string): never {
  throw new AppError("invalid", message, { fieldErrors: { setupCode: [message] } });
}

/**
 * First-run setup. Needs the one-time setup code the launcher printed (DATA_DIR/setup-code),
 * guessed no faster than a password; refused for good once an owner exists, whoever calls it and however.
 */
export const createOwnerAction = publicAction("createOwner", ownerSchema, async (input) => {
  const ownerTaken = () => new AppError("forbidden", "Bucketshare already has an owner. Sign in instead.");
  if (await ownerExists(db)) {
    log.warn("auth.setup.refused", { reason: "owner exists" });
    throw ownerTaken();
  }
  const dataDir = resolve(getEnv().DATA_DIR);
  if (!readSetupCode(dataDir)) {
    log.warn("auth.setup.refused", { reason: "no setup code waiting" });
    refuseCode("No setup code is waiting. Restart Bucketshare (npm start) to print a new one.");
  }
  const address = await getClientAddress();
  const check = await guardedAttempt({ scope: "setup-code", subject: "setup", address }, async () => setupCodeMatches(dataDir, input.setupCode));
  if (!check.ok) {
    log.warn("auth.setup.refused", { reason: check.limited ? "rate limited" : "wrong setup code", clientAddress: address });
    refuseCode(check.limited ? (check.message ?? "Too many failed attempts. Try again later.") : "Wrong setup code.");
  }

  const result = await createOwner(db, input);
  if (!result.created) {
    log.warn("auth.setup.refused", { reason: "owner exists" });
    throw ownerTaken();
  }
  consumeSetupCode(dataDir);
  log.info("auth.setup.owner_created", { userId: result.userId });
  await syncEnvConnection(db);
  await signIn("credentials", { email: input.email, password: input.password, redirect: false });
  return { reloadTo: "/buckets" };
});
