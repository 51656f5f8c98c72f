/**
 * `npm run bench:manifest`: a multi-file share's manifest for FILES files
 * (default 50,000). Fills an embedded PostgreSQL with one share and its snapshot rows, then
 * times the whole generation in process: keyset pages of share_link_files, one direct presigned
 * URL per file (lib/storage/presign-batch.ts), CSV and JSON lines, read as a stream to the end.
 * Also the signing alone (no database), and the per-link door of the same signer
 * (`createUrlPresigner().presignGet`, one URL at a time, awaited) for comparison.
 *
 *   npm run bench:manifest              (FILES=… RUNS=… to change the sizes; BENCH_QUICK=1: a few seconds)
 *   npm run bench:manifest -- --route   (also through the production route: tests/bench/manifest-route.ts;
 *                                        builds when the sources changed, so run it under /tmp/bucketshare-e2e.lock)
 *
 * Target: ≥ 20,000 URLs/s end to end (not enforced in quick mode).
 */
import { soleOwner } from "@/lib/auth/permissions";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os, { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { startEmbeddedPostgres } from "@/lib/db/embedded";
import { applyMigrations } from "@/lib/db/migrate";
import { allowServerOnlyImports } from "../support/server-only-hook";
import { failsTarget, setting } from "./quick";

const FILES = setting("FILES", 50_000, 500);
const RUNS = setting("RUNS", 5, 1);
const TARGET = 20_000;
const note = (line: string) => process.stderr.write(`bench: ${line}\n`);
const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
/** CPU time (user + system) this process spent since `start`: what the URLs cost when other work shares the cores. */
const cpuSeconds = (start: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
};
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function main() {
  const dir = await mkdtemp(join(tmpdir(), "bucketshare-bench-manifest-"));
  const postgres = await startEmbeddedPostgres({ dataDir: join(dir, "postgres") });
  try {
    await applyMigrations(postgres.url);
    process.env.DATABASE_URL = postgres.url;
    process.env.AUTH_SECRET = randomBytes(48).toString("base64");
    process.env.ENCRYPTION_KEY = randomBytes(32).toString("base64");
    process.env.LOG_LEVEL = "error";
    allowServerOnlyImports();
    const { seal } = await import("@/lib/storage/sealed");
    const { getRuntimeSecrets } = await import("@/lib/env");

    const client = new pg.Client({ connectionString: postgres.url });
    await client.connect();
    const started = performance.now();
    await client.query(`INSERT INTO users (id, name, email, password_hash, updated_at) VALUES ('bench-owner', 'Bench', 'bench@example.com', 'x', now())`);
    const secret = seal("secretAccessKey", "bench-conn", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", getRuntimeSecrets().encryptionKey);
    await client.query(
      `INSERT INTO storage_connections (id, owner_id, name, provider, endpoint, region, access_key_id, secret_access_key_enc, updated_at)
       VALUES ('bench-conn', 'bench-owner', 'Bench', 'custom', 'http://127.0.0.1:9000', 'us-east-1', 'AKIAIOSFODNN7EXAMPLE', $1, now())`,
      [secret],
    );
    await client.query(
      `INSERT INTO share_links (id, owner_id, connection_id, connection_name, bucket, key, object_size, requested_expires_at,
                                expires_at, expires_soon_at, disposition, file_name, url_enc, kind, target, title, file_count)
       VALUES ('bench-link', 'bench-owner', 'bench-conn', 'Bench', 'bench-bucket', 'photos/', 0, now() + interval '7 days',
               now() + interval '7 days', now() + interval '6 days', 'attachment', 'photos', 'v2.x.x.x.x', 'managed', 'files', 'photos', $1)`,
      [FILES],
    );
    const names = ["report.pdf", "résumé final.docx", "photo 2026-11-22.jpg", "日本語.txt", "a+b&c#d.csv"];
    await client.query(
      `INSERT INTO share_link_files (link_id, path, key, size, etag, version_id, content_type)
       SELECT 'bench-link', p, 'photos/' || p, n * 17, '"' || md5(n::text) || '"', NULL, 'application/octet-stream'
       FROM (SELECT n, 'album-' || (n % 97) || '/day ' || (n % 13) || '/' || n || '-' || ($2::text[])[1 + n % 5] AS p
             FROM generate_series(1, $1::int) n) s`,
      [FILES, names],
    );
    await client.query("ANALYZE share_link_files");
    await client.end();
    note(`${fmt(FILES)} snapshot rows inserted in ${((performance.now() - started) / 1000).toFixed(1)} s`);

    const { db } = await import("@/lib/db/client");
    const { getManifestSource, manifestStream, manifestPages, signEntries } = await import("@/lib/links/manifest");
    const { createUrlPresigner } = await import("@/lib/storage/presign");
    const { contentDisposition, baseName } = await import("@/lib/links/content-disposition");

    const source = await getManifestSource(soleOwner("bench-owner"), "bench-link");
    if (!source) throw new Error("bench share not found");
    const now = new Date(Math.floor(Date.now() / 1_000) * 1_000);
    const expiresAt = new Date(now.getTime() + 604_800_000);

    async function endToEnd(format: "csv" | "json"): Promise<{ perSecond: number; perCpuSecond: number; lines: number; bytes: number; rssMb: number }> {
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      const reader = manifestStream(source!, { format, signingDate: now, expiresInSeconds: 604_800, expiresAt }).getReader();
      let lines = 0;
      let bytes = 0;
      let rss = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        bytes += value.byteLength;
        for (let i = 0; i < value.length; i++) if (value[i] === 10) lines++;
        rss = Math.max(rss, process.memoryUsage.rss());
      }
      return { perSecond: FILES / ((performance.now() - t0) / 1_000), perCpuSecond: FILES / cpuSeconds(cpu0), lines, bytes, rssMb: rss / 2 ** 20 };
    }

    // Signing alone: the rows read once, then only presign + format.
    const rows: Awaited<ReturnType<typeof manifestPages> extends AsyncGenerator<infer P> ? P : never>[] = [];
    for await (const page of manifestPages("bench-link")) rows.push(page);
    const signOnly = () => {
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      const sign = source.presigner({ signingDate: now, expiresInSeconds: 604_800 });
      let sink = 0;
      for (const page of rows) for (const entry of signEntries(page, source.bucket, sign, expiresAt)) sink += entry.url.length;
      if (sink === 0) throw new Error("no URL");
      return { perSecond: FILES / ((performance.now() - t0) / 1_000), perCpuSecond: FILES / cpuSeconds(cpu0) };
    };
    const readOnly = async () => {
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      let count = 0;
      for await (const page of manifestPages("bench-link")) count += page.length;
      if (count !== FILES) throw new Error(`read ${count} rows`);
      return { perSecond: FILES / ((performance.now() - t0) / 1_000), perCpuSecond: FILES / cpuSeconds(cpu0) };
    };
    const perLink = createUrlPresigner({
      endpoint: "http://127.0.0.1:9000",
      region: "us-east-1",
      forcePathStyle: true,
      credentials: { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" },
    });
    const perLinkOnly = async () => {
      const count = Math.min(FILES, 10_000);
      const flat = rows.flat().slice(0, count);
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      for (const file of flat) {
        await perLink.presignGet({
          bucket: "bench-bucket",
          key: file.key,
          expiresInSeconds: 604_800,
          signingDate: now,
          responseContentDisposition: contentDisposition("attachment", baseName(file.path)),
        });
      }
      return { perSecond: count / ((performance.now() - t0) / 1_000), perCpuSecond: count / cpuSeconds(cpu0) };
    };

    await endToEnd("csv"); // warm-up
    signOnly();
    type Rate = { perSecond: number; perCpuSecond: number };
    const results = { csv: [] as Rate[], json: [] as Rate[], read: [] as Rate[], sign: [] as Rate[], perLink: [] as Rate[] };
    let last = { csv: { lines: 0, bytes: 0, rssMb: 0 }, json: { lines: 0, bytes: 0, rssMb: 0 } };
    for (let run = 0; run < RUNS; run++) {
      const csv = await endToEnd("csv");
      const json = await endToEnd("json");
      results.csv.push(csv);
      results.json.push(json);
      last = { csv, json };
      results.read.push(await readOnly());
      results.sign.push(signOnly());
      results.perLink.push(await perLinkOnly());
    }
    if (last.csv.lines !== FILES + 1) throw new Error(`CSV has ${last.csv.lines} lines, expected ${FILES + 1}`);
    await db.$disconnect();

    const table = [
      "| generation | URLs/s median (wall clock) | min | max | URLs per CPU-second, median |",
      "| --- | ---: | ---: | ---: | ---: |",
      ...(
        [
          [
            `CSV, end to end (PostgreSQL pages + sign + format; ${(last.csv.bytes / 2 ** 20).toFixed(1)} MiB, peak RSS ${last.csv.rssMb.toFixed(0)} MiB)`,
            results.csv,
          ],
          [`JSON, end to end (${(last.json.bytes / 2 ** 20).toFixed(1)} MiB, peak RSS ${last.json.rssMb.toFixed(0)} MiB)`, results.json],
          ["reading the snapshot only (keyset pages of 1,000 rows)", results.read],
          ["signing + Content-Disposition only (lib/storage/presign-batch.ts)", results.sign],
          ["for comparison: the per-link createUrlPresigner().presignGet, one by one, awaited", results.perLink],
        ] as const
      ).map(([label, rates]) => {
        const wall = rates.map((r) => r.perSecond);
        return `| ${label} | ${fmt(median(wall))} | ${fmt(Math.min(...wall))} | ${fmt(Math.max(...wall))} | ${fmt(median(rates.map((r) => r.perCpuSecond)))} |`;
      }),
    ];
    process.stdout.write(
      `\nManifest of a ${fmt(FILES)}-file share, ${RUNS} runs after a warm-up, Node ${process.version}\n\n${table.join("\n")}\n\ntarget ≥ ${fmt(TARGET)} URLs/s end to end; load average now ${os.loadavg()[0]!.toFixed(1)} on ${os.availableParallelism()} cores (wall-clock figures fall when other work shares them)\n`,
    );
    if (process.argv.includes("--route")) {
      note("through the production route: starting the app (builds when the sources changed) and Chromium for the sign-in…");
      const { measureManifestRoute } = await import("./manifest-route");
      const route = await measureManifestRoute(FILES, RUNS);
      process.stdout.write(
        `\nThrough the production route (GET /links/<id>/manifest, signed in, read to the end by Node's fetch)\n\n| format | URLs/s median | min | max |\n| --- | ---: | ---: | ---: |\n` +
          route
            .map((r) => `| ${r.format.toUpperCase()} | ${fmt(median(r.perSecond))} | ${fmt(Math.min(...r.perSecond))} | ${fmt(Math.max(...r.perSecond))} |`)
            .join("\n") +
          "\n",
      );
    }
    if (failsTarget(Math.min(median(results.csv.map((r) => r.perSecond)), median(results.json.map((r) => r.perSecond))) < TARGET)) process.exitCode = 1;
  } finally {
    await postgres.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (error: unknown) => {
    process.stderr.write(`bench:manifest failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
