// applyMigrations against real PostgreSQL: the server named by DATABASE_URL, or else an embedded
// one started here in a temporary directory. Every test gets its own freshly created database.
import { cp, mkdtemp, readdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startEmbeddedPostgres, type RunningPostgres } from "../../lib/db/embedded";
import { applyMigrations } from "../../lib/db/migrate";

const MIGRATIONS_DIR = fileURLToPath(new URL("../../prisma/migrations", import.meta.url));
const EXPECTED_TABLES = ["share_links", "sign_in_failures", "storage_connections", "users"];

let serverUrl: string;
let embedded: RunningPostgres | undefined;
let tempDir: string | undefined;
let migrationNames: string[];
const createdDatabases: string[] = [];

beforeAll(async () => {
  migrationNames = (await readdir(MIGRATIONS_DIR, { withFileTypes: true }))
    .filter((e) => e.isDirectory() && !e.name.startsWith("."))
    .map((e) => e.name)
    .sort();
  const fromEnv = process.env.DATABASE_URL;
  if (fromEnv) {
    serverUrl = fromEnv;
  } else {
    tempDir = await mkdtemp(path.join(os.tmpdir(), "bucketshare-migrate-test-"));
    embedded = await startEmbeddedPostgres({ dataDir: path.join(tempDir, "pg") });
    serverUrl = embedded.url;
  }
}, 60_000);

afterEach(async () => {
  await withClient(serverUrl, async (admin) => {
    for (const name of createdDatabases.splice(0)) {
      await admin.query(`DROP DATABASE IF EXISTS ${admin.escapeIdentifier(name)} WITH (FORCE)`);
    }
  });
});

afterAll(async () => {
  await embedded?.stop();
  if (tempDir) await rm(tempDir, { recursive: true, force: true });
}, 30_000);

async function withClient<T>(url: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** A new, empty database on the test server; returns its URL. */
async function freshDatabase(): Promise<string> {
  const name = `migrate_test_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  await withClient(serverUrl, (admin) => admin.query(`CREATE DATABASE ${admin.escapeIdentifier(name)}`));
  createdDatabases.push(name);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function tablesIn(url: string): Promise<string[]> {
  return withClient(url, async (c) => {
    const r = await c.query<{ table_name: string }>("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name");
    return r.rows.map((row) => row.table_name);
  });
}

async function migrationRows(url: string) {
  return withClient(url, async (c) => {
    const r = await c.query<{ migration_name: string; finished: boolean; rolled_back: boolean; applied_steps_count: number }>(
      `SELECT migration_name, finished_at IS NOT NULL AS finished, rolled_back_at IS NOT NULL AS rolled_back,
              applied_steps_count
         FROM _prisma_migrations ORDER BY migration_name`,
    );
    return r.rows;
  });
}

describe("applyMigrations", () => {
  it("creates the tables in an empty database and records the migrations", async () => {
    const url = await freshDatabase();
    expect(await tablesIn(url)).toEqual([]);

    const result = await applyMigrations(url, { migrationsDir: MIGRATIONS_DIR });

    expect(migrationNames.length).toBeGreaterThan(0);
    expect(result.applied).toEqual(migrationNames);
    const tables = await tablesIn(url);
    expect(tables).toEqual(expect.arrayContaining([...EXPECTED_TABLES, "_prisma_migrations"]));
    const rows = await migrationRows(url);
    expect(rows.map((r) => r.migration_name)).toEqual(migrationNames);
    expect(rows.every((r) => r.finished && !r.rolled_back && r.applied_steps_count === 1)).toBe(true);
  });

  it("applies once when two runs start at the same time, and both succeed", async () => {
    const url = await freshDatabase();

    const [first, second] = await Promise.all([
      applyMigrations(url, { migrationsDir: MIGRATIONS_DIR }),
      applyMigrations(url, { migrationsDir: MIGRATIONS_DIR }),
    ]);

    expect([...first.applied, ...second.applied].sort()).toEqual(migrationNames);
    expect([first.applied.length, second.applied.length].sort()).toEqual([0, migrationNames.length]);
    const rows = await migrationRows(url);
    expect(rows.map((r) => r.migration_name)).toEqual(migrationNames); // no duplicates
    expect(await tablesIn(url)).toEqual(expect.arrayContaining(EXPECTED_TABLES));
  });

  it("applies nothing on a second run", async () => {
    const url = await freshDatabase();
    await applyMigrations(url, { migrationsDir: MIGRATIONS_DIR });
    const before = await migrationRows(url);

    const again = await applyMigrations(url, { migrationsDir: MIGRATIONS_DIR });

    expect(again.applied).toEqual([]);
    expect(await migrationRows(url)).toEqual(before);
  });

  it("renames sign_in_failures.email to subject in place: failures recorded before the upgrade keep counting", async () => {
    const url = await freshDatabase();
    const rename = migrationNames.find((name) => name.endsWith("_rename_sign_in_failure_email_to_subject"))!;
    expect(rename).toBeDefined();
    const before = await mkdtemp(path.join(os.tmpdir(), "bucketshare-migrations-before-"));
    try {
      for (const name of migrationNames.filter((n) => n < rename)) await cp(path.join(MIGRATIONS_DIR, name), path.join(before, name), { recursive: true });
      await cp(path.join(MIGRATIONS_DIR, "migration_lock.toml"), path.join(before, "migration_lock.toml"));
      await applyMigrations(url, { migrationsDir: before });
    } finally {
      await rm(before, { recursive: true, force: true });
    }
    await withClient(url, (c) =>
      c.query("INSERT INTO sign_in_failures (email, client_address) VALUES ('link-password:abc', '192.0.2.1'), ('owner@example.com', '192.0.2.2')"),
    );

    expect((await applyMigrations(url, { migrationsDir: MIGRATIONS_DIR })).applied).toContain(rename);

    await withClient(url, async (c) => {
      const columns = await c.query<{ column_name: string }>(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'sign_in_failures' ORDER BY column_name",
      );
      expect(columns.rows.map((r) => r.column_name)).toEqual(["client_address", "created_at", "id", "subject"]);
      const rows = await c.query<{ subject: string }>("SELECT subject FROM sign_in_failures ORDER BY subject");
      expect(rows.rows.map((r) => r.subject)).toEqual(["link-password:abc", "owner@example.com"]);
      const indexes = await c.query<{ indexname: string }>(
        "SELECT indexname FROM pg_indexes WHERE tablename = 'sign_in_failures' AND indexname LIKE '%subject%' ORDER BY indexname",
      );
      expect(indexes.rows.map((r) => r.indexname)).toEqual([
        "sign_in_failures_subject_client_address_created_at_idx",
        "sign_in_failures_subject_created_at_idx",
      ]);
    });
  });

  it("explains an unreachable database in one line", async () => {
    const url = new URL(serverUrl);
    url.hostname = "127.0.0.1";
    url.port = "1"; // nothing listens on port 1
    await expect(applyMigrations(url.toString(), { migrationsDir: MIGRATIONS_DIR })).rejects.toThrow(
      /^Cannot reach PostgreSQL at 127\.0\.0\.1:1 \(ECONNREFUSED\)$/,
    );
  });
});
