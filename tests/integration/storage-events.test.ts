/**
 * Storage events (issue 18 item 7): /hooks/storage/<connection id> takes a MinIO or Backblaze B2
 * delivery, in the formats those providers document, and marks the links to the named objects at
 * once, against real PostgreSQL and both local S3 servers. Bad signatures, replays, duplicates and
 * unknown connections are refused and mark nothing.
 */
import { randomInt } from "node:crypto";
import { DeleteObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { POST } from "@/app/hooks/storage/[connectionId]/route";
import type { SessionUser } from "@/lib/auth/session";
import { newRecordId } from "@/lib/crypto";
import { db } from "@/lib/db/client";
import { getRuntimeSecrets } from "@/lib/env";
import { MAX_BODY_BYTES, REPLAY_WINDOW_MS, signB2 } from "@/lib/storage-events/format";
import { PEER_HEADER, SERVER_MARKER } from "@/lib/security/address";
import { pruneSeenEvents, REFUSALS_PER_MINUTE, SEEN_KEPT_MS } from "@/lib/storage-events/receive";
import { turnOffStorageEvents, turnOnStorageEvents } from "@/lib/storage-events/settings";
import { seal } from "@/lib/storage/sealed";
import { insertStorageConnection } from "../support/connection-row";
import * as h from "../support/helpers";
import { session } from "../support/request-context";
import { adminS3For, storageCases } from "../support/storages";
import { saveStorageEventsAction } from "@/lib/actions/save-storage-events";
import { turnOffStorageEventsAction } from "@/lib/actions/turn-off-storage-events";
import { loadActor } from "@/lib/auth/actor";

vi.mock("@/lib/auth/session", async () => (await import("../support/request-context")).sessionModule);
// As behind Bucketshare's server: the peer header names the sender (refusals are limited per address).
(globalThis as Record<symbol, unknown>)[SERVER_MARKER] = true;

const users: SessionUser[] = [];
afterAll(async () => {
  await h.deleteTestUsers(...users);
});

/** What Backblaze shows as a rule's signing secret (32 letters and digits). */
const B2_SECRET = "k3Jd9QmZp2Xw7RtL5vNc8HbF4sGy6UaE";

type LinkSeed = { key: string; etag: string | null; kind?: "direct" | "managed"; pinned?: boolean };

async function insertLink(ownerId: string, connectionId: string, bucket: string, seed: LinkSeed): Promise<string> {
  const later = new Date(Date.now() + 86_400_000);
  const id = newRecordId();
  await db.shareLink.create({
    data: {
      id,
      ownerId,
      issuedById: ownerId,
      connectionId,
      connectionName: "Events",
      bucket,
      key: seed.key,
      objectSize: 1n,
      objectEtag: seed.etag,
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
  return id;
}

/** A multi-file share of `files` (keys and their ETags). */
async function insertFilesShare(
  ownerId: string,
  connectionId: string,
  bucket: string,
  folder: string,
  files: { key: string; etag: string | null }[],
): Promise<string> {
  const id = await insertLink(ownerId, connectionId, bucket, { key: folder, etag: null });
  for (const file of files) {
    await db.shareLinkFile.create({ data: { linkId: id, path: file.key.slice(folder.length), key: file.key, size: 1n, etag: file.etag } });
  }
  await db.shareLink.update({ where: { id }, data: { target: "files", fileCount: files.length } });
  return id;
}

async function marks(...ids: string[]) {
  const rows = await db.shareLink.findMany({ where: { id: { in: ids } }, select: { id: true, health: true } });
  const checks = await db.linkHealthCheck.groupBy({ by: ["linkId"], where: { linkId: { in: ids } }, _count: { _all: true } });
  const count = new Map(checks.map((c) => [c.linkId, c._count._all]));
  return ids.map((id) => ({ health: rows.find((r) => r.id === id)?.health ?? null, checks: count.get(id) ?? 0 }));
}

/** The route handler itself, as Next calls it. */
/** Each delivery from its own address unless one is given (refusals are limited per address). */
async function deliver(connectionId: string, body: string, headers: Record<string, string>, peer = `10.${randomInt(256)}.${randomInt(256)}.${randomInt(256)}`) {
  const request = new Request(`http://bucketshare.test/hooks/storage/${connectionId}`, {
    method: "POST",
    body,
    headers: { "content-type": "application/json", [PEER_HEADER]: peer, ...headers },
  });
  const response = await POST(request, { params: Promise.resolve({ connectionId }) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> & { refused?: Record<string, number> } };
}

/** A MinIO delivery as internal/event/target/webhook.go sends it: { EventName, Key, Records: [one record] }, the key query-escaped. */
function minioDelivery(
  eventName: string,
  bucket: string,
  key: string,
  at = new Date(),
  sequencer = `${Date.now().toString(16).toUpperCase()}${Math.random().toString(16).slice(2, 6)}`,
): string {
  const escaped = encodeURIComponent(key).replace(/%20/g, "+");
  return JSON.stringify({
    EventName: eventName,
    Key: `${bucket}/${key}`,
    Records: [
      {
        eventVersion: "2.0",
        eventSource: "minio:s3",
        awsRegion: "",
        eventTime: at.toISOString(),
        eventName,
        userIdentity: { principalId: "minioadmin" },
        requestParameters: { principalId: "minioadmin", region: "", sourceIPAddress: "172.17.0.1" },
        responseElements: { "x-amz-request-id": sequencer, "x-minio-origin-endpoint": "http://minio:9000" },
        s3: {
          s3SchemaVersion: "1.0",
          configurationId: "Config",
          bucket: { name: bucket, ownerIdentity: { principalId: "minioadmin" }, arn: `arn:aws:s3:::${bucket}` },
          object: { key: escaped, sequencer },
        },
        source: { host: "172.17.0.1", port: "", userAgent: "MinIO (linux; amd64) minio-go/v7.0.70" },
      },
    ],
  });
}

/** A B2 delivery with the documented fields of each event. */
function b2Delivery(events: { eventType: string; bucket: string; key: string; at?: Date; eventId?: string }[]): string {
  return JSON.stringify({
    events: events.map((e) => ({
      accountId: "e85c6a500333",
      bucketId: "aea8c5bc362ae55070130333",
      bucketName: e.bucket,
      eventId: e.eventId ?? crypto.randomUUID(),
      eventTimestamp: (e.at ?? new Date()).getTime(),
      eventType: e.eventType,
      eventVersion: 1,
      matchedRuleName: "bucketshare-links",
      objectName: e.key,
      objectSize: 5,
      objectVersionId: "4_zaea8c5bc362ae55070130333_f1182a2d3e0a4c2bb_d20230522_m222829_c004_v0402000_t0012",
    })),
  });
}

describe.each(storageCases())("on $name", (storage) => {
  const s3 = adminS3For(storage);
  let user: SessionUser;
  let minio: string;
  let minioToken: string;
  let b2: string;
  let bucket: string;
  const put = async (key: string, body: string) => (await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }))).ETag ?? null;

  beforeAll(async () => {
    user = await h.createTestUser(`events-${storage.name}`);
    users.push(user);
    bucket = await h.createBucket(s3, "events");
    minio = await insertStorageConnection(user.id, storage, { name: "Events MinIO" });
    b2 = await insertStorageConnection(user.id, storage, { name: "Events B2" });
    minioToken = (await turnOnStorageEvents(user, minio, { provider: "minio" })).secret!;
    expect(await turnOnStorageEvents(user, b2, { provider: "b2", secret: B2_SECRET })).toMatchObject({ secret: null });
  });
  afterAll(() => s3.destroy());

  it("MinIO: a deleted object's event with the right token marks its links Missing at once (single, direct, multi-file), nothing else", async () => {
    const key = "team/Q1 report+final.pdf";
    const etag = await put(key, "report");
    const otherEtag = await put("team/other.txt", "other");
    const managed = await insertLink(user.id, minio, bucket, { key, etag });
    const direct = await insertLink(user.id, minio, bucket, { key, etag, kind: "direct" });
    const files = await insertFilesShare(user.id, minio, bucket, "team/", [
      { key, etag },
      { key: "team/other.txt", etag: otherEtag },
    ]);
    const unrelated = await insertLink(user.id, minio, bucket, { key: "team/other.txt", etag: otherEtag });
    // The same object through the other connection: not this connection's event.
    const elsewhere = await insertLink(user.id, b2, bucket, { key, etag });
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));

    const answer = await deliver(minio, minioDelivery("s3:ObjectRemoved:Delete", bucket, key), { authorization: `Bearer ${minioToken}` });
    expect(answer).toMatchObject({ status: 200, body: { received: 1, acted: 1, links: { found: 3, checked: 3, outcomes: { missing: 3 } } } });
    expect(await marks(managed, direct, files, unrelated, elsewhere)).toEqual([
      { health: "missing", checks: 1 },
      { health: "missing", checks: 1 },
      { health: "missing", checks: 1 },
      { health: null, checks: 0 },
      { health: null, checks: 0 },
    ]);
    // The multi-file share was checked on the named file only, and says so.
    expect((await db.shareLink.findUniqueOrThrow({ where: { id: files } })).healthDetail).toMatchObject({
      cause: "no_such_key",
      files: { checked: 1, counts: { missing: 1 } },
    });
  });

  it("Backblaze B2: an HMAC-signed ObjectCreated event marks a pinned link to the overwritten object Changed, an 'Always the latest version' one OK", async () => {
    const key = "b2/replaced.txt";
    const etag = await put(key, "first bytes");
    const pinned = await insertLink(user.id, b2, bucket, { key, etag });
    const latest = await insertLink(user.id, b2, bucket, { key, etag, pinned: false });
    await put(key, "other bytes, a new upload");

    const body = b2Delivery([{ eventType: "b2:ObjectCreated:Upload", bucket, key }]);
    const answer = await deliver(b2, body, { "x-bz-event-notification-signature": signB2(body, B2_SECRET) });
    expect(answer).toMatchObject({ status: 200, body: { acted: 1, links: { found: 2, outcomes: { changed: 1, ok: 1 } } } });
    expect(await marks(pinned, latest)).toEqual([
      { health: "changed", checks: 1 },
      { health: "ok", checks: 1 },
    ]);
  });

  it("refuses a bad signature or token, an unknown or malformed connection, and a connection with storage events off: one 404 for all, nothing marked", async () => {
    const key = "refused/gone.txt";
    const etag = await put(key, "bytes");
    const onMinio = await insertLink(user.id, minio, bucket, { key, etag });
    const onB2 = await insertLink(user.id, b2, bucket, { key, etag });
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    const minioBody = minioDelivery("s3:ObjectRemoved:Delete", bucket, key);
    const b2Body = b2Delivery([{ eventType: "b2:HideMarkerCreated:Hide", bucket, key }]);

    const off = await insertStorageConnection(user.id, storage, { name: "Events off" });
    const attempts = [
      deliver(minio, minioBody, { authorization: `Bearer ${minioToken}x` }),
      deliver(minio, minioBody, {}),
      // The B2 secret as a MinIO token, and a B2 signature on a MinIO connection: each connection's own proof only.
      deliver(minio, b2Body, { "x-bz-event-notification-signature": signB2(b2Body, B2_SECRET) }),
      deliver(b2, b2Body, { "x-bz-event-notification-signature": signB2(b2Body, `${B2_SECRET}x`) }),
      deliver(b2, b2Body, { "x-bz-event-notification-signature": signB2(`${b2Body} `, B2_SECRET) }),
      deliver(b2, b2Body, { authorization: `Bearer ${B2_SECRET}` }),
      deliver(newRecordId(), b2Body, { "x-bz-event-notification-signature": signB2(b2Body, B2_SECRET) }),
      deliver("not a connection", minioBody, { authorization: `Bearer ${minioToken}` }),
      deliver(off, minioBody, { authorization: `Bearer ${minioToken}` }),
    ];
    const answers = await Promise.all(attempts);
    for (const answer of answers) expect(answer).toEqual({ status: 404, body: { error: "not_found", message: "No storage events are received here." } });
    expect(await marks(onMinio, onB2)).toEqual([
      { health: null, checks: 0 },
      { health: null, checks: 0 },
    ]);
    // Turned off, the token that worked before is refused too.
    const again = await turnOnStorageEvents(user, off, { provider: "minio" });
    await turnOffStorageEvents(user, off);
    expect((await deliver(off, minioBody, { authorization: `Bearer ${again.secret}` })).status).toBe(404);
    // None of the refused deliveries was remembered: the right proof still acts on the event.
    expect((await deliver(minio, minioBody, { authorization: `Bearer ${minioToken}` })).body).toMatchObject({ acted: 1 });
    expect(await marks(onMinio)).toEqual([{ health: "missing", checks: 1 }]);
  });

  it("refuses a replayed timestamp (older than 5 minutes, or from the future) and a duplicate event id: acknowledged, nothing marked", async () => {
    const key = "replay/gone.txt";
    const etag = await put(key, "bytes");
    const link = await insertLink(user.id, b2, bucket, { key, etag });
    const minioLink = await insertLink(user.id, minio, bucket, { key, etag });
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));

    const old = new Date(Date.now() - REPLAY_WINDOW_MS - 30_000);
    const stale = b2Delivery([{ eventType: "b2:ObjectDeleted:Delete", bucket, key, at: old }]);
    const ahead = b2Delivery([{ eventType: "b2:ObjectDeleted:Delete", bucket, key, at: new Date(Date.now() + 10 * 60_000) }]);
    for (const [body, reason] of [
      [stale, "stale"],
      [ahead, "future"],
    ] as const) {
      const answer = await deliver(b2, body, { "x-bz-event-notification-signature": signB2(body, B2_SECRET) });
      expect(answer).toMatchObject({ status: 200, body: { received: 1, acted: 0, refused: { [reason]: 1 }, links: { found: 0 } } });
    }
    const minioStale = await deliver(minio, minioDelivery("s3:ObjectRemoved:Delete", bucket, key, old), { authorization: `Bearer ${minioToken}` });
    expect(minioStale.body).toMatchObject({ acted: 0, refused: { stale: 1 } });
    expect(await marks(link, minioLink)).toEqual([
      { health: null, checks: 0 },
      { health: null, checks: 0 },
    ]);

    // The same event id twice (a retry, or a replay within the window): acted on once.
    const eventId = crypto.randomUUID();
    const first = b2Delivery([{ eventType: "b2:ObjectDeleted:Delete", bucket, key, eventId }]);
    const headers = { "x-bz-event-notification-signature": signB2(first, B2_SECRET) };
    expect((await deliver(b2, first, headers)).body).toMatchObject({ acted: 1, links: { found: 1 } });
    await db.shareLink.update({ where: { id: link }, data: { health: null } });
    expect((await deliver(b2, first, headers)).body).toMatchObject({ acted: 0, refused: { duplicate: 1 }, links: { found: 0 } });
    // Another delivery with the same event id (B2 may batch differently on a retry): still a duplicate.
    const rebatched = b2Delivery([{ eventType: "b2:ObjectDeleted:Delete", bucket, key, eventId, at: new Date(Date.now() - 1000) }]);
    expect((await deliver(b2, rebatched, { "x-bz-event-notification-signature": signB2(rebatched, B2_SECRET) })).body).toMatchObject({
      refused: { duplicate: 1 },
    });
    expect(await marks(link)).toEqual([{ health: null, checks: 1 }]);
  });

  it("two instances receiving the same event at once act on it once", async () => {
    const key = "parallel/gone.txt";
    const etag = await put(key, "bytes");
    const link = await insertLink(user.id, minio, bucket, { key, etag });
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    const body = minioDelivery("s3:ObjectRemoved:Delete", bucket, key);
    const answers = await Promise.all(Array.from({ length: 4 }, () => deliver(minio, body, { authorization: `Bearer ${minioToken}` })));
    expect(answers.map((a) => a.body.acted).sort()).toEqual([0, 0, 0, 1]);
    expect(await marks(link)).toEqual([{ health: "missing", checks: 1 }]);
  });

  it("ignores events not about an object's content (B2's test event) and refuses a body that is too large or not the provider's", async () => {
    const test = JSON.stringify({
      events: [{ eventId: crypto.randomUUID(), eventType: "b2:TestEvent", eventTimestamp: Date.now(), eventVersion: 1, matchedRuleName: "r" }],
    });
    expect(await deliver(b2, test, { "x-bz-event-notification-signature": signB2(test, B2_SECRET) })).toMatchObject({
      status: 200,
      body: { received: 1, acted: 0, refused: { unrelated: 1 } },
    });
    const huge = JSON.stringify({ events: [], pad: "x".repeat(MAX_BODY_BYTES) });
    expect((await deliver(b2, huge, { "x-bz-event-notification-signature": signB2(huge, B2_SECRET) })).status).toBe(413);
    const minioShaped = minioDelivery("s3:ObjectRemoved:Delete", bucket, "x");
    expect(await deliver(b2, minioShaped, { "x-bz-event-notification-signature": signB2(minioShaped, B2_SECRET) })).toMatchObject({
      status: 400,
      body: { error: "malformed" },
    });
  });
});

describe("refused deliveries", () => {
  it("are limited per address for ids that are no live hook: past the limit 429 before the body is read, while the provider's real deliveries from that address go on", async () => {
    const user = await h.createTestUser("events-refusals");
    users.push(user);
    const [storage] = storageCases();
    const connectionId = await insertStorageConnection(user.id, storage!, { name: "Refusals" });
    const token = (await turnOnStorageEvents(user, connectionId, { provider: "minio" })).secret!;
    const body = minioDelivery("s3:ObjectRemoved:Delete", "no-such-bucket", "nothing.txt");
    const shared = `203.0.113.${randomInt(1, 255)}`;
    const guessed = newRecordId();
    await db.actionBudget.deleteMany({ where: { subject: `storage-hook-refused:${shared}` } });

    // A stranger on the provider's address sends deliveries to an id that is no hook, and wrong proofs to the real one.
    const answers = await Promise.all(
      Array.from({ length: REFUSALS_PER_MINUTE }, (_, i) =>
        i % 2 ? deliver(guessed, body, {}, shared) : deliver(connectionId, body, { authorization: "Bearer guess" }, shared),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(REFUSALS_PER_MINUTE).fill(404));
    expect(await deliver(guessed, body, {}, shared)).toMatchObject({ status: 429, body: { error: "rate_limited" } });
    expect(await deliver(newRecordId(), body, {}, shared)).toMatchObject({ status: 429 });
    // The provider itself, from that same address, is heard; a wrong proof to the live hook is still checked (404).
    expect(await deliver(connectionId, body, { authorization: `Bearer ${token}` }, shared)).toMatchObject({ status: 200, body: { received: 1 } });
    expect((await deliver(connectionId, body, { authorization: "Bearer guess" }, shared)).status).toBe(404);
    // Another address is not affected.
    expect((await deliver(guessed, body, {})).status).toBe(404);
    // The minute over (by the database's clock), the address is heard again.
    await db.$executeRaw`UPDATE action_budgets SET window_start = window_start - interval '61 seconds' WHERE subject = ${`storage-hook-refused:${shared}`}`;
    expect((await deliver(guessed, body, {}, shared)).status).toBe(404);
    await db.actionBudget.deleteMany({ where: { subject: `storage-hook-refused:${shared}` } });
  });

  it("hold under parallel senders: of twice the limit sent at once to ids that are no hook, exactly the limit is answered", async () => {
    const sender = `192.0.2.${randomInt(1, 255)}`;
    const subject = `storage-hook-refused:${sender}`;
    await db.actionBudget.deleteMany({ where: { subject } });
    const body = minioDelivery("s3:ObjectRemoved:Delete", "no-such-bucket", "nothing.txt");
    const answers = await Promise.all(Array.from({ length: 2 * REFUSALS_PER_MINUTE }, () => deliver(newRecordId(), body, {}, sender)));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((status) => status === 404)).toHaveLength(REFUSALS_PER_MINUTE);
    expect(statuses.filter((status) => status === 429)).toHaveLength(REFUSALS_PER_MINUTE);
    // Once the limit is spent, a flood is turned away by a read: nothing more is written (no row lock to queue on).
    const counted = async () => (await db.actionBudget.findUnique({ where: { subject } }))?.count;
    const before = await counted();
    const flood = await Promise.all(Array.from({ length: 20 }, () => deliver(newRecordId(), body, {}, sender)));
    expect(flood.map((a) => a.status)).toEqual(Array(20).fill(429));
    expect(await counted()).toBe(before);
    await db.actionBudget.deleteMany({ where: { subject } });
  });

  it("a blocked answer carries Retry-After", async () => {
    const stranger = `198.18.0.${randomInt(1, 255)}`;
    const subject = `storage-hook-refused:${stranger}`;
    await db.$executeRaw`INSERT INTO action_budgets (subject, window_start, count) VALUES (${subject}, statement_timestamp() AT TIME ZONE 'UTC', ${REFUSALS_PER_MINUTE})
      ON CONFLICT (subject) DO UPDATE SET window_start = EXCLUDED.window_start, count = EXCLUDED.count`;
    const request = new Request(`http://bucketshare.test/hooks/storage/${newRecordId()}`, { method: "POST", body: "{}", headers: { [PEER_HEADER]: stranger } });
    const response = await POST(request, { params: Promise.resolve({ connectionId: newRecordId() }) });
    expect(response.status).toBe(429);
    expect(Number(response.headers.get("retry-after"))).toBeGreaterThanOrEqual(59);
    await db.actionBudget.deleteMany({ where: { subject } });
  });
});

describe("seen events", () => {
  it("are pruned once past the time a replay could still be in the window", async () => {
    const user = await h.createTestUser("events-prune");
    users.push(user);
    const [storage] = storageCases();
    const connectionId = await insertStorageConnection(user.id, storage!, { name: "Prune" });
    await db.storageEventSeen.createMany({
      data: [
        { connectionId, eventId: "b2:old", seenAt: new Date(Date.now() - SEEN_KEPT_MS - 60_000) },
        { connectionId, eventId: "b2:recent", seenAt: new Date(Date.now() - REPLAY_WINDOW_MS) },
      ],
    });
    expect(await pruneSeenEvents()).toBeGreaterThanOrEqual(1);
    expect((await db.storageEventSeen.findMany({ where: { connectionId } })).map((r) => r.eventId)).toEqual(["b2:recent"]);
  });
});

describe("Settings → Connections → Storage events", () => {
  it("an Admin turns them on (the MinIO token shown once and sealed at rest, a B2 secret checked), and off; a Member is refused", async () => {
    const owner = await h.createTestUser("events-settings");
    users.push(owner);
    const [storage] = storageCases();
    const connectionId = await insertStorageConnection(owner.id, storage!, { name: "Settings" });
    const person = async (role: "admin" | "member") => {
      const row = await db.user.create({
        data: { name: role, email: `${role}-${h.randomSuffix()}@integration.test`, passwordHash: "x", role, teamId: owner.id },
      });
      return { ...(await loadActor(row.id))!, name: row.name, email: row.email };
    };
    const admin = await person("admin");
    const member = await person("member");
    const as = async <T>(user: SessionUser, run: () => Promise<T>) => {
      session.user = user;
      try {
        return await run();
      } finally {
        session.user = null;
      }
    };
    const stored = () => db.storageConnection.findUniqueOrThrow({ where: { id: connectionId }, select: { eventsProvider: true, eventsSecretEnc: true } });

    const on = await as(admin, () => saveStorageEventsAction({ status: "idle" }, { connectionId, provider: "minio" }));
    expect(on).toMatchObject({ status: "success", data: { secret: expect.stringMatching(/^bse_/) } });
    const token = on.status === "success" ? on.data!.secret! : "";
    const row = await stored();
    expect(row.eventsProvider).toBe("minio");
    expect(row.eventsSecretEnc).toMatch(/^v2\./);
    expect(row.eventsSecretEnc).not.toContain(token.slice(4));
    const body = minioDelivery("s3:ObjectRemoved:Delete", "any-bucket", "nothing-shared.txt");
    expect((await deliver(connectionId, body, { authorization: `Bearer ${token}` })).status).toBe(200);

    // A new token: the old one stops working at once.
    await as(owner, () => saveStorageEventsAction({ status: "idle" }, { connectionId, provider: "minio" }));
    expect((await deliver(connectionId, minioDelivery("s3:ObjectRemoved:Delete", "b", "k"), { authorization: `Bearer ${token}` })).status).toBe(404);

    expect(await as(admin, () => saveStorageEventsAction({ status: "idle" }, { connectionId, provider: "b2", secret: "too short" }))).toMatchObject({
      status: "invalid",
      fieldErrors: { secret: [expect.stringMatching(/signing secret/)] },
    });
    expect(await as(admin, () => saveStorageEventsAction({ status: "idle" }, { connectionId, provider: "b2", secret: B2_SECRET }))).toMatchObject({
      status: "success",
      data: { secret: null },
    });
    const b2Body = b2Delivery([{ eventType: "b2:TestEvent", bucket: "b", key: "k" }]);
    expect((await deliver(connectionId, b2Body, { "x-bz-event-notification-signature": signB2(b2Body, B2_SECRET) })).status).toBe(200);

    const before = await stored();
    for (const attempt of [
      () => saveStorageEventsAction({ status: "idle" }, { connectionId, provider: "minio" }),
      () => turnOffStorageEventsAction({ status: "idle" }, { connectionId }),
    ]) {
      expect(await as(member, attempt)).toMatchObject({ status: "error", message: expect.stringMatching(/Only Admins and the Owner/) });
    }
    expect(await stored()).toEqual(before);

    expect(await as(admin, () => turnOffStorageEventsAction({ status: "idle" }, { connectionId }))).toMatchObject({ status: "success" });
    expect(await stored()).toEqual({ eventsProvider: null, eventsSecretEnc: null });
    expect((await deliver(connectionId, b2Body, { "x-bz-event-notification-signature": signB2(b2Body, B2_SECRET) })).status).toBe(404);
  });
});
