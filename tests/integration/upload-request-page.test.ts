/**
 * Issue 17, items 2, 3 and 4 (the uploader's side of upload requests), on both local S3 servers: the real route
 * handlers under /u/<token>/…, with fetch() playing the browser against the presigned part URLs. The uploader
 * never sees the bucket or the key; the server chooses the key, signs each part for its exact length, checks the
 * parts, the size and the bytes' type before a file counts, and the slots hold under a race.
 */
import { createHash, randomBytes } from "node:crypto";
import { GetObjectCommand, HeadObjectCommand, ListPartsCommand, type S3Client, UploadPartCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as beginRoute } from "@/app/u/[token]/begin/route";
import { POST as signRoute } from "@/app/u/[token]/sign/route";
import { POST as unlockRoute } from "@/app/u/[token]/unlock/route";
import { DELETE as abortRoute } from "@/app/u/[token]/uploads/[id]/abort/route";
import { POST as completeRoute } from "@/app/u/[token]/uploads/[id]/complete/route";
import { POST as createRoute } from "@/app/u/[token]/uploads/[id]/create/route";
import { GET as partsRoute } from "@/app/u/[token]/uploads/[id]/parts/route";
import { GET as recipientPage } from "@/app/s/[token]/route";
import type { SessionUser } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { settleLinkEvents } from "@/lib/recipient/access-log";
import { PEER_HEADER, SERVER_MARKER } from "@/lib/security/address";
import { uploadPageGate } from "@/lib/upload-requests/public";
import { PART_SIZE } from "@/lib/uploads/parts";
import { createTestConnection } from "../support/api-contract";
import * as h from "../support/helpers";
import { adminS3For, storageCases } from "../support/storages";
import { insertUploadRequest, type UploadRequestInput } from "../support/upload-requests";

const ORIGIN = "http://127.0.0.1:3000";
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

type Begun = { id: string; key: string; name: string; partSize: number; partCount: number; uploadId: string; secret: string };
type Call = { body?: unknown; cookie?: string; secret?: string; peer?: string; site?: string; method?: string };

function request(path: string, call: Call = {}): Request {
  const headers = new Headers({ [PEER_HEADER]: call.peer ?? "198.51.100.20", "user-agent": "Mozilla/5.0 (integration)" });
  if (call.body !== undefined) headers.set("content-type", "application/json");
  if (call.cookie) headers.set("cookie", call.cookie);
  if (call.secret) headers.set("x-upload-secret", call.secret);
  if (call.site) headers.set("sec-fetch-site", call.site);
  return new Request(`${ORIGIN}${path}`, {
    method: call.method ?? "POST",
    headers,
    ...(call.body !== undefined ? { body: JSON.stringify(call.body) } : {}),
  });
}

const params = (values: Record<string, string>) => ({ params: Promise.resolve(values) });
const begin = (token: string, body: unknown, call: Call = {}) => beginRoute(request(`/u/${token}/begin`, { ...call, body }), params({ token }));
const sign = (token: string, secret: string | undefined, body: unknown, call: Call = {}) =>
  signRoute(request(`/u/${token}/sign`, { ...call, body, ...(secret ? { secret } : {}) }), params({ token }));
const complete = (token: string, id: string, secret: string, call: Call = {}) =>
  completeRoute(request(`/u/${token}/uploads/${id}/complete`, { ...call, secret }), params({ token, id }));
const create = (token: string, id: string, secret: string, call: Call = {}) =>
  createRoute(request(`/u/${token}/uploads/${id}/create`, { ...call, secret }), params({ token, id }));
const abort = (token: string, id: string, secret: string, call: Call = {}) =>
  abortRoute(request(`/u/${token}/uploads/${id}/abort`, { ...call, secret, method: "DELETE" }), params({ token, id }));
const listParts = (token: string, id: string, secret: string | undefined, call: Call = {}) =>
  partsRoute(request(`/u/${token}/uploads/${id}/parts`, { ...call, ...(secret ? { secret } : {}), method: "GET" }), params({ token, id }));
const unlock = (token: string, password: string, call: Call = {}) =>
  unlockRoute(request(`/u/${token}/unlock`, { ...call, body: { password } }), params({ token }));

async function begun(token: string, body: Record<string, unknown>, call: Call = {}): Promise<Begun> {
  const res = await begin(token, body, call);
  if (res.status !== 200) throw new Error(`begin: ${res.status} ${await res.text()}`);
  return (await res.json()) as Begun;
}

/** One part as a browser sends it: the app signs it, fetch() PUTs the bytes to the storage. */
async function putPart(token: string, upload: Begun, partNumber: number, body: Uint8Array, call: Call = {}): Promise<Response> {
  const res = await sign(token, upload.secret, { id: upload.id, method: "PUT", key: upload.key, uploadId: upload.uploadId, partNumber }, call);
  expect(res.status, await res.clone().text()).toBe(200);
  const { url } = (await res.json()) as { url: string };
  return fetch(url, { method: "PUT", body: new Uint8Array(body) });
}

async function send(token: string, upload: Begun, bytes: Uint8Array, call: Call = {}): Promise<Response> {
  for (let part = 1; part <= upload.partCount; part++) {
    const put = await putPart(token, upload, part, bytes.subarray((part - 1) * PART_SIZE, part * PART_SIZE), call);
    expect(put.status).toBe(200);
  }
  return complete(token, upload.id, upload.secret, call);
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

async function objectBytes(s3: S3Client, bucket: string, key: string): Promise<Buffer> {
  const answer = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await answer.Body!.transformToByteArray());
}

const counters = (linkId: string) => db.uploadRequest.findUniqueOrThrow({ where: { linkId } });
const problem = async (res: Response) => ((await res.json()) as { detail: string; errors?: { field: string; message: string }[] }).detail;

beforeAll(() => {
  (globalThis as Record<symbol, unknown>)[SERVER_MARKER] = true;
});
afterAll(() => {
  delete (globalThis as Record<symbol, unknown>)[SERVER_MARKER];
});

describe.each(storageCases())("upload request page on $name", (storage) => {
  const admin = adminS3For(storage);
  let owner: SessionUser;
  let connectionId: string;
  let bucket: string;

  const newRequest = (input: Partial<UploadRequestInput> = {}) =>
    insertUploadRequest((sql, values) => db.$executeRawUnsafe(sql, ...values), {
      ownerId: owner.id,
      connectionId,
      bucket,
      prefix: `inbox-${h.randomSuffix()}/`,
      ...input,
    });

  beforeAll(async () => {
    owner = await h.createTestUser(`ureq-${storage.name}`);
    connectionId = await createTestConnection(owner.id, storage, { name: "Requests storage" });
    bucket = await h.createBucket(admin, "ureq");
  });

  afterAll(async () => {
    await h.deleteTestUsers(owner);
  });

  it("takes a two-part file under the uploader's folder: the key is the server's, the bytes identical, the file counted once", async () => {
    const prefix = `inbox-${h.randomSuffix()}/`;
    const req = await newRequest({ prefix, askName: true, folderPerUploader: true });
    const bytes = randomBytes(PART_SIZE + 1234);

    const missingName = await begin(req.token, { name: "photo.bin", size: bytes.length, type: "application/octet-stream" });
    expect(missingName.status).toBe(400);
    expect(((await missingName.json()) as { errors: { field: string }[] }).errors.map((e) => e.field)).toContain("uploaderName");

    const upload = await begun(req.token, { name: "../../etc/photo.bin", size: bytes.length, type: "application/octet-stream", uploaderName: "Ann Lee" });
    // The uploader learns the name the file is stored under, never the bucket, the prefix or the key.
    expect(upload).toMatchObject({ key: upload.id, name: ".._.._etc_photo.bin", partCount: 2 });
    expect(JSON.stringify(upload)).not.toContain(prefix);
    expect(JSON.stringify(upload)).not.toContain(bucket);
    const row = await db.upload.findUniqueOrThrow({ where: { id: upload.id } });
    expect(row).toMatchObject({ key: `${prefix}Ann Lee/.._.._etc_photo.bin`, uploaderName: "Ann Lee", requestId: req.id, fileName: ".._.._etc_photo.bin" });
    expect(row.secretHash).toBe(sha256(Buffer.from(upload.secret)));

    const created = await create(req.token, upload.id, upload.secret);
    expect(created.status).toBe(200);
    expect(await created.text()).toContain(`<UploadId>${upload.uploadId}</UploadId>`);

    const done = await send(req.token, upload, bytes);
    expect(done.status, await done.clone().text()).toBe(200);
    expect(sha256(await objectBytes(admin, bucket, row.key))).toBe(sha256(bytes));
    expect(await counters(req.id)).toMatchObject({ receivedFiles: 1, receivedBytes: BigInt(bytes.length), reservedFiles: 1 });

    // The same name again is kept as a second file ("Keep both"), never over the first.
    const again = await begun(req.token, { name: "../../etc/photo.bin", size: 5, type: "", uploaderName: "Ann Lee" });
    expect(again.name).toBe(".._.._etc_photo (1).bin");
    expect((await send(req.token, again, Buffer.from("hello"))).status).toBe(200);
    expect(sha256(await objectBytes(admin, bucket, row.key))).toBe(sha256(bytes));
  });

  it("refuses a part of the wrong size at the storage, and a Complete with a missing or an extra part, leaving nothing behind", async () => {
    const req = await newRequest({ maxFiles: 3 });
    const bytes = randomBytes(PART_SIZE + 10);
    const upload = await begun(req.token, { name: "a.bin", size: bytes.length, type: "" });
    // A body shorter than the part the URL was signed for fails the signature at the storage server.
    const short = await putPart(req.token, upload, 1, bytes.subarray(0, PART_SIZE - 1));
    expect(short.ok).toBe(false);
    // Part 2 only: Complete is refused by the app, the multipart upload aborted, the slot given back.
    expect((await putPart(req.token, upload, 2, bytes.subarray(PART_SIZE))).status).toBe(200);
    const missing = await complete(req.token, upload.id, upload.secret);
    expect(missing.status).toBe(409);
    expect(await missing.text()).toContain("Part 1 of 2 never arrived");
    const row = await db.upload.findUniqueOrThrow({ where: { id: upload.id } });
    expect(row.state).toBe("failed");
    await expect(admin.send(new ListPartsCommand({ Bucket: bucket, Key: row.key, UploadId: upload.uploadId }))).rejects.toThrow();
    expect(await counters(req.id)).toMatchObject({ reservedFiles: 0, receivedFiles: 0 });

    // An extra part put there behind the app's back (the app never signs one out of range): refused too.
    const other = await begun(req.token, { name: "b.bin", size: 10, type: "" });
    const otherRow = await db.upload.findUniqueOrThrow({ where: { id: other.id } });
    expect((await putPart(req.token, other, 1, randomBytes(10))).status).toBe(200);
    await admin.send(new UploadPartCommand({ Bucket: bucket, Key: otherRow.key, UploadId: other.uploadId, PartNumber: 2, Body: randomBytes(10) }));
    const extra = await complete(req.token, other.id, other.secret);
    expect(extra.status).toBe(409);
    expect(await extra.text()).toContain("is not a part of this upload");
    expect(await exists(admin, bucket, otherRow.key)).toBe(false);
    expect(await counters(req.id)).toMatchObject({ reservedFiles: 0, receivedFiles: 0 });
  });

  it("deletes an EXE named .jpg when only images are allowed, and tells the uploader why; a real image and an allowed text file arrive", async () => {
    const req = await newRequest({ allowedTypes: ["image/*", ".txt"] });
    // Said before the upload starts: a PDF by its name.
    const pdf = await begin(req.token, { name: "report.pdf", size: 10, type: "application/pdf" });
    expect(pdf.status).toBe(400);
    expect(await problem(pdf)).toContain("takes only images or TXT");

    const exe = Buffer.concat([Buffer.from("MZ"), Buffer.alloc(62), Buffer.from("PE\0\0"), randomBytes(200)]);
    const fake = await begun(req.token, { name: "holiday.jpg", size: exe.length, type: "image/jpeg" });
    const refused = await send(req.token, fake, exe);
    expect(refused.status).toBe(422);
    expect(await refused.text()).toMatch(/really a EXE file .*It was deleted/);
    const row = await db.upload.findUniqueOrThrow({ where: { id: fake.id } });
    expect(row.state).toBe("failed");
    expect(row.failure).toContain("It was deleted");
    expect(await exists(admin, bucket, row.key)).toBe(false);
    expect(await counters(req.id)).toMatchObject({ reservedFiles: 0, receivedFiles: 0 });

    // A PNG's first bytes, and a text file (file-type does not recognise text: its extension and its bytes decide).
    const png = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==", "base64");
    expect((await send(req.token, await begun(req.token, { name: "pic.png", size: png.length, type: "image/png" }), png)).status).toBe(200);
    const notes = Buffer.from("Meeting notes: café at 10.\n");
    expect((await send(req.token, await begun(req.token, { name: "notes.txt", size: notes.length, type: "text/plain" }), notes)).status).toBe(200);
    const binary = Buffer.concat([Buffer.from([0, 1, 2, 3]), randomBytes(50)]);
    const fakeText = await send(req.token, await begun(req.token, { name: "data.txt", size: binary.length, type: "text/plain" }), binary);
    expect(fakeText.status).toBe(422);
    expect(await counters(req.id)).toMatchObject({ receivedFiles: 2, reservedFiles: 2 });
  });

  it("stores a file with the type of its extension, never the browser's; HTML and SVG as downloads; image/* takes no SVG (review 17, finding 3)", async () => {
    const req = await newRequest({ allowedTypes: ["image/*", ".html"] });
    const png = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==", "base64");
    const storedType = async (upload: Begun) => {
      const row = await db.upload.findUniqueOrThrow({ where: { id: upload.id } });
      return { row: row.contentType, storage: (await admin.send(new HeadObjectCommand({ Bucket: bucket, Key: row.key }))).ContentType };
    };
    // A PNG (a PNG/HTML polyglot would do the same) sent with the browser's word that it is HTML: stored as image/png.
    const polyglot = await begun(req.token, { name: "x.png", size: png.length, type: "text/html" });
    expect((await send(req.token, polyglot, png)).status).toBe(200);
    expect(await storedType(polyglot)).toEqual({ row: "image/png", storage: "image/png" });
    // HTML, allowed by its extension: to be stored as a download, not as a page the storage's origin would run.
    const html = await begun(req.token, { name: "page.html", size: 40, type: "text/html" });
    expect((await db.upload.findUniqueOrThrow({ where: { id: html.id } })).contentType).toBe("application/octet-stream");
    expect((await abort(req.token, html.id, html.secret)).status).toBe(204);
    // An SVG where ".svg" is listed: it arrives, stored as a download.
    const svgRequest = await newRequest({ allowedTypes: [".svg"] });
    const drawing = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
    const listed = await begun(svgRequest.token, { name: "logo.svg", size: drawing.length, type: "image/svg+xml" });
    expect((await send(svgRequest.token, listed, drawing)).status).toBe(200);
    expect(await storedType(listed)).toEqual({ row: "application/octet-stream", storage: "application/octet-stream" });
    // image/* does not take an SVG (any text named .svg passed before).
    const svg = await begin(req.token, { name: "logo.svg", size: 40, type: "image/svg+xml" });
    expect(svg.status).toBe(400);
    expect(await problem(svg)).toContain("takes only images or HTML");
  });

  it("puts an uploader whose name cleans to nothing in “Unnamed”, never beside the other uploaders' folders (review 17, finding 6)", async () => {
    const prefix = `inbox-${h.randomSuffix()}/`;
    const req = await newRequest({ prefix, askName: true, folderPerUploader: true });
    for (const [i, uploaderName] of [".", "..", "\u202E\u200B"].entries()) {
      const upload = await begin(req.token, { name: `a${i}.txt`, size: 3, type: "text/plain", uploaderName });
      if (uploaderName.startsWith(".")) {
        expect(upload.status).toBe(200);
        const row = await db.upload.findUniqueOrThrow({ where: { id: ((await upload.json()) as Begun).id } });
        expect(row.key).toBe(`${prefix}Unnamed/a${i}.txt`);
      } else {
        // Only invisible characters: no name at all.
        expect(upload.status).toBe(400);
        expect(((await upload.json()) as { errors: { field: string }[] }).errors.map((e) => e.field)).toContain("uploaderName");
      }
    }
  });

  it("lists the parts already sent through the app, with only their numbers, ETags and sizes (review 17, finding 8)", async () => {
    const req = await newRequest();
    const bytes = randomBytes(PART_SIZE + 77);
    const upload = await begun(req.token, { name: "resume.bin", size: bytes.length, type: "" });
    const put = await putPart(req.token, upload, 1, bytes.subarray(0, PART_SIZE));
    expect(put.status).toBe(200);
    // Uppy's ListParts is signed to the app's own path, never to the storage.
    const signed = await sign(req.token, upload.secret, { id: upload.id, method: "GET", key: upload.key, uploadId: upload.uploadId });
    expect(signed.status).toBe(200);
    expect(await signed.json()).toEqual({ url: `/u/${req.token}/uploads/${upload.id}/parts`, method: "GET" });

    const listed = await listParts(req.token, upload.id, upload.secret);
    expect(listed.status).toBe(200);
    expect(listed.headers.get("content-type")).toBe("application/xml");
    const xml = await listed.text();
    const etag = put.headers.get("etag")!.replace(/"/g, "&quot;");
    expect(xml).toContain(
      `<ListPartsResult><IsTruncated>false</IsTruncated><Part><PartNumber>1</PartNumber><ETag>${etag}</ETag><Size>${PART_SIZE}</Size></Part></ListPartsResult>`,
    );
    for (const hidden of ["Owner", "Initiator", "Bucket", "Key", "UploadId", "StorageClass", bucket, "resume.bin"]) expect(xml).not.toContain(hidden);

    // Bound by the upload's secret and this request's token.
    expect((await listParts(req.token, upload.id, undefined)).status).toBe(404);
    expect((await listParts(req.token, upload.id, "x".repeat(43))).status).toBe(404);
    expect((await listParts((await newRequest()).token, upload.id, upload.secret)).status).toBe(404);
    // Once aborted, there is nothing to list.
    expect((await abort(req.token, upload.id, upload.secret)).status).toBe(204);
    expect((await listParts(req.token, upload.id, upload.secret)).status).toBe(409);
  });

  it("gives exactly 3 of 20 racing uploaders the last 3 slots through the begin endpoint", async () => {
    const req = await newRequest({ maxFiles: 5, maxFileSize: 1_000, maxTotalSize: 1_000_000 });
    await begun(req.token, { name: "early-1.bin", size: 10, type: "" });
    await begun(req.token, { name: "early-2.bin", size: 10, type: "" });
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => begin(req.token, { name: `racer-${i % 4}.bin`, size: 10, type: "" })));
    const statuses = answers.map((res) => res.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(3);
    expect(statuses.filter((s) => s === 409)).toHaveLength(17);
    expect(await problem(answers.find((res) => res.status === 409)!)).toContain("no room for another file");
    expect(await counters(req.id)).toMatchObject({ reservedFiles: 5, reservedBytes: 50n });
    expect(await db.upload.count({ where: { requestId: req.id } })).toBe(5);

    // Over the size limit: said before anything is reserved.
    const big = await begin(req.token, { name: "big.bin", size: 1_001, type: "" });
    expect(big.status).toBe(400);
    expect(await problem(big)).toContain("larger than");
  });

  it("refuses forged sign requests: another upload's id or key, another multipart upload, a part out of range, no or a wrong secret", async () => {
    const req = await newRequest();
    const a = await begun(req.token, { name: "a.bin", size: PART_SIZE + 1, type: "" });
    const b = await begun(req.token, { name: "b.bin", size: 100, type: "" });
    const partOf = (upload: Begun, change: Record<string, unknown> = {}) => ({
      id: upload.id,
      method: "PUT",
      key: upload.key,
      uploadId: upload.uploadId,
      partNumber: 1,
      ...change,
    });

    expect((await sign(req.token, a.secret, partOf(b))).status).toBe(404); // B's id with A's secret
    expect((await sign(req.token, undefined, partOf(a))).status).toBe(404); // no secret
    expect((await sign(req.token, "x".repeat(43), partOf(a))).status).toBe(404);
    const otherKey = await sign(req.token, a.secret, partOf(a, { key: b.key }));
    expect(otherKey.status).toBe(400);
    expect(await problem(otherKey)).toContain("another file");
    expect(await problem(await sign(req.token, a.secret, partOf(a, { uploadId: b.uploadId })))).toContain("another upload");
    expect(await problem(await sign(req.token, a.secret, partOf(a, { partNumber: 3 })))).toContain("from 1 to 2");
    expect((await sign(req.token, a.secret, partOf(a, { partNumber: 0 }))).status).toBe(400);
    expect((await sign(req.token, a.secret, { ...partOf(a), uploadId: undefined })).status).toBe(400); // a single PUT
    // Another request's token with this upload: not found there.
    const other = await newRequest();
    expect((await sign(other.token, a.secret, partOf(a))).status).toBe(404);
    // Complete and Abort of B with A's secret: refused, B untouched.
    expect((await complete(req.token, b.id, a.secret)).status).toBe(404);
    expect((await abort(req.token, b.id, a.secret)).status).toBe(404);
    expect((await db.upload.findUniqueOrThrow({ where: { id: b.id } })).state).toBe("uploading");
    // A POST from another site is refused before anything is read.
    expect((await sign(req.token, a.secret, partOf(a), { site: "cross-site" })).status).toBe(403);
    // Abort with the right secret: nothing left, the slot given back.
    expect((await abort(req.token, b.id, b.secret)).status).toBe(204);
    expect(await counters(req.id)).toMatchObject({ reservedFiles: 1 });
  });

  it("asks for the password, limits wrong guesses like managed links, and unlocks with the right one", async () => {
    const req = await newRequest({ password: "correct horse battery" });
    // Addresses of this run only: the per-address cap counts across tests and runs.
    const octet = () => Math.floor(Math.random() * 250) + 1;
    const guesser = `10.${octet()}.${octet()}.${octet()}`;
    const uploader = `10.${octet()}.${octet()}.${octet()}`;
    const locked = await begin(req.token, { name: "a.bin", size: 1, type: "" });
    expect(locked.status).toBe(401);
    expect(await problem(locked)).toContain("password");
    for (let i = 0; i < 5; i++) {
      const wrong = await unlock(req.token, `guess ${i}`, { peer: guesser });
      expect(wrong.status).toBe(401);
      expect(await problem(wrong)).toBe("Wrong password.");
    }
    // The sixth guess from that address is held back, even the right password.
    const held = await unlock(req.token, "correct horse battery", { peer: guesser });
    expect(held.status).toBe(429);
    expect(await problem(held)).toMatch(/Too many wrong passwords/);
    // The access log is written in the background (lib/recipient/access-log.ts): wait for its rows before counting them.
    await settleLinkEvents();
    const log = await db.linkEvent.findMany({ where: { linkId: req.id }, orderBy: { id: "asc" } });
    expect(log.filter((e) => e.outcome === "wrong_password")).toHaveLength(5);

    const right = await unlock(req.token, "correct horse battery", { peer: uploader });
    expect(right.status).toBe(200);
    const cookies = right.headers.getSetCookie();
    expect(cookies.some((c) => c.startsWith("bs_unlock=") && c.includes(`Path=/u/${req.token}`) && c.includes("HttpOnly"))).toBe(true);
    const cookie = cookies.map((c) => c.split(";")[0]).join("; ");
    expect((await begin(req.token, { name: "a.bin", size: 1, type: "" }, { cookie, peer: uploader })).status).toBe(200);
  });

  it("cancels an upload under way when the request is closed: nothing is signed or completed, nothing left at the storage", async () => {
    const req = await newRequest();
    const upload = await begun(req.token, { name: "late.bin", size: PART_SIZE + 5, type: "" });
    expect((await putPart(req.token, upload, 1, randomBytes(PART_SIZE))).status).toBe(200);
    await db.shareLink.update({ where: { id: req.id }, data: { revokedAt: new Date() } });
    const refused = await sign(req.token, upload.secret, { id: upload.id, method: "PUT", key: upload.key, uploadId: upload.uploadId, partNumber: 2 });
    expect(refused.status).toBe(409);
    expect(await problem(refused)).toContain("This request is closed");
    const row = await db.upload.findUniqueOrThrow({ where: { id: upload.id } });
    expect(row.state).toBe("aborted");
    await expect(admin.send(new ListPartsCommand({ Bucket: bucket, Key: row.key, UploadId: upload.uploadId }))).rejects.toThrow();
    expect(await counters(req.id)).toMatchObject({ reservedFiles: 0, receivedFiles: 0 });
    expect((await complete(req.token, upload.id, upload.secret)).status).toBe(409);
  });

  it("says clearly when the storage refuses the connection's writes, and reserves nothing", async () => {
    const refusing = await createTestConnection(owner.id, { ...storage, secretAccessKey: "not-the-secret" }, { name: "Refusing storage" });
    const req = await newRequest({ connectionId: refusing });
    const res = await begin(req.token, { name: "a.bin", size: 10, type: "" });
    expect(res.status).toBe(502);
    expect(await problem(res)).toMatch(/failed: /);
    expect(await db.upload.count({ where: { requestId: req.id, state: "uploading" } })).toBe(0);
    expect(await counters(req.id)).toMatchObject({ reservedFiles: 0, reservedBytes: 0n });
  });

  it("answers unknown, closed, expired and full requests with plain pages, and /s/ of a request token is unknown", async () => {
    const page = async (token: string) => {
      const gate = await uploadPageGate(request(`/u/${token}`, { method: "GET" }), token);
      if (!("refused" in gate)) return { status: 200, text: "", origins: gate.uploadOrigins };
      return { status: gate.refused.status, text: await gate.refused.text(), origins: [] };
    };
    const open = await newRequest();
    expect((await page(open.token)).status).toBe(200);
    expect((await page(open.token)).origins).toContain(new URL(storage.endpoint).origin);
    expect(await page("not-a-token")).toMatchObject({ status: 404 });
    expect((await page("A".repeat(32))).text).toContain("Link not found");
    expect((await page((await newRequest({ deletedAt: new Date() })).token)).status).toBe(404);
    const closed = await page((await newRequest({ revokedAt: new Date() })).token);
    expect(closed.status).toBe(410);
    expect(closed.text).toContain("This request is closed");
    const expired = await page((await newRequest({ expiresAt: new Date(Date.now() - 1_000) })).token);
    expect(expired.status).toBe(410);
    expect(expired.text).toContain("This request has expired");
    const full = await page((await newRequest({ maxFiles: 2, receivedFiles: 2, receivedBytes: 20 })).token);
    expect(full.status).toBe(410);
    expect(full.text).toContain("This request is full");
    const elsewhere = await page((await newRequest({ allowedNetworks: ["203.0.113.0/24"] })).token);
    expect(elsewhere.status).toBe(403);

    // The endpoints say the same in JSON, and write nothing.
    const closedReq = await newRequest({ revokedAt: new Date() });
    const refused = await begin(closedReq.token, { name: "a.bin", size: 1, type: "" });
    expect(refused.status).toBe(409);
    expect(await problem(refused)).toContain("closed");
    expect(await db.upload.count({ where: { requestId: closedReq.id } })).toBe(0);
    expect((await begin("A".repeat(32), { name: "a.bin", size: 1, type: "" })).status).toBe(404);

    const recipient = await recipientPage(new Request(`${ORIGIN}/s/${open.token}`, { headers: { [PEER_HEADER]: "198.51.100.20" } }), {
      params: Promise.resolve({ token: open.token }),
    });
    expect(recipient.status).toBe(404);
  });
});
