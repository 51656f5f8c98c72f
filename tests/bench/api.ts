/**
 * `npm run bench:api`: the REST API under load through the production server (`npm start`, built
 * first if the sources changed). autocannon 9 drives each case with 10 connections for 10 s, after
 * a 2 s warm-up:
 *
 * - `POST /api/v1/links`: a direct link to a real object on the local Swift s3api server (a JSON
 *   body, HeadObject + presign + one INSERT per request). Every answer is tallied (the answers to
 *   requests in flight when the 10 s end are awaited), and the share_links rows the run created
 *   must equal the 201s counted.
 * - `GET /api/v1/links`: the first page of a history of a few thousand links.
 *
 * The bearer token is made in the database with a rate limit far above what the run can reach, so
 * the figures are the server's, not the limiter's (every request still runs the one UPDATE that
 * authenticates and counts it).
 *
 *   npm run bench:api      (DURATION=… WARM_UP=… CONNECTIONS=… HISTORY=… to change it)
 * Uses the test services of `npm test` when BUCKETSHARE_TEST_SERVICES is set, else starts its own.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { CreateBucketCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import pg from "pg";
import { s3ClientFor } from "@/lib/dev/s3";
import { startApp } from "../support/app-server";
import { allowServerOnlyImports } from "../support/server-only-hook";
import { createTestDatabase, servicesFromEnvironment, startServices, type TestServices } from "../support/services";

const DURATION = Number(process.env.DURATION ?? 10);
const WARM_UP = Number(process.env.WARM_UP ?? 2);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 10);
const HISTORY = Number(process.env.HISTORY ?? 3_000);
const note = (line: string) => process.stderr.write(`bench: ${line}\n`);

// --- autocannon 9 (CommonJS, no bundled types): the part used here ---------------------------
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
type AutocannonOptions = {
  url: string;
  method?: "GET" | "POST";
  body?: string;
  headers?: Record<string, string>;
  connections: number;
  duration: number;
  timeout?: number;
  setupClient?: (client: AutocannonClient) => void;
};
const autocannon = createRequire(import.meta.url)("autocannon") as (options: AutocannonOptions) => AutocannonInstance;

/** CPU seconds (user + system) used so far by a process and its descendants (Linux /proc), as bench:redirect counts them. */
function cpuSeconds(root: number): number {
  const children = new Map<number, number[]>();
  const used = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const fields = readFileSync(`/proc/${entry}/stat`, "utf8").split(") ")[1]!.split(" ");
      children.set(Number(fields[1]), [...(children.get(Number(fields[1])) ?? []), Number(entry)]);
      used.set(Number(entry), (Number(fields[11]) + Number(fields[12])) / 100);
    } catch {
      // the process ended meanwhile
    }
  }
  const walk = (pid: number): number => (used.get(pid) ?? 0) + (children.get(pid) ?? []).reduce((sum, child) => sum + walk(child), 0);
  return walk(root);
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;

type Request = { url: string; method: "GET" | "POST"; body?: string; headers: Record<string, string> };

/**
 * One autocannon run. Status codes are tallied from each response's headers; when the run ends,
 * a connection with a request in flight waits (at most 10 s) for its answer before closing, so the
 * tally holds every answer the server sent (and every link it created).
 */
async function drive(request: Request, duration: number, pid: number) {
  const cpuBefore = cpuSeconds(pid);
  const statuses = new Map<number, number>();
  let sent = 0;
  const drains: Promise<void>[] = [];
  const latencies: number[] = [];
  const instance = autocannon({
    ...request,
    connections: CONNECTIONS,
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
  const cpu = cpuSeconds(pid) - cpuBefore;
  latencies.sort((a, b) => a - b);
  const answered = [...statuses.values()].reduce((a, b) => a + b, 0);
  const ok = [...statuses].filter(([status]) => status >= 200 && status < 300).reduce((a, [, n]) => a + n, 0);
  return {
    rps: result.requests.average,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    errors: result.errors,
    timeouts: result.timeouts,
    sent,
    answered,
    statuses,
    non2xx: answered - ok,
    /** CPU milliseconds the server (Next and its children) used per answer. */
    cpuMs: (cpu * 1000) / Math.max(1, answered),
  };
}

async function main() {
  const tmp = mkdtempSync(join(tmpdir(), "bucketshare-bench-api-"));
  let services: TestServices | undefined = servicesFromEnvironment();
  let stopServices: (() => Promise<void>) | undefined;
  let app: Awaited<ReturnType<typeof startApp>> | undefined;
  try {
    if (!services) {
      note("starting PostgreSQL and the S3 servers…");
      const started = await startServices();
      services = started.services;
      stopServices = started.stop;
    }
    const databaseUrl = await createTestDatabase(services, "bench_api");
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
    const { generateApiToken, hashApiToken, shownPrefix, API_SCOPES } = await import("@/lib/api/tokens");

    // The owner, a connection to the Swift server, one object, and a token with every scope.
    const owner = await db.user.create({ data: { name: "Bench Owner", email: "bench@example.com", passwordHash: "not-a-real-hash" }, select: { id: true, name: true, email: true } });
    const storage = services.storages.find((s) => s.name === "swift")!;
    const connectionId = newRecordId();
    await db.storageConnection.create({
      data: {
        id: connectionId,
        ownerId: owner.id,
        name: "Bench Swift",
        provider: "custom",
        endpoint: storage.endpoint,
        region: storage.region,
        forcePathStyle: true,
        accessKeyId: storage.accessKeyId,
        secretAccessKeyEnc: seal("secretAccessKey", connectionId, storage.secretAccessKey, getRuntimeSecrets().encryptionKey),
      },
    });
    const s3 = s3ClientFor(storage);
    const bucket = `bench-api-${randomBytes(3).toString("hex")}`;
    const key = "reports/quarterly report.pdf";
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: randomBytes(64 * 1024), ContentType: "application/pdf" }));
    s3.destroy();
    const token = generateApiToken();
    await db.apiToken.create({
      data: { ownerId: owner.id, name: "bench:api", tokenHash: hashApiToken(token), prefix: shownPrefix(token), scopes: [...API_SCOPES], rateLimit: 100_000_000 },
    });

    // A history of a few thousand direct links, issued the way Quick Share issues them.
    const seeded = performance.now();
    const input = createShareSchema.parse({ connectionId, bucket, key, linkType: "direct", expiryMode: "preset", preset: "1d", disposition: "attachment" });
    for (let done = 0; done < HISTORY; ) {
      const batch = Math.min(50, HISTORY - done);
      await Promise.all(Array.from({ length: batch }, () => issueShareLink(owner, input)));
      done += batch;
    }
    note(`${HISTORY.toLocaleString("en-US")} links issued for the history in ${((performance.now() - seeded) / 1000).toFixed(1)} s`);

    note("starting the production app (npm start; builds first if the sources changed)…");
    app = await startApp({
      DATABASE_URL: databaseUrl,
      AUTH_SECRET: services.authSecret,
      ENCRYPTION_KEY: services.encryptionKey,
      DATA_DIR: join(tmp, "data"),
      LOG_LEVEL: "warn",
    });

    const check = new pg.Client({ connectionString: databaseUrl });
    await check.connect();
    const linkRows = async () => Number((await check.query<{ n: string }>("SELECT count(*) AS n FROM share_links WHERE owner_id = $1", [owner.id])).rows[0]!.n);

    const auth = { authorization: `Bearer ${token}`, "user-agent": "autocannon (bench:api)" };
    const cases: { label: string; request: Request; creates: boolean }[] = [
      {
        label: "`POST /links` (direct, JSON body)",
        request: {
          url: `${app.url}/api/v1/links`,
          method: "POST",
          headers: { ...auth, "content-type": "application/json" },
          body: JSON.stringify(directLinkBody(connectionId, bucket, key)),
        },
        creates: true,
      },
      { label: "`GET /links` (first page)", request: { url: `${app.url}/api/v1/links`, method: "GET", headers: auth }, creates: false },
    ];

    // Each request must work before it is measured (a 4xx at full speed measures nothing).
    for (const { label, request } of cases) {
      const response = await fetch(request.url, { method: request.method, headers: request.headers, body: request.body });
      if (!response.ok) throw new Error(`${label}: ${response.status} ${await response.text()}`);
    }

    const rows: string[] = [];
    const verdicts: string[] = [];
    let failed = false;
    for (const { label, request, creates } of cases) {
      await drive(request, WARM_UP, app.process.pid!);
      const before = await linkRows();
      const load = loadavg()[0]!.toFixed(2);
      note(`${label}: ${CONNECTIONS} connections for ${DURATION} s (load ${load})…`);
      const run = await drive(request, DURATION, app.process.pid!);
      const created = (await linkRows()) - before;
      const ok201 = run.statuses.get(201) ?? 0;
      const fmt = (n: number, digits = 1) => n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
      const statuses = [...run.statuses].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}: ${n.toLocaleString("en-US")}`).join(", ");
      rows.push(
        `| ${label} | ${fmt(run.rps, 0)} | ${fmt(run.p50)} | ${fmt(run.p99)} | ${run.errors} | ${run.timeouts} | ${run.sent - run.answered} | ${run.non2xx} | ${statuses} | ` +
          `${creates ? `${created.toLocaleString("en-US")}${created === ok201 ? "" : " ✘"}` : `${created}`} | ${fmt(run.cpuMs, 2)} | ${load} |`,
      );
      if (creates) {
        verdicts.push(`- ${label}: share_links rows created ${created === ok201 ? "equal" : "✘ DIFFER from"} the 201s counted (${created.toLocaleString("en-US")} rows, ${ok201.toLocaleString("en-US")} × 201).`);
        failed ||= created !== ok201;
      }
      if (run.errors + run.timeouts + run.non2xx + (run.sent - run.answered) > 0) {
        verdicts.push(`- ${label}: ✘ errors, timeouts, unanswered or non-2xx answers (see the table).`);
        failed = true;
      }
    }
    await check.end();
    const header = [
      `Bucketshare API through \`npm start\`, ${CONNECTIONS} connections × ${DURATION} s (autocannon 9), after a ${WARM_UP} s warm-up; ` +
        `${HISTORY.toLocaleString("en-US")} links in the history before the runs; ${new Date().toISOString()}`,
      "",
      "| request | requests/s | p50 ms | p99 ms | errors | timeouts | unanswered | non-2xx | statuses | share_links rows created | server CPU ms / request | load (1 min) |",
      "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: |",
    ];
    process.stdout.write(`\n${[...header, ...rows, "", ...verdicts].join("\n")}\n`);
    await db.$disconnect();
    if (failed) process.exitCode = 1;
  } finally {
    await app?.stop();
    await stopServices?.();
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** The JSON body of `POST /links` for a direct link of one day, downloaded as an attachment. */
function directLinkBody(connectionId: string, bucket: string, key: string): Record<string, unknown> {
  return { connectionId, bucket, key, type: "direct", expiresIn: 24 * 3600, disposition: "attachment" };
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (error: unknown) => {
    process.stderr.write(`bench:api failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
