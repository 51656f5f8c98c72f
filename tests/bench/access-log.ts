/**
 * `npm run bench:access-log`: the access log (link_events, partitioned by month) at internet scale.
 * Fills an embedded PostgreSQL with LINKS managed links of one owner and EVENTS access-log rows spread
 * evenly over the last MONTHS months (generate_series in SQL, BATCH rows a statement, indexes built
 * after the load, then ANALYZE), then measures:
 * - the link page's "Access log", first page and the next (lib/links/manage.ts listAccessLog: the very
 *   query /links/<id> runs), over RUNS links picked at random: p50 and p95 within TARGET_MS;
 * - the owner's history, first page (lib/links/history.ts listLinks, as /links): within TARGET_MS;
 * - EXPLAIN of the access-log query: a Merge Append of the months' (link_id, created_at, id) indexes;
 * - retention dropping the oldest month (lib/links/access-log-retention.ts pruneAccessLog with the
 *   cutoff at the next month's start): under 1 s; then trimming one day of the boundary month in
 *   batches (reported, no target);
 * - counted downloads (COUNT_DOWNLOAD_SQL, 4 connections) per second against the full table, and the
 *   bytes the log takes per row (heap, indexes, total; pg_total_relation_size over the partitions).
 * Exits non-zero when a target is missed (not in quick mode).
 *
 *   npm run bench:access-log   (EVENTS=… LINKS=… MONTHS=… RUNS=… BATCH=…; BENCH_QUICK=1: a few seconds)
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { soleOwner } from "@/lib/auth/permissions";
import { COUNT_DOWNLOAD_SQL } from "@/lib/recipient/count-sql";
import { allowServerOnlyImports } from "../support/server-only-hook";
import { failsTarget, setting } from "./quick";
import { runBench, withScratchPostgres } from "./scratch-db";

const EVENTS = setting("EVENTS", 50_000_000, 20_000);
const LINKS = setting("LINKS", 100_000, 1_000);
const MONTHS = setting("MONTHS", 12, 3);
const RUNS = setting("RUNS", 50, 3);
const BATCH = setting("BATCH", 2_000_000, 10_000);
const DOWNLOADS = setting("DOWNLOADS", 4_000, 40);
const TARGET_MS = 20;
const DROP_TARGET_MS = 1_000;
const OWNER = "bench-owner";
const note = (line: string) => process.stderr.write(`bench: ${line}\n`);
const seconds = (t0: number) => `${((performance.now() - t0) / 1000).toFixed(1)} s`;

function stats(times: number[]): { p50: number; p95: number } {
  if (times.length === 0) return { p50: Number.NaN, p95: Number.NaN };
  const sorted = [...times].sort((a, b) => a - b);
  return { p50: sorted[Math.floor(sorted.length / 2)]!, p95: sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)]! };
}

const monthLiteral = (d: Date) => d.toISOString().slice(0, 10);

async function main() {
  await withScratchPostgres("access-log", async (url) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const now = new Date();
    const thisMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
    const month = (plus: number) => new Date(Date.UTC(thisMonth.getUTCFullYear(), thisMonth.getUTCMonth() + plus, 1));
    // The events span [start, now): MONTHS months back, so the oldest month is whole and droppable.
    const start = month(-MONTHS);

    let t0 = performance.now();
    await client.query("SET synchronous_commit = off");
    await client.query("SET maintenance_work_mem = '512MB'");
    await client.query(`INSERT INTO users (id, name, email, password_hash, updated_at) VALUES ($1, 'Bench', 'bench@example.com', 'x', now())`, [OWNER]);
    await client.query(
      `INSERT INTO storage_connections (id, owner_id, name, provider, endpoint, region, access_key_id, secret_access_key_enc, updated_at)
       VALUES ('conn-1', $1, 'Connection 1', 'custom', 'http://127.0.0.1:9', 'us-east-1', 'k', 'v2.x.x.x.x', now())`,
      [OWNER],
    );
    await client.query(
      `INSERT INTO share_links (id, owner_id, connection_id, connection_name, bucket, key, object_size, requested_expires_at,
                                expires_at, expires_soon_at, never_expires, disposition, file_name, url_enc, kind, created_at)
       SELECT 'link-' || n, $1, 'conn-1', 'Connection 1', 'bucket-' || (n % 10), 'folder-' || (n % 500) || '/file-' || n || '.pdf', n,
              created + interval '30 days', created + interval '30 days', created + interval '29 days', n % 10 = 0,
              'attachment', 'file-' || n || '.pdf', 'v2.x.x.x.x', 'managed', created
         FROM (SELECT n, $2::timestamp + random() * ($3::timestamp - $2::timestamp) AS created FROM generate_series(1, $4::int) n) s`,
      [OWNER, start.toISOString(), now.toISOString(), LINKS],
    );
    // The months of the log (the migration made this month and the next two).
    for (let m = -MONTHS; m < 0; m++) {
      const name = `link_events_p${month(m).toISOString().slice(0, 7).replace("-", "")}`;
      await client.query(
        `CREATE TABLE IF NOT EXISTS "${name}" PARTITION OF link_events FOR VALUES FROM ('${monthLiteral(month(m))}') TO ('${monthLiteral(month(m + 1))}')`,
      );
    }
    // Loaded without the secondary indexes, then built once: what a bulk load does (built indexes are
    // a little denser than ones grown by inserts, see docs/capacity.md).
    await client.query("DROP INDEX link_events_link_id_created_at_id_idx");
    await client.query("DROP INDEX link_events_created_at_idx");
    note(`${LINKS.toLocaleString("en-US")} links in ${seconds(t0)}; writing ${EVENTS.toLocaleString("en-US")} events over ${MONTHS} months`);

    // Every link id is valid by construction: the load skips the per-row foreign-key check (triggers
    // off for this session), as a restore does.
    await client.query("SET session_replication_role = replica");
    t0 = performance.now();
    const span = (now.getTime() - start.getTime()) / 1000;
    for (let from = 1; from <= EVENTS; from += BATCH) {
      const to = Math.min(EVENTS, from + BATCH - 1);
      // Row n: time evenly from start to now (so each month's rows are written together, as in life),
      // a link by a multiplicative hash, 1 download in 3, an address and one of a few user agents.
      await client.query(
        `INSERT INTO link_events (link_id, created_at, outcome, reason, client_address, user_agent, preview_agent, file_path)
         SELECT 'link-' || (1 + (n * 2654435761) % $3::bigint),
                $4::timestamp + make_interval(secs => $5::float8 * n / $6::bigint),
                CASE WHEN n % 3 = 0 THEN 'download' WHEN n % 17 = 0 THEN 'refused' ELSE 'page_view' END,
                CASE WHEN n % 17 = 0 AND n % 3 <> 0 THEN 'expired' END,
                '198.51.' || (n % 251) || '.' || (n % 241),
                (ARRAY['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
                       'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
                       'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148',
                       'curl/8.5.0'])[1 + n % 4],
                false, NULL
           FROM generate_series($1::bigint, $2::bigint) n`,
        [from, to, LINKS, start.toISOString(), span, EVENTS],
      );
      note(`  ${to.toLocaleString("en-US")} events (${seconds(t0)})`);
    }
    const loadSeconds = (performance.now() - t0) / 1000;
    await client.query("SET session_replication_role = DEFAULT");
    t0 = performance.now();
    // The same definitions as the migration link_events_partitioned.
    await client.query(`CREATE INDEX "link_events_link_id_created_at_id_idx" ON "link_events"("link_id", "created_at" DESC, "id" DESC)`);
    await client.query(`CREATE INDEX "link_events_created_at_idx" ON "link_events"("created_at")`);
    const indexSeconds = (performance.now() - t0) / 1000;
    t0 = performance.now();
    await client.query("VACUUM (ANALYZE) link_events");
    await client.query("ANALYZE share_links");
    note(`loaded in ${loadSeconds.toFixed(1)} s, indexes built in ${indexSeconds.toFixed(1)} s, vacuum+analyze ${seconds(t0)}`);

    const size = (
      await client.query<{ rows: string; heap: string; total: string }>(
        `SELECT sum(c.reltuples)::bigint::text AS rows, sum(pg_table_size(c.oid))::bigint::text AS heap, sum(pg_total_relation_size(c.oid))::bigint::text AS total
           FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'link_events'::regclass`,
      )
    ).rows[0]!;
    const exact = Number((await client.query<{ n: string }>("SELECT count(*)::text AS n FROM link_events")).rows[0]!.n);
    if (exact !== EVENTS) throw new Error(`expected ${EVENTS} events, found ${exact}`);
    const bytesPerRow = Number(size.total) / exact;
    const heapPerRow = Number(size.heap) / exact;

    process.env.DATABASE_URL = url;
    process.env.AUTH_SECRET = randomBytes(48).toString("base64");
    process.env.ENCRYPTION_KEY = randomBytes(32).toString("base64");
    process.env.LOG_LEVEL = "error";
    allowServerOnlyImports();
    // The app's Prisma client (lib/db/client.ts keeps it on globalThis), made here with its queries
    // logged: the access log's SQL is then the very statement listAccessLog sends.
    const { PrismaClient } = await import("@/lib/generated/prisma/client");
    const { PrismaPg } = await import("@prisma/adapter-pg");
    const sent: { query: string; params: string }[] = [];
    const logged = new PrismaClient({ adapter: new PrismaPg({ connectionString: url, options: "-c TimeZone=UTC" }), log: [{ level: "query", emit: "event" }] });
    logged.$on("query", (e) => {
      if (e.query.includes("link_events")) sent.push({ query: e.query, params: e.params });
    });
    (globalThis as Record<string, unknown>).bucketshareDb = logged;
    const { listAccessLog } = await import("@/lib/links/manage");
    const { listLinks } = await import("@/lib/links/history");
    const { historyFilterSchema } = await import("@/lib/validation/share");
    const { pruneAccessLog } = await import("@/lib/links/access-log-retention");
    const { db } = await import("@/lib/db/client");
    const actor = soleOwner(OWNER);
    const randomLink = () => `link-${1 + Math.floor(Math.random() * LINKS)}`;

    const first: number[] = [];
    const second: number[] = [];
    let shown = 0;
    for (let i = -3; i < RUNS; i++) {
      const linkId = randomLink();
      let t = performance.now();
      const page = await listAccessLog(actor, linkId);
      if (i >= 0) first.push(performance.now() - t);
      shown = page.rows.length;
      if (page.nextCursor) {
        t = performance.now();
        await listAccessLog(actor, linkId, page.nextCursor);
        if (i >= 0) second.push(performance.now() - t);
      }
    }
    if (shown === 0) throw new Error("the access log of a link showed no rows");
    // The same first page's statement sent over pg: what the database takes, apart from what the app
    // adds (and what a loaded machine adds to both).
    sent.length = 0;
    const probe = randomLink();
    await listAccessLog(actor, probe);
    const firstPage = sent.find((q) => /ORDER BY/i.test(q.query));
    if (!firstPage) throw new Error(`listAccessLog sent no ordered query to link_events: ${JSON.stringify(sent)}`);
    const paramsFor = (linkId: string) => (JSON.parse(firstPage.params) as unknown[]).map((p) => (p === probe ? linkId : p));
    const plain: number[] = [];
    for (let i = -3; i < RUNS; i++) {
      const t = performance.now();
      await client.query(firstPage.query, paramsFor(randomLink()));
      if (i >= 0) plain.push(performance.now() - t);
    }
    const history: number[] = [];
    const filter = historyFilterSchema.parse({});
    let historyRows = 0;
    for (let i = -3; i < RUNS; i++) {
      const t = performance.now();
      historyRows = (await listLinks(actor, filter)).rows.length;
      if (i >= 0) history.push(performance.now() - t);
    }

    const plan = (await client.query<{ "QUERY PLAN": string }>(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${firstPage.query}`, paramsFor(randomLink()))).rows
      .map((r) => r["QUERY PLAN"])
      .join("\n");
    const mergeAppend = /Merge Append/.test(plan) && /link_events_.*link_id_created_at_id_idx/.test(plan);

    // Downloads counted against the full table: the statement the download route runs, 4 at a time.
    await client.query("UPDATE share_links SET never_expires = true, download_limit = NULL WHERE id IN (SELECT 'link-' || n FROM generate_series(1, 1000) n)");
    const counters = await Promise.all(
      Array.from({ length: 4 }, async () => {
        const c = new pg.Client({ connectionString: url });
        await c.connect();
        return c;
      }),
    );
    const walBefore = (await client.query<{ lsn: string }>("SELECT pg_current_wal_lsn()::text AS lsn")).rows[0]!.lsn;
    t0 = performance.now();
    let counted = 0;
    await Promise.all(
      counters.map(async (c, k) => {
        for (let i = k; i < DOWNLOADS; i += counters.length) {
          const r = await c.query(COUNT_DOWNLOAD_SQL, [`link-${1 + (i % 1000)}`, "203.0.113.9", "bench", null]);
          counted += r.rowCount ?? 0;
        }
      }),
    );
    const downloadsPerSecond = DOWNLOADS / ((performance.now() - t0) / 1000);
    const walPerDownload =
      Number((await client.query<{ bytes: string }>("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1)::text AS bytes", [walBefore])).rows[0]!.bytes) /
      DOWNLOADS;
    const shareLinkIndexes = Number(
      (await client.query<{ n: string }>("SELECT count(*)::text AS n FROM pg_indexes WHERE tablename = 'share_links'")).rows[0]!.n,
    );
    await Promise.all(counters.map((c) => c.end()));
    if (counted !== DOWNLOADS) throw new Error(`counted ${counted} of ${DOWNLOADS} downloads`);

    // Retention: the cutoff at the second-oldest month's start drops the oldest month whole.
    const oldest = (await client.query<{ n: string }>(`SELECT count(*)::text AS n FROM link_events WHERE created_at < $1`, [month(-MONTHS + 1).toISOString()]))
      .rows[0]!.n;
    const retentionDays = 365;
    const at = (cutoff: Date) => new Date(cutoff.getTime() + retentionDays * 86_400_000);
    const dropped: string[] = [];
    t0 = performance.now();
    const droppedRows = await pruneAccessLog({ now: at(month(-MONTHS + 1)), retentionDays, onDropped: (m) => dropped.push(m.name) });
    const dropMs = performance.now() - t0;
    if (dropped.length !== 1 || droppedRows !== Number(oldest)) {
      // droppedRows is PostgreSQL's estimate (reltuples) after ANALYZE: allow it to be near.
      if (dropped.length !== 1 || Math.abs((droppedRows ?? 0) - Number(oldest)) > Number(oldest) * 0.05) {
        throw new Error(`expected the oldest month (${oldest} rows) dropped, got ${dropped.join(", ") || "none"} (${droppedRows} rows)`);
      }
    }
    const dayEnd = new Date(month(-MONTHS + 1).getTime() + 86_400_000);
    t0 = performance.now();
    const trimmed = await pruneAccessLog({ now: at(dayEnd), retentionDays });
    const trimMs = performance.now() - t0;
    const left = Number(
      (await client.query<{ n: string }>(`SELECT count(*)::text AS n FROM link_events WHERE created_at < $1`, [dayEnd.toISOString()])).rows[0]!.n,
    );
    if (left !== 0) throw new Error(`${left} rows older than the cutoff left after the trim`);
    await db.$disconnect();
    await logged.$disconnect();
    await client.end();

    const a = stats(first);
    const b = stats(second);
    const h = stats(history);
    const q = stats(plain);
    const fmt = (n: number) => (Number.isNaN(n) ? "—" : n.toFixed(1));
    const table = [
      "| measure | p50 | p95 | target |",
      "| --- | ---: | ---: | --- |",
      `| link page, Access log first page (${shown} rows; ${RUNS} random links) | ${fmt(a.p50)} ms | ${fmt(a.p95)} ms | ≤ ${TARGET_MS} ms |`,
      `| the same statement over pg (the database alone) | ${fmt(q.p50)} ms | ${fmt(q.p95)} ms | — |`,
      `| link page, Access log next page (keyset cursor) | ${fmt(b.p50)} ms | ${fmt(b.p95)} ms | — |`,
      `| owner's history (/links) first page (${historyRows} of ${LINKS.toLocaleString("en-US")} links) | ${fmt(h.p50)} ms | ${fmt(h.p95)} ms | ≤ ${TARGET_MS} ms |`,
      `| retention: drop the oldest month (${Number(oldest).toLocaleString("en-US")} rows, ${dropped.join(", ")}) | ${fmt(dropMs)} ms | | < ${DROP_TARGET_MS} ms |`,
      `| retention: trim one day of the boundary month in batches (${(trimmed ?? 0).toLocaleString("en-US")} rows) | ${fmt(trimMs)} ms | | — |`,
    ];
    process.stdout.write(
      `\nAccess log: ${EVENTS.toLocaleString("en-US")} events, ${LINKS.toLocaleString("en-US")} links, ${MONTHS} months ` +
        `(load ${loadSeconds.toFixed(0)} s + indexes ${indexSeconds.toFixed(0)} s)\n\n${table.join("\n")}\n\n` +
        `Size: ${(Number(size.total) / 2 ** 30).toFixed(2)} GiB in all, ${fmt(bytesPerRow)} bytes a row (heap ${fmt(heapPerRow)}, indexes ${fmt(bytesPerRow - heapPerRow)}): ` +
        `${((bytesPerRow * 1e6) / 2 ** 20).toFixed(0)} MiB per million rows\n` +
        `Counted downloads (COUNT_DOWNLOAD_SQL, 4 connections, against the full table): ${downloadsPerSecond.toFixed(0)}/s, ` +
        `${walPerDownload.toFixed(0)} bytes of WAL each (share_links has ${shareLinkIndexes} indexes)\n` +
        `The first page's statement, as listAccessLog sends it:\n${firstPage.query}\n` +
        `Its plan (Merge Append of the months' indexes: ${mergeAppend ? "yes" : "NO"}):\n${plan}\n`,
    );
    const missed: string[] = [];
    if (a.p50 > TARGET_MS || a.p95 > TARGET_MS) missed.push(`the access log's first page took ${fmt(a.p50)}/${fmt(a.p95)} ms (p50/p95)`);
    if (h.p50 > TARGET_MS || h.p95 > TARGET_MS) missed.push(`the history's first page took ${fmt(h.p50)}/${fmt(h.p95)} ms (p50/p95)`);
    if (dropMs >= DROP_TARGET_MS) missed.push(`dropping a month took ${fmt(dropMs)} ms`);
    // (A tiny quick run may sort instead: a plan choice, not a fault.)
    if (!mergeAppend) missed.push("the access log's first page is not read by a Merge Append of the months' indexes");
    if (failsTarget(missed.length > 0)) throw new Error(`targets missed: ${missed.join("; ")}`);
  });
}

runBench("access-log", main);
