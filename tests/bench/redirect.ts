/**
 * `npm run bench:redirect`: how fast GET /s/<token>/download answers on the production server,
 * next to a bare `node:http` server on the same machine doing the same work
 * (tests/bench/redirect-bare-server.ts: one indexed PostgreSQL look-up, the conditional UPDATE, a
 * presign with a reused presigner, a 302). autocannon 9 drives each with 50 connections for 10 s
 * (redirects not followed), after a 2 s warm-up on a link of its own.
 *
 * Cases: "Always the latest version" (no storage call), and pinned links (a HeadObject per
 * download: by ETag on Swift's s3api, by version id on Ceph RGW with versioning). Every measured
 * run has a link of its own (no limit), issued through lib/links/issue.ts, so that its
 * download_count must equal the 302s that server sent: the load generator's connections are closed
 * gracefully (the answers to requests in flight when the 10 s end are still read and tallied).
 *
 *   npm run bench:redirect       (DURATION=… CONNECTIONS=… CASES=latest,swift,ceph to change it;
 *                                 FLOORS=1 adds the app's floor: a Next route alone, and with one query;
 *                                 HANDLER=1 adds the app's own route served without Next)
 * Uses the test services of `npm test` when BUCKETSHARE_TEST_SERVICES is set, else starts its own.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { CreateBucketCommand, PutBucketVersioningCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import pg from "pg";
import { s3ClientFor } from "@/lib/dev/s3";
import { startApp } from "../support/app-server";
import { allowServerOnlyImports } from "../support/server-only-hook";
import { createTestDatabase, servicesFromEnvironment, startServices, type TestServices, type TestStorage } from "../support/services";

const DURATION = Number(process.env.DURATION ?? 10);
const WARM_UP = Number(process.env.WARM_UP ?? 2);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 50);
const CASES = (process.env.CASES ?? "latest,swift,ceph").split(",");
const HANDLER = process.env.HANDLER === "1";
type Server = "app" | "bare" | "handler";
const SERVERS: Server[] = HANDLER ? ["app", "handler", "bare"] : ["app", "bare"];
const note = (line: string) => process.stderr.write(`bench: ${line}\n`);

// --- autocannon 9 (CommonJS, no bundled types): the part used here ---------------------------
type HttpParserHeaders = { statusCode: number };
type AutocannonClient = {
  destroyed: boolean;
  destroy(): void;
  on(event: "headers", listener: (headers: HttpParserHeaders) => void): void;
  on(event: "request", listener: () => void): void;
  pipelinedRequests: { size(): number };
  timeoutTicker: { clear(): void };
  emit(event: "done"): void;
  _destroyConnection(): void;
};
type AutocannonResult = {
  duration: number;
  errors: number;
  timeouts: number;
  statusCodeStats: Record<string, { count: number }>;
  requests: { average: number; total: number; sent: number };
  latency: { p50: number; p99: number };
};
type AutocannonInstance = Promise<AutocannonResult> & {
  on(event: "response", listener: (client: unknown, statusCode: number, bytes: number, responseTime: number) => void): void;
};
type AutocannonOptions = {
  url: string;
  connections: number;
  duration: number;
  timeout?: number;
  headers?: Record<string, string>;
  setupClient?: (client: AutocannonClient) => void;
};
const autocannon = createRequire(import.meta.url)("autocannon") as (options: AutocannonOptions) => AutocannonInstance;

type Run = {
  server: Server;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  unanswered: number;
  sent: number;
  answered: number;
  redirects: number;
  other: number;
  counted: number;
  cpuMs: number;
  load: string;
};

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
  let total = 0;
  const walk = (pid: number) => {
    total += used.get(pid) ?? 0;
    for (const child of children.get(pid) ?? []) walk(child);
  };
  walk(root);
  return total;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;

/**
 * One autocannon run against `url`. Status codes are tallied from every response's headers, and
 * when autocannon ends the run its connections wait (at most 10 s) for the answer in flight
 * before closing, so the tally holds every answer the server sent.
 */
async function drive(url: string, duration: number, pid?: number) {
  const cpuBefore = pid ? cpuSeconds(pid) : 0;
  const statuses = new Map<number, number>();
  let sent = 0;
  const drains: Promise<void>[] = [];
  const latencies: number[] = [];
  const instance = autocannon({
    url,
    connections: CONNECTIONS,
    duration,
    timeout: 10,
    headers: { "user-agent": "autocannon (bench:redirect)" },
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
      // autocannon's own destroy() cuts the connection with a request in flight; wait for its answer.
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
    result,
    sent,
    answered,
    redirects: statuses.get(302) ?? 0,
    other: answered - (statuses.get(302) ?? 0),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    /** CPU milliseconds the server used per answer. */
    cpuMs: (cpu * 1000) / Math.max(1, [...statuses.values()].reduce((a, b) => a + b, 0)),
  };
}

async function main() {
  const tmp = mkdtempSync(join(tmpdir(), "bucketshare-bench-redirect-"));
  let services: TestServices | undefined = servicesFromEnvironment();
  let stopServices: (() => Promise<void>) | undefined;
  let app: Awaited<ReturnType<typeof startApp>> | undefined;
  const helpers: ChildProcess[] = [];
  try {
    if (!services) {
      note("starting PostgreSQL, Swift and Ceph…");
      const started = await startServices();
      services = started.services;
      stopServices = started.stop;
    }
    const databaseUrl = await createTestDatabase(services, "bench_redirect");
    process.env.DATABASE_URL = databaseUrl;
    process.env.AUTH_SECRET = services.authSecret;
    process.env.ENCRYPTION_KEY = services.encryptionKey;
    process.env.LOG_LEVEL = "error";
    allowServerOnlyImports();
    const { db } = await import("@/lib/db");
    const { newRecordId } = await import("@/lib/crypto");
    const { seal } = await import("@/lib/storage/sealed");
    const { getRuntimeSecrets } = await import("@/lib/env");
    const { issueShareLink } = await import("@/lib/links/issue");
    const { createShareSchema } = await import("@/lib/validation/share");

    // The owner, one connection per S3 server, one object in each (a versioned bucket on Ceph).
    const owner = await db.user.create({ data: { name: "Bench Owner", email: "bench@example.com", passwordHash: "not-a-real-hash" }, select: { id: true, name: true, email: true } });
    const storages = new Map<string, { storage: TestStorage; connectionId: string; bucket: string; key: string }>();
    for (const storage of services.storages) {
      const id = newRecordId();
      await db.storageConnection.create({
        data: {
          id,
          ownerId: owner.id,
          name: `Bench ${storage.name}`,
          provider: "custom",
          endpoint: storage.endpoint,
          region: storage.region,
          forcePathStyle: true,
          accessKeyId: storage.accessKeyId,
          secretAccessKeyEnc: seal("secretAccessKey", id, storage.secretAccessKey, getRuntimeSecrets().encryptionKey),
        },
      });
      const s3 = s3ClientFor(storage);
      const bucket = `bench-redirect-${randomBytes(3).toString("hex")}`;
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      if (storage.versioning) await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: "Enabled" } }));
      const key = "reports/quarterly report.pdf";
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: randomBytes(64 * 1024), ContentType: "application/pdf" }));
      s3.destroy();
      storages.set(storage.name, { storage, connectionId: id, bucket, key });
    }

    /** A managed link with no limit, issued the way Quick Share issues it. */
    const issue = async (storageName: string, alwaysLatest: boolean) => {
      const target = storages.get(storageName)!;
      const input = createShareSchema.parse({
        connectionId: target.connectionId,
        bucket: target.bucket,
        key: target.key,
        linkType: "managed",
        expiryMode: "preset",
        preset: "7d",
        disposition: "attachment",
        downloadLimit: "",
        alwaysLatest: alwaysLatest ? "on" : undefined,
      });
      const link = await issueShareLink(owner, input);
      return { id: link.id, token: link.url.split("/s/")[1]! };
    };

    note("starting the production app (npm start; builds first if the sources changed)…");
    app = await startApp({
      DATABASE_URL: databaseUrl,
      AUTH_SECRET: services.authSecret,
      ENCRYPTION_KEY: services.encryptionKey,
      DATA_DIR: join(tmp, "data"),
      LOG_LEVEL: "warn",
      // e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the server (written when it stops).
      ...(process.env.BENCH_APP_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_APP_NODE_OPTIONS } : {}),
    });
    const bareConfig = {
      databaseUrl,
      connections: Object.fromEntries([...storages.values()].map((s) => [s.connectionId, { endpoint: s.storage.endpoint, region: s.storage.region, accessKeyId: s.storage.accessKeyId, secretAccessKey: s.storage.secretAccessKey }])),
    };
    const spawnServer = async (script: string, env: Record<string, string>): Promise<{ child: ChildProcess; port: number }> => {
      const child = spawn(process.execPath, ["--import", "tsx", script], { env: { ...process.env, ...env, NODE_ENV: "production" }, stdio: ["ignore", "pipe", "inherit"] });
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
    };
    const bare = await spawnServer("tests/bench/redirect-bare-server.ts", { BARE_CONFIG: JSON.stringify(bareConfig) });
    const handler = HANDLER ? await spawnServer("tests/bench/redirect-handler-server.ts", { LOG_LEVEL: "warn" }) : undefined;
    const bases: Record<Server, string> = { app: app.url, bare: `http://127.0.0.1:${bare.port}`, handler: `http://127.0.0.1:${handler?.port}` };
    const pids: Record<Server, number> = { app: app.process.pid!, bare: bare.child.pid!, handler: handler?.child.pid ?? 0 };

    const check = new pg.Client({ connectionString: databaseUrl });
    await check.connect();
    const countOf = async (id: string) => (await check.query<{ download_count: number }>("SELECT download_count FROM share_links WHERE id = $1", [id])).rows[0]!.download_count;

    const labels: Record<string, [string, string, boolean]> = {
      latest: ["swift", "Always the latest version (no storage call)", true],
      swift: ["swift", "pinned by ETag (HeadObject on Swift s3api)", false],
      ceph: ["ceph", "pinned by version id (HeadObject on Ceph RGW)", false],
    };
    const results: { label: string; runs: Run[] }[] = [];
    for (const name of CASES) {
      const [storageName, label, alwaysLatest] = labels[name] ?? (() => { throw new Error(`unknown case ${name}`); })();
      if (!storages.has(storageName)) throw new Error(`no ${storageName} server in the test services`);
      const runs: Run[] = [];
      for (const server of SERVERS) {
        const warm = await issue(storageName, alwaysLatest);
        await drive(`${bases[server]}/s/${warm.token}/download`, WARM_UP, pids[server]);
        const link = await issue(storageName, alwaysLatest);
        const load = loadavg()[0]!.toFixed(2);
        note(`${name} / ${server}: ${CONNECTIONS} connections for ${DURATION} s (load ${load})…`);
        const run = await drive(`${bases[server]}/s/${link.token}/download`, DURATION, pids[server]);
        runs.push({
          server,
          rps: run.result.requests.average,
          p50: run.p50,
          p99: run.p99,
          errors: run.result.errors,
          unanswered: run.sent - run.answered,
          sent: run.sent,
          answered: run.answered,
          redirects: run.redirects,
          other: run.other,
          counted: await countOf(link.id),
          cpuMs: run.cpuMs,
          load,
        });
      }
      results.push({ label, runs });
    }
    // Where the app's time goes: the same server answering with Next alone (a malformed token: a
    // 404 page, no database) and with one Prisma query (/api/health: SELECT 1).
    const floors: string[] = [];
    if (process.env.FLOORS === "1") {
      for (const [label, path] of [
        ["Next route alone (malformed token → 404 page, no database)", "/s/not-a-token/download"],
        ["Next route + one Prisma query (/api/health)", "/api/health"],
      ] as const) {
        await drive(`${bases.app}${path}`, WARM_UP, pids.app);
        const load = loadavg()[0]!.toFixed(2);
        note(`floor ${path}: ${CONNECTIONS} connections for ${DURATION} s (load ${load})…`);
        const run = await drive(`${bases.app}${path}`, DURATION, pids.app);
        floors.push(`| ${label} | ${Math.round(run.result.requests.average)} | ${run.p50.toFixed(1)} | ${run.p99.toFixed(1)} | ${run.cpuMs.toFixed(2)} | ${load} |`);
      }
    }
    await check.end();
    const bareStats = (await (await fetch(`${bases.bare}/stats`)).json()) as { redirects: number; errors: number };

    const fmt = (n: number, digits = 1) => n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
    const lines = [
      `GET /s/<token>/download, ${CONNECTIONS} connections × ${DURATION} s (autocannon 9, redirects not followed), after a ${WARM_UP} s warm-up; ${new Date().toISOString()}`,
      "",
      "| link | server | requests/s | p50 ms | p99 ms | errors | unanswered | non-302 | 302s sent | download_count | server CPU ms / request | load (1 min) |",
      "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ];
    const verdicts: string[] = [];
    for (const { label, runs } of results) {
      for (const r of runs) {
        const name = { app: "Bucketshare (`npm start`)", handler: "Bucketshare's route on node:http (no Next)", bare: "bare node:http" }[r.server];
        lines.push(`| ${label} | ${name} | ${fmt(r.rps, 0)} | ${fmt(r.p50)} | ${fmt(r.p99)} | ${r.errors} | ${r.unanswered} | ${r.other} | ${r.redirects} | ${r.counted}${r.counted === r.redirects ? "" : " ✘"} | ${fmt(r.cpuMs, 2)} | ${r.load} |`);
      }
      const [a, b] = [runs.find((r) => r.server === "app")!, runs.find((r) => r.server === "bare")!];
      const ratio = a.rps / b.rps;
      const ok = ratio >= 0.5 && a.p99 < 50 && a.errors === 0 && a.unanswered === 0 && a.other === 0 && runs.every((r) => r.counted === r.redirects);
      verdicts.push(
        `- ${label}: app/bare throughput ${fmt(ratio * 100, 0)} % (target ≥ 50 %), app p99 ${fmt(a.p99)} ms (target < 50 ms), ` +
          `app errors ${a.errors}, non-302 ${a.other}, counts ${runs.every((r) => r.counted === r.redirects) ? "equal to the 302s" : "DIFFER from the 302s"}: ${ok ? "✔ targets met" : "✘ target missed"}` +
          (runs.some((r) => r.server === "handler") ? `; the same route without Next: ${fmt((runs.find((r) => r.server === "handler")!.rps / b.rps) * 100, 0)} % of bare` : ""),
      );
    }
    lines.push("", ...verdicts, "", `(bare server's own tally: ${bareStats.redirects} redirects, ${bareStats.errors} errors, warm-ups included)`);
    if (floors.length > 0) {
      lines.push("", "| Bucketshare, other routes | requests/s | p50 ms | p99 ms | server CPU ms / request | load (1 min) |", "| --- | ---: | ---: | ---: | ---: | ---: |", ...floors);
    }
    process.stdout.write(`\n${lines.join("\n")}\n`);
    await db.$disconnect();
  } finally {
    for (const child of helpers) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      child.kill("SIGTERM");
      await new Promise((resolve) => child.once("exit", resolve));
    }
    await app?.stop();
    await stopServices?.();
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench:redirect failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
