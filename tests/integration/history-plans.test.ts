/**
 * Issue 19 item 5, "History at scale": every query the link history sends (the /links page's list,
 * count, bucket menu and attention banner; each status, type and health filter, each search, one
 * bucket, a deep keyset page, "Issued by", a Member's own view; and the API's GET /links with its
 * query parameters) reads share_links through an index. The queries are the SQL Prisma really emits
 * for the app's own functions and route handler (captured at the pg driver), run again under
 * EXPLAIN (ANALYZE, FORMAT JSON) against a table of SEEDED links (ANALYZEd), so that a change to a
 * query or an index that would make the history scan share_links again fails here, not on a
 * customer's million links. Two rules per plan node on share_links: no Seq Scan, and no index walk
 * that reads (keeps or filters out) more than MAX_ROWS_READ rows, which is a sequential scan in
 * index order. Timing is bench:links' job; this test only reads plans and row counts.
 */
import { appendFileSync } from "node:fs";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadActor } from "@/lib/auth/actor";
import type { Actor, Role } from "@/lib/auth/permissions";
import { DATABASE_SESSION_OPTIONS, db } from "@/lib/db/client";
import { LINK_HEALTH_FILTERS, LINK_STATUS_FILTERS, LINK_TYPE_FILTERS } from "@/lib/links/filters";
import { countLinks, countLinksNeedingAttention, encodeCursor, HISTORY_COUNT_CAP, historyWhere, listHistoryBuckets, listLinks } from "@/lib/links/history";
import { commonTrigrams, forgetCommonTrigrams, searchPlan } from "@/lib/links/search-trigrams";
import { historyFilterSchema } from "@/lib/validation/share";
import { callApi, createTestToken } from "../support/api-contract";
import * as h from "../support/helpers";

/** Enough links that the planner prefers an index wherever one fits (generate_series: a few seconds). */
const SEEDED = 100_000;
/**
 * A plan node may read at most this many share_links rows (5 % of the table, the share of live links
 * here): a page of the sparsest filter, a count up to its cap, a search's matches, never all the
 * live links or all the links.
 */
const MAX_ROWS_READ = SEEDED / 20;

type Captured = { label: string; text: string; values: unknown[] };

/** The SQL the app sends while `run` runs, as the pg driver receives it from Prisma. */
const captured: Captured[] = [];
let capturing: string | null = null;
const originalQuery = pg.Client.prototype.query;

async function capture(label: string, run: () => Promise<unknown>): Promise<void> {
  capturing = label;
  try {
    await run();
  } finally {
    capturing = null;
  }
}

let owner: Actor;
let admin: Actor;
let member: Actor;
let otherMember: Actor;
let ownerToken: string;
let memberToken: string;
let deepCursor: string;

async function person(label: string, role: Role, teamId: string | null): Promise<string> {
  const row = await db.user.create({
    data: { name: `${label} ${h.randomSuffix()}`, email: `${label}-${h.randomSuffix()}@integration.test`, passwordHash: "x", role, teamId },
  });
  return row.id;
}

async function actor(id: string): Promise<Actor> {
  const loaded = await loadActor(id);
  if (!loaded) throw new Error("removed");
  return loaded;
}

beforeAll(async () => {
  const ownerId = await person("Plans owner", "owner", null);
  owner = await actor(ownerId);
  admin = await actor(await person("Plans admin", "admin", ownerId));
  member = await actor(await person("Plans member", "member", ownerId));
  otherMember = await actor(await person("Plans other", "member", ownerId));
  // The app's client stops statements after 4 s: seeding takes its own connection.
  const seeder = new pg.Client({ connectionString: process.env.DATABASE_URL, options: DATABASE_SESSION_OPTIONS });
  await seeder.connect();
  await seeder.query(
    `INSERT INTO storage_connections (id, owner_id, name, provider, endpoint, region, access_key_id, secret_access_key_enc, updated_at)
     SELECT $1 || '-conn-' || n, $1, 'Connection ' || n, 'custom', 'http://127.0.0.1:9', 'us-east-1', 'k', 'v2.x.x.x.x', now()
       FROM generate_series(0, 2) n`,
    [ownerId],
  );
  // The trigram indexes take new rows one at a time (fastupdate off, as the migrations make them): for this bulk load
  // they gather them in their pending list and merge them at once, then are set back. The same index either way;
  // the load takes about half as long.
  const { rows: ginIndexes } = await seeder.query<{ name: string }>(
    "SELECT quote_ident(indexname) AS name FROM pg_indexes WHERE tablename = 'share_links' AND indexdef LIKE '% USING gin %'",
  );
  for (const { name } of ginIndexes) await seeder.query(`ALTER INDEX ${name} SET (fastupdate = on)`);
  try {
    // Links over 90 days, 1 hour to 7 days long; a third managed (some revoked, limited, never
    // expiring, marked, upload requests, multi-file shares with a title); notes on a seventh; health
    // checked on some; a few removed from the history; issued by the four people in turn.
    await seeder.query(
      `INSERT INTO share_links (id, owner_id, issued_by, connection_id, connection_name, bucket, key, object_size,
                             requested_expires_at, expires_at, expires_soon_at, disposition, file_name, note, url_enc, created_at,
                             kind, never_expires, download_limit, download_count, object_state, revoked_at, target, title, file_count,
                             health, health_checked_at, deleted_at)
    SELECT $1 || '-' || n, $1, (ARRAY[$1, $2, $3, $4])[n % 4 + 1],
           $1 || '-conn-' || (n % 3), 'Connection ' || (n % 3), 'bucket-' || (n % 10),
           'folder-' || (n % 500) || '/file-' || n || '.pdf', n, ends, ends, ends - least(interval '1 hour', (ends - created) / 4),
           'attachment', 'file-' || n || '.pdf', CASE WHEN n % 7 = 0 THEN 'for client ' || (n % 1000) END, 'v2.x.x.x.x', created,
           CASE WHEN managed THEN 'managed' ELSE 'direct' END, managed AND n % 17 = 0,
           CASE WHEN managed AND n % 11 = 0 THEN 5 END, n % 7,
           CASE WHEN managed AND n % 29 = 0 THEN 'changed' WHEN managed AND n % 31 = 0 THEN 'missing' END,
           CASE WHEN managed AND n % 13 = 0 THEN created + interval '1 minute' END,
           CASE WHEN n % 300 = 0 THEN 'request' WHEN managed AND n % 41 = 0 THEN 'files' ELSE 'object' END,
           CASE WHEN managed AND n % 41 = 0 THEN 'Files for client ' || (n % 1000) END,
           CASE WHEN managed AND n % 41 = 0 THEN 3 END,
           CASE WHEN n % 97 = 0 THEN 'missing' WHEN n % 89 = 0 THEN 'access_denied' WHEN n % 83 = 0 THEN 'changed'
                WHEN n % 5 = 0 THEN 'ok' END,
           CASE WHEN n % 5 = 0 OR n % 83 = 0 OR n % 89 = 0 OR n % 97 = 0 THEN now() END,
           CASE WHEN n % 101 = 0 THEN created + interval '1 day' END
      FROM (SELECT n, n % 3 = 0 AS managed, created,
                   CASE WHEN n % 3 = 0 AND n % 17 = 0 THEN timestamp '9999-12-31 23:59:59'
                        ELSE created + interval '1 hour' * (1 + (n * 7919) % 168) END AS ends
              FROM (SELECT n, (now() - interval '90 days' * n / $5::int)::timestamp AS created
                      FROM generate_series(1, $5::int) n) t) s`,
      [ownerId, admin.id, member.id, otherMember.id, SEEDED],
    );
  } finally {
    for (const { name } of ginIndexes) {
      await seeder.query(`SELECT gin_clean_pending_list('${name}'::regclass)`);
      await seeder.query(`ALTER INDEX ${name} SET (fastupdate = off)`);
    }
  }
  await seeder.query("ANALYZE share_links");
  const { rows } = await seeder.query<{ created_at: Date; id: string }>(
    "SELECT created_at AT TIME ZONE 'UTC' AS created_at, id FROM share_links WHERE owner_id = $1 ORDER BY created_at DESC, id DESC OFFSET $2 LIMIT 1",
    [ownerId, SEEDED / 2],
  );
  await seeder.end();
  const middle = rows[0];
  deepCursor = encodeCursor({ createdAt: middle!.created_at, id: middle!.id });
  ownerToken = (await createTestToken(ownerId, { scopes: ["links:read"] })).token;
  memberToken = (await createTestToken(member.id, { scopes: ["links:read"] })).token;

  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const config = args[0] as { text?: string; values?: unknown[] } | string;
    if (capturing && typeof config === "object" && config?.text && /"share_links"|\bshare_links\b/.test(config.text)) {
      captured.push({ label: capturing, text: config.text, values: config.values ?? (Array.isArray(args[1]) ? (args[1] as unknown[]) : []) });
    }
    return (originalQuery as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof pg.Client.prototype.query;
}, 300_000);

afterAll(async () => {
  pg.Client.prototype.query = originalQuery;
  if (owner) {
    // 100,000 rows take longer than the app's statement limit: a connection of its own.
    const cleaner = new pg.Client({ connectionString: process.env.DATABASE_URL, options: DATABASE_SESSION_OPTIONS });
    await cleaner.connect();
    await cleaner.query("DELETE FROM share_links WHERE owner_id = $1", [owner.id]);
    await cleaner.query("DELETE FROM users WHERE id = $1 OR team_id = $1", [owner.id]);
    await cleaner.query("ANALYZE share_links");
    await cleaner.end();
  }
});

/** Every filter of the history, one at a time, and the combinations a page sends most. */
function filters(): [string, Record<string, string>][] {
  return [
    ["newest first", {}],
    ["deep keyset page", { cursor: deepCursor }],
    ...LINK_STATUS_FILTERS.filter((s) => s !== "all").map((status): [string, Record<string, string>] => [`status ${status}`, { status }]),
    ...LINK_TYPE_FILTERS.filter((t) => t !== "all").map((type): [string, Record<string, string>] => [`type ${type}`, { type }]),
    ...LINK_HEALTH_FILTERS.filter((x) => x !== "all").map((health): [string, Record<string, string>] => [`health ${health}`, { health }]),
    ["one bucket", { connection: `${owner.id}-conn-2`, bucket: "bucket-4" }],
    ["one bucket, deep page", { connection: `${owner.id}-conn-2`, bucket: "bucket-4", cursor: deepCursor }],
    ["search in keys", { q: "folder-42/" }],
    ["search in keys, a file name fragment", { q: "file-4242" }],
    ["search in keys, a word in every key", { q: ".pdf" }],
    ["search in notes", { q: "client 77" }],
    ["search in titles", { q: "Files for client 5" }],
    ["search finding nothing", { q: "no-such-text" }],
    ["search with LIKE wildcards", { q: "50%_x" }],
    ["search, deep page", { q: "client 7", cursor: deepCursor }],
    ["expires soon in one bucket", { status: "expires_soon", connection: `${owner.id}-conn-1`, bucket: "bucket-3" }],
    ["needs attention, managed", { health: "needs-attention", type: "managed" }],
  ];
}

async function explain(client: pg.Client, query: Captured): Promise<{ problems: string[]; plan: unknown }> {
  const { rows } = await client.query<{ "QUERY PLAN": { Plan: PlanNode }[] }>(`EXPLAIN (ANALYZE, FORMAT JSON) ${query.text}`, query.values);
  const root = rows[0]!["QUERY PLAN"][0]!.Plan;
  const problems: string[] = [];
  const visit = (node: PlanNode) => {
    if (node["Relation Name"] === "share_links") {
      const read =
        ((node["Actual Rows"] ?? 0) + (node["Rows Removed by Filter"] ?? 0) + (node["Rows Removed by Index Recheck"] ?? 0)) * (node["Actual Loops"] ?? 1);
      if (node["Node Type"] === "Seq Scan") problems.push(`Seq Scan on share_links (${read} rows)`);
      else if (read > MAX_ROWS_READ) problems.push(`${node["Node Type"]} ${node["Index Name"] ?? ""} read ${read} rows of share_links`);
    }
    for (const child of node.Plans ?? []) visit(child);
  };
  visit(root);
  return { problems, plan: root };
}

type PlanNode = {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  "Actual Rows"?: number;
  "Actual Loops"?: number;
  "Rows Removed by Filter"?: number;
  "Rows Removed by Index Recheck"?: number;
  Plans?: PlanNode[];
};

/** (created_at, id) < the cursor's, as Prisma would ask it. */
function afterCursor(cursor: string) {
  const [at, id] = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as [string, string];
  const createdAt = new Date(at);
  return { OR: [{ createdAt: { lt: createdAt } }, { createdAt, id: { lt: id } }] };
}

describe("the history's queries at scale", () => {
  it("ask each index for a term's distinctive words only, from the statistics of the columns' trigrams", async () => {
    forgetCommonTrigrams();
    const common = await commonTrigrams();
    // Every seeded key is `folder-N/file-N.pdf`: those words' trigrams are common, the numbers' are not.
    expect(common.key.has("fol") && common.key.has("pdf")).toBe(true);
    expect(searchPlan("folder-42/", common.key)).toEqual({ narrowed: "%%-42/%", broad: false });
    expect(searchPlan("file-4242", common.key)).toEqual({ narrowed: "%%-4242%", broad: false });
    expect(searchPlan("Report_50%.pdf", common.key)).toEqual({ narrowed: "%report\\_50\\%.%%", broad: false });
    // Nothing distinctive left (most keys match), or nothing common: the whole term.
    expect(searchPlan(".pdf", common.key)).toEqual({ narrowed: null, broad: true });
    expect(searchPlan("invoice", common.key)).toEqual({ narrowed: null, broad: false });
    // Every seeded note is `for client N`.
    expect(searchPlan("client 77", common.note)).toEqual({ narrowed: "%% 77%", broad: false });
    expect(searchPlan("client 77", common.key)).toEqual({ narrowed: null, broad: false });
  });

  it("list, with a status and a health filter together, only links of that status and health", async () => {
    const now = new Date();
    let listed = 0;
    for (const status of LINK_STATUS_FILTERS.filter((s) => s !== "all")) {
      for (const health of ["ok", "needs-attention"] as const) {
        const { rows } = await listLinks(owner, historyFilterSchema.parse({ status, health }), now, 200);
        for (const row of rows) {
          expect(row.status, `${status}, ${health}: ${row.id}`).toBe(status);
          expect(health === "ok" ? row.health === "ok" : row.health !== null && row.health !== "ok", `${status}, ${health}: ${row.id}`).toBe(true);
        }
        listed += rows.length;
      }
    }
    expect(listed).toBeGreaterThan(100);
  });

  it("find with a search's SQL exactly what historyWhere finds, whatever the other filters, person and cursor", async () => {
    const now = new Date();
    const readers: [string, Actor, Record<string, string>][] = [
      ["Owner", owner, {}],
      ["Member", member, {}],
      ["Admin, Issued by", admin, { issuedBy: member.id }],
    ];
    let compared = 0;
    for (const [who, reader, extra] of readers) {
      for (const [label, input] of filters()) {
        for (const q of ["folder-42/", "client 7", "Files for", "no-such-text"]) {
          for (const withoutRequests of [false, true]) {
            const filter = { ...historyFilterSchema.parse({ ...input, ...extra, q }), withoutRequests };
            const expected = await db.shareLink.findMany({
              where: {
                AND: [historyWhere(reader, filter, now), ...(input.cursor ? [afterCursor(input.cursor)] : [])],
              },
              orderBy: [{ createdAt: "desc" }, { id: "desc" }],
              take: 50,
              select: { id: true },
            });
            const all = await db.shareLink.count({ where: historyWhere(reader, filter, now) });
            const page = await listLinks(reader, filter, now);
            const count = await countLinks(reader, filter, now);
            const where = `${who}, ${label}, q=${q}${withoutRequests ? ", API" : ""}`;
            expect(
              page.rows.map((row) => row.id),
              where,
            ).toEqual(expected.map((row) => row.id));
            expect(count, where).toEqual(all > HISTORY_COUNT_CAP ? { count: HISTORY_COUNT_CAP, capped: true } : { count: all, capped: false });
            compared++;
          }
        }
      }
    }
    expect(compared).toBeGreaterThan(500);
  }, 600_000);

  it("read share_links through an index for every filter, search and person, on /links and GET /api/v1/links", async () => {
    const now = new Date();
    const people: [string, Actor][] = [
      ["Owner", owner],
      ["Member's own view", member],
    ];
    for (const [who, reader] of people) {
      for (const [label, input] of filters()) {
        const filter = historyFilterSchema.parse(input);
        await capture(`/links, ${who}: ${label} (list)`, () => listLinks(reader, filter, now));
        await capture(`/links, ${who}: ${label} (count)`, () => countLinks(reader, filter, now));
      }
      await capture(`/links, ${who}: bucket filter menu`, () => listHistoryBuckets(reader));
      await capture(`/links, ${who}: needs attention banner`, () => countLinksNeedingAttention(reader, now));
      await capture(`/links, ${who}: CSV export batch`, () => listLinks(reader, historyFilterSchema.parse({}), now, 1000));
    }
    for (const [label, input] of [
      ["Issued by", { issuedBy: member.id }],
      ["Issued by, expires soon", { issuedBy: otherMember.id, status: "expires_soon" }],
      ["Issued by, search", { issuedBy: member.id, q: "client 77" }],
      ["Issued by, one bucket", { issuedBy: member.id, connection: `${owner.id}-conn-2`, bucket: "bucket-4" }],
      ["Issued by, needs attention", { issuedBy: member.id, health: "needs-attention" }],
    ] as [string, Record<string, string>][]) {
      const filter = historyFilterSchema.parse(input);
      await capture(`/links, Admin: ${label} (list)`, () => listLinks(admin, filter, now));
      await capture(`/links, Admin: ${label} (count)`, () => countLinks(admin, filter, now));
    }
    for (const [who, token] of [
      ["Owner", ownerToken],
      ["Member", memberToken],
    ] as const) {
      const queries = [
        ...filters()
          .filter(([, input]) => input.type !== "request")
          .map(([label, input]): [string, Record<string, string>] => [label, input]),
        ["limit 200", { limit: "200" }],
        ...(who === "Owner" ? [["Issued by", { issuedBy: member.id }] as [string, Record<string, string>]] : []),
      ] as [string, Record<string, string>][];
      for (const [label, input] of queries) {
        await capture(`GET /api/v1/links, ${who}: ${label}`, async () => {
          const response = await callApi({ method: "GET", path: `/links?${new URLSearchParams(input)}`, token });
          expect(response.status, label).toBe(200);
        });
      }
    }

    expect(captured.length).toBeGreaterThan(150);
    // The app's session settings (lib/db/client.ts), so the plans are the ones the app gets.
    const client = new pg.Client({ connectionString: process.env.DATABASE_URL, options: DATABASE_SESSION_OPTIONS });
    await client.connect();
    const failures: string[] = [];
    try {
      for (const query of captured) {
        const { problems, plan } = await explain(client, query);
        for (const problem of problems)
          failures.push(`${query.label}: ${problem}\n    …${query.text.slice(query.text.indexOf(" WHERE "), query.text.indexOf(" WHERE ") + 600)}`);
        if (process.env.HISTORY_PLANS_DUMP) appendFileSync(process.env.HISTORY_PLANS_DUMP, `${JSON.stringify({ ...query, problems, plan })}\n`);
      }
    } finally {
      await client.end();
    }
    expect(failures, `${failures.length} of ${captured.length} history queries scan share_links:\n${failures.join("\n")}`).toEqual([]);
  }, 300_000);
});
