// Applies prisma/migrations/*/migration.sql with Prisma's own schema engine (the WebAssembly
// build, @prisma/schema-engine-wasm) talking to PostgreSQL through @prisma/adapter-pg. The
// engine keeps Prisma's `_prisma_migrations` table (checksums, failed-migration detection), so
// `prisma migrate deploy` stays usable wherever the native engine can be had.
//
// How it is driven, and why:
// - An advisory lock (MIGRATION_LOCK_KEY) held on a separate `pg` connection serialises
//   concurrent callers (several processes starting at once) for the whole run.
// - The engine also takes Prisma's own advisory lock (72707369) itself and never releases it:
//   it lives as long as the engine's connection. The engine therefore gets a private pool of
//   exactly one connection, closed at the end of the run, which releases that lock (and keeps
//   the lock and the migration on the same session). MIGRATION_LOCK_KEY must differ from 72707369.
// - adapter-pg's executeScript() splits a script on every ";" and runs the pieces one by one:
//   not atomic, and wrong for semicolons inside strings, comments or function bodies. It is
//   replaced by a single simple-protocol query, which PostgreSQL runs as one implicit
//   transaction (as Prisma's native engine does): a failing migration leaves nothing behind.
//
// Node-only. No process.env here: callers pass the URL.
import type { Dirent } from "node:fs";
import { readFile, readdir } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import pg from "pg";
import { migrateJobQueue } from "@/lib/jobs/migrate";
import { PrismaPg } from "@prisma/adapter-pg";
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
  type SqlQuery,
  type SqlResultSet,
} from "@prisma/driver-adapter-utils";
import type * as SchemaEngineWasm from "@prisma/schema-engine-wasm";

/** Advisory lock key serialising Bucketshare migration runs ("BUCKSH" in ASCII). */
export const MIGRATION_LOCK_KEY = "72938497954632";
const CONNECT_TIMEOUT_MS = 10_000;
const LOCK_WAIT_TIMEOUT = "10min";
const APPLICATION_NAME = "bucketshare-migrate";
const NO_FILTERS: SchemaEngineWasm.SchemaFilter = { externalTables: [], externalEnums: [] };

export interface ApplyMigrationsOptions {
  /** Defaults to prisma/migrations under the current working directory. */
  migrationsDir?: string;
  log?: (line: string) => void;
}

/** An error whose message is the whole story (one line, no internals); its stack is that line too. */
export class MigrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MigrationError";
    this.stack = `${this.name}: ${message}`;
  }
}

export async function applyMigrations(databaseUrl: string, opts: ApplyMigrationsOptions = {}): Promise<{ applied: string[] }> {
  const log = opts.log ?? (() => {});
  const target = describeTarget(databaseUrl);
  const migrationsDir = path.resolve(opts.migrationsDir ?? path.join("prisma", "migrations"));
  const migrationsList = await readMigrationsList(migrationsDir);

  const lockClient = new pg.Client({
    connectionString: databaseUrl,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    application_name: APPLICATION_NAME,
  });
  lockClient.on("error", () => {}); // a dropped connection surfaces through the next query
  try {
    await lockClient.connect();
  } catch (err) {
    await lockClient.end().catch(() => {});
    throw connectionError(err, target);
  }

  let pool: pg.Pool | undefined;
  const factory = { current: undefined as AtomicScriptPg | undefined };
  try {
    await acquireLock(lockClient, target, log);
    pool = new pg.Pool({
      connectionString: databaseUrl,
      max: 1,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      application_name: APPLICATION_NAME,
    });
    pool.on("error", () => {});
    factory.current = new AtomicScriptPg(pool);
    const started = Date.now();
    const output = await withSchemaEngine(factory.current, log, (engine) => engine.applyMigrations({ migrationsList, filters: NO_FILTERS }));
    const applied = output.appliedMigrationNames;
    for (const name of applied) log(`applied migration ${name}`);
    try {
      await migrateJobQueue(databaseUrl, log);
    } catch (err) {
      throw new Error(`Could not create the job queue's schema (graphile_worker) in ${target}: ${err instanceof Error ? err.message : String(err)}`);
    }
    log(
      applied.length === 0
        ? `database ${target} is up to date (${migrationsList.migrationDirectories.length} migrations)`
        : `applied ${applied.length} migration(s) to ${target} in ${Date.now() - started} ms`,
    );
    return { applied };
  } catch (err) {
    throw engineError(err, target, factory.current?.lastScriptError);
  } finally {
    // Closing the engine's only connection releases Prisma's own lock (72707369) too.
    await pool?.end().catch(() => {});
    await lockClient.query("SELECT pg_advisory_unlock($1::bigint)", [MIGRATION_LOCK_KEY]).catch(() => {});
    await lockClient.end().catch(() => {});
  }
}

async function acquireLock(client: pg.Client, target: string, log: (line: string) => void): Promise<void> {
  const first = await client.query<{ ok: boolean }>("SELECT pg_try_advisory_lock($1::bigint) AS ok", [MIGRATION_LOCK_KEY]);
  if (first.rows[0]?.ok) return;
  log(`waiting for another process to finish migrating ${target}`);
  await client.query(`SET lock_timeout = '${LOCK_WAIT_TIMEOUT}'`);
  try {
    await client.query("SELECT pg_advisory_lock($1::bigint)", [MIGRATION_LOCK_KEY]);
  } catch (err) {
    if ((err as { code?: string }).code === "55P03") {
      throw new MigrationError(`Gave up after ${LOCK_WAIT_TIMEOUT} waiting for another process to finish migrating ${target}`);
    }
    throw err;
  }
  await client.query("SET lock_timeout = DEFAULT");
}

// ---------------------------------------------------------------------------------------------
// Migrations folder, read the way Prisma's CLI reads it (directories sorted by name).

async function readMigrationsList(migrationsDir: string): Promise<SchemaEngineWasm.MigrationList> {
  let entries: Dirent[];
  try {
    entries = await readdir(migrationsDir, { withFileTypes: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new MigrationError(code === "ENOENT" ? `No migrations directory at ${migrationsDir}` : `Cannot read ${migrationsDir} (${code})`);
  }
  const lockfilePath = "migration_lock.toml";
  const lockfileContent = await readFile(path.join(migrationsDir, lockfilePath), "utf8").catch(() => null);
  const migrationDirectories: SchemaEngineWasm.MigrationDirectory[] = [];
  for (const entry of entries.filter((e) => e.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    const file = "migration.sql";
    const content: SchemaEngineWasm.JsResult<string, string> = await readFile(path.join(migrationsDir, entry.name, file), "utf8").then(
      (value) => ({ tag: "ok", value }),
      (err: Error) => ({ tag: "error", value: err.message }),
    );
    migrationDirectories.push({ path: entry.name, migrationFile: { path: file, content } });
  }
  return {
    baseDir: migrationsDir,
    lockfile: { path: lockfilePath, content: lockfileContent },
    shadowDbInitScript: "",
    migrationDirectories,
  };
}

// ---------------------------------------------------------------------------------------------
// The WebAssembly schema engine. Node 20 cannot import .wasm modules, so the generated glue
// (schema_engine_bg.js) is wired to the instantiated module by hand, once per process.

type SchemaEngine = SchemaEngineWasm.SchemaEngine;
type WasmGlue = typeof SchemaEngineWasm & { __wbg_set_wasm(exports: WebAssembly.Exports): void };

let engineClass: Promise<typeof SchemaEngineWasm.SchemaEngine> | undefined;

function loadSchemaEngine(): Promise<typeof SchemaEngineWasm.SchemaEngine> {
  engineClass ??= (async () => {
    const require = createRequire(import.meta.url);
    const gluePath = require.resolve("@prisma/schema-engine-wasm/schema_engine_bg");
    const glue = (await import(pathToFileURL(gluePath).href)) as WasmGlue;
    const bytes = await readFile(path.join(path.dirname(gluePath), "schema_engine_bg.wasm"));
    const { instance } = await WebAssembly.instantiate(bytes, {
      "./schema_engine_bg.js": glue as unknown as WebAssembly.ModuleImports,
    });
    glue.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return glue.SchemaEngine;
  })();
  engineClass.catch(() => {
    engineClass = undefined;
  });
  return engineClass;
}

async function withSchemaEngine<T>(
  factory: SqlMigrationAwareDriverAdapterFactory,
  log: (line: string) => void,
  run: (engine: SchemaEngine) => Promise<T>,
): Promise<T> {
  const SchemaEngineClass = await loadSchemaEngine();
  const onEngineLog = (json: string) => {
    try {
      const event = JSON.parse(json) as { level?: string; fields?: { message?: string } };
      const message = event.fields?.message;
      if (message && event.level !== "DEBUG" && event.level !== "TRACE" && !message.startsWith("Starting schema-engine")) {
        log(`schema engine: ${message}`);
      }
    } catch {
      // not JSON: ignore
    }
  };
  const engine = await SchemaEngineClass.new({ datamodels: undefined }, onEngineLog, bindMigrationAwareSqlAdapterFactory(factory));
  try {
    return await run(engine);
  } finally {
    engine.free();
  }
}

/** PrismaPg whose executeScript runs the whole script as one implicit transaction. */
class AtomicScriptPg implements SqlMigrationAwareDriverAdapterFactory {
  readonly provider = "postgres" as const;
  readonly adapterName: string;
  /** The last error PostgreSQL returned for a migration script, unmapped. */
  lastScriptError: { message: string; code?: string; position?: string } | undefined;
  private readonly inner: PrismaPg;

  constructor(private readonly pool: pg.Pool) {
    this.inner = new PrismaPg(pool);
    this.adapterName = this.inner.adapterName;
  }

  async connect(): Promise<SqlDriverAdapter> {
    const adapter = await this.inner.connect();
    // `onError` (protected) maps a pg error to the DriverAdapterError the engine understands.
    const mapError = (adapter as unknown as { onError?: (err: unknown) => never }).onError?.bind(adapter);
    adapter.executeScript = async (script: string) => {
      try {
        await this.pool.query(script);
      } catch (err) {
        const e = err as { message?: string; code?: string; position?: string };
        this.lastScriptError = { message: String(e.message ?? err), code: e.code, position: e.position };
        if (mapError) mapError(err);
        throw err;
      }
    };
    return adapter;
  }

  connectToShadowDb(): Promise<SqlDriverAdapter> {
    return Promise.reject(new Error("Bucketshare's migration runner does not use a shadow database"));
  }
}

// ---------------------------------------------------------------------------------------------
// Diffing two schemas without a database (used by prisma/tools/new-migration.ts).

const EMPTY_DATAMODEL = 'datasource db {\n  provider = "postgresql"\n}\n';

/**
 * SQL (or, with script: false, a readable summary) taking a database from the `from` schema to
 * the `to` schema. `from: null` means an empty database. Prisma schema text in, no database used.
 */
export async function diffSchemas(from: string | null, to: string, opts: { script?: boolean } = {}): Promise<string> {
  try {
    const result = await withSchemaEngine(
      new OfflinePostgres(),
      () => {},
      (engine) =>
        engine.diff({
          from: { tag: "schemaDatamodel", files: [{ path: "before.prisma", content: from ?? EMPTY_DATAMODEL }] },
          to: { tag: "schemaDatamodel", files: [{ path: "schema.prisma", content: to }] },
          script: opts.script ?? true,
          exitCode: null,
          filters: NO_FILTERS,
        }),
    );
    return result.stdout ?? "";
  } catch (err) {
    throw new MigrationError(cleanEngineMessage(err, { keepLines: true }));
  }
}

/**
 * A stand-in PostgreSQL for the engine when no database is involved. The engine probes the
 * server once when created (namespace, version); every other query is refused.
 */
class OfflinePostgres implements SqlMigrationAwareDriverAdapterFactory {
  readonly provider = "postgres" as const;
  readonly adapterName = "bucketshare-offline";

  connect(): Promise<SqlDriverAdapter> {
    const refuse = (what: string) => Promise.reject(new Error(`${what}: no database in offline mode`));
    const adapter: SqlDriverAdapter = {
      provider: "postgres",
      adapterName: this.adapterName,
      queryRaw: async (query: SqlQuery): Promise<SqlResultSet> => {
        if (query.sql.includes("server_version_num")) {
          return {
            columnNames: ["exists", "version", "numeric_version"],
            columnTypes: [5, 7, 0], // Boolean, Text, Int32
            rows: [[true, "PostgreSQL 16.0 (offline)", 160000]],
          };
        }
        return refuse("query");
      },
      executeRaw: () => refuse("statement"),
      executeScript: () => refuse("script"),
      startTransaction: () => refuse("transaction"),
      getConnectionInfo: () => ({ schemaName: "public", supportsRelationJoins: true }),
      dispose: async () => {},
    };
    return Promise.resolve(adapter);
  }

  connectToShadowDb(): Promise<SqlDriverAdapter> {
    return this.connect();
  }
}

// ---------------------------------------------------------------------------------------------
// Errors as one line a person can act on.

function describeTarget(databaseUrl: string): string {
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch {
    throw new MigrationError("Invalid database URL (expected postgresql://user:password@host:port/database)");
  }
  if (url.protocol !== "postgresql:" && url.protocol !== "postgres:") {
    throw new MigrationError(`Unsupported database URL scheme "${url.protocol}" (expected postgresql://)`);
  }
  const host = url.hostname || url.searchParams.get("host") || "localhost";
  return `${host}:${url.port || "5432"}${url.pathname.length > 1 ? safeDecode(url.pathname) : ""}`;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function connectionError(err: unknown, target: string): MigrationError {
  const e = err as { code?: string; message?: string; errors?: { code?: string }[] };
  const code = e.code ?? e.errors?.find((x) => x.code)?.code;
  const hostPort = target.replace(/\/.*$/, "");
  const database = target.includes("/") ? target.slice(target.indexOf("/") + 1) : "";
  const message = String(e.message ?? err).split("\n")[0] ?? "";
  if (code && /^E[A-Z]+$/.test(code)) return new MigrationError(`Cannot reach PostgreSQL at ${hostPort} (${code})`);
  if (/timeout/i.test(message)) {
    return new MigrationError(`Cannot reach PostgreSQL at ${hostPort} (no answer within ${CONNECT_TIMEOUT_MS / 1000} s)`);
  }
  if (code === "3D000") return new MigrationError(`Database "${database}" does not exist on PostgreSQL at ${hostPort}`);
  if (code === "28P01" || code === "28000") {
    return new MigrationError(`PostgreSQL at ${hostPort} refused the credentials (${code}: ${message})`);
  }
  return new MigrationError(`Cannot connect to PostgreSQL at ${hostPort}: ${message}${code ? ` (${code})` : ""}`);
}

function cleanEngineMessage(err: unknown, opts: { keepLines?: boolean } = {}): string {
  const raw = err instanceof Error ? err.message : String(err);
  const lines: string[] = [];
  for (const line of raw.split("\n")) {
    if (/^\s*\d+: \S/.test(line)) break; // span trace of the engine's internals
    if (line.trim()) lines.push(opts.keepLines ? line : line.trim());
  }
  return opts.keepLines ? lines.join("\n") : lines.join(" ");
}

function engineError(err: unknown, target: string, scriptError: { message: string; code?: string } | undefined): MigrationError {
  if (err instanceof MigrationError) return err;
  const e = err as { code?: string; message?: string };
  if (e.code && /^E[A-Z]+$/.test(e.code)) return connectionError(err, target);
  const raw = err instanceof Error ? err.message : String(err);
  const failedNow = /migration_name="([^"]+)"/.exec(raw)?.[1];
  if (failedNow && scriptError) {
    return new MigrationError(
      `Migration ${failedNow} failed on ${target}: ${scriptError.message}${scriptError.code ? ` (${scriptError.code})` : ""}. ` +
        `Its statements were rolled back, and it is recorded as failed: fix migration.sql, then run ` +
        `UPDATE _prisma_migrations SET rolled_back_at = now() WHERE migration_name = '${failedNow}' AND finished_at IS NULL ` +
        `(what "prisma migrate resolve --rolled-back" does) and apply again.`,
    );
  }
  const failedBefore = /The `([^`]+)` migration started at/.exec(raw)?.[1];
  if (failedBefore) {
    return new MigrationError(
      `Migration ${failedBefore} failed earlier on ${target}, so no migrations are applied: undo what it left behind, then run ` +
        `UPDATE _prisma_migrations SET rolled_back_at = now() WHERE migration_name = '${failedBefore}' AND finished_at IS NULL ` +
        `(what "prisma migrate resolve --rolled-back" does) and apply again.`,
    );
  }
  if (e.code === "57P01" || /Connection terminated|ECONNRESET|connection (?:is )?closed/i.test(raw)) {
    return new MigrationError(`Lost the connection to PostgreSQL at ${target} while applying migrations`);
  }
  return new MigrationError(`Applying migrations to ${target} failed: ${cleanEngineMessage(err)}`);
}
