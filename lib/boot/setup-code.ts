import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@/lib/generated/prisma/client";
import type { Env } from "@/lib/env";
import { ownerExists } from "@/lib/auth/owner";
import { consumeSetupCode, ensureSetupCode, setupUrl } from "@/lib/auth/setup-code";

/**
 * First run, at start (after migrations and OWNER_*): while no owner exists, a setup code is kept in
 * DATA_DIR/setup-code and the URL that finishes setup is printed; once an owner exists, any code
 * left over is removed. Returns the lines to print once the server is up. `sampleStorage`: S3_* points at
 * the demo's own sample server, so there is no one's storage to warn about.
 */
export async function prepareFirstRun(env: Env, dataDir: string, databaseUrl: string, { sampleStorage = false } = {}): Promise<string[]> {
  const client = new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl, connectionTimeoutMillis: 5_000 }) });
  let hasOwner: boolean;
  try {
    hasOwner = await ownerExists(client);
  } finally {
    await client.$disconnect();
  }
  if (hasOwner) {
    consumeSetupCode(dataDir);
    return [];
  }
  const { code } = ensureSetupCode(dataDir);
  const lines = [`bucketshare: finish setup at ${setupUrl(env.PORT, code)}`];
  if (env.S3_ENDPOINT && !sampleStorage) {
    lines.push(
      "bucketshare: warning: S3_* is set but no owner exists yet: whoever finishes setup (with the setup code) " +
        "becomes the owner of that storage. Finish setup now, or set OWNER_EMAIL and OWNER_PASSWORD.",
    );
  }
  return lines;
}
