"use server";

import { signedInAction } from "@/lib/actions/safe-action";
import { db } from "@/lib/db/client";
import { can } from "@/lib/auth/permissions";
import { CONNECTIONS_MANAGE_MESSAGE } from "@/lib/storage/connections";
import { AppError } from "@/lib/errors";
import { forgetClients } from "@/lib/storage/client";
import { connectionIdSchema } from "@/lib/validation/connection";
import { recordAudit } from "@/lib/audit/record";
import { abortConnectionUploads } from "@/lib/uploads/store";

/** Deletes a connection. Links issued through it stay in the history (connection_id becomes null); uploads in progress are aborted. */
export const deleteConnectionAction = signedInAction("deleteConnection", connectionIdSchema, async ({ id }, user) => {
  if (!can(user, "connections.manage")) throw new AppError("forbidden", CONNECTIONS_MANAGE_MESSAGE);
  const connection = await db.storageConnection.findFirst({ where: { id, ownerId: user.teamId }, select: { id: true, name: true, fromEnv: true } });
  if (!connection) throw new AppError("not_found", "This connection does not exist (any more).");
  if (connection.fromEnv) throw new AppError("forbidden", "This connection comes from S3_* environment variables; remove them instead.");
  // Uploads still in progress are aborted at the storage first: their rows go with the connection.
  await abortConnectionUploads(connection.id);
  await db.$transaction(async (tx) => {
    await tx.storageConnection.delete({ where: { id: connection.id } });
    await recordAudit(tx, { actor: user, kind: "connection.deleted", subject: connection.name, subjectId: connection.id });
  });
  forgetClients(connection.id);
  return { redirectTo: "/settings/connections?deleted=1", revalidate: ["/settings/connections", "/buckets", "/links"] };
});
