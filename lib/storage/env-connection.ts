import type { PrismaClient } from "@/lib/generated/prisma/client";
import { newRecordId } from "@/lib/crypto";
import { getEnv, getRuntimeSecrets, type Env } from "@/lib/env";
import { seal } from "@/lib/storage/sealed";

/**
 * S3_* variables describe one connection that the owner sees read-only. It is kept as a row
 * (fromEnv = true) so that links issued through it have a real foreign key like any other.
 */

/** The connection's name when S3_CONNECTION_NAME is unset. */
export const ENV_CONNECTION_NAME = "Environment";

export async function syncEnvConnection(client: PrismaClient, env: Env = getEnv(), encryptionKey: Buffer = getRuntimeSecrets().encryptionKey): Promise<void> {
  const owner = await client.user.findFirst({ select: { id: true }, orderBy: { createdAt: "asc" } });
  if (!owner) return;
  if (!env.S3_ENDPOINT || !env.S3_ACCESS_KEY_ID || !env.S3_SECRET_ACCESS_KEY) {
    await client.storageConnection.deleteMany({ where: { ownerId: owner.id, fromEnv: true } });
    return;
  }
  const isAws = /amazonaws\.com/i.test(env.S3_ENDPOINT);
  const data = {
    provider: isAws ? "aws" : "custom",
    endpoint: env.S3_ENDPOINT,
    region: env.S3_REGION ?? "us-east-1",
    forcePathStyle: env.S3_FORCE_PATH_STYLE ?? !isAws,
    accessKeyId: env.S3_ACCESS_KEY_ID,
    sessionTokenEnc: null,
    sessionTokenExpiresAt: null,
    buckets: (env.S3_BUCKETS ?? "")
      .split(",")
      .map((b) => b.trim())
      .filter(Boolean),
  };
  const existing = await client.storageConnection.findFirst({ where: { ownerId: owner.id, fromEnv: true } });
  // The secret is bound to its row: the id of a new row is made here, before the INSERT.
  const id = existing?.id ?? newRecordId();
  const secretAccessKeyEnc = seal("secretAccessKey", id, env.S3_SECRET_ACCESS_KEY, encryptionKey);
  // The configured name, unless one of the owner's own connections already has it.
  const wanted = env.S3_CONNECTION_NAME ?? ENV_CONNECTION_NAME;
  const clash = await client.storageConnection.findFirst({
    where: { ownerId: owner.id, name: wanted, ...(existing ? { NOT: { id: existing.id } } : {}) },
    select: { id: true },
  });
  const name = clash ? `${wanted} (S3_*)` : wanted;
  if (existing) {
    await client.storageConnection.update({ where: { id: existing.id }, data: { ...data, secretAccessKeyEnc, name } });
    return;
  }
  await client.storageConnection.create({ data: { ...data, id, secretAccessKeyEnc, ownerId: owner.id, fromEnv: true, name } });
}
