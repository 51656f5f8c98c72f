"use server";

import { signedInAction } from "@/lib/actions/safe-action";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { forgetClients } from "@/lib/storage/client";
import { connectionIdSchema } from "@/lib/validation/connection";

/** Deletes a connection. Links issued through it stay in the history (connection_id becomes null). */
export const deleteConnectionAction = signedInAction("deleteConnection", connectionIdSchema, async ({ id }, user) => {
  const connection = await db.storageConnection.findFirst({ where: { id, ownerId: user.id }, select: { id: true, fromEnv: true } });
  if (!connection) throw new AppError("not_found", "This connection does not exist (any more).");
  if (connection.fromEnv) throw new AppError("forbidden", "This connection comes from S3_* environment variables; remove them instead.");
  await db.storageConnection.delete({ where: { id: connection.id } });
  forgetClients(connection.id);
  return { redirectTo: "/settings/connections?deleted=1", revalidate: ["/settings/connections", "/buckets", "/links"] };
});
