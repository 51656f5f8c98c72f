"use server";

import { signedInAction } from "@/lib/actions/safe-action";
import { db } from "@/lib/db/client";
import { can } from "@/lib/auth/permissions";
import { CONNECTIONS_MANAGE_MESSAGE } from "@/lib/storage/connections";
import { AppError } from "@/lib/errors";
import { openCredentials } from "@/lib/storage/client";
import { checkConnection } from "@/lib/storage/test-connection";
import { connectionSchema } from "@/lib/validation/connection";

/** "Test connection": one real request with what is in the form (the stored secret when left blank). */
export const testConnectionAction = signedInAction(
  "testConnection",
  connectionSchema.omit({ name: true }).extend({ name: connectionSchema.shape.name.optional() }),
  async (input, user) => {
    if (!can(user, "connections.manage")) throw new AppError("forbidden", CONNECTIONS_MANAGE_MESSAGE);
    let secretAccessKey = input.secretAccessKey;
    let sessionToken = input.sessionToken;
    if (!secretAccessKey || (!sessionToken && !input.clearSessionToken)) {
      const stored = input.id ? await db.storageConnection.findFirst({ where: { id: input.id, ownerId: user.teamId } }) : null;
      if (stored) {
        const credentials = openCredentials(stored);
        secretAccessKey ??= credentials.secretAccessKey;
        sessionToken ??= input.clearSessionToken ? undefined : credentials.sessionToken;
      }
    }
    if (!secretAccessKey) {
      throw new AppError("invalid", "Check the highlighted fields.", { fieldErrors: { secretAccessKey: ["Enter the secret access key."] } });
    }
    const result = await checkConnection(input, { accessKeyId: input.accessKeyId, secretAccessKey, sessionToken });
    if (!result.ok) throw new AppError("storage", `${result.title}: ${result.message}`);
    return { message: result.message };
  },
);
