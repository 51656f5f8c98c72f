/**
 * The folder page's listing started by the proxy (lib/storage/folder-prefetch.ts), against a real S3 server and the
 * real database: the page gets exactly the listing it would have made itself, once, and only for the same person,
 * folder, filter, page and connection; storage is asked only after the session and the person's rights were checked.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { S3Client } from "@aws-sdk/client-s3";
import type { SessionUser } from "@/lib/auth/session";
import { createSession } from "@/lib/auth/session-store";
import { db } from "@/lib/db/client";
import { getRuntimeSecrets } from "@/lib/env";
import { seal } from "@/lib/storage/sealed";
import { startFolderPrefetch, takeFolderPrefetch } from "@/lib/storage/folder-prefetch";
import { type FolderPage, type Loaded, loadFolder } from "@/lib/storage/listing";
import { clientsFor } from "@/lib/storage/client";
import * as h from "../support/helpers";
import { adminS3For, storageCases } from "../support/storages";

const server = storageCases()[0]!;
let admin: S3Client;
let owner: SessionUser;
let member: { id: string };
let bucket: string;
let connectionId: string;
let version: number;
const sessions: Record<string, string> = {};

/** What the page's own listing would be: here a marker, so that a test sees whether the prefetched one was taken. */
const OWN: Loaded<FolderPage> = { ok: true, value: { folders: [], objects: [], nextToken: null, markerExists: false } };
const listOwn = () => Promise.resolve(OWN);

const url = (path: string) => new URL(path, "http://bucketshare.test");
const folderUrl = (prefix: string, query = "") => url(`/buckets/${connectionId}/${bucket}/${prefix}${query}`);

function expected(userId: string, prefix: string, more: Partial<{ token: string; filter: string; version: number }> = {}) {
  return { userId, connectionId, bucket, prefix, token: "", filter: "", version, ...more };
}

beforeAll(async () => {
  admin = adminS3For(server);
  bucket = await h.createBucket(admin);
  await h.putObjects(admin, bucket, [
    ...["a.txt", "b.txt", "c.txt"].map((name) => ({ key: `dir/${name}`, body: Buffer.from(name) })),
    { key: "dir/sub/inner.txt", body: Buffer.from("inner") },
    { key: "other/x.txt", body: Buffer.from("x") },
  ]);
  owner = await h.createTestUser("folder-prefetch");
  const row = await db.storageConnection.create({
    data: {
      ownerId: owner.id,
      name: `Prefetch ${server.name}`,
      provider: "custom",
      endpoint: server.endpoint,
      region: server.region,
      forcePathStyle: true,
      accessKeyId: server.accessKeyId,
      secretAccessKeyEnc: "pending",
    },
  });
  const updated = await db.storageConnection.update({
    where: { id: row.id },
    data: { secretAccessKeyEnc: seal("secretAccessKey", row.id, server.secretAccessKey, getRuntimeSecrets().encryptionKey) },
  });
  connectionId = updated.id;
  version = updated.updatedAt.getTime();
  const memberRow = await db.user.create({
    data: { name: "Member prefetch", email: `prefetch-${h.randomSuffix()}@integration.test`, passwordHash: "x", role: "member", teamId: owner.id },
  });
  member = memberRow;
  await db.memberGrant.create({
    data: { userId: member.id, connectionId, canBrowse: true, canShare: true, bucket, folder: "dir/sub/", linkTypes: "both" },
  });
  sessions.owner = (await createSession(owner.id)).sid;
  sessions.member = (await createSession(member.id)).sid;
});

afterAll(async () => {
  admin?.destroy();
  await h.deleteTestUsers(owner, member as SessionUser);
});

describe("the folder listing the proxy starts for the page", () => {
  it("is what the page would have listed itself, for the same folder, filter and page", async () => {
    const page = await loadFolder({ clients: clientsFor(await db.storageConnection.findUniqueOrThrow({ where: { id: connectionId } })) }, bucket, "dir/");
    const id = startFolderPrefetch({ userId: owner.id, sessionId: sessions.owner! }, folderUrl("dir"));
    expect(id).not.toBeNull();
    const taken = await takeFolderPrefetch(id, expected(owner.id, "dir/"), listOwn);
    expect(taken).toEqual(page);
    expect(taken.ok && taken.value.objects.map((o) => o.key)).toEqual(["dir/a.txt", "dir/b.txt", "dir/c.txt"]);
    expect(taken.ok && taken.value.folders).toEqual([{ prefix: "dir/sub/" }]);

    const filtered = startFolderPrefetch({ userId: owner.id, sessionId: sessions.owner! }, folderUrl("dir", "?q=b&object=dir%2Fa.txt"));
    const narrowed = await takeFolderPrefetch(filtered, expected(owner.id, "dir/", { filter: "b" }), listOwn);
    expect(narrowed.ok && narrowed.value.objects.map((o) => o.key)).toEqual(["dir/b.txt"]);
  });

  it("is handed over once, and only to the same person, folder, filter, page and unchanged connection", async () => {
    const start = () => startFolderPrefetch({ userId: owner.id, sessionId: sessions.owner! }, folderUrl("dir"));
    const id = start();
    expect(await takeFolderPrefetch(id, expected(owner.id, "dir/"), listOwn)).not.toBe(OWN);
    expect(await takeFolderPrefetch(id, expected(owner.id, "dir/"), listOwn)).toBe(OWN);

    for (const other of [
      expected(member.id, "dir/"),
      expected(owner.id, "other/"),
      expected(owner.id, "dir/", { filter: "a" }),
      expected(owner.id, "dir/", { token: "next" }),
      expected(owner.id, "dir/", { version: version + 1 }),
    ]) {
      expect(await takeFolderPrefetch(start(), other, listOwn)).toBe(OWN);
    }
    expect(await takeFolderPrefetch("no-such-id", expected(owner.id, "dir/"), listOwn)).toBe(OWN);
    expect(await takeFolderPrefetch(null, expected(owner.id, "dir/"), listOwn)).toBe(OWN);
  });

  it("asks storage only for a live session of a person who may see the whole folder", async () => {
    // A Member granted dir/sub/ only: that folder is listed, the one above it (one entry leading down) and beside it are not.
    const asMember = (path: string) => startFolderPrefetch({ userId: member.id, sessionId: sessions.member! }, folderUrl(path));
    const inside = await takeFolderPrefetch(asMember("dir/sub"), expected(member.id, "dir/sub/"), listOwn);
    expect(inside.ok && inside.value.objects.map((o) => o.key)).toEqual(["dir/sub/inner.txt"]);
    expect(await takeFolderPrefetch(asMember("dir"), expected(member.id, "dir/"), listOwn)).toBe(OWN);
    expect(await takeFolderPrefetch(asMember("other"), expected(member.id, "other/"), listOwn)).toBe(OWN);

    // A cookie naming another person's session, an unknown connection, an ended session.
    const mismatched = startFolderPrefetch({ userId: member.id, sessionId: sessions.owner! }, folderUrl("dir"));
    expect(await takeFolderPrefetch(mismatched, expected(member.id, "dir/"), listOwn)).toBe(OWN);
    const unknown = startFolderPrefetch({ userId: owner.id, sessionId: sessions.owner! }, url(`/buckets/no-such-connection/${bucket}/dir`));
    expect(await takeFolderPrefetch(unknown, { ...expected(owner.id, "dir/"), connectionId: "no-such-connection" }, listOwn)).toBe(OWN);
    await db.session.deleteMany({ where: { userId: owner.id } });
    const ended = startFolderPrefetch({ userId: owner.id, sessionId: sessions.owner! }, folderUrl("dir"));
    expect(await takeFolderPrefetch(ended, expected(owner.id, "dir/"), listOwn)).toBe(OWN);
  });

  it("starts nothing for an address that is not a folder page", () => {
    const session = { userId: owner.id, sessionId: sessions.member! };
    expect(startFolderPrefetch(session, url("/links"))).toBeNull();
    expect(startFolderPrefetch(session, url(`/buckets/${connectionId}`))).toBeNull();
    expect(startFolderPrefetch(session, url("/buckets"))).toBeNull();
  });
});
