/**
 * Access-log retention against the real PostgreSQL: rows of link_events older than
 * ACCESS_LOG_RETENTION_DAYS go (in batches), newer ones stay, and one instance prunes at a time.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { parseEnv } from "@/lib/env";
import { pruneAccessLog } from "@/lib/links/access-log-retention";
import * as h from "../support/helpers";

const DAY = 86_400_000;
let owner: SessionUser;
let linkId: string;

beforeAll(async () => {
  owner = await h.createTestUser("retention");
  const now = new Date();
  const link = await db.shareLink.create({
    data: {
      ownerId: owner.id,
      connectionName: "Retention",
      bucket: "b",
      key: "kept/report.pdf",
      objectSize: 1n,
      requestedExpiresAt: now,
      expiresAt: now,
      expiresSoonAt: now,
      disposition: "attachment",
      fileName: "report.pdf",
      urlEnc: "not-a-real-envelope",
      kind: "managed",
    },
  });
  linkId = link.id;
});

afterAll(async () => {
  await h.deleteTestUsers(owner);
});

async function seed(ageDays: number[]): Promise<void> {
  const now = Date.now();
  await db.linkEvent.createMany({
    data: ageDays.map((age) => ({ linkId, outcome: "download", clientAddress: "192.0.2.1", createdAt: new Date(now - age * DAY) })),
  });
}

async function agesLeft(): Promise<number[]> {
  const rows = await db.linkEvent.findMany({ where: { linkId }, select: { createdAt: true }, orderBy: { createdAt: "asc" } });
  return rows.map((r) => Math.round((Date.now() - r.createdAt.getTime()) / DAY));
}

describe("access-log retention", () => {
  it("keeps 365 days by default, and takes another number of days", () => {
    expect(parseEnv({}).ACCESS_LOG_RETENTION_DAYS).toBe(365);
    expect(parseEnv({ ACCESS_LOG_RETENTION_DAYS: "30" }).ACCESS_LOG_RETENTION_DAYS).toBe(30);
    expect(() => parseEnv({ ACCESS_LOG_RETENTION_DAYS: "0" })).toThrow(/^Invalid ACCESS_LOG_RETENTION_DAYS: expected a whole number of days/);
  });

  it("deletes the rows older than the retention in batches, and keeps the rest", async () => {
    await seed([800, 500, 400, 366, 366, 364, 100, 0]);
    const deleted = await pruneAccessLog({ retentionDays: 365, batchSize: 2 });
    expect(deleted).toBeGreaterThanOrEqual(5);
    expect(await agesLeft()).toEqual([364, 100, 0]);
    expect(await pruneAccessLog({ retentionDays: 365, batchSize: 2 })).toBe(0);
    expect(await pruneAccessLog({ retentionDays: 30 })).toBeGreaterThanOrEqual(2);
    expect(await agesLeft()).toEqual([0]);
  });

  it("lets one instance prune at a time: another one skips", async () => {
    await seed([400]);
    const other = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await other.connect();
    try {
      await other.query("SELECT pg_advisory_lock(hashtextextended('bucketshare:prune-link-events', 0))");
      expect(await pruneAccessLog({ retentionDays: 365 })).toBeNull();
      expect(await agesLeft()).toEqual([400, 0]);
    } finally {
      await other.end();
    }
    expect(await pruneAccessLog({ retentionDays: 365 })).toBeGreaterThanOrEqual(1);
    expect(await agesLeft()).toEqual([0]);
  });
});
