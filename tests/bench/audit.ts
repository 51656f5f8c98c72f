/**
 * `npm run bench:audit`: the Audit log (/audit) at 1,000,000 rows. Fills an embedded PostgreSQL with
 * ROWS audit rows for one team (20 people, every kind, spread over a year) plus a tenth as many for
 * another team, then times the page's query (lib/audit/list.ts listAuditEvents, 50 per page) for each
 * filter and page direction, beside the plain indexed SQL it stands for (the same WHERE, ORDER BY and
 * LIMIT sent by pg directly): the difference is what the app adds (Prisma, the cursor, the mapping).
 *
 *   npm run bench:audit        (ROWS=… RUNS=… to change the sizes; BENCH_QUICK=1: a few seconds)
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { AUDIT_KINDS } from "@/lib/audit/kinds";
import { allowServerOnlyImports } from "../support/server-only-hook";
import { failsTarget, setting } from "./quick";
import { runBench, withScratchPostgres } from "./scratch-db";

const ROWS = setting("ROWS", 1_000_000, 5_000);
const RUNS = setting("RUNS", 30, 2);
/** Every page of /audit, whatever the filter, within this many ms (p95). */
const TARGET_P95_MS = 50;
const TEAM = "bench-owner";
const note = (line: string) => process.stderr.write(`bench: ${line}\n`);

function stats(times: number[]): { median: number; p95: number } {
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)]!, p95: times[Math.min(times.length - 1, Math.ceil(times.length * 0.95) - 1)]! };
}

async function timed(run: () => Promise<number>): Promise<{ rows: number; median: number; p95: number }> {
  const times: number[] = [];
  let rows = 0;
  for (let i = -3; i < RUNS; i++) {
    const t0 = performance.now();
    rows = await run();
    if (i >= 0) times.push(performance.now() - t0);
  }
  return { rows, ...stats(times) };
}

async function main() {
  await withScratchPostgres("audit", async (url) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const started = performance.now();
    await client.query(`INSERT INTO users (id, name, email, password_hash, updated_at) VALUES ($1, 'Bench', 'bench@example.com', 'x', now())`, [TEAM]);
    await client.query(
      `INSERT INTO users (id, name, email, password_hash, role, team_id, updated_at)
       SELECT 'person-' || n, 'Person ' || n, 'p' || n || '@example.com', 'x', 'member', $1, now() FROM generate_series(1, 19) n`,
      [TEAM],
    );
    const fill = (team: string, count: number) =>
      client.query(
        `INSERT INTO audit_events (id, team_id, actor_id, actor_name, kind, subject, subject_id, address, details, created_at)
         SELECT $1 || '-' || n, $1, CASE WHEN n % 20 = 0 THEN $1 ELSE 'person-' || (n % 20) END, 'Person ' || (n % 20),
                ($3::text[])[1 + n % array_length($3::text[], 1)], 'bucket/folder-' || (n % 500) || '/file-' || n || '.pdf',
                'link-' || n, '203.0.113.' || (n % 250), '{}'::jsonb, now() - random() * interval '365 days'
         FROM generate_series(1, $2::int) n`,
        [team, count, AUDIT_KINDS],
      );
    await fill(TEAM, ROWS);
    await fill("other-team", Math.ceil(ROWS / 10));
    await client.query("ANALYZE audit_events");
    note(`${(ROWS + Math.ceil(ROWS / 10)).toLocaleString("en-US")} audit rows inserted in ${((performance.now() - started) / 1000).toFixed(1)} s`);

    process.env.DATABASE_URL = url;
    process.env.AUTH_SECRET = randomBytes(48).toString("base64");
    process.env.ENCRYPTION_KEY = randomBytes(32).toString("base64");
    process.env.LOG_LEVEL = "error";
    allowServerOnlyImports();
    const { auditFilterSchema, encodeAuditCursor, listAuditEvents } = await import("@/lib/audit/list");
    const { db } = await import("@/lib/db/client");
    const actor = { id: TEAM, teamId: TEAM, role: "owner" as const, grants: [] };

    const deep = (
      await client.query<{ created_at: Date; id: string }>(
        "SELECT created_at, id FROM audit_events WHERE team_id = $1 ORDER BY created_at DESC, id DESC OFFSET $2 LIMIT 1",
        [TEAM, Math.floor(ROWS / 2)],
      )
    ).rows[0]!;
    const cursor = encodeAuditCursor({ createdAt: deep.created_at, id: deep.id });
    const rareKind = "invite.revoked";
    type Case = { label: string; input: Record<string, string>; sql: string; params: unknown[] };
    const COLS = "id, actor_id, actor_name, kind, subject, subject_id, address, details, created_at";
    const cases: Case[] = [
      { label: "newest first (page 1)", input: {}, sql: `WHERE team_id = $1 ORDER BY created_at DESC, id DESC`, params: [TEAM] },
      {
        label: `Older: keyset at row ${Math.floor(ROWS / 2).toLocaleString("en-US")}`,
        input: { after: cursor },
        sql: `WHERE team_id = $1 AND (created_at, id) < ($2, $3) ORDER BY created_at DESC, id DESC`,
        params: [TEAM, deep.created_at, deep.id],
      },
      {
        label: `Newer: keyset at row ${Math.floor(ROWS / 2).toLocaleString("en-US")}`,
        input: { before: cursor },
        sql: `WHERE team_id = $1 AND (created_at, id) > ($2, $3) ORDER BY created_at ASC, id ASC`,
        params: [TEAM, deep.created_at, deep.id],
      },
      {
        label: "person: one of 20",
        input: { person: "person-7" },
        sql: `WHERE team_id = $1 AND actor_id = $2 ORDER BY created_at DESC, id DESC`,
        params: [TEAM, "person-7"],
      },
      {
        label: "kind: Link issued",
        input: { kind: "link.issued" },
        sql: `WHERE team_id = $1 AND kind = $2 ORDER BY created_at DESC, id DESC`,
        params: [TEAM, "link.issued"],
      },
      {
        label: "person and kind (Link issued)",
        input: { person: "person-7", kind: "link.issued" },
        sql: `WHERE team_id = $1 AND actor_id = $2 AND kind = $3 ORDER BY created_at DESC, id DESC`,
        params: [TEAM, "person-7", "link.issued"],
      },
      {
        label: `person and a kind they never did (${rareKind})`,
        input: { person: "person-7", kind: rareKind },
        sql: `WHERE team_id = $1 AND actor_id = $2 AND kind = $3 ORDER BY created_at DESC, id DESC`,
        params: [TEAM, "person-7", rareKind],
      },
    ];
    const table = [
      "| /audit query (50 per page) | rows | app median ms | app p95 ms | plain SQL median ms | plain SQL p95 ms |",
      "| --- | ---: | ---: | ---: | ---: | ---: |",
    ];
    let missed = false;
    for (const c of cases) {
      const filter = auditFilterSchema.parse(c.input);
      const app = await timed(async () => (await listAuditEvents(actor, filter)).rows.length);
      const plain = await timed(async () => (await client.query(`SELECT ${COLS} FROM audit_events ${c.sql} LIMIT 51`, c.params)).rows.length);
      if (app.rows !== Math.min(plain.rows, 50)) throw new Error(`${c.label}: the page has ${app.rows} rows, the plain query ${plain.rows}`);
      if (app.p95 > TARGET_P95_MS) missed = true;
      table.push(`| ${c.label} | ${app.rows} | ${app.median.toFixed(1)} | ${app.p95.toFixed(1)} | ${plain.median.toFixed(1)} | ${plain.p95.toFixed(1)} |`);
    }
    await client.end();
    await db.$disconnect();
    process.stdout.write(`\nAudit log, ${ROWS.toLocaleString("en-US")} rows of one team, ${RUNS} runs each after 3 warm-up\n\n${table.join("\n")}\n`);
    if (failsTarget(missed)) throw new Error(`a page took more than ${TARGET_P95_MS} ms (p95)`);
  });
}

runBench("audit", main);
