/**
 * GET /api/v1/links reads its page with listLinkRecords (one statement through node-postgres, the history's own
 * where clause translated by lib/links/link-where-sql.ts) instead of listLinks (Prisma). Both must list exactly the
 * same links with the same values: for the Owner, an Admin (with "Issued by") and Members (their own links only),
 * for every status, type and health filter, searches (LIKE wildcards too), one bucket, and keyset pages. And a
 * link just created reads the same through getLinkRecord as through getLinkDetails.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadActor } from "@/lib/auth/actor";
import type { Actor, Role } from "@/lib/auth/permissions";
import { DATABASE_SESSION_OPTIONS, db } from "@/lib/db/client";
import { LINK_HEALTH_FILTERS, LINK_STATUS_FILTERS, LINK_TYPE_FILTERS } from "@/lib/links/filters";
import { getLinkRecord, type LinkRecord, type LinkRow, listLinkRecords, listLinks } from "@/lib/links/history";
import { getLinkDetails } from "@/lib/links/manage";
import { historyFilterSchema, type HistoryFilter } from "@/lib/validation/share";
import * as h from "../support/helpers";

const SEEDED = 1_500;

let teamId: string;
let owner: Actor;
let admin: Actor;
let member: Actor;
let otherMember: Actor;

async function person(label: string, role: Role, team: string | null): Promise<Actor> {
  const row = await db.user.create({
    data: { name: `${label} ${h.randomSuffix()}`, email: `${label}-${h.randomSuffix()}@integration.test`, passwordHash: "x", role, teamId: team },
  });
  const actor = await loadActor(row.id);
  if (!actor) throw new Error("removed");
  return actor;
}

beforeAll(async () => {
  owner = await person("Records owner", "owner", null);
  teamId = owner.id;
  admin = await person("Records admin", "admin", teamId);
  member = await person("Records member", "member", teamId);
  otherMember = await person("Records other", "member", teamId);
  const seeder = new pg.Client({ connectionString: process.env.DATABASE_URL, options: DATABASE_SESSION_OPTIONS });
  await seeder.connect();
  await seeder.query(
    `INSERT INTO storage_connections (id, owner_id, name, provider, endpoint, region, access_key_id, secret_access_key_enc, updated_at)
     SELECT $1 || '-conn-' || n, $1, 'Connection ' || n, 'custom', 'http://127.0.0.1:9', 'us-east-1', 'k', 'v2.x.x.x.x', now()
       FROM generate_series(0, 2) n`,
    [teamId],
  );
  // Every kind of row the list shows: direct and managed, revoked, limited and used up, never expiring, marked
  // changed/missing, upload requests, multi-file shares, notes with LIKE wildcards, health outcomes, removed from the
  // history, a deleted connection, equal creation times (the id breaks the tie), issued by the four people in turn.
  await seeder.query(
    `INSERT INTO share_links (id, owner_id, issued_by, connection_id, connection_name, bucket, key, object_size,
                             requested_expires_at, expires_at, expires_soon_at, disposition, file_name, note, url_enc, created_at,
                             kind, never_expires, download_limit, download_count, object_state, revoked_at, target, title, file_count,
                             health, health_checked_at, deleted_at, password_hash, allowed_networks, pinned, content_type_override)
    SELECT $1 || '-' || lpad(n::text, 5, '0'), $1, (ARRAY[$1, $2, $3, $4])[n % 4 + 1],
           CASE WHEN n % 53 = 0 THEN NULL ELSE $1 || '-conn-' || (n % 3) END, 'Connection ' || (n % 3), 'bucket-' || (n % 5),
           'folder-' || (n % 50) || '/file_' || n || '.pdf', n * 1000003, ends, ends, ends - least(interval '1 hour', (ends - created) / 4),
           CASE WHEN n % 2 = 0 THEN 'attachment' ELSE 'inline' END, 'file-' || n || '.pdf',
           CASE WHEN n % 7 = 0 THEN 'for client ' || (n % 100) || CASE WHEN n % 14 = 0 THEN ' 50%_off' ELSE '' END END, 'v2.x.x.x.x', created,
           CASE WHEN managed THEN 'managed' ELSE 'direct' END, managed AND n % 17 = 0,
           CASE WHEN managed AND n % 11 = 0 THEN 5 END, CASE WHEN n % 22 = 0 THEN 5 ELSE n % 4 END,
           CASE WHEN managed AND n % 29 = 0 THEN 'changed' WHEN managed AND n % 31 = 0 THEN 'missing' END,
           CASE WHEN managed AND n % 13 = 0 THEN created + interval '1 minute' END,
           CASE WHEN n % 30 = 0 THEN 'request' WHEN managed AND n % 41 = 0 THEN 'files' ELSE 'object' END,
           CASE WHEN managed AND n % 41 = 0 THEN 'Files for client ' || (n % 100) END,
           CASE WHEN managed AND n % 41 = 0 THEN 3 END,
           CASE WHEN n % 37 = 0 THEN 'missing' WHEN n % 19 = 0 THEN 'access_denied' WHEN n % 23 = 0 THEN 'changed'
                WHEN n % 43 = 0 THEN 'dies_early' WHEN n % 5 = 0 THEN 'ok' END,
           CASE WHEN n % 5 = 0 OR n % 19 = 0 OR n % 23 = 0 OR n % 37 = 0 OR n % 43 = 0 THEN created + interval '5 minutes' END,
           CASE WHEN n % 101 = 0 THEN created + interval '1 day' END,
           CASE WHEN managed AND n % 9 = 0 THEN 'not-a-real-hash' END,
           CASE WHEN managed AND n % 10 = 0 THEN ARRAY['10.0.0.0/8', '192.168.1.0/24'] ELSE ARRAY[]::text[] END,
           n % 6 <> 0, CASE WHEN n % 47 = 0 THEN 'text/plain' END
      FROM (SELECT n, n % 3 = 0 AS managed, created,
                   CASE WHEN n % 3 = 0 AND n % 17 = 0 THEN timestamp '9999-12-31 23:59:59'
                        ELSE created + interval '1 minute' * (1 + (n * 7919) % 20000) END AS ends
              FROM (SELECT n, date_trunc('second', now() - interval '10 days' * (n / 2) / $5::int)::timestamp AS created
                      FROM generate_series(1, $5::int) n) t) s`,
    [teamId, admin.id, member.id, otherMember.id, SEEDED],
  );
  await seeder.end();
}, 120_000);

afterAll(async () => {
  if (!teamId) return;
  await db.shareLink.deleteMany({ where: { ownerId: teamId } });
  await db.storageConnection.deleteMany({ where: { ownerId: teamId } });
  await db.user.deleteMany({ where: { OR: [{ id: teamId }, { teamId }] } });
});

/** What the API shows of a LinkRow (LinkRecord's fields). */
function shown(row: LinkRow | LinkRecord): LinkRecord {
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    connectionId: row.connectionId,
    connectionName: row.connectionName,
    bucket: row.bucket,
    key: row.key,
    fileName: row.fileName,
    disposition: row.disposition,
    contentTypeOverride: row.contentTypeOverride,
    note: row.note,
    objectSize: row.objectSize,
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
    neverExpires: row.neverExpires,
    downloadLimit: row.downloadLimit,
    downloadCount: row.downloadCount,
    lastAccessAt: row.lastAccessAt,
    revokedAt: row.revokedAt,
    objectState: row.objectState,
    health: row.health,
    healthCheckedAt: row.healthCheckedAt,
    hasPassword: row.hasPassword,
    allowedNetworks: row.allowedNetworks,
    pinned: row.pinned,
    target: row.target,
    title: row.title,
    fileCount: row.fileCount,
    issuedById: row.issuedById,
    issuedBy: row.issuedBy,
  };
}

function filters(): [string, Record<string, string>][] {
  return [
    ["newest first", {}],
    ...LINK_STATUS_FILTERS.filter((s) => s !== "all").map((status): [string, Record<string, string>] => [`status ${status}`, { status }]),
    ...LINK_TYPE_FILTERS.filter((t) => t !== "all").map((type): [string, Record<string, string>] => [`type ${type}`, { type }]),
    ...LINK_HEALTH_FILTERS.filter((x) => x !== "all").map((health): [string, Record<string, string>] => [`health ${health}`, { health }]),
    ["one bucket", { connection: `${teamId}-conn-2`, bucket: "bucket-4" }],
    ["a deleted connection's bucket", { bucket: "bucket-3" }],
    ["search in keys", { q: "FOLDER-4/" }],
    ["search in notes", { q: "client 7" }],
    ["search in titles", { q: "files for client" }],
    ["search with LIKE wildcards", { q: "50%_" }],
    ["search with a backslash", { q: "a\\b" }],
    ["expires soon in one bucket", { status: "expires_soon", connection: `${teamId}-conn-1`, bucket: "bucket-3" }],
    ["needs attention, managed", { health: "needs-attention", type: "managed" }],
    ["Issued by", { issuedBy: member.id }],
    ["Issued by, limit reached", { issuedBy: otherMember.id, status: "limit_reached" }],
  ];
}

/** Every page of the filter through both functions: the same links, values and cursors. */
async function compareAllPages(actor: Actor, filter: HistoryFilter, pageSize: number, now: Date): Promise<number> {
  let cursor: string | undefined;
  let seen = 0;
  do {
    const [prisma, records] = await Promise.all([
      listLinks(actor, { ...filter, cursor }, now, pageSize),
      listLinkRecords(actor, { ...filter, cursor }, now, pageSize),
    ]);
    expect(records.rows.map(shown)).toEqual(prisma.rows.map(shown));
    expect(records.nextCursor).toBe(prisma.nextCursor);
    seen += records.rows.length;
    cursor = records.nextCursor ?? undefined;
  } while (cursor);
  return seen;
}

describe("the API's list (listLinkRecords) and the history's (listLinks)", () => {
  it("list the same links with the same values for every person, filter and page", async () => {
    const now = new Date();
    let listed = 0;
    for (const [who, actor] of [
      ["Owner", owner],
      ["Admin", admin],
      ["Member", member],
      ["other Member", otherMember],
    ] as const) {
      for (const [label, input] of filters()) {
        for (const withoutRequests of [true, false]) {
          const filter = { ...historyFilterSchema.parse(input), withoutRequests };
          const count = await compareAllPages(actor, filter, 200, now).catch((error: unknown) => {
            throw new Error(`${who}, ${label}, withoutRequests ${withoutRequests}: ${(error as Error).message}`);
          });
          listed += count;
        }
      }
    }
    // The comparison compared something: the team's links, seen by many filters and people.
    expect(listed).toBeGreaterThan(SEEDED * 4);
  }, 120_000);

  it("pages through small pages alike, and a Member never sees another's link", async () => {
    const now = new Date();
    expect(await compareAllPages(owner, { ...historyFilterSchema.parse({}), withoutRequests: true }, 7, now)).toBeGreaterThan(SEEDED / 2);
    const mine = await listLinkRecords(member, { ...historyFilterSchema.parse({}), withoutRequests: true }, now, 500);
    expect(mine.rows.length).toBeGreaterThan(0);
    expect(mine.rows.every((row) => row.issuedById === member.id)).toBe(true);
    // "Issued by" is for those who see every link: a Member asking for another's links still gets only their own.
    const asked = await listLinkRecords(member, { ...historyFilterSchema.parse({ issuedBy: otherMember.id }), withoutRequests: true }, now, 500);
    expect(asked.rows.map((row) => row.id)).toEqual(mine.rows.map((row) => row.id));
  });

  it("takes a NUL in a search or a forged cursor as text that finds nothing or no cursor, never a fault", async () => {
    const forged = Buffer.from(JSON.stringify([new Date().toISOString(), "a\u0000"])).toString("base64url");
    const filter = historyFilterSchema.parse({ q: "folder-7\u0000", cursor: forged });
    expect(filter.q).toBe("folder-7");
    const [page, records] = await Promise.all([listLinks(owner, filter), listLinkRecords(owner, { ...filter, withoutRequests: true })]);
    // The forged cursor is no cursor: the first page, as without one.
    const first = await listLinks(owner, historyFilterSchema.parse({ q: "folder-7" }));
    expect(page.rows.map((r) => r.id)).toEqual(first.rows.map((r) => r.id));
    const firstRecords = await listLinkRecords(owner, { ...historyFilterSchema.parse({ q: "folder-7" }), withoutRequests: true });
    expect(records.rows.map((r) => r.id)).toEqual(firstRecords.rows.map((r) => r.id));
    expect(first.rows.length).toBeGreaterThan(0);
  });

  it("reads one link (getLinkRecord) as getLinkDetails does, and nothing outside the reader's links", async () => {
    const now = new Date();
    const ids = (await db.shareLink.findMany({ where: { ownerId: teamId }, select: { id: true }, orderBy: { id: "asc" }, take: 120 })).map((r) => r.id);
    for (const actor of [owner, admin, member]) {
      for (const id of ids) {
        const [details, record] = await Promise.all([getLinkDetails(actor, id, now), getLinkRecord(actor, id, now)]);
        if (!details) {
          expect(record, id).toBeNull();
          continue;
        }
        expect(record, id).not.toBeNull();
        expect({ ...shown(record!), requestedExpiresAt: record!.requestedExpiresAt, canManage: record!.canManage }).toEqual({
          ...shown({
            ...details,
            issuedById: details.issuedBy?.id ?? null,
            issuedBy: details.issuedBy && { name: details.issuedBy.name, removed: details.issuedBy.removed },
          } as never),
          requestedExpiresAt: details.requestedExpiresAt,
          canManage: details.canManage,
        });
      }
    }
  }, 60_000);
});
