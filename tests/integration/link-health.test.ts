/**
 * Link health checks (lib/health/checker.ts) against both local S3 servers: one pass marks deleted
 * objects Missing, replaced (new ETag) or re-versioned ones Changed, and the rest OK; a wrong secret
 * gives Access denied; two instances running a pass at once check each link once; a storage server
 * that stalls slows its links' pass while other jobs run on; "Check now" checks one link at once for
 * whoever may act on it.
 */
import { DeleteObjectCommand, PutBucketVersioningCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import type { Runner } from "graphile-worker";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "@/lib/auth/session";
import { newRecordId } from "@/lib/crypto";
import { db } from "@/lib/db/client";
import { getRuntimeSecrets } from "@/lib/env";
import { seal } from "@/lib/storage/sealed";
import { AppError } from "@/lib/errors";
import { CHECK_NOW_PER_MINUTE, checkLinkHealthNow } from "@/lib/health/check-now";
import { CHECK_DEADLINE_MS, HEALTH_CHECKS_KEPT, pruneHealthChecks, runHealthPass } from "@/lib/health/checker";
import { queueJob } from "@/lib/jobs/queue";
import { BROKEN_TASK, HEALTH_CHECK_TASK } from "@/lib/jobs/names";
import { startHangingServer } from "../support/hanging-storage";
import { insertStorageConnection } from "../support/connection-row";
import * as h from "../support/helpers";
import { clearJobQueue, startTestRunner } from "../support/jobs";
import { adminS3For, storageCases } from "../support/storages";
import { callApi, createTestToken } from "../support/api-contract";

const users: SessionUser[] = [];
afterAll(async () => {
  await h.deleteTestUsers(...users);
});

async function owner(label: string): Promise<SessionUser> {
  const user = await h.createTestUser(label);
  users.push(user);
  return user;
}

type LinkSeed = { key: string; etag?: string | null; versionId?: string | null; kind?: "direct" | "managed"; pinned?: boolean };

async function insertLink(ownerId: string, connectionId: string, bucket: string, seed: LinkSeed): Promise<string> {
  const later = new Date(Date.now() + 86_400_000);
  const id = newRecordId();
  const link = await db.shareLink.create({
    data: {
      id,
      ownerId,
      issuedById: ownerId,
      connectionId,
      connectionName: "Health",
      bucket,
      key: seed.key,
      objectSize: 1n,
      objectEtag: seed.etag ?? null,
      objectVersionId: seed.versionId ?? null,
      pinned: seed.pinned ?? true,
      requestedExpiresAt: later,
      expiresAt: later,
      expiresSoonAt: later,
      disposition: "attachment",
      fileName: seed.key,
      urlEnc: seal("shareUrl", id, `https://bucketshare.test/s/${id}`, getRuntimeSecrets().encryptionKey),
      kind: seed.kind ?? "managed",
    },
  });
  return link.id;
}

async function health(id: string) {
  const row = await db.shareLink.findUniqueOrThrow({ where: { id }, select: { health: true, healthCheckedAt: true, healthDetail: true } });
  const checks = await db.linkHealthCheck.count({ where: { linkId: id } });
  return { ...row, checks };
}

describe.each(storageCases())("on $name", (storage) => {
  const s3 = adminS3For(storage);
  let user: SessionUser;
  let connectionId: string;
  let bucket: string;

  beforeAll(async () => {
    user = await owner(`health-${storage.name}`);
    connectionId = await insertStorageConnection(user.id, storage, { name: "Health" });
    bucket = await h.createBucket(s3, "health");
  });
  afterAll(() => s3.destroy());

  it("marks a deleted object Missing, a replaced one Changed and the rest OK after one pass, with a row of health history each", async () => {
    const put = async (key: string, body: string) => (await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }))).ETag ?? null;
    const gone = await insertLink(user.id, connectionId, bucket, { key: "gone.txt", etag: await put("gone.txt", "one") });
    const replaced = await insertLink(user.id, connectionId, bucket, { key: "replaced.txt", etag: await put("replaced.txt", "two"), kind: "direct" });
    const latest = await insertLink(user.id, connectionId, bucket, { key: "latest.txt", etag: await put("latest.txt", "three"), pinned: false });
    const kept = await insertLink(user.id, connectionId, bucket, { key: "kept.txt", etag: await put("kept.txt", "four") });
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: "gone.txt" }));
    await put("replaced.txt", "two, but other bytes");
    await put("latest.txt", "three, a new version");

    const result = await runHealthPass({ ownerId: user.id, rate: 50 });
    expect(result.claimed).toBe(4);
    expect((await health(gone)).health).toBe("missing");
    expect((await health(replaced)).health).toBe("changed");
    expect((await health(latest)).health).toBe("ok");
    const ok = await health(kept);
    expect(ok).toMatchObject({ health: "ok", checks: 1, healthDetail: { cause: "found" } });
    expect(ok.healthCheckedAt).toBeInstanceOf(Date);

    // The two that broke make one "Links that broke" notice for their issuer (queued as one job), not one per link.
    expect(Object.keys(result.newlyBroken)).toEqual([user.id]);
    expect([...result.newlyBroken[user.id]!].sort()).toEqual([gone, replaced].sort());

    // Checked just now: a second pass finds nothing due.
    expect((await runHealthPass({ ownerId: user.id, rate: 50 })).claimed).toBe(0);
    // Due again later and still broken: nothing newly broken, so no second notice.
    const later = await runHealthPass({ ownerId: user.id, rate: 50, now: () => new Date(Date.now() + 2 * 3_600_000) });
    expect(later.claimed).toBe(4);
    expect(later.newlyBroken).toEqual({});
  });

  it("marks a direct link signed with temporary credentials that end before its expiry Dies early, with its true end", async () => {
    const other = await owner(`health-early-${storage.name}`);
    const conn = await insertStorageConnection(other.id, storage, { name: "Early" });
    const etag = (await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "early.txt", Body: "early" }))).ETag ?? null;
    const id = await insertLink(other.id, conn, bucket, { key: "early.txt", etag, kind: "direct" });
    // Issued for 7 days, stored with the credentials' end in an hour (lib/links/issue.ts).
    const trueEnd = new Date(Date.now() + 3_600_000);
    await db.shareLink.update({ where: { id }, data: { requestedExpiresAt: new Date(Date.now() + 7 * 86_400_000), expiresAt: trueEnd } });
    await runHealthPass({ ownerId: other.id, rate: 50 });
    expect(await health(id)).toMatchObject({ health: "dies_early", healthDetail: { cause: "credentials_end_first", trueEnd: trueEnd.toISOString() } });
  });

  it("gives Access denied when the connection's secret is wrong (a rotated key)", async () => {
    const other = await owner(`health-denied-${storage.name}`);
    const wrong = await insertStorageConnection(other.id, { ...storage, secretAccessKey: `${storage.secretAccessKey}x` }, { name: "Rotated" });
    const etag = (await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "denied.txt", Body: "x" }))).ETag ?? null;
    const id = await insertLink(other.id, wrong, bucket, { key: "denied.txt", etag });
    await runHealthPass({ ownerId: other.id, rate: 50 });
    expect(await health(id)).toMatchObject({ health: "access_denied", checks: 1 });
  });

  it("checks each link once when two instances run a pass at the same time", async () => {
    const other = await owner(`health-two-${storage.name}`);
    const conn = await insertStorageConnection(other.id, storage, { name: "Two" });
    const etag = (await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "shared.txt", Body: "shared" }))).ETag ?? null;
    const ids = await Promise.all(Array.from({ length: 24 }, () => insertLink(other.id, conn, bucket, { key: "shared.txt", etag })));
    const [a, b] = await Promise.all([runHealthPass({ ownerId: other.id, rate: 50 }), runHealthPass({ ownerId: other.id, rate: 50 })]);
    expect(a.claimed + b.claimed).toBe(24);
    const counts = await db.linkHealthCheck.groupBy({ by: ["linkId"], where: { linkId: { in: ids } }, _count: true });
    expect(counts).toHaveLength(24);
    expect(counts.every((c) => c._count === 1)).toBe(true);
  });

  it("gives each connection its share of a pass: one connection's backlog does not hold back another's due links", async () => {
    const other = await owner(`health-fair-${storage.name}`);
    const busy = await insertStorageConnection(other.id, storage, { name: "Busy" });
    const quiet = await insertStorageConnection(other.id, storage, { name: "Quiet" });
    const etag = (await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "fair.txt", Body: "fair" }))).ETag ?? null;
    // A backlog of never-checked links on one connection (a bulk import), one link due again on the other.
    for (let i = 0; i < 10; i++) await insertLink(other.id, busy, bucket, { key: "fair.txt", etag });
    const waiting = await insertLink(other.id, quiet, bucket, { key: "fair.txt", etag });
    await db.shareLink.update({ where: { id: waiting }, data: { healthCheckedAt: new Date(Date.now() - 2 * 3_600_000) } });
    // A batch of 4 (PASS_BATCH stands in) at 2 checks/s for 1.5 s: each connection gets at most what it can check (3).
    const pass = await runHealthPass({ ownerId: other.id, limit: 4, rate: 2, budgetMs: 1_500 });
    expect(pass.claimed).toBe(4);
    expect(await health(waiting)).toMatchObject({ health: "ok", checks: 1 });
    expect(await db.shareLink.count({ where: { connectionId: busy, health: "ok" } })).toBe(3);
  });
});

describe("a multi-file share", () => {
  const [storage] = storageCases() as [ReturnType<typeof storageCases>[number]];
  const s3 = adminS3For(storage);
  afterAll(() => s3.destroy());

  it("is checked on a rolling sample of its files, the worst outcome counting", async () => {
    const user = await owner("health-files");
    const connectionId = await insertStorageConnection(user.id, storage, { name: "Files" });
    const bucket = await h.createBucket(s3, "healthfiles");
    const id = await insertLink(user.id, connectionId, bucket, { key: "batch/" });
    const names = ["a.txt", "b.txt", "c.txt", "d.txt", "e.txt"];
    for (const name of names) {
      const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `batch/${name}`, Body: name }));
      await db.shareLinkFile.create({ data: { linkId: id, path: name, key: `batch/${name}`, size: 5n, etag: put.ETag ?? null } });
    }
    await db.shareLink.update({ where: { id }, data: { target: "files", fileCount: names.length } });
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: "batch/e.txt" }));

    // The first pass samples a, b, c: all there.
    await runHealthPass({ ownerId: user.id, rate: 50 });
    expect(await health(id)).toMatchObject({ health: "ok", healthDetail: { files: { checked: 3 } } });
    // The next (an hour and more later) samples d, e and round to a: e is gone.
    await runHealthPass({ ownerId: user.id, rate: 50, now: () => new Date(Date.now() + 2 * 3_600_000) });
    expect(await health(id)).toMatchObject({
      health: "missing",
      checks: 2,
      healthDetail: { cause: "no_such_key", files: { checked: 3, counts: { ok: 2, missing: 1 } } },
    });
  });
});

describe.each(storageCases({ versioning: true }))("on $name with versioning", (storage) => {
  const s3 = adminS3For(storage);
  afterAll(() => s3.destroy());

  it("marks a link pinned to a version Changed once a newer version is current", async () => {
    const user = await owner(`health-versions-${storage.name}`);
    const connectionId = await insertStorageConnection(user.id, storage, { name: "Versions" });
    const bucket = await h.createBucket(s3, "healthv");
    await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: "Enabled" } }));
    const first = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "v.txt", Body: "same bytes" }));
    const pinned = await insertLink(user.id, connectionId, bucket, { key: "v.txt", etag: first.ETag, versionId: first.VersionId });
    await runHealthPass({ ownerId: user.id, rate: 50 });
    expect((await health(pinned)).health).toBe("ok");
    // The same bytes again: the same ETag, but another version.
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "v.txt", Body: "same bytes" }));
    await checkLinkHealthNow(user, pinned);
    expect(await health(pinned)).toMatchObject({ health: "changed", checks: 2, healthDetail: { cause: "version_changed" } });
  });
});

describe("Check now", () => {
  const [storage] = storageCases() as [ReturnType<typeof storageCases>[number]];
  const s3 = adminS3For(storage);
  afterAll(() => s3.destroy());

  it("checks one link at once and says the outcome; refusals are clear and change nothing", async () => {
    const user = await owner("health-now");
    const connectionId = await insertStorageConnection(user.id, storage, { name: "Now" });
    const bucket = await h.createBucket(s3, "healthnow");
    const etag = (await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "now.txt", Body: "now" }))).ETag ?? null;
    const id = await insertLink(user.id, connectionId, bucket, { key: "now.txt", etag });
    expect(await checkLinkHealthNow(user, id)).toMatchObject({ outcome: "ok", message: "Checked: OK." });
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: "now.txt" }));
    expect(await checkLinkHealthNow(user, id)).toMatchObject({ outcome: "missing", message: "Checked: Missing." });
    expect(await health(id)).toMatchObject({ health: "missing", checks: 2 });

    const stranger = await owner("health-stranger");
    await expect(checkLinkHealthNow(stranger, id)).rejects.toMatchObject({ reason: "no_such_link" });
    await db.shareLink.update({ where: { id }, data: { revokedAt: new Date() } });
    const refusal = await checkLinkHealthNow(user, id).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(AppError);
    expect((refusal as AppError).message).toBe("This link was revoked and no longer works. Nothing was checked.");
    expect((await health(id)).checks).toBe(2);
  });

  it("a link it finds broken gets its issuer's Links that broke notice, once; a person's checks are limited per minute, in parallel too", async () => {
    const user = await owner("health-now-limit");
    const connectionId = await insertStorageConnection(user.id, storage, { name: "Now limit" });
    const bucket = await h.createBucket(s3, "healthlimit");
    const etag = (await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "gone.txt", Body: "gone" }))).ETag ?? null;
    const id = await insertLink(user.id, connectionId, bucket, { key: "gone.txt", etag });
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: "gone.txt" }));
    const notices = async () =>
      (
        await db.$queryRaw<{ payload: { personId: string; links: { id: string; health: string }[] } }[]>`
          SELECT j.payload FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id
           WHERE t.identifier = ${BROKEN_TASK}`
      ).filter((job) => job.payload.personId === user.id);
    expect(await checkLinkHealthNow(user, id)).toMatchObject({ outcome: "missing" });
    expect((await notices()).map((job) => job.payload.links)).toEqual([[{ id, health: "missing", detail: "no_such_key" }]]);
    // Still broken: no second notice.
    expect(await checkLinkHealthNow(user, id)).toMatchObject({ outcome: "missing" });
    expect(await notices()).toHaveLength(1);

    // The rest of the minute's budget, asked for all at once: exactly the budget is checked, the rest refused in words.
    const results = await Promise.allSettled(Array.from({ length: CHECK_NOW_PER_MINUTE + 5 }, () => checkLinkHealthNow(user, id)));
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(CHECK_NOW_PER_MINUTE - 2);
    expect(refused).toHaveLength(7);
    expect(refused[0]!.reason).toMatchObject({ code: "rate_limited" });
    expect((refused[0]!.reason as AppError).message).toMatch(
      new RegExp(`^You checked ${CHECK_NOW_PER_MINUTE} links in the last minute\\. Try again in \\d+ seconds; the scheduled checks go on meanwhile\\.$`),
    );
    expect((await health(id)).checks).toBe(CHECK_NOW_PER_MINUTE);
    // Someone of another team is refused before anything is spent or checked.
    const other = await owner("health-now-other");
    await expect(checkLinkHealthNow(other, id)).rejects.toMatchObject({ reason: "no_such_link" });
  });

  it("reads Needs attention from its partial index (an index range, newest first)", async () => {
    const user = await owner("health-plan");
    const plan = await db.$transaction(async (tx) => {
      await tx.$executeRawUnsafe("SET LOCAL enable_seqscan = off");
      await tx.$executeRawUnsafe("SET LOCAL enable_bitmapscan = off");
      // The shape historyWhere gives "needs-attention" (parameters as Prisma sends them).
      return tx.$queryRawUnsafe<{ "QUERY PLAN": string }[]>(
        `EXPLAIN SELECT id FROM share_links
          WHERE owner_id = $1 AND deleted_at IS NULL AND revoked_at IS NULL AND expires_at > $2
            AND health IN ($3, $4, $5, $6, $7)
          ORDER BY created_at DESC, id DESC LIMIT 51`,
        user.id,
        new Date(),
        "missing",
        "changed",
        "access_denied",
        "connection_failing",
        "dies_early",
      );
    });
    expect(plan.map((row) => row["QUERY PLAN"]).join("\n")).toContain("share_links_needs_attention_idx");
  });

  it("keeps the newest health checks of each link when the pruning job runs", async () => {
    const user = await owner("health-prune");
    const connectionId = await insertStorageConnection(user.id, storage, { name: "Prune" });
    const id = await insertLink(user.id, connectionId, "prune", { key: "p.txt" });
    const start = Date.now() - 3_600_000;
    await db.linkHealthCheck.createMany({
      data: Array.from({ length: HEALTH_CHECKS_KEPT + 5 }, (_, i) => ({ linkId: id, checkedAt: new Date(start + i * 60_000), outcome: "ok" })),
    });
    expect(await pruneHealthChecks()).toBeGreaterThanOrEqual(5);
    const kept = await db.linkHealthCheck.findMany({ where: { linkId: id }, orderBy: { checkedAt: "asc" } });
    expect(kept).toHaveLength(HEALTH_CHECKS_KEPT);
    expect(kept[0]?.checkedAt.getTime()).toBe(start + 5 * 60_000);
  });

  it("the API gives health and checkedAt on links and filters GET /links by health (documented answers only)", async () => {
    const user = await owner("health-api");
    const connectionId = await insertStorageConnection(user.id, storage, { name: "Api" });
    const bucket = await h.createBucket(s3, "healthapi");
    const etag = (await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "api.txt", Body: "api" }))).ETag ?? null;
    const fine = await insertLink(user.id, connectionId, bucket, { key: "api.txt", etag });
    const broken = await insertLink(user.id, connectionId, bucket, { key: "gone.txt", etag: '"0"' });
    const unchecked = await insertLink(user.id, connectionId, bucket, { key: "api.txt", etag });
    await checkLinkHealthNow(user, fine);
    await checkLinkHealthNow(user, broken);
    const { token } = await createTestToken(user.id, { scopes: ["links:read"] });
    const get = (path: string) => callApi({ method: "GET", path, token });
    type Item = { id: string; health: string | null; checkedAt: string | null };
    const ids = async (path: string) => ((await get(path)).json as { links: Item[] }).links.map((l) => l.id).sort();

    const answer = await get(`/links/${broken}`);
    expect(answer.status).toBe(200);
    const one = answer.json as Item;
    expect(one.health).toBe("missing");
    expect(Date.parse(one.checkedAt ?? "")).toBeGreaterThan(Date.now() - 60_000);
    expect(((await get(`/links/${unchecked}`)).json as Item).health).toBeNull();
    expect(await ids("/links?health=needs-attention")).toEqual([broken]);
    expect(await ids("/links?health=ok")).toEqual([fine]);
    expect(await ids("/links?health=missing")).toEqual([broken]);
    expect(await ids("/links")).toEqual([fine, broken, unchecked].sort());
    const refused = await get("/links?health=broken");
    expect(refused.status).toBe(400);
    // Revoked links need no attention.
    await db.shareLink.update({ where: { id: broken }, data: { revokedAt: new Date() } });
    expect(await ids("/links?health=needs-attention")).toEqual([]);
  });
});

describe("a storage server that stalls", () => {
  const runners: Runner[] = [];
  afterEach(async () => {
    await Promise.all(runners.splice(0).map((r) => r.stop()));
    await clearJobQueue();
  });

  it("slows its links' pass (Connection failing after the deadline) while other jobs run on", async () => {
    const hanging = await startHangingServer("silent");
    try {
      const user = await owner("health-stall");
      const connectionId = await insertStorageConnection(
        user.id,
        { endpoint: hanging.endpoint, region: "us-east-1", accessKeyId: "AKIASTALL", secretAccessKey: "stall-secret" },
        { name: "Stalls" },
      );
      const id = await insertLink(user.id, connectionId, "stalls", { key: "stalled.txt", etag: '"abc"' });
      let otherDone = 0;
      let passDone = 0;
      const runner = await startTestRunner({
        tasks: {
          [HEALTH_CHECK_TASK]: async () => {
            await runHealthPass({ ownerId: user.id, rate: 50 });
            passDone = Date.now();
          },
          "test:other": async () => {
            otherDone = Date.now();
          },
        },
      });
      runners.push(runner);
      const started = Date.now();
      await queueJob(HEALTH_CHECK_TASK, {});
      await h.sleep(300);
      await queueJob("test:other", {});
      while (!passDone && Date.now() - started < 20_000) await h.sleep(100);
      expect(otherDone).toBeGreaterThan(0);
      expect(otherDone).toBeLessThan(passDone);
      expect(passDone - started).toBeGreaterThanOrEqual(CHECK_DEADLINE_MS - 100);
      expect(await health(id)).toMatchObject({ health: "connection_failing", checks: 1, healthDetail: { cause: "timeout" } });
    } finally {
      await hanging.close();
    }
  });
});
