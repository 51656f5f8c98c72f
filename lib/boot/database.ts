import { join } from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@/lib/generated/prisma/client";
import type { Env } from "@/lib/env";
import { createOwner } from "@/lib/auth/owner";
import { startEmbeddedPostgres } from "@/lib/db/embedded";
import { applyMigrations } from "@/lib/db/migrate";
import { syncEnvConnection } from "@/lib/storage/env-connection";
import { keyId } from "@/lib/crypto";
import { resealLegacyValues } from "@/lib/boot/reseal";

export type PreparedDatabase = { url: string; embedded: boolean; stop(): Promise<void> };

function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || 5432}${u.pathname}`;
  } catch {
    return "the configured DATABASE_URL";
  }
}

/**
 * Refuses to start with an encryption key other than the one that sealed the stored secrets
 * (a lost or replaced key file): the data would be unreadable, and new data sealed with a
 * second key would make a later recovery harder.
 */
async function assertKeyMatchesData(client: PrismaClient, encryptionKey: Buffer): Promise<void> {
  const rows = await client.$queryRaw<{ sealed: string }[]>`
    (SELECT url_enc AS sealed FROM share_links LIMIT 1)
    UNION ALL
    (SELECT secret_access_key_enc FROM storage_connections WHERE NOT from_env LIMIT 1)`;
  const current = keyId(encryptionKey);
  for (const { sealed } of rows) {
    const found = sealed.split(".")[1];
    if (found && found !== current) {
      throw new Error(
        `The encryption key (id ${current}) is not the one that sealed the data in this database (id ${found}). ` +
          "Restore the original key (DATA_DIR/encryption-key or ENCRYPTION_KEY); with another key, saved connections and links cannot be read.",
      );
    }
  }
}

/** Starts (or reaches) PostgreSQL, migrates it, and applies OWNER_* and S3_* settings. */
export async function prepareDatabase(env: Env, dataDir: string, encryptionKey: Buffer): Promise<PreparedDatabase> {
  let url = env.DATABASE_URL;
  let stop = async () => {};
  if (!url) {
    const embedded = await startEmbeddedPostgres({ dataDir: join(dataDir, "postgres"), port: env.EMBEDDED_PG_PORT });
    url = embedded.url;
    stop = embedded.stop;
    if (embedded.changedOverPassword) {
      process.stdout.write(
        `bucketshare: the embedded PostgreSQL no longer accepts the old default password; its new random password is in ${join(dataDir, "postgres-password")}\n`,
      );
    }
  }
  try {
    const { applied } = await applyMigrations(url);
    if (applied.length > 0) process.stdout.write(`bucketshare: applied migrations ${applied.join(", ")}\n`);
    const client = new PrismaClient({ adapter: new PrismaPg({ connectionString: url, connectionTimeoutMillis: 5_000 }) });
    try {
      await assertKeyMatchesData(client, encryptionKey);
      const { resealed, unreadable } = await resealLegacyValues(client, encryptionKey);
      if (resealed > 0) process.stdout.write(`bucketshare: re-sealed ${resealed} stored secret(s) bound to their rows\n`);
      for (const { column, id, reason } of unreadable) {
        process.stderr.write(`bucketshare: warning: ${column} of row ${id} could not be re-sealed (${reason})\n`);
      }
      if (env.OWNER_EMAIL && env.OWNER_PASSWORD) {
        const result = await createOwner(client, {
          name: env.OWNER_NAME ?? env.OWNER_EMAIL.split("@")[0]!,
          email: env.OWNER_EMAIL,
          password: env.OWNER_PASSWORD,
        });
        if (result.created) process.stdout.write(`bucketshare: created the owner account ${env.OWNER_EMAIL}\n`);
      }
      await syncEnvConnection(client, env, encryptionKey);
    } finally {
      await client.$disconnect();
    }
  } catch (error) {
    await stop();
    const message = (error as Error).message.split("\n")[0];
    throw new Error(
      env.DATABASE_URL && !/^Cannot reach/.test(message ?? "")
        ? `Database at ${describeUrl(url)} could not be prepared: ${message}`
        : (message ?? "Database could not be prepared"),
    );
  }
  return { url, embedded: !env.DATABASE_URL, stop };
}
