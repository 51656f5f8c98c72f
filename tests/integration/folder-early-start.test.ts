/**
 * A folder page's reads begun as the request arrives (lib/boot/folder-early-start.ts, as `npm start` mounts it): for
 * whom the storage is asked, and that the page takes that listing instead of asking again. The storage is a real Swift
 * s3api behind a forwarder that counts the listings it is asked for (each still signed and checked by Swift); the
 * sessions, the grants and the connection are real rows.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { createServer, type IncomingMessage, request as forward, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { S3Client } from "@aws-sdk/client-s3";
import { encode } from "next-auth/jwt";
import type { PoolClient } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "@/lib/auth/session";
import { HTTP_SESSION_COOKIE } from "@/lib/auth/session-cookie";
import { createSession, endSession } from "@/lib/auth/session-store";
import { createFolderEarlyStart } from "@/lib/boot/folder-early-start";
import { db, getPool } from "@/lib/db/client";
import { getRuntimeSecrets } from "@/lib/env";
import { type EarlyFolderWork, REQUEST_STATE, type RequestState } from "@/lib/http/request-state";
import { loadFolderOfPage } from "@/lib/storage/listing";
import { insertStorageConnection } from "../support/connection-row";
import * as h from "../support/helpers";
import { adminS3For, storageCases } from "../support/storages";

const storage = storageCases()[0]!;
const earlyStart = createFolderEarlyStart();

let admin: S3Client;
let bucket: string;
let owner: SessionUser;
let memberId: string;
let connectionId: string;
let counter: Server;
/**
 * The ListObjectsV2 calls the storage was asked for: one per SDK invocation (a retry of the same call, after a reused
 * socket was closed, carries the same amz-sdk-invocation-id and is not another listing).
 */
const listings: string[] = [];

/** A forwarder to the storage that counts the listings (the Host header is passed on: the signature covers it). */
async function countingStorage(): Promise<Server> {
  const target = new URL(storage.endpoint);
  const server = createServer((req, res) => {
    const invocation = String(req.headers["amz-sdk-invocation-id"] ?? req.url);
    if (req.url?.includes("list-type=2") && !listings.includes(invocation)) listings.push(invocation);
    const upstream = forward({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on("error", () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return server;
}

async function cookieFor(userId: string): Promise<{ cookie: string; sessionId: string }> {
  const user = await db.user.findUniqueOrThrow({ where: { id: userId }, select: { name: true, email: true } });
  const claims = await createSession(userId);
  const value = await encode({
    token: { sub: userId, name: user.name, email: user.email, ...claims },
    secret: getRuntimeSecrets().authSecret,
    salt: HTTP_SESSION_COOKIE,
  });
  return { cookie: `${HTTP_SESSION_COOKIE}=${value}`, sessionId: claims.sid };
}

/** The early start for one request as the server hands it over: what it began (null: nothing), once Next would get it. */
async function arrive(url: string, headers: Record<string, string> = {}, method = "GET"): Promise<{ state: RequestState; work: EarlyFolderWork | null }> {
  const state: RequestState = { databaseUnavailable: false };
  const handOver = earlyStart({ method, url, headers } as unknown as IncomingMessage, state);
  if (handOver === null) return { state, work: null };
  await handOver;
  return { state, work: (await state.folder) ?? null };
}

const folderUrl = (folder = "") => `/buckets/${connectionId}/${bucket}${folder ? `/${folder}` : ""}`;

beforeAll(async () => {
  admin = adminS3For(storage);
  bucket = await h.createBucket(admin, "early");
  await h.putObjects(admin, bucket, [
    { key: "team/plan.txt", body: new TextEncoder().encode("plan\n") },
    { key: "team/notes.txt", body: new TextEncoder().encode("notes\n") },
    { key: "private/salaries.txt", body: new TextEncoder().encode("secret\n") },
  ]);
  counter = await countingStorage();
  owner = await h.createTestUser("early-start");
  connectionId = await insertStorageConnection(
    owner.id,
    { ...storage, endpoint: `http://127.0.0.1:${(counter.address() as AddressInfo).port}` },
    { name: "Counted" },
  );
  const member = await db.user.create({
    data: {
      name: "Early member",
      email: `early-member-${h.randomSuffix()}@integration.test`,
      passwordHash: "not-a-real-hash",
      role: "member",
      teamId: owner.id,
    },
  });
  memberId = member.id;
  await db.memberGrant.create({ data: { userId: memberId, connectionId, canBrowse: true, canShare: false, bucket, folder: "team/", linkTypes: "both" } });
});

afterAll(async () => {
  await new Promise((resolve) => counter?.close(resolve));
  await db.user.deleteMany({ where: { id: memberId } });
  await h.deleteTestUsers(owner);
});

describe("a folder page's reads, begun on arrival", () => {
  it("ask the storage nothing for a visitor without a session, nor for a prefetch, a HEAD or another path", async () => {
    const before = listings.length;
    expect((await arrive(folderUrl("team"))).work).toBeNull();
    expect((await arrive(folderUrl("team"), { cookie: `${HTTP_SESSION_COOKIE}=not-a-cookie` })).work).toBeNull();
    const { cookie } = await cookieFor(owner.id);
    expect(await arrive(folderUrl("team"), { cookie, "next-router-prefetch": "1" })).toEqual({ state: { databaseUnavailable: false }, work: null });
    expect((await arrive(folderUrl("team"), { cookie }, "HEAD")).work).toBeNull();
    expect((await arrive("/links", { cookie })).work).toBeNull();
    expect((await arrive(`${folderUrl("team")}/`, { cookie })).work).toBeNull();
    // Addresses the page would not list as they stand.
    for (const odd of ["team/..", "team/%2E", "%E0%A4%A", "team//x"]) expect((await arrive(folderUrl(odd), { cookie })).work).toBeNull();
    expect(listings.length).toBe(before);
  });

  it("begin nothing while the pool they would use has no connection free for them (the page reads on its own)", async () => {
    const { cookie } = await cookieFor(owner.id);
    const pool = getPool();
    const held: PoolClient[] = [];
    try {
      while (pool.totalCount < 9) held.push(await pool.connect());
      expect((await arrive(folderUrl("team"), { cookie })).work).toBeNull();
    } finally {
      for (const client of held) client.release();
    }
    // Once they are free again, it begins (and its listing ends before the next test counts).
    const { work } = await arrive(folderUrl("team"), { cookie });
    const listing = await work?.listing;
    expect(listing).toBeTruthy();
    await listing?.result;
  });

  it("list the folder once for its owner, and the page takes that listing instead of asking again", async () => {
    const { cookie, sessionId } = await cookieFor(owner.id);
    const before = listings.length;
    const { state, work } = await arrive(`${folderUrl("team")}?q=pl`, { cookie });
    expect(work).toMatchObject({ sessionId, userId: owner.id, connectionId });
    expect((await work!.user)?.id).toBe(owner.id);
    const open = await work!.open;
    expect(open?.connection.id).toBe(connectionId);

    // The page, in the same request, asks for the very listing that was begun: the storage is not asked again.
    const storageState = new AsyncLocalStorage<RequestState>();
    (globalThis as Record<symbol, unknown>)[REQUEST_STATE] = storageState;
    try {
      const taken = await storageState.run(state, () => loadFolderOfPage(open!, bucket, "team/", { filter: "pl" }));
      expect(taken.ok && taken.value.objects.map((o) => o.key)).toEqual(["team/plan.txt"]);
      expect(listings.length).toBe(before + 1);
      // Another filter than the one begun is the page's own listing.
      const other = await storageState.run(state, () => loadFolderOfPage(open!, bucket, "team/", { filter: "no" }));
      expect(other.ok && other.value.objects.map((o) => o.key)).toEqual(["team/notes.txt"]);
      expect(listings.length).toBe(before + 2);
    } finally {
      delete (globalThis as Record<symbol, unknown>)[REQUEST_STATE];
    }
  });

  it("list nothing beside a Member's folder, and their own folder only", async () => {
    const { cookie } = await cookieFor(memberId);
    const before = listings.length;
    const beside = await arrive(folderUrl("private"), { cookie });
    expect((await beside.work!.user)?.id).toBe(memberId);
    expect(await beside.work!.listing).toBeNull();
    // Above their folder they see only the folder leading down to it: nothing is read from storage either.
    expect(await (await arrive(folderUrl(), { cookie })).work!.listing).toBeNull();
    expect(listings.length).toBe(before);

    const own = await arrive(folderUrl("team"), { cookie });
    const listing = await own.work!.listing;
    const result = await listing!.result;
    expect(result.ok && result.value.objects.map((o) => o.key).sort()).toEqual(["team/notes.txt", "team/plan.txt"]);
    expect(listings.length).toBe(before + 1);
  });

  it("list nothing for a session that ended, or for a connection the person does not see", async () => {
    const { cookie, sessionId } = await cookieFor(owner.id);
    const stranger = await h.createTestUser("early-stranger");
    try {
      const before = listings.length;
      const { cookie: strangerCookie } = await cookieFor(stranger.id);
      const elsewhere = await arrive(folderUrl("team"), { cookie: strangerCookie });
      expect((await elsewhere.work!.user)?.id).toBe(stranger.id);
      expect(await elsewhere.work!.open).toBeNull();
      expect(await elsewhere.work!.listing).toBeNull();

      await endSession(sessionId);
      const ended = await arrive(folderUrl("team"), { cookie });
      expect(await ended.work!.user).toBeNull();
      expect(await ended.work!.open).toBeNull();
      expect(await ended.work!.listing).toBeNull();
      expect(listings.length).toBe(before);
    } finally {
      await h.deleteTestUsers(stranger);
    }
  });
});
