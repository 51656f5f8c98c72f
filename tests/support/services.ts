/**
 * The real services every integration and end-to-end test runs against: an embedded
 * PostgreSQL and two S3-compatible servers (OpenStack Swift s3api and Ceph RGW), on free ports
 * in a temporary folder, started in parallel.
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
import { cephPackagesInstalled, startCeph } from "@/lib/dev/ceph";
import { startSwift, swiftPackagesInstalled } from "@/lib/dev/swift";

export type StorageName = "swift" | "ceph";

/** One local S3-compatible server. */
export type TestStorage = {
  name: StorageName;
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** PutBucketVersioning works and PutObject returns a VersionId (Ceph RGW; not Swift's s3api). */
  versioning: boolean;
};

export type TestServices = {
  /** Superuser URL of the test cluster's maintenance database (create databases from it). */
  postgresUrl: string;
  /** The Swift server (the same as `storages` named "swift"): what tests that run against one server use. */
  s3: { endpoint: string; region: string; accessKeyId: string; secretAccessKey: string };
  /** Every local S3 server: storage tests run against each (storages.ts). */
  storages: TestStorage[];
  authSecret: string;
  encryptionKey: string;
};

export const SERVICES_VARIABLE = "BUCKETSHARE_TEST_SERVICES";

export function servicesFromEnvironment(): TestServices | undefined {
  const raw = process.env[SERVICES_VARIABLE];
  return raw ? (JSON.parse(raw) as TestServices) : undefined;
}

export async function startServices(): Promise<{ services: TestServices; stop(): Promise<void> }> {
  if (!(await swiftPackagesInstalled()) || !(await cephPackagesInstalled())) {
    throw new Error("The local S3 servers need Debian packages: run `bash tests/support/install-os-packages.sh` (as root).");
  }
  const dir = mkdtempSync(join(tmpdir(), "bucketshare-test-"));
  const started = await Promise.allSettled([
    startEmbeddedPostgres({ dataDir: join(dir, "postgres") }),
    startSwift({ dir: join(dir, "swift") }),
    startCeph({ dir: join(dir, "ceph") }),
  ] as const);
  const [postgresResult, swiftResult, cephResult] = started;
  if (postgresResult.status === "rejected" || swiftResult.status === "rejected" || cephResult.status === "rejected") {
    // Stop whatever did start before reporting the first failure.
    await Promise.allSettled(started.flatMap((result) => (result.status === "fulfilled" ? [result.value.stop()] : [])));
    rmSync(dir, { recursive: true, force: true });
    throw started.map((result) => (result.status === "rejected" ? (result.reason as unknown) : undefined)).find(Boolean);
  }
  const [postgres, swift, ceph] = [postgresResult.value, swiftResult.value, cephResult.value];
  const credentials = (server: { endpoint: string; region: string; accessKeyId: string; secretAccessKey: string }) => ({
    endpoint: server.endpoint,
    region: server.region,
    accessKeyId: server.accessKeyId,
    secretAccessKey: server.secretAccessKey,
  });
  const services: TestServices = {
    postgresUrl: postgres.url,
    s3: credentials(swift),
    storages: [
      { name: "swift", ...credentials(swift), versioning: false },
      { name: "ceph", ...credentials(ceph), versioning: true },
    ],
    authSecret: randomBytes(48).toString("base64"),
    encryptionKey: randomBytes(32).toString("base64"),
  };
  return {
    services,
    async stop() {
      await Promise.allSettled([postgres.stop(), swift.stop(), ceph.stop()]);
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
