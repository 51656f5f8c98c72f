/**
 * `npm run bench:redirect`: how fast GET /s/<token>/download answers on the production server,
 * next to a bare `node:http` server on the same machine doing the same work
 * (tests/bench/redirect-bare-server.ts: one indexed PostgreSQL look-up, the conditional UPDATE, a
 * presign with a reused presigner, a 302). autocannon 9 drives each with 50 connections for 10 s
 * (redirects not followed), after a 2 s warm-up on a link of its own.
 *
 * Cases: "Always the latest version" (no storage call), and pinned links (a HeadObject per
 * download: by ETag on Swift's s3api, by version id on Ceph RGW with versioning; app and bare both send it as a
 * HEAD of a presigned URL over node:http). Every measured
 * run has a link of its own (no limit), issued through lib/links/issue.ts, so that its
 * download_count must equal the 302s that server sent: the load generator's connections are closed
 * gracefully (the answers to requests in flight when the 10 s end are still read and tallied).
 * Targets (issue 19), each app against bare in the same run: throughput ≥ 75 %, CPU per download ≤ 1.5×, p99 ≤ 1.5×;
 * the run exits non-zero when one is missed (quick mode: only when an answer or a count is wrong).
 *
 *   npm run bench:redirect       (DURATION=… CONNECTIONS=… CASES=latest,swift,ceph to change it;
 *                                 FLOORS=1 adds the app's floor: a Next route alone, and with one query;
 *                                 HANDLER=1 adds the app's own route served without Next;
 *                                 BARE_PREPARED=1 names the bare server's two statements too, as the app does;
 *                                 BENCH_QUICK=1: 1 s per run, no warm-up)
 * Uses the test services of `npm test` when BUCKETSHARE_TEST_SERVICES is set, else starts its own.
 */
import { soleOwner } from "@/lib/auth/permissions";
import { randomBytes } from "node:crypto";
import { loadavg } from "node:os";
import { CreateBucketCommand, PutBucketVersioningCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import pg from "pg";
import { s3ClientFor } from "@/lib/dev/s3";
import { insertStorageConnection } from "../support/connection-row";
import type { TestStorage } from "../support/services";
import { drive, note, openBench } from "./harness";
import { failsTarget, setting } from "./quick";

const DURATION = setting("DURATION", 10, 1);
const WARM_UP = setting("WARM_UP", 2, 0);
const CONNECTIONS = setting("CONNECTIONS", 50, 4);
const CASES = (process.env.CASES ?? "latest,swift,ceph").split(",");
const HANDLER = process.env.HANDLER === "1";
type Server = "app" | "bare" | "handler";
/**
 * Issue 19's targets, each app against bare in the same run: throughput ≥ 75 %, CPU per download ≤ 1.5×, p99 ≤ 1.5×
 * (and always: no errors, every request a 302, download_count equal to the 302s). Missed: the run exits non-zero.
 */
const TARGETS = { throughput: 0.75, cpu: 1.5, p99: 1.5 };
const SERVERS: Server[] = HANDLER ? ["app", "handler", "bare"] : ["app", "bare"];

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

/** One run of GETs on `url` (redirects not followed): the 302s among the answers, and the rest. */
async function driveGet(url: string, duration: number, pid?: number) {
  const run = await drive({ url, headers: { "user-agent": "autocannon (bench:redirect)" } }, { connections: CONNECTIONS, duration, pid });
  const redirects = run.statuses.get(302) ?? 0;
  return { ...run, redirects, other: run.answered - redirects };
}

async function main() {
  const bench = await openBench("redirect");
  try {
    const { services, databaseUrl } = bench;
    const { db } = await import("@/lib/db/client");
    const { issueShareLink } = await import("@/lib/links/issue");
    const { createShareSchema, toShareLinkRequest } = await import("@/lib/validation/share");

    // The owner, one connection per S3 server, one object in each (a versioned bucket on Ceph).
    const ownerRow = await db.user.create({
      data: { name: "Bench Owner", email: "bench@example.com", passwordHash: "not-a-real-hash" },
      select: { id: true, name: true, email: true },
    });
    const owner = { ...soleOwner(ownerRow.id), name: ownerRow.name, email: ownerRow.email };
    const storages = new Map<string, { storage: TestStorage; connectionId: string; bucket: string; key: string }>();
    for (const storage of services.storages) {
      const id = await insertStorageConnection(owner.id, storage, { name: `Bench ${storage.name}` });
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
      const link = await issueShareLink(owner, toShareLinkRequest(input));
      return { id: link.id, token: link.url.split("/s/")[1]! };
    };

    const app = await bench.startApp(
      // e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the server (written when it stops).
      process.env.BENCH_APP_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_APP_NODE_OPTIONS } : {},
    );
    const bareConfig = {
      databaseUrl,
      connections: Object.fromEntries(
        [...storages.values()].map((s) => [
          s.connectionId,
          { endpoint: s.storage.endpoint, region: s.storage.region, accessKeyId: s.storage.accessKeyId, secretAccessKey: s.storage.secretAccessKey },
        ]),
      ),
    };
    const bare = await bench.spawnServer("tests/bench/redirect-bare-server.ts", { BARE_CONFIG: JSON.stringify(bareConfig) });
    const handler = HANDLER ? await bench.spawnServer("tests/bench/route-handler-server.ts", { LOG_LEVEL: "warn", ROUTE: "download" }) : undefined;
    const bases: Record<Server, string> = { app: app.url, bare: `http://127.0.0.1:${bare.port}`, handler: `http://127.0.0.1:${handler?.port}` };
    const pids: Record<Server, number> = { app: app.process.pid!, bare: bare.child.pid!, handler: handler?.child.pid ?? 0 };

    const check = new pg.Client({ connectionString: databaseUrl });
    await check.connect();
    const countOf = async (id: string) =>
      (await check.query<{ download_count: number }>("SELECT download_count FROM share_links WHERE id = $1", [id])).rows[0]!.download_count;

    const labels: Record<string, [string, string, boolean]> = {
      latest: ["swift", "Always the latest version (no storage call)", true],
      swift: ["swift", "pinned by ETag (HeadObject on Swift s3api)", false],
      ceph: ["ceph", "pinned by version id (HeadObject on Ceph RGW)", false],
    };
    const results: { label: string; runs: Run[] }[] = [];
    for (const name of CASES) {
      const [storageName, label, alwaysLatest] =
        labels[name] ??
        (() => {
          throw new Error(`unknown case ${name}`);
        })();
      if (!storages.has(storageName)) throw new Error(`no ${storageName} server in the test services`);
      const runs: Run[] = [];
      for (const server of SERVERS) {
        if (WARM_UP > 0) {
          const warm = await issue(storageName, alwaysLatest);
          await driveGet(`${bases[server]}/s/${warm.token}/download`, WARM_UP, pids[server]);
        }
        const link = await issue(storageName, alwaysLatest);
        const load = loadavg()[0]!.toFixed(2);
        note(`${name} / ${server}: ${CONNECTIONS} connections for ${DURATION} s (load ${load})…`);
        const run = await driveGet(`${bases[server]}/s/${link.token}/download`, DURATION, pids[server]);
        runs.push({
          server,
          rps: run.rps,
          p50: run.p50,
          p99: run.p99,
          errors: run.errors,
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
        if (WARM_UP > 0) await driveGet(`${bases.app}${path}`, WARM_UP, pids.app);
        const load = loadavg()[0]!.toFixed(2);
        note(`floor ${path}: ${CONNECTIONS} connections for ${DURATION} s (load ${load})…`);
        const run = await driveGet(`${bases.app}${path}`, DURATION, pids.app);
        floors.push(`| ${label} | ${Math.round(run.rps)} | ${run.p50.toFixed(1)} | ${run.p99.toFixed(1)} | ${run.cpuMs.toFixed(2)} | ${load} |`);
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
    let failed = false;
    for (const { label, runs } of results) {
      for (const r of runs) {
        const name = { app: "Bucketshare (`npm start`)", handler: "Bucketshare's route on node:http (no Next)", bare: "bare node:http" }[r.server];
        lines.push(
          `| ${label} | ${name} | ${fmt(r.rps, 0)} | ${fmt(r.p50)} | ${fmt(r.p99)} | ${r.errors} | ${r.unanswered} | ${r.other} | ${r.redirects} | ${r.counted}${r.counted === r.redirects ? "" : " ✘"} | ${fmt(r.cpuMs, 2)} | ${r.load} |`,
        );
      }
      const [a, b] = [runs.find((r) => r.server === "app")!, runs.find((r) => r.server === "bare")!];
      const ratio = a.rps / b.rps;
      const cpuRatio = a.cpuMs / b.cpuMs;
      const p99Ratio = a.p99 / b.p99;
      const sound = a.errors === 0 && a.unanswered === 0 && a.other === 0 && runs.every((r) => r.counted === r.redirects);
      const fast = ratio >= TARGETS.throughput && cpuRatio <= TARGETS.cpu && p99Ratio <= TARGETS.p99;
      // Correctness (no errors, every request answered with a 302, counts equal to the 302s) fails even a quick run.
      if (!sound || failsTarget(!fast)) failed = true;
      verdicts.push(
        `- ${label}: app/bare throughput ${fmt(ratio * 100, 0)} % (target ≥ ${TARGETS.throughput * 100} %), CPU per request ${fmt(cpuRatio, 2)}× ` +
          `(target ≤ ${TARGETS.cpu}×), p99 ${fmt(p99Ratio, 2)}× (target ≤ ${TARGETS.p99}×; app p50/p99 ${fmt(a.p50)}/${fmt(a.p99)} ms, bare ${fmt(b.p50)}/${fmt(b.p99)} ms), ` +
          `app errors ${a.errors}, non-302 ${a.other}, unanswered ${a.unanswered}, counts ${runs.every((r) => r.counted === r.redirects) ? "equal to the 302s" : "DIFFER from the 302s"}: ` +
          `${sound && fast ? "✔ targets met" : "✘ target missed"}` +
          (runs.some((r) => r.server === "handler")
            ? `; the same route without Next: ${fmt((runs.find((r) => r.server === "handler")!.rps / b.rps) * 100, 0)} % of bare`
            : ""),
      );
    }
    lines.push("", ...verdicts, "", `(bare server's own tally: ${bareStats.redirects} redirects, ${bareStats.errors} errors, warm-ups included)`);
    if (floors.length > 0) {
      lines.push(
        "",
        "| Bucketshare, other routes | requests/s | p50 ms | p99 ms | server CPU ms / request | load (1 min) |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
        ...floors,
      );
    }
    lines.push(
      "",
      `load average at the end: ${loadavg()
        .map((n) => n.toFixed(2))
        .join(", ")}`,
    );
    process.stdout.write(`\n${lines.join("\n")}\n`);
    await db.$disconnect();
    if (failed) process.exitCode = 1;
  } finally {
    await bench.close();
  }
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (error: unknown) => {
    process.stderr.write(`bench:redirect failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
