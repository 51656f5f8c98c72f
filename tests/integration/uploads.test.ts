/**
 * Issue 17, item 0 (server half): uploads of one's own files straight to storage, on both local S3
 * servers. The browser's part is played by fetch() against the presigned URLs the app signs; the
 * app's side is the real actions and route handlers (only who is signed in is stood in for).
 */
import { randomBytes } from "node:crypto";
import {
  GetBucketCorsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListPartsCommand,
  PutBucketCorsCommand,
  PutObjectCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { DELETE as abortRoute } from "@/app/(app)/uploads/[id]/abort/route";
import { POST as completeRoute } from "@/app/(app)/uploads/[id]/complete/route";
import { POST as createRoute } from "@/app/(app)/uploads/[id]/create/route";
import { POST as signRoute } from "@/app/(app)/uploads/sign/route";
import { deleteConnectionAction } from "@/lib/actions/delete-connection";
import { beginUploadAction } from "@/lib/actions/begin-upload";
import { createFolderAction } from "@/lib/actions/create-folder";
import { loadActor } from "@/lib/auth/actor";
import type { SessionUser } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { buildClients } from "@/lib/storage/client";
import { openConnectionOrThrow } from "@/lib/storage/connections";
import type { OperationPresignInput } from "@/lib/storage/presign";
import { addUploadCorsRule, checkUploadCors } from "@/lib/uploads/cors";
import { MAX_SIGN_AHEAD, PART_SIZE } from "@/lib/uploads/parts";
import { folderUploadState } from "@/lib/uploads/session";
import { abortAbandonedUploads, claimCompleting } from "@/lib/uploads/store";
import { createTestConnection } from "../support/api-contract";
import * as h from "../support/helpers";
import { session } from "../support/request-context";
import { adminS3For, storageCases } from "../support/storages";

vi.mock("@/lib/auth/session", async () => (await import("../support/request-context")).sessionModule);

type Begun = { id: string; key: string; partSize: number; partCount: number; uploadId: string };

async function as<T>(user: SessionUser, run: () => Promise<T>): Promise<T> {
  session.user = user;
  try {
    return await run();
  } finally {
    session.user = null;
  }
}

const ORIGIN = "http://127.0.0.1:3000";

function sign(user: SessionUser, body: Record<string, unknown>): Promise<Response> {
  return as(user, () =>
    signRoute(new Request(`${ORIGIN}/uploads/sign`, { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } }), {
      params: Promise.resolve({}),
    }),
  );
}

const byId = (id: string) => ({ params: Promise.resolve({ id }) });
const complete = (user: SessionUser, id: string) =>
  as(user, () => completeRoute(new Request(`${ORIGIN}/uploads/${id}/complete`, { method: "POST", body: "<CompleteMultipartUpload/>" }), byId(id)));
const abort = (user: SessionUser, id: string) => as(user, () => abortRoute(new Request(`${ORIGIN}/uploads/${id}/abort`, { method: "DELETE" }), byId(id)));
const create = (user: SessionUser, id: string) => as(user, () => createRoute(new Request(`${ORIGIN}/uploads/${id}/create`, { method: "POST" }), byId(id)));

async function missing(s3: S3Client, bucket: string, key: string): Promise<boolean> {
  try {
    await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return false;
  } catch (error) {
    if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return true;
    throw error;
  }
}

async function listPartsFails(s3: S3Client, bucket: string, key: string, uploadId: string): Promise<string | null> {
  try {
    await s3.send(new ListPartsCommand({ Bucket: bucket, Key: key, UploadId: uploadId }));
    return null;
  } catch (error) {
    // S3 says NoSuchUpload; Ceph RGW says NoSuchKey for an aborted upload.
    const name = (error as { name: string }).name;
    return name === "NoSuchKey" ? "NoSuchUpload" : name;
  }
}

describe.each(storageCases())("uploads on $name", (storage) => {
  const admin = adminS3For(storage);
  let owner: SessionUser;
  let stranger: SessionUser; // another team
  let browserOnly: SessionUser; // a Member who may browse, not upload
  let pressUploader: SessionUser; // a Member who may upload into press/ only
  let connectionId: string;
  let strangerConnection: string;
  let bucket: string;

  async function member(label: string, grant: { canUpload: boolean; folder: string; canBrowse?: boolean }): Promise<SessionUser> {
    const row = await db.user.create({
      data: { name: `Member ${label}`, email: `${label}-${h.randomSuffix()}@integration.test`, passwordHash: "x", role: "member", teamId: owner.id },
    });
    await db.memberGrant.create({
      data: { userId: row.id, connectionId, canBrowse: grant.canBrowse ?? true, canShare: false, canUpload: grant.canUpload, folder: grant.folder },
    });
    const actor = await loadActor(row.id);
    return { ...actor!, name: row.name, email: row.email };
  }

  async function begin(user: SessionUser, input: Record<string, unknown>) {
    return as(user, () =>
      beginUploadAction({ status: "idle" }, { connectionId, bucket, prefix: "", type: "application/octet-stream", onExisting: "ask", ...input }),
    );
  }

  async function begun(user: SessionUser, input: Record<string, unknown>): Promise<Begun> {
    const state = await begin(user, input);
    if (state.status !== "success") throw new Error(JSON.stringify(state));
    return state.data as Begun;
  }

  async function putPart(user: SessionUser, upload: Begun, partNumber: number, body: Uint8Array): Promise<Response> {
    const res = await sign(user, { id: upload.id, method: "PUT", key: upload.key, uploadId: upload.uploadId, partNumber });
    expect(res.status).toBe(200);
    const { url } = (await res.json()) as { url: string };
    return fetch(url, { method: "PUT", body: new Uint8Array(body) });
  }

  beforeAll(async () => {
    owner = await h.createTestUser(`up-owner-${storage.name}`);
    stranger = await h.createTestUser(`up-stranger-${storage.name}`);
    connectionId = await createTestConnection(owner.id, storage, { name: "Team storage" });
    strangerConnection = await createTestConnection(stranger.id, storage, { name: "Their storage" });
    bucket = await h.createBucket(admin, "up");
    browserOnly = await member("browser", { canUpload: false, folder: "" });
    pressUploader = await member("press", { canUpload: true, folder: "press/" });
  });

  afterAll(async () => {
    await h.deleteTestUsers(browserOnly, pressUploader, owner, stranger);
  });

  it("uploads ~9 MiB in two parts through begin → sign → PUT → complete, and the bytes arrive unchanged", async () => {
    const bytes = randomBytes(9 * 1024 * 1024 + 123);
    const upload = await begun(owner, { prefix: "inbox/", path: "photos/big.bin", size: bytes.length });
    expect(upload).toMatchObject({ key: "inbox/photos/big.bin", partSize: PART_SIZE, partCount: 2 });

    const created = await create(owner, upload.id);
    expect(created.status).toBe(200);
    expect(created.headers.get("content-type")).toBe("application/xml");
    expect(await created.text()).toContain(`<UploadId>${upload.uploadId}</UploadId>`);

    for (const n of [1, 2]) {
      const part = await putPart(owner, upload, n, bytes.subarray((n - 1) * PART_SIZE, n * PART_SIZE));
      expect(part.status, await part.clone().text()).toBe(200);
      expect(part.headers.get("etag")).toBeTruthy();
    }
    // ListParts (resuming after a reload) through a signed GET.
    const listSigned = (await (await sign(owner, { id: upload.id, method: "GET", key: upload.key, uploadId: upload.uploadId })).json()) as { url: string };
    const listed = await fetch(listSigned.url);
    expect(listed.status).toBe(200);
    expect((await listed.text()).match(/<PartNumber>/g)).toHaveLength(2);

    const done = await complete(owner, upload.id);
    const xml = await done.text();
    expect(done.status, xml).toBe(200);
    expect(done.headers.get("content-type")).toBe("application/xml");
    expect(xml).toContain("<CompleteMultipartUploadResult>");
    expect(xml).toContain(`<Key>inbox/photos/big.bin</Key>`);
    expect(xml).toContain(`<Bucket>${bucket}</Bucket>`);
    expect(xml).toMatch(/<Location>\/buckets\//);
    expect(xml).not.toContain(storage.endpoint);

    const object = await admin.send(new GetObjectCommand({ Bucket: bucket, Key: upload.key }));
    expect(Buffer.from(await object.Body!.transformToByteArray()).equals(bytes)).toBe(true);
    expect(object.ContentType).toBe("application/octet-stream");
    expect(await db.upload.findUnique({ where: { id: upload.id } })).toMatchObject({ state: "complete", failure: null });
    const audit = await db.auditEvent.findFirst({ where: { subjectId: upload.id, kind: "object.uploaded" } });
    expect(audit?.subject).toBe(`${bucket}/inbox/photos/big.bin`);
  });

  it("every upload operation signed by the app's one signer works at the storage: Create, parts, ListParts, Complete, Abort, PutObject", async () => {
    const { presigner } = buildClients(
      { endpoint: storage.endpoint, region: storage.region, forcePathStyle: true },
      { accessKeyId: storage.accessKeyId, secretAccessKey: storage.secretAccessKey },
    );
    const key = `signer/${storage.name} résumé (1)!.bin`;
    const signed = (input: Omit<OperationPresignInput, "bucket" | "key" | "expiresInSeconds">) =>
      presigner.presignOperation({ bucket, key, expiresInSeconds: 900, ...input });
    const uploadIdOf = async (res: Response) => {
      const xml = await res.text();
      expect(res.status, xml).toBe(200);
      return /<UploadId>([^<]+)<\/UploadId>/.exec(xml)![1]!.replace(/&amp;/g, "&");
    };

    const uploadId = await uploadIdOf(await fetch(signed({ operation: "CreateMultipartUpload" }), { method: "POST" }));
    const first = randomBytes(PART_SIZE);
    const last = randomBytes(1_234);
    const etags: string[] = [];
    for (const [partNumber, body] of [
      [1, first],
      [2, last],
    ] as const) {
      const url = signed({ operation: "UploadPart", uploadId, partNumber, contentLength: body.length });
      // The length is signed: a body of another size is refused by the storage itself.
      expect((await fetch(url, { method: "PUT", body: new Uint8Array(body.subarray(1)) })).status).toBe(403);
      const put = await fetch(url, { method: "PUT", body: new Uint8Array(body) });
      expect(put.status, await put.clone().text()).toBe(200);
      etags.push(put.headers.get("etag")!);
    }
    const listed = await fetch(signed({ operation: "ListParts", uploadId }));
    expect(listed.status).toBe(200);
    expect((await listed.text()).match(/<PartNumber>/g)).toHaveLength(2);
    const parts = etags.map((etag, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>${etag}</ETag></Part>`).join("");
    const completed = await fetch(signed({ operation: "CompleteMultipartUpload", uploadId }), {
      method: "POST",
      body: `<CompleteMultipartUpload>${parts}</CompleteMultipartUpload>`,
    });
    expect(completed.status, await completed.clone().text()).toBe(200);
    const download = await fetch(await presigner.presignGet({ bucket, key, expiresInSeconds: 60 }));
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).equals(Buffer.concat([first, last]))).toBe(true);

    const abandoned = await uploadIdOf(await fetch(signed({ operation: "CreateMultipartUpload" }), { method: "POST" }));
    expect((await fetch(signed({ operation: "AbortMultipartUpload", uploadId: abandoned }), { method: "DELETE" })).status).toBe(204);
    expect(await listPartsFails(admin, bucket, key, abandoned)).toBe("NoSuchUpload");

    const small = randomBytes(77);
    expect((await fetch(signed({ operation: "PutObject" }), { method: "PUT", body: new Uint8Array(small) })).status).toBe(200);
    const object = await admin.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    expect(Buffer.from(await object.Body!.transformToByteArray()).equals(small)).toBe(true);
  });

  it("a complete or a cancel while another complete is under way frees nothing (409); a retry of a finished complete answers its success", async () => {
    const upload = await begun(owner, { prefix: "claimed/", path: "once.bin", size: 10 });
    expect((await putPart(owner, upload, 1, randomBytes(10))).status).toBe(200);
    // Another request (another tab, a retry) has claimed it and is completing it right now.
    expect(await claimCompleting(upload.id)).toBe(true);
    const second = await complete(owner, upload.id);
    expect(second.status).toBe(409);
    expect(await second.text()).toContain("already being completed");
    const cancelled = await abort(owner, upload.id);
    expect(cancelled.status).toBe(409);
    expect(await db.upload.findUnique({ where: { id: upload.id } })).toMatchObject({ state: "completing" });
    expect(await listPartsFails(admin, bucket, upload.key, upload.uploadId)).toBeNull();

    // The claim given back (as when nothing was written), the complete goes through once; its retry answers the same.
    await db.upload.update({ where: { id: upload.id }, data: { state: "uploading" } });
    expect((await complete(owner, upload.id)).status).toBe(200);
    const retry = await complete(owner, upload.id);
    expect(retry.status).toBe(200);
    expect(await retry.text()).toContain("<Key>claimed/once.bin</Key>");
    expect(await db.auditEvent.count({ where: { subjectId: upload.id, kind: "object.uploaded" } })).toBe(1);
  });

  it("signs the following parts ahead when asked (at most MAX_SIGN_AHEAD, never past the last part), each for its exact length", async () => {
    const bytes = randomBytes(PART_SIZE + 5);
    const upload = await begun(owner, { prefix: "ahead/", path: "two.bin", size: bytes.length });
    const answer = await sign(owner, { id: upload.id, method: "PUT", key: upload.key, uploadId: upload.uploadId, partNumber: 1, ahead: 4 });
    expect(answer.status).toBe(200);
    const signed = (await answer.json()) as { url: string; next: { partNumber: number; url: string }[] };
    expect(signed.next.map((p) => p.partNumber)).toEqual([2]);
    // The part signed ahead takes exactly its 5 bytes, and nothing else.
    expect((await fetch(signed.next[0]!.url, { method: "PUT", body: new Uint8Array(bytes.subarray(0, 6)) })).status).toBe(403);
    expect((await fetch(signed.next[0]!.url, { method: "PUT", body: new Uint8Array(bytes.subarray(PART_SIZE)) })).status).toBe(200);
    const tooMany = await sign(owner, { id: upload.id, method: "PUT", key: upload.key, uploadId: upload.uploadId, partNumber: 1, ahead: MAX_SIGN_AHEAD + 1 });
    expect(tooMany.status).toBe(400);
    await abort(owner, upload.id);
  });

  it("records the type the first bytes show, and writes a 0-byte file at begin", async () => {
    const png = Buffer.concat([Buffer.from("89504e470d0a1a0a0000000d49484452", "hex"), Buffer.alloc(200)]);
    const upload = await begun(owner, { path: "not-really.txt", size: png.length, type: "text/plain" });
    expect((await putPart(owner, upload, 1, png)).status).toBe(200);
    expect((await complete(owner, upload.id)).status).toBe(200);
    const audit = await db.auditEvent.findFirst({ where: { subjectId: upload.id, kind: "object.uploaded" } });
    expect(audit?.details).toMatchObject({ declaredType: "text/plain", detectedType: "image/png", size: png.length });

    const empty = await begin(owner, { path: "empty.txt", size: 0, type: "text/plain" });
    expect(empty).toMatchObject({ status: "success", data: { key: "empty.txt", done: true } });
    const head = await admin.send(new HeadObjectCommand({ Bucket: bucket, Key: "empty.txt" }));
    expect(head.ContentLength).toBe(0);
  });

  it("a part body of the wrong size is refused by the storage server (signature mismatch)", async () => {
    const upload = await begun(owner, { path: "wrong-size.bin", size: PART_SIZE + 10 });
    const short = await putPart(owner, upload, 1, randomBytes(PART_SIZE - 1));
    expect(short.status).toBe(403);
    expect(await short.text()).toMatch(/SignatureDoesNotMatch|AccessDenied/);
    const long = await putPart(owner, upload, 2, randomBytes(11));
    expect(long.status).toBe(403);
    expect((await abort(owner, upload.id)).status).toBe(204);
    expect(await db.upload.findUnique({ where: { id: upload.id } })).toMatchObject({ state: "aborted" });
    expect(await listPartsFails(admin, bucket, upload.key, upload.uploadId)).toBe("NoSuchUpload");
  });

  it("a Complete with a missing part is refused by the app (409 XML), and nothing is left", async () => {
    const bytes = randomBytes(PART_SIZE + 1000);
    const upload = await begun(owner, { path: "missing-part.bin", size: bytes.length });
    expect((await putPart(owner, upload, 1, bytes.subarray(0, PART_SIZE))).status).toBe(200);
    const refused = await complete(owner, upload.id);
    expect(refused.status).toBe(409);
    expect(refused.headers.get("content-type")).toBe("application/xml");
    const xml = await refused.text();
    expect(xml).toMatch(/<Error><Code>InvalidPart<\/Code><Message>Part 2 of 2 never arrived\./);
    expect(await db.upload.findUnique({ where: { id: upload.id } })).toMatchObject({ state: "failed" });
    expect(await missing(admin, bucket, upload.key)).toBe(true);
    expect(await listPartsFails(admin, bucket, upload.key, upload.uploadId)).toBe("NoSuchUpload");
    // The key is free again.
    const again = await begun(owner, { path: "missing-part.bin", size: 5 });
    expect(again.key).toBe("missing-part.bin");
    await abort(owner, again.id);
  });

  it("a sign request sent by another site's page is refused before anything is read", async () => {
    const upload = await begun(owner, { prefix: "xsite/", path: "x.bin", size: 10 });
    const forged = await as(owner, () =>
      signRoute(
        new Request(`${ORIGIN}/uploads/sign`, {
          method: "POST",
          body: JSON.stringify({ id: upload.id, method: "PUT", key: upload.key, uploadId: upload.uploadId, partNumber: 1 }),
          headers: { "content-type": "text/plain", "sec-fetch-site": "same-site" },
        }),
        { params: Promise.resolve({}) },
      ),
    );
    expect(forged.status).toBe(403);
    expect(JSON.stringify(await forged.json())).not.toContain("X-Amz-Signature");
    await abort(owner, upload.id);
  });

  it("refuses forged sign requests and signs nothing", async () => {
    const a = await begun(owner, { path: "forge-a.bin", size: PART_SIZE + 1 });
    const b = await begun(owner, { path: "forge-b.bin", size: 10 });
    const theirs = await as(stranger, () =>
      beginUploadAction(
        { status: "idle" },
        { connectionId: strangerConnection, bucket, prefix: "", path: "theirs.bin", size: 10, type: "", onExisting: "ask" },
      ),
    );
    if (theirs.status !== "success") throw new Error(JSON.stringify(theirs));
    const other = theirs.data as Begun;
    const forged = [
      { id: b.id, method: "PUT", key: a.key, uploadId: a.uploadId, partNumber: 1 }, // another row's id
      { id: a.id, method: "PUT", key: b.key, uploadId: b.uploadId, partNumber: 1 }, // another key and upload id
      { id: a.id, method: "PUT", key: a.key, uploadId: b.uploadId, partNumber: 1 }, // another uploadId
      { id: a.id, method: "PUT", key: a.key, uploadId: a.uploadId, partNumber: 0 },
      { id: a.id, method: "PUT", key: a.key, uploadId: a.uploadId, partNumber: 3 },
      { id: a.id, method: "PUT", key: a.key }, // a single PUT
      { id: other.id, method: "PUT", key: other.key, uploadId: other.uploadId, partNumber: 1 }, // another team's row
      { id: other.id, method: "GET", key: other.key, uploadId: other.uploadId },
      { id: a.id, method: "PUT", key: a.key, uploadId: a.uploadId, partNumber: "1; drop" },
    ];
    for (const body of forged) {
      const res = await sign(owner, body);
      const text = await res.text();
      expect([400, 404], `${JSON.stringify(body)} → ${res.status} ${text}`).toContain(res.status);
      expect(text).not.toMatch(/X-Amz-Signature|http:\/\//);
    }
    // Nor may the other team complete, abort or read this team's upload.
    for (const res of [await complete(stranger, a.id), await abort(stranger, a.id), await create(stranger, a.id)]) expect(res.status).toBe(404);
    expect(await db.upload.findUnique({ where: { id: a.id } })).toMatchObject({ state: "uploading" });
    for (const [user, id] of [
      [owner, a.id],
      [owner, b.id],
      [stranger, other.id],
    ] as const)
      await abort(user, id);
  });

  it("“ask” on an existing key returns the conflict and creates nothing; “keep-both” picks “name (1).ext”", async () => {
    await admin.send(new PutObjectCommand({ Bucket: bucket, Key: "docs/exists.pdf", Body: "old bytes" }));
    const before = await db.upload.count({ where: { connectionId } });
    const asked = await begin(owner, { prefix: "docs/", path: "exists.pdf", size: 20, onExisting: "ask" });
    expect(asked).toMatchObject({ status: "success", data: { conflict: { key: "docs/exists.pdf", size: 9 } } });
    expect((asked as { data: { conflict: { lastModified: string } } }).data.conflict.lastModified).toMatch(/^\d{4}-/);
    expect(await db.upload.count({ where: { connectionId } })).toBe(before);

    const both = await begun(owner, { prefix: "docs/", path: "exists.pdf", size: 20, onExisting: "keep-both" });
    expect(both.key).toBe("docs/exists (1).pdf");
    // While that one is uploading its name is taken: the next keep-both picks (2).
    const third = await begun(owner, { prefix: "docs/", path: "exists.pdf", size: 20, onExisting: "keep-both" });
    expect(third.key).toBe("docs/exists (2).pdf");
    const replaced = await begun(owner, { prefix: "docs/", path: "exists.pdf", size: 20, onExisting: "replace" });
    expect(replaced.key).toBe("docs/exists.pdf");
    for (const u of [both, third, replaced]) await abort(owner, u.id);
    // The original is untouched until a replacing upload completes.
    const kept = await admin.send(new GetObjectCommand({ Bucket: bucket, Key: "docs/exists.pdf" }));
    expect(await kept.Body!.transformToString()).toBe("old bytes");
  });

  it("an upload-only grant (a drop box) neither replaces nor learns of an existing file: the clash is kept beside it", async () => {
    await admin.send(new PutObjectCommand({ Bucket: bucket, Key: "press/secret-plan.pdf", Body: "theirs" }));
    const dropper = await member("dropper", { canUpload: true, canBrowse: false, folder: "press/" });
    try {
      for (const onExisting of ["ask", "replace"]) {
        const state = await begin(dropper, { prefix: "press/", path: "secret-plan.pdf", size: 20, onExisting });
        expect(state, onExisting).toMatchObject({ status: "success", data: { key: "press/secret-plan (1).pdf" } });
        expect(JSON.stringify(state)).not.toContain("conflict");
        await abort(dropper, (state as { data: { id: string } }).data.id);
      }
      const kept = await admin.send(new GetObjectCommand({ Bucket: bucket, Key: "press/secret-plan.pdf" }));
      expect(await kept.Body!.transformToString()).toBe("theirs");
    } finally {
      await h.deleteTestUsers(dropper);
    }
  });

  it("two begins on the same key at once: exactly one wins", async () => {
    const results = await Promise.all([1, 2, 3].map(() => begin(owner, { path: "race.bin", size: 100, onExisting: "replace" })));
    const winners = results.filter((r) => r.status === "success");
    expect(winners).toHaveLength(1);
    for (const loser of results.filter((r) => r.status !== "success")) expect(JSON.stringify(loser)).toMatch(/already being uploaded/);
    expect(await db.upload.count({ where: { connectionId, key: "race.bin", state: "uploading" } })).toBe(1);
    await abort(owner, (winners[0] as { data: Begun }).data.id);
  });

  it("a Member without “Can upload” (or outside their folder) is refused by every action and route", async () => {
    const upload = await begun(owner, { prefix: "press/", path: "owner.bin", size: 10 });
    const rows = await db.upload.count();
    for (const [who, prefix] of [
      [browserOnly, "press/"],
      [pressUploader, ""],
      [pressUploader, "other/"],
    ] as const) {
      const began = await begin(who, { prefix, path: "x.bin", size: 10 });
      expect(began.status, JSON.stringify(began)).toMatch(/error|invalid/);
      const folder = await as(who, () => createFolderAction({ status: "idle" }, { connectionId, bucket, prefix, name: "new" }));
      expect(folder.status).toMatch(/error|invalid/);
    }
    // The path cannot climb out of the folder either.
    const climbed = await begin(pressUploader, { prefix: "press/", path: "../secret.bin", size: 10 });
    expect(climbed).toMatchObject({ status: "success", data: { key: "press/secret.bin" } });
    await abort(pressUploader, (climbed as { data: Begun }).data.id);
    expect(await db.upload.count()).toBe(rows + 1);

    for (const who of [browserOnly, pressUploader]) {
      const res = await sign(who, { id: upload.id, method: "PUT", key: upload.key, uploadId: upload.uploadId, partNumber: 1 });
      expect(res.status).toBe(404);
      expect((await complete(who, upload.id)).status).toBe(404);
      expect((await abort(who, upload.id)).status).toBe(404);
      expect((await create(who, upload.id)).status).toBe(404);
    }
    // A Member who began an upload and then lost the right may not go on.
    const own = await begun(pressUploader, { prefix: "press/", path: "mine.bin", size: 10 });
    await db.memberGrant.updateMany({ where: { userId: pressUploader.id }, data: { canUpload: false } });
    const lost = { ...pressUploader, ...(await loadActor(pressUploader.id))! };
    expect((await sign(lost, { id: own.id, method: "PUT", key: own.key, uploadId: own.uploadId, partNumber: 1 })).status).toBe(403);
    expect((await complete(lost, own.id)).status).toBe(403);
    await db.memberGrant.updateMany({ where: { userId: pressUploader.id }, data: { canUpload: true } });
    await abort(pressUploader, own.id);
    expect(await db.upload.findUnique({ where: { id: upload.id } })).toMatchObject({ state: "uploading" });
    await abort(owner, upload.id);
  });

  it("without a session every upload route answers 401 “sign in first” and does nothing", async () => {
    const upload = await begun(owner, { path: "no-session.bin", size: 10 });
    const nobody = null as unknown as SessionUser;
    const answers = [
      await sign(nobody, { id: upload.id, method: "PUT", key: upload.key, uploadId: upload.uploadId, partNumber: 1 }),
      await create(nobody, upload.id),
      await complete(nobody, upload.id),
      await abort(nobody, upload.id),
    ];
    for (const res of answers) {
      expect(res.status).toBe(401);
      expect(((await res.json()) as { type: string }).type).toBe("urn:bucketshare:problem:sign-in-required");
    }
    expect(await db.upload.findUnique({ where: { id: upload.id } })).toMatchObject({ state: "uploading" });
    await abort(owner, upload.id);
  });

  it("tells the folder page who may upload where, and who may add the CORS rule", async () => {
    const state = async (who: SessionUser, prefix: string) => folderUploadState(who, await openConnectionOrThrow(who, connectionId), bucket, prefix);
    expect(await state(browserOnly, "press/")).toEqual({ canUpload: false, cors: null, canAddCorsRule: false });
    expect(await state(pressUploader, "")).toMatchObject({ canUpload: false, canAddCorsRule: false });
    expect(await state(pressUploader, "press/2026/")).toMatchObject({ canUpload: true, canAddCorsRule: false });
    expect(await state(owner, "")).toMatchObject({ canUpload: true, canAddCorsRule: true });
  });

  it("abortAbandonedUploads aborts an expired upload and frees its key", async () => {
    const upload = await begun(owner, { path: "abandoned.bin", size: PART_SIZE + 1 });
    expect((await putPart(owner, upload, 1, randomBytes(PART_SIZE))).status).toBe(200);
    const fresh = await begun(owner, { path: "fresh.bin", size: 10 });
    await db.upload.update({ where: { id: upload.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await abortAbandonedUploads(new Date())).toBeGreaterThanOrEqual(1);
    expect(await db.upload.findUnique({ where: { id: upload.id } })).toMatchObject({ state: "aborted" });
    expect(await db.upload.findUnique({ where: { id: fresh.id } })).toMatchObject({ state: "uploading" });
    expect(await listPartsFails(admin, bucket, upload.key, upload.uploadId)).toBe("NoSuchUpload");
    const again = await begun(owner, { path: "abandoned.bin", size: 10 });
    expect(again.key).toBe("abandoned.bin");
    for (const u of [fresh, again]) await abort(owner, u.id);
  });

  it("deleting a connection aborts its uploads in progress at the storage server", async () => {
    const doomed = await createTestConnection(owner.id, storage, { name: "Doomed storage" });
    const upload = await as(owner, () =>
      beginUploadAction(
        { status: "idle" },
        { connectionId: doomed, bucket, prefix: "", path: "doomed.bin", size: 10, type: "application/octet-stream", onExisting: "ask" },
      ),
    );
    if (upload.status !== "success") throw new Error(JSON.stringify(upload));
    const { key, uploadId } = upload.data as Begun;
    // Success ends in a redirect to Settings → Connections.
    await expect(as(owner, () => deleteConnectionAction({ status: "idle" }, { id: doomed }))).rejects.toMatchObject({
      redirectTo: "/settings/connections?deleted=1",
    });
    expect(await db.storageConnection.findUnique({ where: { id: doomed } })).toBeNull();
    expect(await listPartsFails(admin, bucket, key, uploadId)).toBe("NoSuchUpload");
  });

  it("createFolderAction makes “name/” and refuses an existing one", async () => {
    const made = await as(owner, () => createFolderAction({ status: "idle" }, { connectionId, bucket, prefix: "docs/", name: "Contracts 2026" }));
    expect(made).toMatchObject({ status: "success", data: { key: "docs/Contracts 2026/" } });
    const head = await admin.send(new HeadObjectCommand({ Bucket: bucket, Key: "docs/Contracts 2026/" }));
    expect(head.ContentLength).toBe(0);
    const again = await as(owner, () => createFolderAction({ status: "idle" }, { connectionId, bucket, prefix: "docs/", name: "Contracts 2026" }));
    expect(again).toMatchObject({ status: "invalid", fieldErrors: { name: ["A folder with this name already exists here."] } });
    // A folder that exists only through its objects counts too.
    const implicit = await as(owner, () => createFolderAction({ status: "idle" }, { connectionId, bucket, prefix: "inbox/", name: "photos" }));
    expect(implicit).toMatchObject({ status: "invalid", fieldErrors: { name: ["A folder with this name already exists here."] } });
  });

  it("checks the bucket's CORS for uploads and adds the rule, keeping existing ones", async () => {
    const open = await openConnectionOrThrow(owner, connectionId);
    const fresh = await h.createBucket(admin, "cors");
    const first = await checkUploadCors(open, fresh, ORIGIN);
    if (storage.name === "swift") {
      expect(first).toMatchObject({ status: "unsupported", message: expect.stringMatching(/not supported by this storage/) });
      await expect(addUploadCorsRule(open, fresh, ORIGIN)).rejects.toThrow(/not supported by this storage/);
      return;
    }
    expect(first).toMatchObject({
      status: "missing",
      rule: { AllowedOrigins: [ORIGIN], AllowedMethods: ["PUT", "GET", "HEAD"], AllowedHeaders: ["*"], ExposeHeaders: ["ETag"] },
    });
    const existing = { AllowedOrigins: ["https://other.example"], AllowedMethods: ["GET"] };
    await admin.send(new PutBucketCorsCommand({ Bucket: fresh, CORSConfiguration: { CORSRules: [existing] } }));
    expect((await checkUploadCors(open, fresh, ORIGIN)).status).toBe("missing");
    await addUploadCorsRule(open, fresh, ORIGIN);
    expect(await checkUploadCors(open, fresh, ORIGIN)).toEqual({ status: "ok" });
    const rules = (await admin.send(new GetBucketCorsCommand({ Bucket: fresh }))).CORSRules ?? [];
    expect(rules.map((r) => r.AllowedOrigins)).toEqual([["https://other.example"], [ORIGIN]]);
  });
});
