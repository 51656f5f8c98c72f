/**
 * The real services every integration and end-to-end test runs against: an embedded
 * PostgreSQL and an OpenStack Swift S3 server, on free ports in a temporary folder.
 * `npm test` starts them once (tests/support/run-all.ts) and hands them to each layer through
 * BUCKETSHARE_TEST_SERVICES; a layer run on its own starts its own.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { startEmbeddedPostgres } from "@/lib/db/embedded";
import { applyMigrations } from "@/lib/db/migrate";
import { startSwift, swiftPackagesInstalled } from "@/lib/dev/swift";

export type TestServices = {
  /** Superuser URL of the test cluster's maintenance database (create databases from it). */
  postgresUrl: string;
  s3: { endpoint: string; region: string; accessKeyId: string; secretAccessKey: string };
  authSecret: string;
  encryptionKey: string;
};

export const SERVICES_VARIABLE = "BUCKETSHARE_TEST_SERVICES";

export function servicesFromEnvironment(): TestServices | undefined {
  const raw = process.env[SERVICES_VARIABLE];
  return raw ? (JSON.parse(raw) as TestServices) : undefined;
}

export async function startServices(): Promise<{ services: TestServices; stop(): Promise<void> }> {
  if (!(await swiftPackagesInstalled())) {
    throw new Error("The local S3 server needs Debian packages: run `bash tests/support/install-os-packages.sh` (as root).");
  }
  const dir = mkdtempSync(join(tmpdir(), "bucketshare-test-"));
  const [postgres, swift] = await Promise.all([
    startEmbeddedPostgres({ dataDir: join(dir, "postgres") }),
    startSwift({ dir: join(dir, "swift") }),
  ]);
  const services: TestServices = {
    postgresUrl: postgres.url,
    s3: { endpoint: swift.endpoint, region: swift.region, accessKeyId: swift.accessKeyId, secretAccessKey: swift.secretAccessKey },
    authSecret: randomBytes(48).toString("base64"),
    encryptionKey: randomBytes(32).toString("base64"),
  };
  return {
    services,
    async stop() {
      await Promise.allSettled([postgres.stop(), swift.stop()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A new, migrated database in the test cluster; returns its URL. */
export async function createTestDatabase(services: TestServices, prefix: string): Promise<string> {
  const name = `${prefix}_${randomBytes(4).toString("hex")}`;
  const client = new pg.Client({ connectionString: services.postgresUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  const url = new URL(services.postgresUrl);
  url.pathname = `/${name}`;
  await applyMigrations(url.toString());
  return url.toString();
}
