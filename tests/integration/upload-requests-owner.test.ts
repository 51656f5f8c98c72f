/**
 * Issue 17, items 1 and 7 (the owner's side of upload requests), on Ceph RGW (it implements bucket CORS):
 * "Request files" through the dialog's action and through POST /upload-requests make the same request
 * (token hashed, link sealed, limits stored); bad input, a bucket without CORS and a Member without Can
 * request uploads are refused with nothing written; the history and GET /upload-requests/{id} show the
 * counters; Close request and Change limits; each file received queues upload.received for a real
 * webhook receiver, and the requester gets one batched e-mail per request per interval from a real SMTP
 * server, never two for the same files even when two rounds race.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { PutBucketCorsCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { changeRequestLimitsAction } from "@/lib/actions/change-request-limits";
import { checkRequestCorsAction } from "@/lib/actions/check-request-cors";
import { createUploadRequestAction } from "@/lib/actions/create-upload-request";
import { revokeLinkAction } from "@/lib/actions/revoke-link";
import { API_SCOPES } from "@/lib/api/tokens";
import { loadActor } from "@/lib/auth/actor";
import type { SessionUser } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { getRuntimeSecrets } from "@/lib/env";
import { listLinks } from "@/lib/links/history";
import { hashLinkToken } from "@/lib/links/token";
import { unseal } from "@/lib/storage/sealed";
import { onRequestFileReceived, sendRequestDigests } from "@/lib/upload-requests/notify";
import { beginUploadRow, markComplete } from "@/lib/uploads/store";
import { runDeliveryRound } from "@/lib/webhooks/worker";
import { callApi, createTestConnection, createTestToken } from "../support/api-contract";
import * as h from "../support/helpers";
import { session } from "../support/request-context";
import { startSmtpServer } from "../support/smtp";
import { adminS3For, storageCases } from "../support/storages";

vi.mock("@/lib/auth/session", async () => (await import("../support/request-context")).sessionModule);
// SMTP_URL is set per test: the settings are read afresh on each call.
vi.mock("@/lib/env", async (importOriginal) => {
  const actual = await importOriginal<typeof import("@/lib/env")>();
  return { ...actual, getEnv: () => actual.parseEnv(process.env) };
});

const storage = storageCases().find((s) => s.name === "ceph")!;
const admin = adminS3For(storage);
const idle = { status: "idle" } as const;
let owner: SessionUser;
let browserOnly: SessionUser; // may browse, not request
let requester: SessionUser; // Can request uploads in inbox/
let connectionId: string;
let bucket: string;
let noCorsBucket: string;
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;

async function as<T>(user: SessionUser, run: () => Promise<T>): Promise<T> {
  session.user = user;
  try {
    return await run();
  } finally {
    session.user = null;
  }
}

async function member(label: string, grant: { canRequest: boolean; folder: string }): Promise<SessionUser> {
  const row = await db.user.create({
    data: { name: `Member ${label}`, email: `${label}-${h.randomSuffix()}@integration.test`, passwordHash: "x", role: "member", teamId: owner.id },
  });
  await db.memberGrant.create({ data: { userId: row.id, connectionId, canBrowse: true, canShare: false, canRequest: grant.canRequest, folder: grant.folder } });
  const actor = await loadActor(row.id);
  return { ...actor!, name: row.name, email: row.email };
}

const linkCount = () => db.shareLink.count({ where: { ownerId: owner.id } });

function request(user: SessionUser, fields: Record<string, string>) {
  return as(user, () => createUploadRequestAction(idle, { connectionId, bucket, folder: "inbox/", preset: "7d", ...fields }));
}

async function made(user: SessionUser, fields: Record<string, string> = {}) {
  const state = await request(user, fields);
  if (state.status !== "success" || !state.data) throw new Error(JSON.stringify(state));
  return state.data;
}

/** A file received through the request, as the upload page's completion records it. */
async function receive(requestId: string, name: string, size: number, uploader: { name: string | null; email: string | null } = { name: "Ana", email: null }) {
  const row = await beginUploadRow({
    ownerId: owner.id,
    uploadedById: null,
    connectionId,
    bucket,
    key: `inbox/x/${h.randomSuffix()}-${name}`,
    size,
    contentType: "application/pdf",
    partSize: 8 * 1024 * 1024,
    partCount: 1,
    request: { requestId, secretHash: "h", fileName: name, uploaderName: uploader.name, uploaderEmail: uploader.email, uploaderAddress: "203.0.113.7" },
  });
  expect(await markComplete(row.id)).toBe(true);
  await onRequestFileReceived(row, { ext: "pdf", mime: "application/pdf" });
  return row;
}

beforeAll(async () => {
  smtp = await startSmtpServer();
  owner = await h.createTestUser("req-owner");
  connectionId = await createTestConnection(owner.id, storage, { name: "Team storage" });
  bucket = await h.createBucket(admin, "req");
  noCorsBucket = await h.createBucket(admin, "nocors");
  await admin.send(
    new PutBucketCorsCommand({
      Bucket: bucket,
      CORSConfiguration: { CORSRules: [{ AllowedOrigins: ["*"], AllowedMethods: ["PUT", "GET", "HEAD"], AllowedHeaders: ["*"], ExposeHeaders: ["ETag"] }] },
    }),
  );
  browserOnly = await member("browser", { canRequest: false, folder: "" });
  requester = await member("requester", { canRequest: true, folder: "inbox/" });
});

afterEach(() => {
  vi.unstubAllEnvs();
});

afterAll(async () => {
  await smtp.close();
  await h.deleteTestUsers(browserOnly, requester, owner);
});

describe("Request files (the dialog's action)", () => {
  it("makes a managed link of target request: token hashed, link sealed, landing folder from the title, limits as typed", async () => {
    const issued = await made(owner, {
      title: "Wedding photos",
      message: "Drop the RAW files here",
      maxFiles: "3",
      maxFileSize: "500 MB",
      maxTotalSize: "1 GB",
      allowedTypes: "pdf, .JPG, image/*",
      password: "a-long-request-password",
      askName: "on",
      askEmail: "on",
      folderPerUploader: "on",
    });
    expect(issued.url).toMatch(/\/u\/[A-Za-z0-9_-]{32}$/);
    expect(issued.qrSvg).toContain("<svg");
    expect(issued).toMatchObject({
      title: "Wedding photos",
      landing: "inbox/Wedding photos/",
      maxFiles: 3,
      maxFileSize: 500 * 1024 ** 2,
      maxTotalSize: 1024 ** 3,
    });
    const row = await db.shareLink.findUniqueOrThrow({ where: { id: issued.id }, include: { request: true } });
    const token = issued.url.slice(-32);
    expect(row).toMatchObject({
      kind: "managed",
      target: "request",
      bucket,
      key: "inbox/Wedding photos/",
      issuedById: owner.id,
      tokenHash: hashLinkToken(token),
    });
    expect(row.passwordHash).not.toBeNull();
    expect(row.passwordHash).not.toContain("a-long-request-password");
    expect(unseal("shareUrl", row.id, row.urlEnc, getRuntimeSecrets().encryptionKey)).toBe(issued.url);
    expect(row.request).toMatchObject({
      message: "Drop the RAW files here",
      maxFiles: 3,
      allowedTypes: [".pdf", ".jpg", "image/*"],
      askName: true,
      askEmail: true,
      folderPerUploader: true,
      receivedFiles: 0,
    });
    expect(await db.auditEvent.count({ where: { subjectId: issued.id, kind: "link.issued" } })).toBe(1);
  });

  it("defaults: 10 files, 1 GB each, 5 GB in all, the date as the folder, 7 days", async () => {
    const issued = await made(owner, {});
    expect(issued).toMatchObject({ maxFiles: 10, maxFileSize: 1024 ** 3, maxTotalSize: 5 * 1024 ** 3 });
    expect(issued.landing).toMatch(/^inbox\/\d{4}-\d{2}-\d{2}\/$/);
    expect(new Date(issued.expiresAt).getTime() - Date.now()).toBeGreaterThan(6.9 * 86_400_000);
  });

  it("gives every request a landing folder of its own: a second request of the same title, or a title naming a folder in use, gets “(2)” (review 17, finding 6)", async () => {
    const title = `Quarterly ${h.randomSuffix()}`;
    const first = await made(owner, { title });
    const second = await made(owner, { title });
    expect(first.landing).toBe(`inbox/${title}/`);
    expect(second.landing).toBe(`inbox/${title} (2)/`);
    expect((await db.shareLink.findUniqueOrThrow({ where: { id: second.id } })).key).toBe(`inbox/${title} (2)/`);
    const existing = `Existing ${h.randomSuffix()}`;
    await admin.send(new PutObjectCommand({ Bucket: bucket, Key: `inbox/${existing}/old.pdf`, Body: "old" }));
    expect((await made(owner, { title: existing })).landing).toBe(`inbox/${existing} (2)/`);
  });

  it("refuses bad input at each field and writes nothing", async () => {
    const before = await linkCount();
    const state = await request(owner, {
      maxFiles: "0",
      maxFileSize: "lots",
      allowedTypes: "pdf, ***",
      password: "short",
    });
    expect(state.status).toBe("invalid");
    const errors = state.status === "invalid" ? state.fieldErrors : {};
    expect(errors.maxFiles?.[0]).toMatch(/whole number from 1/);
    expect(errors.maxFileSize?.[0]).toMatch(/Not a size/);
    expect(errors.allowedTypes?.[0]).toMatch(/Not an extension or a MIME type: “\*\*\*”/);
    expect(errors.password).toBeDefined();
    const limits = await request(owner, { maxFileSize: "2 GB", maxTotalSize: "1 GB", folderPerUploader: "on" });
    expect(limits).toMatchObject({
      status: "invalid",
      fieldErrors: { maxTotalSize: [expect.stringMatching(/at least the largest file/)], folderPerUploader: [expect.stringMatching(/Ask for name/)] },
    });
    expect(await linkCount()).toBe(before);
  });

  it("a bucket without the CORS rule: the check explains it with the exact rule, and no request is made", async () => {
    const check = await as(owner, () => checkRequestCorsAction(idle, { connectionId, bucket: noCorsBucket, folder: "" }));
    expect(check).toMatchObject({
      status: "success",
      data: { canAddCorsRule: true, cors: { status: "missing", rule: { AllowedMethods: ["PUT", "GET", "HEAD"] } } },
    });
    expect(await as(owner, () => checkRequestCorsAction(idle, { connectionId, bucket, folder: "inbox/" }))).toMatchObject({ data: { cors: { status: "ok" } } });
    const before = await linkCount();
    const state = await as(owner, () => createUploadRequestAction(idle, { connectionId, bucket: noCorsBucket, folder: "", preset: "7d" }));
    expect(state).toMatchObject({ status: "invalid", message: expect.stringMatching(/Browsers cannot upload to this bucket yet/) });
    expect(await linkCount()).toBe(before);
  });

  it("a Member needs Can request uploads, inside their folder", async () => {
    const before = await linkCount();
    expect(await request(browserOnly, { title: "Nope" })).toMatchObject({ status: "error", message: expect.stringMatching(/Can request uploads/) });
    expect(await as(browserOnly, () => checkRequestCorsAction(idle, { connectionId, bucket, folder: "inbox/" }))).toMatchObject({ status: "error" });
    expect(await as(requester, () => createUploadRequestAction(idle, { connectionId, bucket, folder: "", preset: "7d" }))).toMatchObject({
      status: "invalid",
      message: expect.stringMatching(/does not exist/),
    });
    expect(await linkCount()).toBe(before);
    const issued = await made(requester, { title: "From Ana's clients" });
    expect(issued.landing).toBe("inbox/From Ana's clients/");
    expect((await db.shareLink.findUniqueOrThrow({ where: { id: issued.id } })).issuedById).toBe(requester.id);
  });
});

describe("POST /upload-requests and GET /upload-requests/{id}", () => {
  it("makes the same request as the dialog, reads its counters and received files, and stays out of GET /links", async () => {
    const { token } = await createTestToken(owner.id, { scopes: API_SCOPES });
    const created = await callApi({
      method: "POST",
      path: "/upload-requests",
      token,
      body: { connectionId, bucket, folder: "inbox/", title: "Invoices", maxFiles: 2, allowedTypes: ["pdf"], askEmail: true, expiresIn: 86_400 },
    });
    expect(created.status).toBe(201);
    const body = created.json as { id: string; url: string; folder: string; status: string; maxFiles: number; allowedTypes: string[] };
    expect(body).toMatchObject({ folder: "inbox/Invoices/", status: "open", maxFiles: 2, allowedTypes: [".pdf"], url: expect.stringMatching(/\/u\//) });
    expect(created.headers.get("location")).toBe(`/api/v1/upload-requests/${body.id}`);

    await receive(body.id, "march.pdf", 1234, { name: null, email: "client@example.com" });
    const read = await callApi({ method: "GET", path: `/upload-requests/${body.id}`, token });
    expect(read.status).toBe(200);
    expect(read.json).toMatchObject({
      receivedFiles: 1,
      receivedBytes: 1234,
      status: "open",
      files: [{ name: "march.pdf", size: 1234, uploaderEmail: "client@example.com", uploaderAddress: "203.0.113.7", detectedType: "application/pdf" }],
    });

    const list = await callApi({ method: "GET", path: "/links?limit=200", token });
    expect((list.json.links as { id: string }[]).map((l) => l.id)).not.toContain(body.id);
    expect((await callApi({ method: "GET", path: `/links/${body.id}`, token })).status).toBe(404);
    expect((await callApi({ method: "POST", path: `/links/${body.id}/revoke`, token })).status).toBe(404);
  });

  it("refuses bad input by field, and a Member without the right, writing nothing", async () => {
    const { token } = await createTestToken(owner.id, { scopes: API_SCOPES });
    const before = await linkCount();
    const bad = await callApi({ method: "POST", path: "/upload-requests", token, body: { connectionId, bucket, maxFiles: 0, allowedTypes: ["***"] } });
    expect(bad.status).toBe(400);
    expect((bad.json.errors as { field: string }[]).map((e) => e.field)).toContain("maxFiles");
    const types = await callApi({ method: "POST", path: "/upload-requests", token, body: { connectionId, bucket, allowedTypes: ["***"] } });
    expect(types.status).toBe(400);
    expect(types.json.errors).toEqual([expect.objectContaining({ field: "allowedTypes", message: expect.stringMatching(/Not an extension/) })]);
    const member = await createTestToken(browserOnly.id, { scopes: API_SCOPES });
    const refused = await callApi({ method: "POST", path: "/upload-requests", token: member.token, body: { connectionId, bucket, folder: "inbox/" } });
    expect(refused.status).toBe(403);
    expect(refused.json.detail).toMatch(/Can request uploads/);
    expect(await linkCount()).toBe(before);
  });
});

describe("the history and the request's own actions", () => {
  it("lists it as an upload request with files received, and Change limits / Close request act on it", async () => {
    const issued = await made(owner, { title: "Closing soon", maxFiles: "2" });
    await receive(issued.id, "a.pdf", 100);
    await receive(issued.id, "b.pdf", 200);
    const row = (await listLinks(owner, { status: "all", type: "request" })).rows.find((r) => r.id === issued.id)!;
    expect(row.request).toMatchObject({ receivedFiles: 2, maxFiles: 2, receivedBytes: 300, status: "full" });
    expect((await listLinks(owner, { status: "all", type: "managed" })).rows.map((r) => r.id)).not.toContain(issued.id);

    expect(await as(owner, () => changeRequestLimitsAction(idle, { id: issued.id, maxFiles: "5", maxFileSize: "1 GB", maxTotalSize: "500 MB" }))).toMatchObject(
      {
        status: "invalid",
        fieldErrors: { maxTotalSize: [expect.stringMatching(/at least the largest file/)] },
      },
    );
    expect(await as(owner, () => changeRequestLimitsAction(idle, { id: issued.id, maxFiles: "5", maxFileSize: "1 GB", maxTotalSize: "2 GB" }))).toMatchObject({
      status: "success",
    });
    expect(await db.uploadRequest.findUniqueOrThrow({ where: { linkId: issued.id } })).toMatchObject({ maxFiles: 5, maxTotalSize: 2n * 1024n ** 3n });
    expect((await listLinks(owner, { status: "all", type: "request" })).rows.find((r) => r.id === issued.id)!.request!.status).toBe("open");

    // A Member who did not issue it (and may not request uploads here) changes nothing.
    expect(await as(browserOnly, () => changeRequestLimitsAction(idle, { id: issued.id, maxFiles: "9" }))).toMatchObject({ status: "error" });

    expect(await as(owner, () => revokeLinkAction(idle, { id: issued.id }))).toMatchObject({ status: "success" });
    expect((await listLinks(owner, { status: "all", type: "request" })).rows.find((r) => r.id === issued.id)!.request!.status).toBe("closed");
    expect(await as(owner, () => changeRequestLimitsAction(idle, { id: issued.id, maxFiles: "9" }))).toMatchObject({
      status: "error",
      message: expect.stringMatching(/closed/),
    });
  });
});

describe("notifications", () => {
  it("each file received queues upload.received for the issuer and the Owner, delivered to the webhook", async () => {
    const received: { event: string; body: string }[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        received.push({ event: String(req.headers["x-bucketshare-event"]), body: Buffer.concat(chunks).toString("utf8") });
        res.writeHead(200).end("ok");
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
      await db.user.update({ where: { id: owner.id }, data: { webhookUrl: url, webhookSecretEnc: null } });
      const { saveWebhookAction } = await import("@/lib/actions/save-webhook");
      expect(await as(owner, () => saveWebhookAction(idle, h.formData({ webhookUrl: url })))).toMatchObject({ status: "success" });
      const issued = await made(owner, { title: "Hooked", askName: "on" });
      await receive(issued.id, "contract.pdf", 4321, { name: "Bruno", email: null });
      await runDeliveryRound({ ownerId: owner.id });
      const events = received.filter((r) => r.event === "upload.received").map((r) => JSON.parse(r.body));
      expect(events).toEqual([
        expect.objectContaining({
          type: "upload.received",
          request: expect.objectContaining({ id: issued.id, title: "Hooked", receivedFiles: 1, maxFiles: 10 }),
          file: expect.objectContaining({ name: "contract.pdf", size: 4321, detectedType: "application/pdf" }),
          uploader: { name: "Bruno", email: null, address: "203.0.113.7" },
        }),
      ]);
    } finally {
      await db.user.update({ where: { id: owner.id }, data: { webhookUrl: null, webhookSecretEnc: null } });
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it("the requester gets one e-mail per request per interval listing the files, never twice for the same files", async () => {
    vi.stubEnv("SMTP_URL", smtp.url);
    const intervalMs = 60_000;
    // Earlier tests' files are told now, so this test counts only its own e-mails.
    await sendRequestDigests({ intervalMs });
    smtp.received.length = 0;

    const issued = await made(requester, { title: "Batched" });
    await receive(issued.id, "one.pdf", 1);
    await receive(issued.id, "two.pdf", 2);
    await receive(issued.id, "three.pdf", 3);
    // Two instances' rounds at once: one e-mail.
    const rounds = await Promise.all([sendRequestDigests({ intervalMs }), sendRequestDigests({ intervalMs })]);
    expect(rounds[0]! + rounds[1]!).toBe(1);
    expect(smtp.received).toHaveLength(1);
    const first = smtp.received[0]!;
    expect(first.envelopeTo).toEqual([requester.email]);
    expect(first.mail.subject).toBe("3 files received for “Batched”");
    for (const name of ["one.pdf", "two.pdf", "three.pdf"]) expect(first.mail.text).toContain(name);

    // Nothing new: nothing sent. A new file within the interval waits; after it, one e-mail names only it.
    expect(await sendRequestDigests({ intervalMs })).toBe(0);
    await receive(issued.id, "four.pdf", 4);
    expect(await sendRequestDigests({ intervalMs })).toBe(0);
    expect(await sendRequestDigests({ intervalMs, now: new Date(Date.now() + intervalMs + 1_000) })).toBe(1);
    expect(smtp.received).toHaveLength(2);
    expect(smtp.received[1]!.mail.subject).toBe("1 file received for “Batched”");
    expect(smtp.received[1]!.mail.text).toContain("four.pdf");
    expect(smtp.received[1]!.mail.text).not.toContain("one.pdf");
  });

  it('Settings → Notifications: "Uploads received" off (or e-mail off) sends nothing', async () => {
    vi.stubEnv("SMTP_URL", smtp.url);
    const intervalMs = 60_000;
    await sendRequestDigests({ intervalMs });
    smtp.received.length = 0;
    const issued = await made(requester, { title: "Quiet" });
    try {
      await db.user.update({ where: { id: requester.id }, data: { notifyUploads: false } });
      await receive(issued.id, "quiet.pdf", 1);
      expect(await sendRequestDigests({ intervalMs })).toBe(0);
      await db.user.update({ where: { id: requester.id }, data: { notifyUploads: true, notifyByEmail: false } });
      await receive(issued.id, "quiet-too.pdf", 2);
      expect(await sendRequestDigests({ intervalMs, now: new Date(Date.now() + intervalMs + 1_000) })).toBe(0);
      expect(smtp.received).toHaveLength(0);
      // Turned back on: the next file is e-mailed (the ones received while off are not named later).
      await db.user.update({ where: { id: requester.id }, data: { notifyByEmail: true } });
      await receive(issued.id, "loud.pdf", 3);
      expect(await sendRequestDigests({ intervalMs, now: new Date(Date.now() + 2 * intervalMs + 2_000) })).toBe(1);
      expect(smtp.received[0]!.mail.text).toContain("loud.pdf");
      expect(smtp.received[0]!.mail.text).not.toContain("quiet");
    } finally {
      await db.user.update({ where: { id: requester.id }, data: { notifyUploads: true, notifyByEmail: true } });
    }
  });

  it("a file still on its way holds the e-mail (at most the interval), so the batch is named once", async () => {
    vi.stubEnv("SMTP_URL", smtp.url);
    const intervalMs = 60_000;
    await sendRequestDigests({ intervalMs });
    smtp.received.length = 0;

    const issued = await made(requester, { title: "Still uploading" });
    await receive(issued.id, "small.pdf", 1);
    const big = await beginUploadRow({
      ownerId: owner.id,
      uploadedById: null,
      connectionId,
      bucket,
      key: `inbox/x/${h.randomSuffix()}-big.pdf`,
      size: 2,
      contentType: "application/pdf",
      partSize: 8 * 1024 * 1024,
      partCount: 1,
      request: { requestId: issued.id, secretHash: "h", fileName: "big.pdf", uploaderName: "Ana", uploaderEmail: null, uploaderAddress: "203.0.113.7" },
    });
    // big.pdf is still uploading: nothing yet.
    expect(await sendRequestDigests({ intervalMs })).toBe(0);
    expect(await markComplete(big.id)).toBe(true);
    await onRequestFileReceived(big);
    expect(await sendRequestDigests({ intervalMs })).toBe(1);
    expect(smtp.received).toHaveLength(1);
    expect(smtp.received[0]!.mail.subject).toBe("2 files received for “Still uploading”");

    // A file waiting the whole interval goes out even while another one is still uploading.
    await receive(issued.id, "late.pdf", 3);
    await beginUploadRow({
      ownerId: owner.id,
      uploadedById: null,
      connectionId,
      bucket,
      key: `inbox/x/${h.randomSuffix()}-slow.pdf`,
      size: 4,
      contentType: "application/pdf",
      partSize: 8 * 1024 * 1024,
      partCount: 1,
      request: { requestId: issued.id, secretHash: "h", fileName: "slow.pdf", uploaderName: "Ana", uploaderEmail: null, uploaderAddress: "203.0.113.7" },
    });
    expect(await sendRequestDigests({ intervalMs, now: new Date(Date.now() + intervalMs + 1_000) })).toBe(1);
    expect(smtp.received[1]!.mail.subject).toBe("1 file received for “Still uploading”");
  });

  it("without SMTP_URL nothing is claimed or sent", async () => {
    vi.stubEnv("SMTP_URL", "");
    const issued = await made(owner, { title: "No mail" });
    const row = await receive(issued.id, "quiet.pdf", 5);
    expect(await sendRequestDigests({ intervalMs: 1 })).toBe(0);
    expect((await db.upload.findUniqueOrThrow({ where: { id: row.id } })).notifiedAt).toBeNull();
  });
});
