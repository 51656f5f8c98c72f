import type { PrismaClient } from "@/lib/generated/prisma/client";
import { encrypt } from "@/lib/crypto";
import { getEnv, getRuntimeSecrets, type Env } from "@/lib/env";
import { SECRET_KEY_AAD } from "@/lib/storage/sealed";

/**
 * S3_* variables describe one connection that the owner sees read-only. It is kept as a row
 * (fromEnv = true) so that links issued through it have a real foreign key like any other.
 */

export const ENV_CONNECTION_NAME = "Environment";

export async function syncEnvConnection(
  client: PrismaClient,
  env: Env = getEnv(),
  encryptionKey: Buffer = getRuntimeSecrets().encryptionKey,
): Promise<void> {
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
    secretAccessKeyEnc: encrypt(env.S3_SECRET_ACCESS_KEY, encryptionKey, SECRET_KEY_AAD),
    sessionTokenEnc: null,
    sessionTokenExpiresAt: null,
    buckets: (env.S3_BUCKETS ?? "").split(",").map((b) => b.trim()).filter(Boolean),
  };
  const existing = await client.storageConnection.findFirst({ where: { ownerId: owner.id, fromEnv: true } });
  if (existing) {
    await client.storageConnection.update({ where: { id: existing.id }, data });
    return;
  }
  const clash = await client.storageConnection.findFirst({ where: { ownerId: owner.id, name: ENV_CONNECTION_NAME } });
  await client.storageConnection.create({
    data: { ...data, ownerId: owner.id, fromEnv: true, name: clash ? `${ENV_CONNECTION_NAME} (S3_*)` : ENV_CONNECTION_NAME },
  });
}
