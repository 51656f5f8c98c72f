/**
 * What the benches that run the production server share: their set-up (the test services, a
 * database of their own, the app through `npm start`, helper servers, and the clean-up), and the
 * load generator (autocannon 9) with a tally of every answer the server sent.
 *
 *   const bench = await openBench("api");          // services, database, env, server-only imports
 *   try {
 *     const app = await bench.startApp();
 *     const run = await drive({ url: `${app.url}/…` }, { connections: 10, duration: 10, pid: app.process.pid });
 *   } finally {
 *     await bench.close();
 *   }
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startApp, type AppServer } from "../support/app-server";
import { allowServerOnlyImports } from "../support/server-only-hook";
import { createTestDatabase, servicesFromEnvironment, startServices, type TestServices } from "../support/services";

export const note = (line: string) => process.stderr.write(`bench: ${line}\n`);

// ---------------------------------------------------------------------------------------------
// Set-up

export type Bench = {
  /** A directory of the run's own, removed by close(). */
  tmp: string;
  services: TestServices;
  databaseUrl: string;
  /** The production app (`npm start`, built first if the sources changed) on this bench's database; stopped by close(). */
  startApp(env?: Record<string, string>): Promise<AppServer>;
  /** A `tsx` script that prints "listening <port>" (NODE_ENV=production); stopped by close(). */
  spawnServer(script: string, env?: Record<string, string>): Promise<{ child: ChildProcess; port: number }>;
  close(): Promise<void>;
};

/**
 * The test services of `npm test` when BUCKETSHARE_TEST_SERVICES is set (else its own, stopped by
 * close()), a database `bench_<name>…`, and this process's environment pointed at it (LOG_LEVEL
 * error), with lib/'s server-only modules importable: import them after this.
 */
export async function openBench(name: string): Promise<Bench> {
  const tmp = mkdtempSync(join(tmpdir(), `bucketshare-bench-${name}-`));
  let stopServices: (() => Promise<void>) | undefined;
  const apps: AppServer[] = [];
  const helpers: ChildProcess[] = [];
  const close = async () => {
    for (const child of helpers) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      child.kill("SIGTERM");
      await new Promise((resolve) => child.once("exit", resolve));
    }
    for (const app of apps) await app.stop();
    await stopServices?.();
    rmSync(tmp, { recursive: true, force: true });
  };
  try {
    let services = servicesFromEnvironment();
    if (!services) {
      note("starting PostgreSQL and the S3 servers (Swift, Ceph)…");
      const started = await startServices();
      services = started.services;
      stopServices = started.stop;
    }
    const databaseUrl = await createTestDatabase(services, `bench_${name}`);
    process.env.DATABASE_URL = databaseUrl;
    process.env.AUTH_SECRET = services.authSecret;
    process.env.ENCRYPTION_KEY = services.encryptionKey;
    process.env.LOG_LEVEL = "error";
    allowServerOnlyImports();
    const appEnv = {
      DATABASE_URL: databaseUrl,
      AUTH_SECRET: services.authSecret,
      ENCRYPTION_KEY: services.encryptionKey,
      DATA_DIR: join(tmp, "data"),
      LOG_LEVEL: "warn",
    };
    return {
      tmp,
      services,
      databaseUrl,
      async startApp(env = {}) {
        note("starting the production app (npm start; builds first if the sources changed)…");
        const app = await startApp({ ...appEnv, ...env });
        apps.push(app);
        return app;
      },
      async spawnServer(script, env = {}) {
        const child = spawn(process.execPath, [...(process.env.BENCH_HELPER_NODE_ARGS?.split(" ").filter(Boolean) ?? []), "--import", "tsx", script], {
          env: { ...process.env, ...env, NODE_ENV: "production" },
          stdio: ["ignore", "pipe", "inherit"],
        });
        helpers.push(child);
        const port = await new Promise<number>((resolve, reject) => {
          let out = "";
          child.stdout!.on("data", (d: Buffer) => {
            out += d.toString();
            const found = /listening (\d+)/.exec(out)?.[1];
            if (found) resolve(Number(found));
          });
          child.once("exit", (code) => reject(new Error(`${script} exited with ${code}`)));
        });
        return { child, port };
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// Load: autocannon 9 (CommonJS, no bundled types), the part used here

type AutocannonClient = {
  destroyed: boolean;
  destroy(): void;
  on(event: "headers", listener: (headers: { statusCode: number }) => void): void;
  on(event: "request", listener: () => void): void;
  pipelinedRequests: { size(): number };
  timeoutTicker: { clear(): void };
  emit(event: "done"): void;
  _destroyConnection(): void;
};
type AutocannonResult = { errors: number; timeouts: number; requests: { average: number } };
type AutocannonInstance = Promise<AutocannonResult> & {
  on(event: "response", listener: (client: unknown, statusCode: number, bytes: number, responseTime: number) => void): void;
};
type AutocannonOptions = LoadRequest & {
  connections: number;
  duration: number;
  timeout?: number;
  setupClient?: (client: AutocannonClient) => void;
};
const autocannon = createRequire(import.meta.url)("autocannon") as (options: AutocannonOptions) => AutocannonInstance;

/** CPU seconds (user + system) used so far by a process and all its descendants (Linux /proc). */
function cpuSeconds(root: number): number {
  const children = new Map<number, number[]>();
  const used = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const fields = readFileSync(`/proc/${entry}/stat`, "utf8").split(") ")[1]!.split(" ");
      const ppid = Number(fields[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
      used.set(Number(entry), (Number(fields[11]) + Number(fields[12])) / 100);
    } catch {
      // the process ended meanwhile
    }
  }
  const walk = (pid: number): number => (used.get(pid) ?? 0) + (children.get(pid) ?? []).reduce((sum, child) => sum + walk(child), 0);
  return walk(root);
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;

export type LoadRequest = { url: string; method?: "GET" | "POST"; body?: string; headers?: Record<string, string> };

export type LoadRun = {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  timeouts: number;
  /** Requests written, and answers read (every status counted from the response's headers). */
  sent: number;
  answered: number;
  statuses: Map<number, number>;
  /** CPU milliseconds the server (`pid` and its descendants) used per answer; NaN without a pid. */
  cpuMs: number;
};

/**
 * One autocannon run. Status codes are tallied from each response's headers; when the run ends,
 * a connection with a request in flight waits (at most 10 s) for its answer before closing, so the
 * tally holds every answer the server sent (and every row it wrote).
 */
export async function drive(request: LoadRequest, { connections, duration, pid }: { connections: number; duration: number; pid?: number }): Promise<LoadRun> {
  const cpuBefore = pid ? cpuSeconds(pid) : 0;
  const statuses = new Map<number, number>();
  let sent = 0;
  const drains: Promise<void>[] = [];
  const latencies: number[] = [];
  const instance = autocannon({
    ...request,
    connections,
    duration,
    timeout: 10,
    setupClient(client) {
      let awaiting = false;
      let answered: (() => void) | undefined;
      client.on("request", () => {
        sent++;
        awaiting = true;
      });
      client.on("headers", ({ statusCode }) => {
        statuses.set(statusCode, (statuses.get(statusCode) ?? 0) + 1);
        awaiting = false;
        answered?.();
      });
      // autocannon's own destroy() cuts a connection with a request in flight; wait for its answer.
      client.destroy = function gracefulDestroy(this: AutocannonClient) {
        if (this.destroyed) return;
        this.destroyed = true;
        this.timeoutTicker.clear();
        this.emit("done");
        if (!awaiting || this.pipelinedRequests.size() === 0) return this._destroyConnection();
        drains.push(
          new Promise<void>((resolve) => {
            const timer = setTimeout(finish, 10_000);
            function finish() {
              clearTimeout(timer);
              answered = undefined;
              resolve();
            }
            answered = finish;
          }).then(() => this._destroyConnection()),
        );
      };
    },
  });
  instance.on("response", (_client, _status, _bytes, responseTime) => void latencies.push(responseTime));
  const result = await instance;
  await Promise.all(drains);
  const cpu = pid ? cpuSeconds(pid) - cpuBefore : NaN;
  latencies.sort((a, b) => a - b);
  const answered = [...statuses.values()].reduce((a, b) => a + b, 0);
  return {
    rps: result.requests.average,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    errors: result.errors,
    timeouts: result.timeouts,
    sent,
    answered,
    statuses,
    cpuMs: (cpu * 1000) / Math.max(1, answered),
  };
}
