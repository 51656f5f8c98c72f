/**
 * Security review of issue 17, findings 1, 2, 4, 5 and 7, on both local S3 servers (the real /u/<token>/… route
 * handlers and lib/uploads cores; fetch() plays the browser). Completing claims the upload first: a second
 * complete, an abort or the clean-up job racing it can no longer give the slot back while the file stays; a refused
 * file is deleted by its version, and when it cannot be deleted (or the storage fails after Complete) its slot stays
 * held until the clean-up job settles it. A begin makes no storage call when the request has no slot, "Keep both"
 * steps past a name an upload in progress holds, begins are bounded per request, and a slot is held at most a day.
 */
import { randomBytes } from "node:crypto";
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as beginRoute } from "@/app/u/[token]/begin/route";
import { POST as signRoute } from "@/app/u/[token]/sign/route";
import { DELETE as abortRoute } from "@/app/u/[token]/uploads/[id]/abort/route";
import { POST as completeRoute } from "@/app/u/[token]/uploads/[id]/complete/route";
import type { SessionUser } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { SERVER_MARKER, PEER_HEADER } from "@/lib/security/address";
import { clientsFor } from "@/lib/storage/client";
import { acceptAllowedTypes } from "@/lib/upload-requests/routes";
import { beginUpload } from "@/lib/uploads/begin";
import { completeUpload, settleStaleCompletions } from "@/lib/uploads/complete";
import { PART_SIZE } from "@/lib/uploads/parts";
import { abortAbandonedUploads, claimCompleting, keepAlive, SlotRefusedError } from "@/lib/uploads/store";
import { createTestConnection } from "../support/api-contract";
import * as h from "../support/helpers";
import { adminS3For, storageCases } from "../support/storages";
import { insertUploadRequest, type UploadRequestInput } from "../support/upload-requests";

const ORIGIN = "http://127.0.0.1:3000";

type Begun = { id: string; key: string; name: string; partSize: number; partCount: number; uploadId: string; secret: string };
type Call = { body?: unknown; secret?: string; method?: string };

function request(path: string, call: Call = {}): Request {
  const headers = new Headers({ [PEER_HEADER]: "198.51.100.30", "user-agent": "Mozilla/5.0 (integration)" });
  if (call.body !== undefined) headers.set("content-type", "application/json");
  if (call.secret) headers.set("x-upload-secret", call.secret);
  return new Request(`${ORIGIN}${path}`, { method: call.method ?? "POST", headers, ...(call.body !== undefined ? { body: JSON.stringify(call.body) } : {}) });
}

const params = (values: Record<string, string>) => ({ params: Promise.resolve(values) });
const begin = (token: string, body: unknown) => beginRoute(request(`/u/${token}/begin`, { body }), params({ token }));
const complete = (token: string, upload: Begun) =>
  completeRoute(request(`/u/${token}/uploads/${upload.id}/complete`, { secret: upload.secret }), params({ token, id: upload.id }));
const abort = (token: string, upload: Begun) =>
  abortRoute(request(`/u/${token}/uploads/${upload.id}/abort`, { secret: upload.secret, method: "DELETE" }), params({ token, id: upload.id }));

async function begun(token: string, body: Record<string, unknown>): Promise<Begun> {
  const res = await begin(token, body);
  if (res.status !== 200) throw new Error(`begin: ${res.status} ${await res.text()}`);
  return (await res.json()) as Begun;
}

/** Every part PUT as a browser would (signed by the app), without completing. */
async function putParts(token: string, upload: Begun, bytes: Uint8Array): Promise<void> {
  for (let part = 1; part <= upload.partCount; part++) {
    const body = { id: upload.id, method: "PUT", key: upload.key, uploadId: upload.uploadId, partNumber: part };
    const res = await signRoute(request(`/u/${token}/sign`, { body, secret: upload.secret }), params({ token }));
    expect(res.status).toBe(200);
    const { url } = (await res.json()) as { url: string };
    const put = await fetch(url, { method: "PUT", body: new Uint8Array(bytes.subarray((part - 1) * PART_SIZE, part * PART_SIZE)) });
    expect(put.status).toBe(200);
  }
}

async function exists(s3: S3Client, bucket: string, key: string): Promise<boolean> {
  try {
    await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return true;
  } catch (error) {
    if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return false;
    throw error;
  }
}

type CommandClass = abstract new (...args: never[]) => object;

/** The connection's client, with one kind of command refused as a key without that permission would be. */
function refusing(s3: S3Client, refused: CommandClass): S3Client {
  return new Proxy(s3, {
    get(target, prop, receiver) {
      if (prop !== "send") return Reflect.get(target, prop, receiver);
      return (command: object, options?: object) =>
        command instanceof refused
          ? Promise.reject(Object.assign(new Error("Access Denied"), { name: "AccessDenied", $metadata: { httpStatusCode: 403 } }))
          : (target.send as (c: object, o?: object) => Promise<unknown>)(command, options);
    },
  });
}

/** The connection's client, holding every command of one kind until `release` is called (and saying when one waits). */
function holding(s3: S3Client, held: CommandClass) {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  let reached!: () => void;
  const waiting = new Promise<void>((resolve) => {
    reached = resolve;
  });
  const client = new Proxy(s3, {
    get(target, prop, receiver) {
      if (prop !== "send") return Reflect.get(target, prop, receiver);
      return async (command: object, options?: object) => {
        if (command instanceof held) {
          reached();
          await gate;
        }
        return (target.send as (c: object, o?: object) => Promise<unknown>)(command, options);
      };
    },
  });
  return { client, release, waiting };
}

/** A client every call of which fails: proves a refusal came before any storage call. */
const noStorage = new Proxy({} as S3Client, {
  get: () => () => Promise.reject(new Error("No storage call was expected.")),
});

const counters = (linkId: string) => db.uploadRequest.findUniqueOrThrow({ where: { linkId } });
const rowOf = (id: string) => db.upload.findUniqueOrThrow({ where: { id } });
const expire = (id: string) => db.upload.update({ where: { id }, data: { expiresAt: new Date(Date.now() - 1_000) } });

beforeAll(() => {
  (globalThis as Record<symbol, unknown>)[SERVER_MARKER] = true;
});
afterAll(() => {
  delete (globalThis as Record<symbol, unknown>)[SERVER_MARKER];
});

describe.each(storageCases())("completing uploads on $name", (storage) => {
  const admin = adminS3For(storage);
  let owner: SessionUser;
  let connectionId: string;
  let bucket: string;
  let s3: S3Client;

  const newRequest = (input: Partial<UploadRequestInput> = {}) =>
    insertUploadRequest((sql, values) => db.$executeRawUnsafe(sql, ...values), {
      ownerId: owner.id,
      connectionId,
      bucket,
      prefix: `inbox-${h.randomSuffix()}/`,
      ...input,
    });

  beforeAll(async () => {
    owner = await h.createTestUser(`ucomp-${storage.name}`);
    connectionId = await createTestConnection(owner.id, storage, { name: "Completing storage" });
    bucket = await h.createBucket(admin, "ucomp");
    s3 = clientsFor(await db.storageConnection.findUniqueOrThrow({ where: { id: connectionId } })).s3;
  });

  afterAll(async () => {
    await h.deleteTestUsers(owner);
  });

  it("a second complete or an abort arriving while the first completes frees nothing: the file is counted once, and a retry answers the same success", async () => {
    const req = await newRequest({ maxFiles: 2 });
    const bytes = randomBytes(1_000);
    const first = await begun(req.token, { name: "a.bin", size: bytes.length, type: "" });
    await putParts(req.token, first, bytes);
    const row = await rowOf(first.id);

    // The first completer stops right after CompleteMultipartUpload wrote the object (at its HeadObject).
    const held = holding(s3, HeadObjectCommand);
    const completing = completeUpload(held.client, row);
    await held.waiting;
    const second = await complete(req.token, first);
    expect(second.status).toBe(409);
    expect(await second.text()).toContain("already being completed");
    const cancelled = await abort(req.token, first);
    expect(cancelled.status).toBe(409);
    expect((await rowOf(first.id)).state).toBe("completing");
    expect(await counters(req.id)).toMatchObject({ reservedFiles: 1, receivedFiles: 0 });
    held.release();
    expect(await completing).toMatchObject({ status: "complete" });

    expect(await rowOf(first.id)).toMatchObject({ state: "complete" });
    expect(await counters(req.id)).toMatchObject({ reservedFiles: 1, reservedBytes: BigInt(bytes.length), receivedFiles: 1 });
    expect(await exists(admin, bucket, row.key)).toBe(true);
    // A browser's retry of a complete that went through: the same success, nothing counted again.
    const retry = await complete(req.token, first);
    expect(retry.status).toBe(200);
    expect(await retry.text()).toContain("<Location>a.bin</Location>");
    // An abort after it: it had ended, nothing is freed.
    expect((await abort(req.token, first)).status).toBe(204);
    expect(await counters(req.id)).toMatchObject({ reservedFiles: 1, receivedFiles: 1 });
  });

  it("completes ×2 and complete + abort racing: every file stored is counted, every slot given back has no file", async () => {
    const req = await newRequest({ maxFiles: 4 });
    const uploads: Begun[] = [];
    for (const name of ["x.bin", "y.bin"]) {
      const upload = await begun(req.token, { name, size: 100, type: "" });
      await putParts(req.token, upload, randomBytes(100));
      uploads.push(upload);
    }
    const [x, y] = uploads as [Begun, Begun];
    const answers = await Promise.all([complete(req.token, x), complete(req.token, x), complete(req.token, y), abort(req.token, y)]);
    expect(answers[0]!.status === 200 || answers[1]!.status === 200).toBe(true);
    for (const res of answers) expect([200, 204, 409], await res.clone().text()).toContain(res.status);
    let stored = 0;
    for (const upload of uploads) {
      const row = await rowOf(upload.id);
      const there = await exists(admin, bucket, row.key);
      // Without a file: aborted, or failed when the abort reached the storage before the complete's claim.
      expect(row.state, upload.name).toMatch(there ? /^complete$/ : /^(aborted|failed)$/);
      if (there) stored++;
    }
    expect(await counters(req.id)).toMatchObject({ receivedFiles: stored, reservedFiles: stored, reservedBytes: BigInt(100 * stored) });
  });

  it("a refused file that cannot be deleted keeps its slot until the clean-up job deletes it", async () => {
    const req = await newRequest({ maxFiles: 1, allowedTypes: [".txt"] });
    const binary = Buffer.concat([Buffer.from([0, 1, 2, 3]), randomBytes(60)]);
    const upload = await begun(req.token, { name: "data.txt", size: binary.length, type: "text/plain" });
    await putParts(req.token, upload, binary);
    const row = await rowOf(upload.id);

    const result = await completeUpload(refusing(s3, DeleteObjectCommand), row, { accept: acceptAllowedTypes([".txt"]) });
    expect(result).toMatchObject({ status: "refused", code: "NotAccepted" });
    // Not deleted: not counted as received, and its slot still held (no one may send another file past the limit).
    expect(await exists(admin, bucket, row.key)).toBe(true);
    expect((await rowOf(upload.id)).state).toBe("completing");
    expect(await counters(req.id)).toMatchObject({ reservedFiles: 1, receivedFiles: 0 });
    expect((await begin(req.token, { name: "more.txt", size: 5, type: "text/plain" })).status).toBe(409);
    // The abandoned-upload path leaves it alone; the completions clean-up deletes it once its claim has run out.
    await expire(upload.id);
    await abortAbandonedUploads();
    expect((await rowOf(upload.id)).state).toBe("completing");
    expect(await settleStaleCompletions()).toBeGreaterThanOrEqual(1);
    expect(await exists(admin, bucket, row.key)).toBe(false);
    expect((await rowOf(upload.id)).state).toBe("failed");
    expect(await counters(req.id)).toMatchObject({ reservedFiles: 0, receivedFiles: 0 });
  });

  it("a storage fault after Complete keeps the file's slot (the row claimed); the clean-up job deletes the unchecked file", async () => {
    const req = await newRequest({ maxFiles: 1 });
    const bytes = randomBytes(300);
    const upload = await begun(req.token, { name: "unchecked.bin", size: bytes.length, type: "" });
    await putParts(req.token, upload, bytes);
    const row = await rowOf(upload.id);

    await expect(completeUpload(refusing(s3, HeadObjectCommand), row)).rejects.toMatchObject({ code: "storage" });
    expect((await rowOf(upload.id)).state).toBe("completing");
    // The browser retries, or cancels: neither frees the slot of a file that is in the bucket.
    expect((await complete(req.token, upload)).status).toBe(409);
    expect((await abort(req.token, upload)).status).toBe(409);
    expect(await counters(req.id)).toMatchObject({ reservedFiles: 1, receivedFiles: 0 });
    expect(await exists(admin, bucket, row.key)).toBe(true);

    await expire(upload.id);
    expect(await settleStaleCompletions()).toBeGreaterThanOrEqual(1);
    expect(await exists(admin, bucket, row.key)).toBe(false);
    expect(await rowOf(upload.id)).toMatchObject({ state: "failed" });
    expect(await counters(req.id)).toMatchObject({ reservedFiles: 0, receivedFiles: 0 });
  });

  it("the clean-up job settles a person's own stale completions without ever deleting: complete when the object has its size", async () => {
    const key = `own-${h.randomSuffix()}/report.bin`;
    await admin.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: "the old report" }));
    const bytes = randomBytes(500);
    const base = { ownerId: owner.id, uploadedById: owner.id, connectionId, bucket, key, size: bytes.length, type: "", onExisting: "replace" as const };
    const replacing = await beginUpload(s3, base);
    if (!("uploadId" in replacing)) throw new Error("no multipart upload");
    await admin.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: replacing.uploadId, PartNumber: 1, Body: bytes }));
    await expect(completeUpload(refusing(s3, HeadObjectCommand), await rowOf(replacing.id))).rejects.toMatchObject({ code: "storage" });
    await expire(replacing.id);
    await settleStaleCompletions();
    expect((await rowOf(replacing.id)).state).toBe("complete");
    const stored = await admin.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    expect(Buffer.from(await stored.Body!.transformToByteArray()).equals(bytes)).toBe(true);

    // Claimed, but Complete never ran (a crash): the multipart upload is aborted, the row failed, the object untouched.
    const crashed = await beginUpload(s3, { ...base, size: 9 });
    if (!("uploadId" in crashed)) throw new Error("no multipart upload");
    expect(await claimCompleting(crashed.id)).toBe(true);
    await expire(crashed.id);
    await settleStaleCompletions();
    expect((await rowOf(crashed.id)).state).toBe("failed");
    expect(await exists(admin, bucket, key)).toBe(true);
  });

  it("“Keep both” steps past a name another upload in progress holds, and a folder per uploader is never the landing root", async () => {
    const req = await newRequest({ maxFiles: 5, askName: true, folderPerUploader: true });
    const one = await begun(req.token, { name: "readme.txt", size: 5, type: "text/plain", uploaderName: "Ana" });
    const two = await begun(req.token, { name: "readme.txt", size: 5, type: "text/plain", uploaderName: "Ana" });
    expect([one.name, two.name]).toEqual(["readme.txt", "readme (1).txt"]);
    const dots = await begun(req.token, { name: "notes.txt", size: 5, type: "text/plain", uploaderName: ".." });
    const row = await rowOf(dots.id);
    expect(row.key).toMatch(/\/Unnamed\/notes\.txt$/);
  });

  it("refuses a begin with no slot before any storage call, and bounds begins after many failed or cancelled uploads", async () => {
    const req = await newRequest({ maxFiles: 1 });
    await begun(req.token, { name: "first.bin", size: 5, type: "" });
    const request = { requestId: req.id, secretHash: "h", fileName: "next.bin", uploaderName: null, uploaderEmail: null, uploaderAddress: null };
    const next = {
      ownerId: owner.id,
      uploadedById: null,
      connectionId,
      bucket,
      key: "x/next.bin",
      size: 5,
      type: "",
      onExisting: "keep-both" as const,
      request,
    };
    await expect(beginUpload(noStorage, next)).rejects.toBeInstanceOf(SlotRefusedError);

    const busy = await newRequest({ maxFiles: 1_000 });
    await db.upload.createMany({
      data: Array.from({ length: 100 }, (_, i) => ({
        ownerId: owner.id,
        connectionId,
        bucket,
        key: `busy/${i}.bin`,
        size: 1n,
        partSize: PART_SIZE,
        partCount: 1,
        state: i % 2 ? "failed" : "aborted",
        requestId: busy.id,
        expiresAt: new Date(),
      })),
    });
    const refused = await begin(busy.token, { name: "one-more.bin", size: 5, type: "" });
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { detail: string }).detail).toContain("Too many uploads to this request failed or were cancelled");
  });

  it("keeps a request upload's slot alive on each sign, never past a day after it began", async () => {
    const req = await newRequest();
    const upload = await begun(req.token, { name: "slow.bin", size: 5, type: "" });
    const began = new Date(Date.now() - 23.5 * 60 * 60 * 1000);
    await db.upload.update({ where: { id: upload.id }, data: { createdAt: began } });
    await keepAlive(upload.id);
    expect((await rowOf(upload.id)).expiresAt.getTime()).toBeLessThanOrEqual(began.getTime() + 24 * 60 * 60 * 1000);
  });
});

describe.each(storageCases({ versioning: true }))("refused files in a versioned bucket on $name", (storage) => {
  const admin = adminS3For(storage);
  let owner: SessionUser;
  let connectionId: string;
  let bucket: string;

  beforeAll(async () => {
    owner = await h.createTestUser(`ucompv-${storage.name}`);
    connectionId = await createTestConnection(owner.id, storage, { name: "Versioned storage" });
    bucket = await h.createBucket(admin, "ucompv");
    await admin.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: "Enabled" } }));
  });

  afterAll(async () => {
    await h.deleteTestUsers(owner);
  });

  it("deletes a refused file by the version Complete wrote: no noncurrent copy is left", async () => {
    const req = await insertUploadRequest((sql, values) => db.$executeRawUnsafe(sql, ...values), {
      ownerId: owner.id,
      connectionId,
      bucket,
      prefix: `inbox-${h.randomSuffix()}/`,
      allowedTypes: [".txt"],
    });
    const binary = Buffer.concat([Buffer.from([0, 1, 2, 3]), randomBytes(60)]);
    const upload = await begun(req.token, { name: "data.txt", size: binary.length, type: "text/plain" });
    await putParts(req.token, upload, binary);
    const refused = await complete(req.token, upload);
    expect(refused.status).toBe(422);
    const row = await rowOf(upload.id);
    expect(row.state).toBe("failed");
    const versions = await admin.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: row.key }));
    expect([...(versions.Versions ?? []), ...(versions.DeleteMarkers ?? [])].filter((v) => v.Key === row.key)).toEqual([]);
  });
});
