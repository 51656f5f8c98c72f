/**
 * `npm run bench:links`: the link history with 100,000 links. Fills an embedded PostgreSQL with
 * LINKS links for one owner (spread over 90 days, lifetimes from 1 hour to 7 days), then times
 * the queries behind /links (lib/links/history.ts listLinks, 50 per page) over repeated runs:
 * newest first, a page deep in the history (keyset cursor), each status filter, one bucket,
 * and text search over key and note.
 *
 *   npm run bench:links        (LINKS=… RUNS=… to change the sizes; BENCH_QUICK=1: a few seconds)
 */
import { soleOwner } from "@/lib/auth/permissions";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { allowServerOnlyImports } from "../support/server-only-hook";
import { setting } from "./quick";
import { runBench, withScratchPostgres } from "./scratch-db";

const LINKS = setting("LINKS", 100_000, 2_000);
const RUNS = setting("RUNS", 30, 2);
const note = (line: string) => process.stderr.write(`bench: ${line}\n`);

async function main() {
  await withScratchPostgres("links", async (url) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const started = performance.now();
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO users (id, name, email, password_hash, updated_at) VALUES ('bench-owner', 'Bench', 'bench@example.com', 'x', now()) RETURNING id`,
    );
    const ownerId = rows[0]!.id;
    await client.query(
      `INSERT INTO storage_connections (id, owner_id, name, provider, endpoint, region, access_key_id, secret_access_key_enc, updated_at)
       SELECT 'conn-' || n, $1, 'Connection ' || n, 'custom', 'http://127.0.0.1:9', 'us-east-1', 'k', 'v2.x.x.x.x', now() FROM generate_series(1, 3) n`,
      [ownerId],
    );
    await client.query(
      `INSERT INTO share_links (id, owner_id, connection_id, connection_name, bucket, key, object_size, requested_expires_at,
                                expires_at, expires_soon_at, disposition, file_name, note, url_enc, created_at)
       SELECT 'link-' || n, $1, 'conn-' || (n % 3 + 1), 'Connection ' || (n % 3 + 1), 'bucket-' || (n % 10),
              'folder-' || (n % 500) || '/file-' || n || '.pdf', n, created + life, created + life,
              created + life - least(interval '1 hour', life / 4), 'attachment', 'file-' || n || '.pdf',
              CASE WHEN n % 7 = 0 THEN 'for client ' || (n % 1000) END, 'v2.x.x.x.x', created
       FROM (SELECT n, now() - (random() * interval '90 days') AS created,
                    interval '1 hour' * (1 + floor(random() * 168)) AS life
             FROM generate_series(1, $2::int) n) s`,
      [ownerId, LINKS],
    );
    await client.query("ANALYZE share_links");
    const deep = await client.query<{ created_at: Date; id: string }>(
      "SELECT created_at, id FROM share_links WHERE owner_id = $1 ORDER BY created_at DESC, id DESC OFFSET $2 LIMIT 1",
      [ownerId, Math.floor(LINKS / 2)],
    );
    await client.end();
    note(`${LINKS.toLocaleString("en-US")} links inserted in ${((performance.now() - started) / 1000).toFixed(1)} s`);

    process.env.DATABASE_URL = url;
    process.env.AUTH_SECRET = randomBytes(48).toString("base64");
    process.env.ENCRYPTION_KEY = randomBytes(32).toString("base64");
    process.env.LOG_LEVEL = "error";
    allowServerOnlyImports();
    const { listLinks, listHistoryBuckets, encodeCursor } = await import("@/lib/links/history");
    const { db } = await import("@/lib/db/client");
    const { historyFilterSchema } = await import("@/lib/validation/share");

    const cursor = encodeCursor({ createdAt: deep.rows[0]!.created_at, id: deep.rows[0]!.id });
    const cases: [string, Record<string, string>][] = [
      ["newest first (page 1)", {}],
      [`page ${Math.floor(LINKS / 100)} (keyset cursor at row ${Math.floor(LINKS / 2).toLocaleString("en-US")})`, { cursor }],
      ["status: Active", { status: "active" }],
      ["status: Expires soon", { status: "expires_soon" }],
      ["status: Expired", { status: "expired" }],
      ["one bucket", { connection: "conn-2", bucket: "bucket-4" }],
      ["search key `folder-42/`", { q: "folder-42/" }],
      ["search note `client 77`", { q: "client 77" }],
    ];
    const table: string[] = ["| query (50 per page) | rows | median ms | p95 ms |", "| --- | ---: | ---: | ---: |"];
    for (const [label, input] of cases) {
      const filter = historyFilterSchema.parse(input);
      const times: number[] = [];
      let count = 0;
      for (let run = -3; run < RUNS; run++) {
        const t0 = performance.now();
        const page = await listLinks(soleOwner(ownerId), filter);
        const elapsed = performance.now() - t0;
        count = page.rows.length;
        if (run >= 0) times.push(elapsed);
      }
      times.sort((a, b) => a - b);
      const median = times[Math.floor(times.length / 2)]!;
      const p95 = times[Math.min(times.length - 1, Math.ceil(times.length * 0.95) - 1)]!;
      table.push(`| ${label} | ${count} | ${median.toFixed(1)} | ${p95.toFixed(1)} |`);
    }
    {
      const times: number[] = [];
      let count = 0;
      for (let run = -3; run < RUNS; run++) {
        const t0 = performance.now();
        count = (await listHistoryBuckets(soleOwner(ownerId))).length;
        if (run >= 0) times.push(performance.now() - t0);
      }
      times.sort((a, b) => a - b);
      const p95 = times[Math.min(times.length - 1, Math.ceil(times.length * 0.95) - 1)]!;
      table.push(`| bucket filter menu (distinct connection/bucket) | ${count} | ${times[Math.floor(times.length / 2)]!.toFixed(1)} | ${p95.toFixed(1)} |`);
    }
    await db.$disconnect();
    process.stdout.write(`\nLink history, ${LINKS.toLocaleString("en-US")} links, ${RUNS} runs each after 3 warm-up\n\n${table.join("\n")}\n`);
  });
}

runBench("links", main);
