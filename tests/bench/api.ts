/**
 * `npm run bench:api`: the REST API under load through the production server (`npm start`, built
 * first if the sources changed), next to a bare `node:http` + `pg` server on the same machine doing
 * the same work (tests/bench/api-bare-server.ts: the token check, the same query and the same JSON).
 * autocannon 9 drives each case on each server with 10 connections for 10 s, after a 2 s warm-up:
 *
 * - `POST /api/v1/links`: a direct link to a real object on the local Swift s3api server (a JSON
 *   body, HeadObject + presign + one INSERT per request). Every answer is tallied (the answers to
 *   requests in flight when the 10 s end are awaited), and the share_links rows the run created
 *   must equal the 201s counted.
 * - `GET /api/v1/links`: the first page (50) of a history of a few thousand links.
 *
 * Targets (issue 19): the app's CPU per request within 2× the bare server's, `GET /links` at most
 * 2 ms and `POST /links` at most 4 ms plus one HeadObject's CPU (measured here with the AWS SDK in
 * this process). The ratios are printed; a missed target exits 1 (not in quick mode).
 *
 * The bearer token is made in the database with a rate limit far above what the run can reach, so
 * the figures are the server's, not the limiter's (every request still runs the one UPDATE that
 * authenticates and counts it).
 *
 *   npm run bench:api      (DURATION=… WARM_UP=… CONNECTIONS=… HISTORY=… to change it; BENCH_QUICK=1: 1 s per case;
 *                           BENCH_APP_NODE_OPTIONS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the app server)
 * Uses the test services of `npm test` when BUCKETSHARE_TEST_SERVICES is set, else starts its own.
 */
import { soleOwner } from "@/lib/auth/permissions";
import { randomBytes } from "node:crypto";
import { loadavg } from "node:os";
import { CreateBucketCommand, HeadObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import pg from "pg";
import { s3ClientFor } from "@/lib/dev/s3";
import { insertStorageConnection } from "../support/connection-row";
import { drive, note, openBench, type LoadRequest, type LoadRun } from "./harness";
import { failsTarget, QUICK, setting } from "./quick";

const DURATION = setting("DURATION", 10, 1);
const WARM_UP = setting("WARM_UP", 2, 0);
const CONNECTIONS = setting("CONNECTIONS", 10, 2);
const HISTORY = setting("HISTORY", 3_000, 100);

async function main() {
  const bench = await openBench("api");
  try {
    const { services, databaseUrl } = bench;
    const { db } = await import("@/lib/db/client");
    const { issueShareLink } = await import("@/lib/links/issue");
    const { createShareSchema, toShareLinkRequest } = await import("@/lib/validation/share");
    const { generateApiToken, hashApiToken, shownPrefix, API_SCOPES } = await import("@/lib/api/tokens");

    // The owner, a connection to the Swift server, one object, and a token with every scope.
    const ownerRow = await db.user.create({
      data: { name: "Bench Owner", email: "bench@example.com", passwordHash: "not-a-real-hash" },
      select: { id: true, name: true, email: true },
    });
    const owner = { ...soleOwner(ownerRow.id), name: ownerRow.name, email: ownerRow.email };
    const storage = services.storages.find((s) => s.name === "swift")!;
    const connectionId = await insertStorageConnection(owner.id, storage, { name: "Bench Swift" });
    const s3 = s3ClientFor(storage);
    const bucket = `bench-api-${randomBytes(3).toString("hex")}`;
    const key = "reports/quarterly report.pdf";
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: randomBytes(64 * 1024), ContentType: "application/pdf" }));
    s3.destroy();
    const token = generateApiToken();
    await db.apiToken.create({
      data: {
        ownerId: owner.id,
        name: "bench:api",
        tokenHash: hashApiToken(token),
        prefix: shownPrefix(token),
        scopes: [...API_SCOPES],
        rateLimit: 100_000_000,
      },
    });

    // A history of a few thousand direct links, issued the way Quick Share issues them.
    const seeded = performance.now();
    const input = toShareLinkRequest(
      createShareSchema.parse({ connectionId, bucket, key, linkType: "direct", expiryMode: "preset", preset: "1d", disposition: "attachment" }),
    );
    for (let done = 0; done < HISTORY; ) {
      const batch = Math.min(50, HISTORY - done);
      await Promise.all(Array.from({ length: batch }, () => issueShareLink(owner, input)));
      done += batch;
    }
    note(`${HISTORY.toLocaleString("en-US")} links issued for the history in ${((performance.now() - seeded) / 1000).toFixed(1)} s`);

    const app = await bench.startApp({
      // The link health checker would HEAD the history's links in the background (5 a second by default):
      // CPU of the app's process the bare server does not spend, counted per API request. Nearly paused here.
      HEALTH_CHECK_RATE: "0.05",
      // e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the server (written when it stops).
      ...(process.env.BENCH_APP_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_APP_NODE_OPTIONS } : {}),
    });
    const bareConfig = {
      databaseUrl,
      encryptionKey: services.encryptionKey,
      connections: {
        [connectionId]: { endpoint: storage.endpoint, region: storage.region, accessKeyId: storage.accessKeyId, secretAccessKey: storage.secretAccessKey },
      },
    };
    const bare = await bench.spawnServer("tests/bench/api-bare-server.ts", { BARE_CONFIG: JSON.stringify(bareConfig) });
    const servers: { name: Server; base: string; pid: number }[] = [
      { name: "app", base: app.url, pid: app.process.pid! },
      { name: "bare", base: `http://127.0.0.1:${bare.port}`, pid: bare.child.pid! },
    ];
    const headMs = await headObjectCpuMs(storage, bucket, key);
    note(`one HeadObject with the AWS SDK: ${headMs.toFixed(2)} ms of CPU (in this process)`);

    const check = new pg.Client({ connectionString: databaseUrl });
    await check.connect();
    const linkRows = async () => Number((await check.query<{ n: string }>("SELECT count(*) AS n FROM share_links WHERE owner_id = $1", [owner.id])).rows[0]!.n);

    const auth = { authorization: `Bearer ${token}`, "user-agent": "autocannon (bench:api)" };
    const cases: { label: string; path: string; request: Omit<LoadRequest, "url">; creates: boolean; targetMs: number; target: string }[] = [
      {
        label: "`POST /links` (direct, JSON body)",
        path: "/api/v1/links",
        request: { method: "POST", headers: { ...auth, "content-type": "application/json" }, body: JSON.stringify(directLinkBody(connectionId, bucket, key)) },
        creates: true,
        targetMs: 4 + headMs,
        target: `4 ms + one HeadObject (${headMs.toFixed(2)} ms)`,
      },
      { label: "`GET /links` (first page)", path: "/api/v1/links", request: { method: "GET", headers: auth }, creates: false, targetMs: 2, target: "2 ms" },
    ];

    // Each request must work on each server before it is measured (a 4xx at full speed measures nothing).
    for (const { label, path, request } of cases) {
      for (const server of servers) {
        const response = await fetch(`${server.base}${path}`, { method: request.method, headers: request.headers, body: request.body });
        if (!response.ok) throw new Error(`${label} on ${server.name}: ${response.status} ${await response.text()}`);
      }
    }

    const rows: string[] = [];
    const verdicts: string[] = [];
    let failed = false;
    const fmt = (n: number, digits = 1) => n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
    for (const { label, path, request, creates, targetMs, target } of cases) {
      const runs = new Map<Server, LoadRun>();
      for (const server of servers) {
        const load = { ...request, url: `${server.base}${path}` };
        if (WARM_UP > 0) await drive(load, { connections: CONNECTIONS, duration: WARM_UP, pid: server.pid });
        const before = await linkRows();
        const loadAvg = loadavg()[0]!.toFixed(2);
        note(`${label} / ${server.name}: ${CONNECTIONS} connections for ${DURATION} s (load ${loadAvg})…`);
        const run = await drive(load, { connections: CONNECTIONS, duration: DURATION, pid: server.pid });
        runs.set(server.name, run);
        const created = (await linkRows()) - before;
        const ok201 = run.statuses.get(201) ?? 0;
        const non2xx = run.answered - [...run.statuses].filter(([status]) => status >= 200 && status < 300).reduce((a, [, n]) => a + n, 0);
        const statuses = [...run.statuses]
          .sort((a, b) => a[0] - b[0])
          .map(([s, n]) => `${s}: ${n.toLocaleString("en-US")}`)
          .join(", ");
        rows.push(
          `| ${label} | ${SERVER_NAMES[server.name]} | ${fmt(run.rps, 0)} | ${fmt(run.p50)} | ${fmt(run.p99)} | ${run.errors} | ${run.timeouts} | ${run.sent - run.answered} | ${non2xx} | ${statuses} | ` +
            `${creates ? `${created.toLocaleString("en-US")}${created === ok201 ? "" : " ✘"}` : `${created}`} | ${fmt(run.cpuMs, 2)} | ${loadAvg} |`,
        );
        if (creates) {
          if (created !== ok201) {
            verdicts.push(`- ${label} on ${server.name}: ✘ share_links rows created (${created}) DIFFER from the 201s counted (${ok201}).`);
            failed = true;
          }
        }
        if (run.errors + run.timeouts + non2xx + (run.sent - run.answered) > 0) {
          verdicts.push(`- ${label} on ${server.name}: ✘ errors, timeouts, unanswered or non-2xx answers (see the table).`);
          failed = true;
        }
      }
      const [a, b] = [runs.get("app")!, runs.get("bare")!];
      const cpuRatio = a.cpuMs / b.cpuMs;
      const met = cpuRatio <= 2 && a.cpuMs <= targetMs;
      verdicts.push(
        `- ${label}: app ${fmt(a.cpuMs, 2)} ms CPU per request, bare ${fmt(b.cpuMs, 2)} ms: **${fmt(cpuRatio, 2)}×** the CPU (target ≤ 2×), ` +
          `${fmt(a.cpuMs, 2)} ms (target ≤ ${target}); throughput ${fmt((a.rps / b.rps) * 100, 0)} % of bare: ${met ? "✔ targets met" : "✘ target missed"}`,
      );
      if (failsTarget(!met)) failed = true;
    }
    await check.end();
    const header = [
      `Bucketshare API through \`npm start\` and a bare node:http + pg server doing the same work, ${CONNECTIONS} connections × ${DURATION} s (autocannon 9), ` +
        `after a ${WARM_UP} s warm-up each; ${HISTORY.toLocaleString("en-US")} links in the history before the runs; ${new Date().toISOString()}`,
      "",
      "| request | server | requests/s | p50 ms | p99 ms | errors | timeouts | unanswered | non-2xx | statuses | share_links rows created | server CPU ms / request | load (1 min) |",
      "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: |",
    ];
    process.stdout.write(`\n${[...header, ...rows, "", ...verdicts].join("\n")}\n`);
    await db.$disconnect();
    if (failed) process.exitCode = 1;
  } finally {
    await bench.close();
  }
}

type Server = "app" | "bare";
const SERVER_NAMES: Record<Server, string> = { app: "Bucketshare (`npm start`)", bare: "bare node:http + pg" };

/** CPU milliseconds of one HeadObject with a reused AWS SDK client, in this process (the allowance of `POST /links`). */
async function headObjectCpuMs(
  storage: { endpoint: string; region: string; accessKeyId: string; secretAccessKey: string },
  bucket: string,
  key: string,
): Promise<number> {
  const s3 = s3ClientFor(storage as Parameters<typeof s3ClientFor>[0]);
  const head = () => s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  for (let i = 0; i < 20; i++) await head();
  const n = QUICK ? 50 : 300;
  const before = process.cpuUsage();
  for (let i = 0; i < n; i++) await head();
  const used = process.cpuUsage(before);
  s3.destroy();
  return (used.user + used.system) / 1000 / n;
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
