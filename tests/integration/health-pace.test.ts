/**
 * The health checker's pace per connection (Settings → Connections "Health checks per second"): a
 * pass paces each connection by its own setting (the default only where a connection has none), and
 * the form (its server action) refuses a rate of 0, above the maximum or not a number, with the
 * reason by the field and nothing changed. A multi-file share gets a full pass over all its files
 * once a day besides its rolling sample.
 */
import { DeleteObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { saveConnectionAction } from "@/lib/actions/save-connection";
import type { SessionUser } from "@/lib/auth/session";
import { newRecordId } from "@/lib/crypto";
import { db } from "@/lib/db/client";
import { getRuntimeSecrets } from "@/lib/env";
import { FULL_PASS_EVERY_MS, runHealthPass, SAMPLE_FILES } from "@/lib/health/checker";
import { MAX_CHECK_RATE } from "@/lib/health/rate";
import { seal } from "@/lib/storage/sealed";
import { insertStorageConnection } from "../support/connection-row";
import * as h from "../support/helpers";
import { session } from "../support/request-context";
import { adminS3For, storageCases } from "../support/storages";

vi.mock("@/lib/auth/session", async () => (await import("../support/request-context")).sessionModule);

const [storage] = storageCases() as [ReturnType<typeof storageCases>[number]];
const s3 = adminS3For(storage);
const users: SessionUser[] = [];

afterAll(async () => {
  s3.destroy();
  await h.deleteTestUsers(...users);
});

async function owner(label: string): Promise<SessionUser> {
  const user = await h.createTestUser(label);
  users.push(user);
  return user;
}

async function insertLink(ownerId: string, connectionId: string, bucket: string, key: string, etag: string | null): Promise<string> {
  const later = new Date(Date.now() + 7 * 86_400_000);
  const id = newRecordId();
  await db.shareLink.create({
    data: {
      id,
      ownerId,
      issuedById: ownerId,
      connectionId,
      connectionName: "Pace",
      bucket,
      key,
      objectSize: 1n,
      objectEtag: etag,
      pinned: true,
      requestedExpiresAt: later,
      expiresAt: later,
      expiresSoonAt: later,
      disposition: "attachment",
      fileName: key,
      urlEnc: seal("shareUrl", id, `https://bucketshare.test/s/${id}`, getRuntimeSecrets().encryptionKey),
      kind: "managed",
    },
  });
  return id;
}

describe("each connection's own pace", () => {
  it("paces a pass on each connection by its own rate", async () => {
    const user = await owner("pace");
    const bucket = await h.createBucket(s3, "pace");
    const etag = (await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "one.txt", Body: "one" }))).ETag ?? null;
    const slow = await insertStorageConnection(user.id, storage, { name: "Slow" });
    const fast = await insertStorageConnection(user.id, storage, { name: "Fast" });
    await db.storageConnection.update({ where: { id: slow }, data: { healthCheckRate: 3 } });
    await db.storageConnection.update({ where: { id: fast }, data: { healthCheckRate: 40 } });
    const links = 8;
    for (let i = 0; i < links; i++) {
      await insertLink(user.id, slow, bucket, "one.txt", etag);
      await insertLink(user.id, fast, bucket, "one.txt", etag);
    }

    // The default (50/s) applies only to connections without their own setting: neither here.
    const result = await runHealthPass({ ownerId: user.id, rate: MAX_CHECK_RATE });
    expect(result).toMatchObject({ claimed: 2 * links, checked: 2 * links, outcomes: { ok: 2 * links } });

    const span = async (connectionId: string) => {
      const checks = await db.linkHealthCheck.findMany({ where: { link: { connectionId } }, select: { checkedAt: true }, orderBy: { checkedAt: "asc" } });
      expect(checks).toHaveLength(links);
      return checks.at(-1)!.checkedAt.getTime() - checks[0]!.checkedAt.getTime();
    };
    // 8 checks at 3/s start 333 ms apart (2.3 s from the first to the last); each is recorded when its answer
    // comes, so allow for answers that take different times (up to 0.7 s here).
    expect(await span(slow)).toBeGreaterThanOrEqual(((links - 1) / 3) * 1_000 - 700);
    // At 40/s the same 8 checks are not held to the slow connection's pace (their starts span 0.1 s).
    expect(await span(fast)).toBeLessThan(1_000);
  });
});

describe("a pass that leaves links due", () => {
  it("says so (the job then queues the next pass at once) until none are left", async () => {
    const user = await owner("pace-more");
    const bucket = await h.createBucket(s3, "more");
    const etag = (await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "one.txt", Body: "one" }))).ETag ?? null;
    const connectionId = await insertStorageConnection(user.id, storage, { name: "More" });
    for (let i = 0; i < 3; i++) await insertLink(user.id, connectionId, bucket, "one.txt", etag);
    expect(await runHealthPass({ ownerId: user.id, rate: MAX_CHECK_RATE, limit: 2 })).toMatchObject({ claimed: 2, checked: 2, more: true });
    expect(await runHealthPass({ ownerId: user.id, rate: MAX_CHECK_RATE, limit: 2 })).toMatchObject({ claimed: 1, checked: 1, more: false });
    // Out of time: the links not reached are given back, and the pass says more are due.
    for (let i = 0; i < 3; i++) await insertLink(user.id, connectionId, bucket, "one.txt", etag);
    // (A pass with no time claims one link per connection, its smallest share.)
    expect(await runHealthPass({ ownerId: user.id, rate: MAX_CHECK_RATE, budgetMs: -1 })).toMatchObject({ claimed: 1, checked: 0, more: true });
    expect(await runHealthPass({ ownerId: user.id, rate: MAX_CHECK_RATE })).toMatchObject({ claimed: 3, checked: 3, more: false });
  });
});

describe("the form's “Health checks per second”", () => {
  let user: SessionUser;
  let connectionId: string;
  beforeAll(async () => {
    user = await owner("pace-form");
    session.user = user;
    connectionId = await insertStorageConnection(user.id, storage, { name: "Paced" });
    await db.storageConnection.update({ where: { id: connectionId }, data: { healthCheckRate: 3 } });
  });

  const fields = (healthCheckRate: string, extra: Record<string, string> = {}) =>
    h.formData({
      provider: "custom",
      name: "Paced",
      endpoint: storage.endpoint,
      region: storage.region,
      forcePathStyle: "on",
      accessKeyId: storage.accessKeyId,
      healthCheckRate,
      ...extra,
    });

  it.each([
    ["0", "Enter a rate above 0 requests per second (at most 50)."],
    ["-2", "Enter a rate above 0 requests per second (at most 50)."],
    ["fast", "Enter a rate above 0 requests per second (at most 50)."],
    ["51", "At most 50 requests per second per connection."],
  ])("refuses %s with the reason by the field, nothing changed", async (rate, message) => {
    const state = await saveConnectionAction({ status: "idle" }, fields(rate, { id: connectionId }));
    expect(state).toMatchObject({ status: "invalid", fieldErrors: { healthCheckRate: [message] } });
    expect((await db.storageConnection.findUniqueOrThrow({ where: { id: connectionId } })).healthCheckRate).toBe(3);
    // A new connection with that rate is not created either.
    const added = await saveConnectionAction({ status: "idle" }, fields(rate, { name: "Paced too", secretAccessKey: storage.secretAccessKey }));
    expect(added).toMatchObject({ status: "invalid", fieldErrors: { healthCheckRate: [message] } });
    expect(await db.storageConnection.count({ where: { ownerId: user.id, name: "Paced too" } })).toBe(0);
  });

  it("saves a rate within bounds, and blank for the default", async () => {
    await h.runRedirectingAction(() => saveConnectionAction({ status: "idle" }, fields("12.5", { id: connectionId })));
    expect((await db.storageConnection.findUniqueOrThrow({ where: { id: connectionId } })).healthCheckRate).toBe(12.5);
    await h.runRedirectingAction(() => saveConnectionAction({ status: "idle" }, fields("", { id: connectionId })));
    expect((await db.storageConnection.findUniqueOrThrow({ where: { id: connectionId } })).healthCheckRate).toBeNull();
  });
});

describe("a multi-file share's daily full pass", () => {
  it("finds a deleted file outside the rolling sample once its last full pass is a day old", async () => {
    const user = await owner("pace-full");
    const connectionId = await insertStorageConnection(user.id, storage, { name: "Full" });
    const bucket = await h.createBucket(s3, "fullpass");
    const id = await insertLink(user.id, connectionId, bucket, "batch/", null);
    const names = Array.from({ length: SAMPLE_FILES * 3 }, (_, i) => `f${String(i).padStart(2, "0")}.txt`);
    for (const name of names) {
      const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `batch/${name}`, Body: name }));
      await db.shareLinkFile.create({ data: { linkId: id, path: name, key: `batch/${name}`, size: 3n, etag: put.ETag ?? null } });
    }
    await db.shareLink.update({ where: { id }, data: { target: "files", fileCount: names.length } });
    // The last file: outside the first sample.
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: `batch/${names.at(-1)}` }));

    // Issued just now: its files were all there a moment ago; the rolling sample (the first files) says OK.
    await runHealthPass({ ownerId: user.id, rate: MAX_CHECK_RATE });
    expect(await db.shareLink.findUniqueOrThrow({ where: { id } })).toMatchObject({ health: "ok", healthDetail: { files: { checked: SAMPLE_FILES } } });

    // A day later the next check is a full pass: every file, the deleted one found.
    const dayLater = new Date(Date.now() + FULL_PASS_EVERY_MS + 3_600_000);
    await runHealthPass({ ownerId: user.id, rate: MAX_CHECK_RATE, now: () => dayLater });
    const after = await db.shareLink.findUniqueOrThrow({ where: { id } });
    expect(after).toMatchObject({
      health: "missing",
      healthDetail: {
        cause: "no_such_key",
        fullPassAt: dayLater.toISOString(),
        files: { checked: names.length, counts: { ok: names.length - 1, missing: 1 } },
      },
    });

    // The next hourly check is the rolling sample again (the full pass is a day away).
    await runHealthPass({ ownerId: user.id, rate: MAX_CHECK_RATE, now: () => new Date(dayLater.getTime() + 2 * 3_600_000) });
    expect((await db.shareLink.findUniqueOrThrow({ where: { id } })).healthDetail).toMatchObject({
      fullPassAt: dayLater.toISOString(),
      files: { checked: SAMPLE_FILES },
    });
  });
});
