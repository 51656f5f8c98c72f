"use server";

import { signedInAction } from "@/lib/actions/safe-action";
import { newRecordId } from "@/lib/crypto";
import { db } from "@/lib/db/client";
import { getRuntimeSecrets } from "@/lib/env";
import { can } from "@/lib/auth/permissions";
import { CONNECTIONS_MANAGE_MESSAGE, type ConnectionSummary } from "@/lib/storage/connections";
import { AppError } from "@/lib/errors";
import { forgetClients } from "@/lib/storage/client";
import { seal } from "@/lib/storage/sealed";
import { connectionSchema } from "@/lib/validation/connection";
import { recordAudit } from "@/lib/audit/record";

export const saveConnectionAction = signedInAction("saveConnection", connectionSchema, async (input, user) => {
  if (!can(user, "connections.manage")) throw new AppError("forbidden", CONNECTIONS_MANAGE_MESSAGE);
  const key = getRuntimeSecrets().encryptionKey;
  const existing = input.id ? await db.storageConnection.findFirst({ where: { id: input.id, ownerId: user.teamId } }) : null;
  if (input.id && !existing) throw new AppError("not_found", "This connection does not exist (any more).");
  if (existing?.fromEnv) throw new AppError("forbidden", "This connection comes from S3_* environment variables; change them instead.");
  if (!existing && !input.secretAccessKey) {
    throw new AppError("invalid", "Check the highlighted fields.", { fieldErrors: { secretAccessKey: ["Enter the secret access key."] } });
  }
  const clash = await db.storageConnection.findFirst({
    where: { ownerId: user.teamId, name: input.name, ...(existing ? { NOT: { id: existing.id } } : {}) },
    select: { id: true },
  });
  if (clash) {
    throw new AppError("invalid", "Check the highlighted fields.", {
      fieldErrors: { name: [`You already have a connection named “${input.name}”. Choose another name.`] },
    });
  }

  // Secrets are bound to their row: a new connection gets its id here, before the INSERT.
  const id = existing?.id ?? newRecordId();
  const sessionToken = input.clearSessionToken
    ? { sessionTokenEnc: null, sessionTokenExpiresAt: null }
    : input.sessionToken
      ? {
          sessionTokenEnc: seal("sessionToken", id, input.sessionToken, key),
          sessionTokenExpiresAt: input.sessionTokenExpiresAt ? new Date(input.sessionTokenExpiresAt) : null,
        }
      : input.sessionTokenExpiresAt && existing?.sessionTokenEnc
        ? { sessionTokenExpiresAt: new Date(input.sessionTokenExpiresAt) }
        : {};
  const data = {
    name: input.name,
    provider: input.provider,
    endpoint: input.endpoint,
    region: input.region,
    forcePathStyle: input.forcePathStyle,
    accessKeyId: input.accessKeyId,
    buckets: input.buckets,
    ...(input.healthCheckRate !== undefined ? { healthCheckRate: input.healthCheckRate } : {}),
    ...(input.secretAccessKey ? { secretAccessKeyEnc: seal("secretAccessKey", id, input.secretAccessKey, key) } : {}),
    ...sessionToken,
  };

  // What changed, by field name (never the values of keys or secrets).
  const changed = existing ? changedConnectionFields(existing, input) : [];
  await db.$transaction(async (tx) => {
    if (existing) await tx.storageConnection.update({ where: { id: existing.id }, data });
    else await tx.storageConnection.create({ data: { ...data, id, ownerId: user.teamId, secretAccessKeyEnc: data.secretAccessKeyEnc! } });
    await recordAudit(tx, {
      actor: user,
      kind: existing ? "connection.changed" : "connection.added",
      subject: input.name,
      subjectId: id,
      details: existing ? { changed } : { provider: input.provider },
    });
  });
  if (existing) forgetClients(existing.id);
  return { reloadTo: "/settings/connections?saved=1", revalidate: ["/settings/connections", "/buckets"] };
});

/** The fields of a connection the audit row names when they change (secrets only as "changed"). */
type AuditedFields = Pick<ConnectionSummary, "name" | "provider" | "endpoint" | "region" | "forcePathStyle" | "accessKeyId" | "buckets">;
type AuditedInput = AuditedFields & {
  healthCheckRate?: number | null;
  secretAccessKey?: string | null;
  sessionToken?: string | null;
  clearSessionToken?: boolean;
};

function changedConnectionFields(existing: AuditedFields & { healthCheckRate: number | null }, input: AuditedInput): string[] {
  const changed: string[] = [];
  for (const field of ["name", "provider", "endpoint", "region", "forcePathStyle", "accessKeyId"] as const)
    if (existing[field] !== input[field]) changed.push(field);
  if (existing.buckets.join("\n") !== input.buckets.join("\n")) changed.push("buckets");
  if (input.healthCheckRate !== undefined && input.healthCheckRate !== existing.healthCheckRate) changed.push("health checks per second");
  if (input.secretAccessKey) changed.push("secret access key");
  if (input.sessionToken || input.clearSessionToken) changed.push("session credentials");
  return changed;
}
