/**
 * The access log partitioned by month, against the real PostgreSQL: the migration keeps the rows
 * and their ids; rows land in their month's partition; the access-log job makes the months ahead
 * (again and from two instances at once: no error, nothing twice) and moves rows that fell into
 * DEFAULT into their month; retention drops the months past it whole and trims the boundary month
 * row by row; /links/<id>'s "Access log" pages across months without gaps or repeats.
 *
 * Partitions are tables of the whole database, so everything that makes or drops them runs in a
 * database of its own (the shared test database keeps this month and the two next).
 */
import { cp, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { soleOwner } from "@/lib/auth/permissions";
import type { SessionUser } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { applyMigrations } from "@/lib/db/migrate";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { ensureAccessLogMonths, listAccessLogPartitions, monthStart, partitionName } from "@/lib/links/access-log-partitions";
import { pruneAccessLog } from "@/lib/links/access-log-retention";
import { listAccessLog } from "@/lib/links/manage";
import * as h from "../support/helpers";
import { createTestDatabase } from "../support/services";

const MIGRATION = "link_events_partitioned";
const DAY = 86_400_000;

/** An empty database of the test cluster (no migrations yet). */
async function emptyDatabase(prefix: string): Promise<string> {
  const services = inject("services");
  const name = `${prefix}_${Math.random().toString(16).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: services.postgresUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(services.postgresUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

function prismaFor(url: string): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: url, options: "-c TimeZone=UTC" }) });
}

async function seedLink(client: pg.Client, id: string): Promise<void> {
  await client.query(
    `INSERT INTO users (id, name, email, password_hash, updated_at) VALUES ($1, 'Owner', $1 || '@example.com', 'x', now()) ON CONFLICT DO NOTHING`,
    [`u-${id}`],
  );
  await client.query(
    `INSERT INTO share_links (id, owner_id, connection_name, bucket, key, object_size, requested_expires_at,
                              expires_at, expires_soon_at, disposition, file_name, url_enc, kind, created_at)
     VALUES ($1, $2, 'Saved', 'b', 'k', 1, now(), now(), now(), 'attachment', 'f', 'x', 'managed', now())`,
    [id, `u-${id}`],
  );
}

/** The partition holding each row, by id. */
async function partitionsOf(client: pg.Client): Promise<Record<string, string>> {
  const { rows } = await client.query<{ id: string; part: string }>("SELECT id::text, tableoid::regclass::text AS part FROM link_events");
  return Object.fromEntries(rows.map((r) => [r.id, r.part]));
}

describe("the access log partitioned by month", () => {
  it("migrates the existing rows with their ids into month partitions (and DEFAULT for rows older than 25 months)", async () => {
    const url = await emptyDatabase("partmig");
    const dir = await mkdtemp(join(tmpdir(), "partmig-"));
    const client = new pg.Client({ connectionString: url });
    try {
      const all = (await readdir("prisma/migrations", { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
      const index = all.sort().findIndex((n) => n.endsWith(`_${MIGRATION}`));
      expect(index).toBeGreaterThan(0);
      for (const name of all.slice(0, index)) await cp(join("prisma/migrations", name), join(dir, name), { recursive: true });
      await cp("prisma/migrations/migration_lock.toml", join(dir, "migration_lock.toml"));
      await applyMigrations(url, { migrationsDir: dir });

      await client.connect();
      await client.query("SET TimeZone = 'UTC'");
      await seedLink(client, "mig-link");
      const now = new Date();
      const ages = [0, 1, 40, 200, 400, 1000]; // days; 1000 days is past the 25 months the migration makes
      const before = (
        await client.query<{ id: string; created_at: Date; outcome: string; client_address: string; file_path: string | null }>(
          `INSERT INTO link_events (link_id, created_at, outcome, reason, client_address, user_agent, preview_agent, file_path)
           SELECT 'mig-link', $1::timestamp - make_interval(days => a), 'download', NULL, '192.0.2.' || a, 'agent ' || a, a = 1, CASE WHEN a = 40 THEN 'a/b.txt' END
             FROM unnest($2::int[]) a
           RETURNING id::text, created_at, outcome, client_address, file_path`,
          [now.toISOString(), ages],
        )
      ).rows;
      await client.query("DELETE FROM link_events WHERE client_address = '192.0.2.0'"); // a gap in the ids
      const kept = before.filter((r) => r.client_address !== "192.0.2.0");

      await applyMigrations(url);
      const after = await client.query(`SELECT id::text, created_at, outcome, client_address, file_path FROM link_events ORDER BY id`);
      expect(after.rows).toEqual(kept.sort((a, b) => Number(a.id) - Number(b.id)));
      const { rows: kind } = await client.query<{ relkind: string }>("SELECT relkind::text FROM pg_class WHERE relname = 'link_events'");
      expect(kind[0]!.relkind).toBe("p");

      // Each row in its month's partition; the 1000-day-old one in DEFAULT.
      const where = await partitionsOf(client);
      for (const row of kept) {
        const age = Number(row.client_address.split(".").at(-1));
        expect(where[row.id]).toBe(age === 1000 ? "link_events_default" : partitionName(row.created_at));
      }
      // This month and the two next exist; the sequence goes on after the old ids.
      const names = (await listAccessLogPartitions(prismaFor(url))).map((p) => p.name);
      for (let i = 0; i <= 2; i++) expect(names).toContain(partitionName(monthStart(now, i)));
      const next = await client.query<{ id: string }>(`INSERT INTO link_events (link_id, outcome) VALUES ('mig-link', 'page_view') RETURNING id::text`);
      expect(BigInt(next.rows[0]!.id)).toBeGreaterThan(BigInt(before.at(-1)!.id));
      // The foreign key still cascades.
      await client.query("DELETE FROM share_links WHERE id = 'mig-link'");
      expect((await client.query("SELECT 1 FROM link_events")).rowCount).toBe(0);
    } finally {
      await client.end().catch(() => {});
      await rm(dir, { recursive: true, force: true });
    }
  });

  describe("upkeep and retention (a database of their own)", () => {
    let url: string;
    let client: pg.Client;
    let prisma: PrismaClient;
    beforeAll(async () => {
      url = await createTestDatabase(inject("services"), "partjob");
      client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query("SET TimeZone = 'UTC'");
      prisma = prismaFor(url);
      await seedLink(client, "job-link");
    });
    afterAll(async () => {
      await client.end();
      await prisma.$disconnect();
    });

    it("makes the months ahead once, also from two instances at once, and rows land in their months", async () => {
      const from = new Date(Date.UTC(2031, 10, 15)); // November 2031: none of its months exist yet
      const other = prismaFor(url);
      try {
        const [a, b] = await Promise.all([
          ensureAccessLogMonths({ now: from, client: prisma, retentionDays: 365 }),
          ensureAccessLogMonths({ now: from, client: other, retentionDays: 365 }),
        ]);
        expect([...a, ...b].sort()).toEqual(["link_events_p203111", "link_events_p203112", "link_events_p203201"]);
      } finally {
        await other.$disconnect();
      }
      expect(await ensureAccessLogMonths({ now: from, client: prisma, retentionDays: 365 })).toEqual([]);

      const { rows } = await client.query<{ id: string }>(
        `INSERT INTO link_events (link_id, created_at, outcome) VALUES
           ('job-link', '2031-11-30 23:59:59.999', 'download'), ('job-link', '2031-12-01 00:00:00', 'download'), ('job-link', '2032-01-31 12:00:00', 'page_view')
         RETURNING id::text`,
      );
      const where = await partitionsOf(client);
      expect(rows.map((r) => where[r.id])).toEqual(["link_events_p203111", "link_events_p203112", "link_events_p203201"]);
    });

    it("moves rows that fell into DEFAULT (no partition for their month yet) into their month's new partition", async () => {
      const { rows } = await client.query<{ id: string }>(
        `INSERT INTO link_events (link_id, created_at, outcome) VALUES ('job-link', '2032-03-10 08:00:00', 'download'), ('job-link', '2032-03-31 23:00:00', 'refused')
         RETURNING id::text`,
      );
      expect(Object.values(await partitionsOf(client))).toContain("link_events_default");
      const made = await ensureAccessLogMonths({ now: new Date(Date.UTC(2031, 10, 15)), client: prisma, retentionDays: 365 });
      expect(made).toEqual(["link_events_p203203"]);
      const where = await partitionsOf(client);
      expect(rows.map((r) => where[r.id])).toEqual(["link_events_p203203", "link_events_p203203"]);
      expect(Object.values(where)).not.toContain("link_events_default");
      // The moved month has the parent's indexes, as every other month.
      const { rows: indexes } = await client.query<{ indexname: string }>(
        "SELECT indexname FROM pg_indexes WHERE tablename = 'link_events_p203203' ORDER BY indexname",
      );
      expect(indexes.map((i) => i.indexname)).toHaveLength(3);
    });

    it("drops the months past the retention whole, trims the boundary month in batches, keeps the newer rows", async () => {
      await ensureAccessLogMonths({ now: new Date(Date.UTC(2030, 9, 1)), monthsAhead: 12, client: prisma, retentionDays: 365 }); // October 2030 to October 2031
      const at = (iso: string) => `('job-link', '${iso}', 'download')`;
      await client.query(
        `INSERT INTO link_events (link_id, created_at, outcome) VALUES ${[
          "2030-10-05 00:00:00", // October 2030: dropped with its month
          "2030-11-02 00:00:00",
          "2030-11-20 00:00:00", // November 2030: the boundary month
          "2030-11-25 00:00:00", // newer than the cutoff: kept
          "2031-02-01 00:00:00",
        ]
          .map(at)
          .join(", ")}`,
      );
      const months = (await listAccessLogPartitions(prisma)).map((p) => p.name);
      expect(months).toContain("link_events_p203010");
      // The cutoff: 2030-11-21, 365 days before 2031-11-21.
      const dropped: string[] = [];
      const removed = await pruneAccessLog({
        now: new Date(Date.UTC(2031, 10, 21)),
        retentionDays: 365,
        batchSize: 1,
        client: prisma,
        onDropped: (m) => dropped.push(m.name),
      });
      // October 2030 and the months before it (those the migration made for today) went; November stayed.
      expect(dropped).toContain("link_events_p203010");
      expect(dropped.every((name) => name < "link_events_p203011")).toBe(true);
      expect(removed).toBe(3);
      const left = await client.query<{ created_at: Date }>("SELECT created_at FROM link_events WHERE created_at < '2031-03-01' ORDER BY created_at");
      expect(left.rows.map((r) => r.created_at.toISOString().slice(0, 10))).toEqual(["2030-11-25", "2031-02-01"]);
      const after = (await listAccessLogPartitions(prisma)).map((p) => p.name);
      expect(after).not.toContain("link_events_p203010");
      expect(after).toContain("link_events_p203011");
      // Nothing more to do the next time.
      expect(await pruneAccessLog({ now: new Date(Date.UTC(2031, 10, 21)), retentionDays: 365, client: prisma })).toBe(0);
    });

    it("a leftover table named like a month does not stop the upkeep: that month's rows stay in DEFAULT, the others are made", async () => {
      await client.query(`CREATE TABLE "link_events_p203305" (LIKE link_events)`);
      await client.query(`INSERT INTO link_events (link_id, created_at, outcome) VALUES ('job-link', '2033-05-02 10:00:00', 'download')`);
      const made = await ensureAccessLogMonths({ now: new Date(Date.UTC(2033, 2, 10)), client: prisma, retentionDays: 365 }); // March 2033
      expect(made).toEqual(["link_events_p203303", "link_events_p203304"]);
      const { rows } = await client.query<{ part: string }>(
        "SELECT tableoid::regclass::text AS part FROM link_events WHERE created_at = '2033-05-02 10:00:00'",
      );
      expect(rows).toEqual([{ part: "link_events_default" }]);
      await client.query(`DELETE FROM link_events WHERE created_at = '2033-05-02 10:00:00'`);
      await client.query(`DROP TABLE "link_events_p203305"`);
    });

    it("reads the database's clock: an instance whose clock runs a year ahead drops no month the retention keeps", async () => {
      const [{ now }] = (await client.query<{ now: Date }>("SELECT statement_timestamp() AS now")).rows as [{ now: Date }];
      const thisMonth = partitionName(monthStart(now));
      await ensureAccessLogMonths({ client: prisma, retentionDays: 365 });
      vi.useFakeTimers({ toFake: ["Date"], now: now.getTime() + 400 * DAY });
      try {
        expect(await ensureAccessLogMonths({ client: prisma, retentionDays: 365 })).toEqual([]);
        await pruneAccessLog({ client: prisma, retentionDays: 365 });
      } finally {
        vi.useRealTimers();
      }
      expect((await listAccessLogPartitions(prisma)).map((p) => p.name)).toContain(thisMonth);
    });
  });

  describe("the link page's Access log across months", () => {
    let owner: SessionUser;
    let linkId: string;
    beforeAll(async () => {
      owner = await h.createTestUser("partpage");
      const now = new Date();
      linkId = (
        await db.shareLink.create({
          data: {
            ownerId: owner.id,
            connectionName: "Months",
            bucket: "b",
            key: "months/report.pdf",
            objectSize: 1n,
            requestedExpiresAt: now,
            expiresAt: now,
            expiresSoonAt: now,
            disposition: "attachment",
            fileName: "report.pdf",
            urlEnc: "not-a-real-envelope",
            kind: "managed",
          },
        })
      ).id;
    });
    afterAll(async () => {
      await h.deleteTestUsers(owner);
    });

    it("pages newest first, 50 at a time, without gaps or repeats, across month partitions and DEFAULT", async () => {
      // The shared database has this month and the two next (rows in later months land in DEFAULT);
      // retention in other test files never removes rows newer than now.
      const now = new Date();
      const months = [0, 1, 2, 8].map((m) => monthStart(now, m).getTime() + 2 * DAY);
      // 130 events: around each month's start, two per second so the id breaks ties, in shuffled order.
      const data = Array.from({ length: 130 }, (_, i) => ({
        linkId,
        createdAt: new Date(months[i % 4]! + Math.floor(i / 8) * 1000),
        outcome: "page_view",
        userAgent: `agent ${i}`,
      }));
      await db.linkEvent.createMany({ data });
      const pages: string[][] = [];
      let cursor: string | undefined;
      do {
        const page = await listAccessLog(soleOwner(owner.id), linkId, cursor, 50, { foldPreviews: false });
        pages.push(page.rows.map((r) => r.id));
        cursor = page.nextCursor ?? undefined;
      } while (cursor && pages.length < 10);
      expect(pages.map((p) => p.length)).toEqual([50, 50, 30]);
      const expected = await db.linkEvent.findMany({ where: { linkId }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], select: { id: true } });
      expect(pages.flat()).toEqual(expected.map((e) => String(e.id)));
      const { rows } = await new Promise<pg.QueryResult<{ part: string }>>((resolve, reject) => {
        const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
        c.connect()
          .then(() => c.query<{ part: string }>("SELECT DISTINCT tableoid::regclass::text AS part FROM link_events WHERE link_id = $1", [linkId]))
          .then(resolve, reject)
          .finally(() => c.end());
      });
      // Four partitions: the three months and DEFAULT (or, once another file's access-log job ran, that month's new partition).
      expect(rows.map((r) => r.part)).toEqual(
        expect.arrayContaining([partitionName(monthStart(now)), partitionName(monthStart(now, 1)), partitionName(monthStart(now, 2))]),
      );
      expect(rows).toHaveLength(4);
    });
  });
});
