/**
 * The link endpoints (POST/GET /links, GET/PATCH/DELETE /links/{id}, POST /links/{id}/revoke, GET
 * /links/{id}/events) through their route handlers, against the real database and both local S3
 * servers; every response is checked against the served OpenAPI document (tests/support/api-contract.ts).
 * Links made through the API download the right bytes (a direct link's presigned URL from the S3
 * server, a managed link through the recipient's /s/<token> routes), appear in the history, replay
 * under an Idempotency-Key, and bad input stores nothing.
 */
import { soleOwner } from "@/lib/auth/permissions";
import { randomBytes } from "node:crypto";
import type { S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "@/lib/auth/session";
import { problemTypeUri, type ProblemType } from "@/lib/api/problem";
import { db } from "@/lib/db/client";
import { listLinks } from "@/lib/links/history";
import { formatExpiryDate } from "@/lib/links/expiry";
import { getRuntimeSecrets } from "@/lib/env";
import { seal } from "@/lib/storage/sealed";
import { settleLinkEvents } from "@/lib/recipient/access-log";
import { PEER_HEADER, SERVER_MARKER } from "@/lib/security/address";
import { callApi, createTestConnection, createTestToken, openApiDocument, type ApiCall, type ApiResponse } from "../support/api-contract";
import * as h from "../support/helpers";
import { adminS3For, storageCases, type TestStorage } from "../support/storages";
import * as recipientPage from "@/app/s/[token]/route";
import * as recipientDownload from "@/app/s/[token]/download/route";
import * as recipientUnlock from "@/app/s/[token]/unlock/route";

const KEY = "reports/q4 figures.bin";
const BODY = randomBytes(23_456);
const BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
const DIRECT_CANNOT = "Direct links are presigned URLs: S3 cannot take them back, so they cannot be revoked or changed. They stop at their expiry.";

let owner: SessionUser;
let stranger: SessionUser;
/** links:read + links:write */
let token: string;
let readToken: string;
let objectsToken: string;
let strangerToken: string;
const admins: S3Client[] = [];
/** The first storage's connection and bucket, for the tests that need one storage only. */
let main: { connectionId: string; bucket: string };

// Recipients' requests arrive through the Bucketshare server, which puts the TCP peer in its own header.
(globalThis as Record<symbol, unknown>)[SERVER_MARKER] = true;

/** Every call goes through the contract harness: the response must be the documented one. */
function api(method: string, path: string, options: Omit<ApiCall, "method" | "path"> = {}): Promise<ApiResponse> {
  return callApi({ method, path, token, ...options });
}

function expectProblem(response: ApiResponse, status: number, type: ProblemType, fields?: string[]): void {
  expect(response.status, JSON.stringify(response.json)).toBe(status);
  expect(response.json.type).toBe(problemTypeUri(type));
  if (fields) expect(response.json.errors?.map((e: { field: string }) => e.field) ?? [], JSON.stringify(response.json)).toEqual(fields);
}

const linkCount = () => db.shareLink.count({ where: { ownerId: owner.id } });

async function setUpStorage(storage: TestStorage): Promise<{ connectionId: string; bucket: string }> {
  const admin = adminS3For(storage);
  admins.push(admin);
  const bucket = await h.createBucket(admin, "apilinks");
  await h.putObjects(admin, bucket, [{ key: KEY, body: BODY }]);
  const connectionId = await createTestConnection(owner.id, storage, { name: `API links ${storage.name}` });
  return { connectionId, bucket };
}

/** A recipient's request to /s/<token>… as the Bucketshare server hands it to the route. */
function recipient(
  handler: (request: Request, context: { params: Promise<{ token: string }> }) => Promise<Response>,
  linkToken: string,
  suffix: string,
  init: { body?: URLSearchParams; cookie?: string; peer?: string; method?: string } = {},
) {
  const headers = new Headers({ "user-agent": BROWSER, [PEER_HEADER]: init.peer ?? "198.51.100.7" });
  if (init.cookie) headers.set("cookie", init.cookie);
  if (init.body) headers.set("content-length", String(Buffer.byteLength(init.body.toString())));
  const request = new Request(`http://127.0.0.1:3000/s/${linkToken}${suffix}`, {
    method: init.method ?? (init.body ? "POST" : "GET"),
    headers,
    body: init.body,
  });
  return handler(request, { params: Promise.resolve({ token: linkToken }) });
}

function tokenOf(url: string): string {
  const match = /^http:\/\/127\.0\.0\.1:\d+\/s\/([A-Za-z0-9_-]{32})$/.exec(url);
  expect(match, url).not.toBeNull();
  return match![1]!;
}

async function createLink(body: Record<string, unknown>, headers?: Record<string, string>): Promise<ApiResponse> {
  const response = await api("POST", "/links", { body: { connectionId: main.connectionId, bucket: main.bucket, key: KEY, ...body }, headers });
  expect(response.status, JSON.stringify(response.json)).toBe(201);
  return response;
}

beforeAll(async () => {
  owner = await h.createTestUser("api-links");
  stranger = await h.createTestUser("api-links-stranger");
  token = (await createTestToken(owner.id, { scopes: ["links:read", "links:write"] })).token;
  readToken = (await createTestToken(owner.id, { scopes: ["links:read"] })).token;
  objectsToken = (await createTestToken(owner.id, { scopes: ["objects:read"] })).token;
  strangerToken = (await createTestToken(stranger.id, { scopes: ["links:read", "links:write"] })).token;
  main = await setUpStorage(storageCases()[0]!);
  await openApiDocument();
}, 60_000);

afterAll(async () => {
  await settleLinkEvents();
  for (const admin of admins) admin.destroy();
  await h.deleteTestUsers(owner, stranger);
  delete (globalThis as Record<symbol, unknown>)[SERVER_MARKER];
});

describe.each(storageCases())("POST /links on $name", (storage) => {
  let target: { connectionId: string; bucket: string };

  beforeAll(async () => {
    target = storage.name === storageCases()[0]!.name ? main : await setUpStorage(storage);
  });

  it("creates a direct link (201, Location) whose url downloads the right bytes, and it is in the history", async () => {
    const before = await linkCount();
    const response = await api("POST", "/links", {
      body: {
        connectionId: target.connectionId,
        bucket: target.bucket,
        key: KEY,
        expiresIn: 600,
        disposition: "attachment",
        fileName: "figures.bin",
        note: `direct ${storage.name}`,
      },
    });
    expect(response.status, JSON.stringify(response.json)).toBe(201);
    const link = response.json;
    expect(response.headers.get("location")).toBe(`/api/v1/links/${link.id}`);
    expect(link).toMatchObject({
      type: "direct",
      status: "active",
      connectionId: target.connectionId,
      connectionName: `API links ${storage.name}`,
      bucket: target.bucket,
      key: KEY,
      fileName: "figures.bin",
      disposition: "attachment",
      contentType: null,
      note: `direct ${storage.name}`,
      objectSize: BODY.length,
      neverExpires: false,
      downloadLimit: null,
      downloadCount: 0,
      revokedAt: null,
      passwordProtected: false,
      allowedNetworks: [],
      alwaysLatest: false,
      target: "object",
      title: null,
      fileCount: null,
    });
    // Exactly the seconds asked for, from the second it was signed at.
    expect(Date.parse(link.expiresAt) - Date.parse(link.createdAt)).toBe(600_000);
    expect(new URL(link.url).searchParams.get("X-Amz-Expires")).toBe("600");
    const file = await h.fetchBytes(link.url);
    expect(file.status).toBe(200);
    expect(file.body.equals(BODY)).toBe(true);
    expect(file.headers.get("content-disposition")).toContain("attachment");
    expect(file.headers.get("content-disposition")).toContain("figures.bin");
    expect(await linkCount()).toBe(before + 1);

    const history = await listLinks(soleOwner(owner.id), { status: "all", q: `direct ${storage.name}` });
    expect(history.rows.map((r) => r.id)).toEqual([link.id]);
    const listed = await api(
      "GET",
      `/links?type=direct&connection=${target.connectionId}&bucket=${encodeURIComponent(target.bucket)}&q=${encodeURIComponent(`direct ${storage.name}`)}`,
    );
    expect(listed.status).toBe(200);
    const { url, warnings, ...withoutUrl } = link;
    expect(url).toBeTruthy();
    expect(warnings).toEqual([]);
    expect(listed.json).toEqual({ links: [withoutUrl], nextCursor: null });
  });

  it("creates a managed link with every option; /s/<token> asks the password, then /download gives the bytes", async () => {
    const expiresAt = new Date(Math.floor(Date.now() / 1000) * 1000 + 2 * 86_400_000).toISOString();
    const response = await api("POST", "/links", {
      body: {
        connectionId: target.connectionId,
        bucket: target.bucket,
        key: KEY,
        type: "managed",
        expiresAt,
        disposition: "attachment",
        fileName: "résumé.bin",
        contentType: "application/x-report",
        note: `managed ${storage.name}`,
        downloadLimit: 2,
        password: "correct horse",
        allowedNetworks: ["198.51.100.9/24", "2001:DB8::1"],
        alwaysLatest: true,
      },
    });
    expect(response.status, JSON.stringify(response.json)).toBe(201);
    const link = response.json;
    expect(link).toMatchObject({
      type: "managed",
      status: "active",
      expiresAt,
      neverExpires: false,
      fileName: "résumé.bin",
      contentType: "application/x-report",
      note: `managed ${storage.name}`,
      downloadLimit: 2,
      downloadCount: 0,
      passwordProtected: true,
      allowedNetworks: ["198.51.100.0/24", "2001:db8::1/128"],
      alwaysLatest: true,
    });
    const row = await db.shareLink.findUniqueOrThrow({ where: { id: link.id } });
    expect(row).toMatchObject({ kind: "managed", pinned: false, downloadLimit: 2 });
    expect(row.passwordHash).not.toContain("correct horse");
    expect(JSON.stringify(link)).not.toContain(row.passwordHash!);

    const linkToken = tokenOf(link.url);
    expect((await recipient(recipientPage.GET, linkToken, "")).status).toBe(401);
    expect((await recipient(recipientDownload.GET, linkToken, "/download", { peer: "203.0.113.5" })).status).toBe(403);
    const unlocked = await recipient(recipientUnlock.POST, linkToken, "/unlock", { body: new URLSearchParams({ password: "correct horse" }) });
    expect(unlocked.status).toBe(303);
    const cookie = unlocked.headers.get("set-cookie")!.split(";")[0]!;
    // A link with a download limit counts the Download button's POST.
    const download = await recipient(recipientDownload.POST, linkToken, "/download", { cookie, method: "POST" });
    expect(download.status).toBe(302);
    const file = await h.fetchBytes(download.headers.get("location")!);
    expect(file.status).toBe(200);
    expect(file.body.equals(BODY)).toBe(true);
    expect(file.headers.get("content-type")).toBe("application/x-report");
    expect(file.headers.get("content-disposition")).toContain("filename*=UTF-8''r%C3%A9sum%C3%A9.bin");

    await settleLinkEvents();
    const read = await api("GET", `/links/${link.id}`);
    expect(read.json).toMatchObject({ downloadCount: 1, url: link.url });
    expect(read.json.lastAccessAt).not.toBeNull();
    const events = await api("GET", `/links/${link.id}/events`);
    expect(events.status).toBe(200);
    expect(events.json.nextCursor).toBeNull();
    expect(events.json.events.map((e: { outcome: string; reason: string | null }) => [e.outcome, e.reason])).toEqual([
      ["download", null],
      ["unlocked", null],
      ["refused", "network"],
      ["page_view", "password_page"],
    ]);
    expect(events.json.events[0]).toMatchObject({ clientAddress: "198.51.100.7", userAgent: BROWSER, previewAgent: false, filePath: null });
    const firstPage = await api("GET", `/links/${link.id}/events?limit=3`);
    expect(firstPage.json.events).toHaveLength(3);
    const secondPage = await api("GET", `/links/${link.id}/events?limit=3&cursor=${firstPage.json.nextCursor}`);
    expect(secondPage.json).toMatchObject({ events: [{ outcome: "page_view", reason: "password_page" }], nextCursor: null });
  });
});

describe("POST /links: expiry choices", () => {
  it("defaults to 1 hour, and makes a managed link that never expires", async () => {
    const hour = (await createLink({})).json;
    expect(Date.parse(hour.expiresAt) - Date.parse(hour.createdAt)).toBe(3_600_000);
    const never = (await createLink({ type: "managed", neverExpires: true })).json;
    expect(never).toMatchObject({ expiresAt: null, neverExpires: true, status: "active", alwaysLatest: false, passwordProtected: false });
    const long = (await createLink({ type: "managed", expiresIn: 90 * 86_400 })).json;
    expect(Date.parse(long.expiresAt) - Date.parse(long.createdAt)).toBe(90 * 86_400_000);
  });
});

describe("POST /links: honest expiry with temporary credentials", () => {
  it("gives a 7-day direct link the credentials' true end and a warning; a managed link or a shorter one has none; a replay says the same", async () => {
    const connectionId = await createTestConnection(owner.id, storageCases()[0]!, { name: `Temporary ${h.randomSuffix()}` });
    const credentialsEnd = new Date(Math.floor(Date.now() / 1000) * 1000 + 3_600_000);
    await db.storageConnection.update({
      where: { id: connectionId },
      data: {
        sessionTokenEnc: seal("sessionToken", connectionId, "FwoGZXIvYXdzEJr-api-session-token", getRuntimeSecrets().encryptionKey),
        sessionTokenExpiresAt: credentialsEnd,
      },
    });
    const body = { connectionId, bucket: main.bucket, key: KEY, type: "direct", expiresIn: 604_800 };
    const idempotencyKey = `dies-early-${h.randomSuffix()}`;
    const week = await createLink(body, { "idempotency-key": idempotencyKey });
    const requested = new Date(Date.parse(week.json.createdAt) + 604_800_000).toISOString();
    expect(week.json.expiresAt).toBe(credentialsEnd.toISOString());
    expect(week.json.warnings).toEqual([
      {
        reason: "credentials_end_first",
        message: `This link will stop working at ${formatExpiryDate(credentialsEnd)}, when the connection's temporary credentials end.`,
        requestedExpiresAt: requested,
        expiresAt: credentialsEnd.toISOString(),
      },
    ]);
    // The URL itself ends then too, and works until then (neither local S3 server checks session tokens).
    const url = new URL(week.json.url);
    expect(url.searchParams.get("X-Amz-Security-Token")).toBe("FwoGZXIvYXdzEJr-api-session-token");
    const signedAt = url.searchParams.get("X-Amz-Date")!.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, "$1-$2-$3T$4:$5:$6Z");
    expect(Date.parse(signedAt) + Number(url.searchParams.get("X-Amz-Expires")) * 1000).toBe(credentialsEnd.getTime());
    expect((await h.fetchBytes(week.json.url)).status).toBe(200);

    const replay = await api("POST", "/links", { body, headers: { "idempotency-key": idempotencyKey } });
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(replay.json.warnings).toEqual(week.json.warnings);

    // GET /links/{id} keeps the Link shape (the warnings are the creation's answer).
    const read = await api("GET", `/links/${week.json.id}`);
    expect(read.json.expiresAt).toBe(credentialsEnd.toISOString());
    expect(read.json).not.toHaveProperty("warnings");

    const halfHour = await createLink({ ...body, expiresIn: 1_800 });
    expect(halfHour.json.warnings).toEqual([]);
    expect(Date.parse(halfHour.json.expiresAt) - Date.parse(halfHour.json.createdAt)).toBe(1_800_000);
    // A managed link presigns at each download with the connection's credentials of then: not shortened.
    const managed = await createLink({ ...body, type: "managed" });
    expect(managed.json.warnings).toEqual([]);
    expect(Date.parse(managed.json.expiresAt) - Date.parse(managed.json.createdAt)).toBe(604_800_000);
  });
});

describe("POST /links with files: a multi-file share", () => {
  const PDF = randomBytes(3_000);
  const folder = `share-${h.randomSuffix()}/`;

  beforeAll(async () => {
    const admin = adminS3For(storageCases()[0]!);
    admins.push(admin);
    await h.putObjects(admin, main.bucket, [
      { key: `${folder}a.pdf`, body: PDF },
      { key: `${folder}b.txt`, body: Buffer.from("plain") },
      { key: `${folder}sub/c.pdf`, body: BODY },
    ]);
  });

  it("shares a folder with its subfolders, only names matching a pattern; the recipient downloads a file", async () => {
    const response = await api("POST", "/links", {
      body: {
        connectionId: main.connectionId,
        bucket: main.bucket,
        files: { folder, includeSubfolders: true, pattern: "*.pdf" },
        expiresIn: 86_400,
        note: "pdfs",
        downloadLimit: 5,
      },
    });
    expect(response.status, JSON.stringify(response.json)).toBe(201);
    const link = response.json;
    expect(link).toMatchObject({
      type: "managed",
      target: "files",
      key: folder,
      title: folder.slice(0, -1),
      fileCount: 2,
      objectSize: PDF.length + BODY.length,
      note: "pdfs",
      downloadLimit: 5,
      alwaysLatest: false,
    });
    expect(Date.parse(link.expiresAt) - Date.parse(link.createdAt)).toBe(86_400_000);
    const files = await db.shareLinkFile.findMany({ where: { linkId: link.id }, orderBy: { path: "asc" }, select: { path: true } });
    expect(files.map((f) => f.path)).toEqual(["a.pdf", "sub/c.pdf"]);
    const download = await recipient(recipientDownload.POST, tokenOf(link.url), `/download?path=${encodeURIComponent("sub/c.pdf")}`, { method: "POST" });
    expect(download.status).toBe(302);
    expect((await h.fetchBytes(download.headers.get("location")!)).body.equals(BODY)).toBe(true);
  });

  it("shares selected keys under a title, without the ZIP, lasting 7 days by default", async () => {
    const link = (await createLink({ key: undefined, files: { keys: [`${folder}a.pdf`, `${folder}b.txt`] }, title: "Two files", zipAllowed: false })).json;
    expect(link).toMatchObject({ type: "managed", target: "files", key: folder, title: "Two files", fileCount: 2 });
    expect(Date.parse(link.expiresAt) - Date.parse(link.createdAt)).toBe(7 * 86_400_000);
    expect((await db.shareLink.findUniqueOrThrow({ where: { id: link.id } })).zipAllowed).toBe(false);
  });

  it.each([
    ["key and files", () => ({ key: KEY, files: { folder } }), 400, ["files"]],
    ["neither key nor files", () => ({ key: undefined }), 400, ["key"]],
    ["folder and keys", () => ({ key: undefined, files: { folder, keys: [`${folder}a.pdf`] } }), 400, ["files.keys"]],
    ["a pattern with keys", () => ({ key: undefined, files: { keys: [`${folder}a.pdf`], pattern: "*.pdf" } }), 400, ["files.pattern"]],
    ["a broken pattern", () => ({ key: undefined, files: { folder, pattern: "[ab" } }), 400, ["files.pattern"]],
    ["a direct multi-file share", () => ({ key: undefined, type: "direct", files: { folder } }), 400, ["type"]],
    ["a disposition on a multi-file share", () => ({ key: undefined, disposition: "attachment", files: { folder } }), 400, ["disposition"]],
    ["a title on a link to one object", () => ({ title: "One" }), 400, ["title"]],
    ["a pattern nothing matches", () => ({ key: undefined, files: { folder, pattern: "*.docx" } }), 400, ["files"]],
    ["an empty selection", () => ({ key: undefined, files: { keys: [] } }), 400, ["files"]],
    ["a selected key that does not exist", () => ({ key: undefined, files: { keys: [`${folder}a.pdf`, `${folder}gone.pdf`] } }), 404, ["files.keys"]],
    ["a folder in a bucket that does not exist", () => ({ key: undefined, bucket: `missing-${h.randomSuffix()}`, files: { folder } }), 404, ["bucket"]],
  ])("refuses %s, naming the field, and stores nothing", async (_label, extra, status, fields) => {
    const before = await linkCount();
    const response = await api("POST", "/links", { body: { connectionId: main.connectionId, bucket: main.bucket, key: KEY, ...extra() } });
    expectProblem(response, status, status === 404 ? "not-found" : "invalid-request", fields);
    expect(await linkCount()).toBe(before);
  });
});

describe("POST /links: bad input stores nothing", () => {
  const valid = () => ({ connectionId: main.connectionId, bucket: main.bucket, key: KEY });
  const hours = (n: number) => new Date(Date.now() + n * 3_600_000).toISOString();

  it.each([
    ["an unknown field", () => ({ ...valid(), expires: 60 }), ["expires"]],
    ["a wrong type", () => ({ ...valid(), expiresIn: "1h" }), ["expiresIn"]],
    ["a missing key", () => ({ connectionId: main.connectionId, bucket: main.bucket }), ["key"]],
    ["a direct link of 8 days", () => ({ ...valid(), expiresIn: 8 * 86_400 }), ["expiresIn"]],
    ["a direct link until 8 days from now", () => ({ ...valid(), expiresAt: hours(8 * 24) }), ["expiresAt"]],
    ["30 seconds", () => ({ ...valid(), type: "managed", expiresIn: 30 }), ["expiresIn"]],
    ["a time already past", () => ({ ...valid(), expiresAt: hours(-1) }), ["expiresAt"]],
    ["a date without a time zone", () => ({ ...valid(), expiresAt: "2030-01-01T10:00:00" }), ["expiresAt"]],
    ["two expiry fields", () => ({ ...valid(), type: "managed", expiresIn: 3600, neverExpires: true }), ["neverExpires"]],
    ["No expiry on a direct link", () => ({ ...valid(), neverExpires: true }), ["neverExpires"]],
    ["a password on a direct link", () => ({ ...valid(), password: "secret-password" }), ["password"]],
    ["a download limit on a direct link", () => ({ ...valid(), downloadLimit: 3 }), ["downloadLimit"]],
    ["a password of 7 characters", () => ({ ...valid(), type: "managed", password: "sesame!" }), ["password"]],
    ["Always the latest version on a direct link", () => ({ ...valid(), alwaysLatest: true }), ["alwaysLatest"]],
    ["a download limit of 0", () => ({ ...valid(), type: "managed", downloadLimit: 0 }), ["downloadLimit"]],
    ["a network that does not parse", () => ({ ...valid(), type: "managed", allowedNetworks: ["10.0.0.0/8", "not-a-network"] }), ["allowedNetworks"]],
    ["HTML to open in the browser", () => ({ ...valid(), contentType: "text/html" }), ["contentType"]],
    ["a type the browser sniffs to open in the browser", () => ({ ...valid(), contentType: "unknown/unknown" }), ["contentType"]],
    ["a content type with a line break", () => ({ ...valid(), disposition: "attachment", contentType: "text/plain\r\nX-Evil: 1" }), ["contentType"]],
    ["an unknown type", () => ({ ...valid(), type: "forever" }), ["type"]],
    ["a key with a .. segment", () => ({ ...valid(), key: "a/../b.bin" }), ["key"]],
  ])("refuses %s with 400 naming the field", async (_label, body, fields) => {
    const before = await linkCount();
    const response = await api("POST", "/links", { body: body() });
    expectProblem(response, 400, "invalid-request", fields);
    expect(await linkCount()).toBe(before);
  });

  it("says what is wrong in the dialog's words", async () => {
    const tooLong = await api("POST", "/links", { body: { ...valid(), expiresIn: 8 * 86_400 } });
    expect(tooLong.json.errors[0].message).toMatch(/^Links can last at most 7 days \(604,800 seconds\)/);
    const short = await api("POST", "/links", { body: { ...valid(), expiresIn: 30 } });
    expect(short.json.errors[0].message).toBe("Links must last at least 1 minute.");
    const never = await api("POST", "/links", { body: { ...valid(), neverExpires: true } });
    expect(never.json.errors[0].message).toBe("Direct links cannot last forever (at most 7 days). Choose Managed link for No expiry.");
    const html = await api("POST", "/links", { body: { ...valid(), contentType: "text/html" } });
    expect(html.json.errors[0].message).toBe("text/html can run as a web page in the recipient's browser: choose Download, or another content type.");
    const limit = await api("POST", "/links", { body: { ...valid(), type: "managed", downloadLimit: 0 } });
    expect(limit.json.errors[0].message).toBe("Enter a whole number from 1 to 1,000,000, or leave it empty for unlimited.");
  });

  it("refuses malformed JSON, a body over 64 KiB and another media type", async () => {
    const before = await linkCount();
    expectProblem(await api("POST", "/links", { rawBody: '{"connectionId": ', headers: { "content-type": "application/json" } }), 400, "malformed-json");
    expectProblem(await api("POST", "/links", { body: { ...valid(), note: "x".repeat(70 * 1024) } }), 413, "payload-too-large");
    expectProblem(
      await api("POST", "/links", { rawBody: "connectionId=x", headers: { "content-type": "application/x-www-form-urlencoded" } }),
      415,
      "unsupported-media-type",
    );
    expect(await linkCount()).toBe(before);
  });

  it("answers 404 naming connectionId, bucket or key when there is no such thing", async () => {
    const before = await linkCount();
    const strangerConnection = await createTestConnection(stranger.id, storageCases()[0]!, { name: "Stranger's" });
    expectProblem(await api("POST", "/links", { body: { ...valid(), connectionId: "c0000000000000000000000000" } }), 404, "not-found", ["connectionId"]);
    expectProblem(await api("POST", "/links", { body: { ...valid(), connectionId: strangerConnection } }), 404, "not-found", ["connectionId"]);
    expectProblem(await api("POST", "/links", { body: { ...valid(), bucket: `missing-${h.randomSuffix()}` } }), 404, "not-found", ["bucket"]);
    const missingKey = await api("POST", "/links", { body: { ...valid(), type: "managed", key: "reports/nothing here.bin" } });
    expectProblem(missingKey, 404, "not-found", ["key"]);
    expect(missingKey.json.detail).toBe("This object does not exist (any more), so no link was created.");
    expect(await linkCount()).toBe(before);
  });
});

describe("POST /links with an Idempotency-Key", () => {
  it("answers a retry with the same link, stores it once, and refuses the key with another body (422)", async () => {
    const key = `retry-${h.randomSuffix()}`;
    const before = await linkCount();
    const body = { connectionId: main.connectionId, bucket: main.bucket, key: KEY, type: "managed", note: key };
    const first = await api("POST", "/links", { body, headers: { "idempotency-key": key } });
    expect(first.status).toBe(201);
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    const again = await api("POST", "/links", { body, headers: { "idempotency-key": key } });
    expect(again.status).toBe(201);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.headers.get("location")).toBe(`/api/v1/links/${first.json.id}`);
    expect(again.json).toEqual(first.json);
    expect(await linkCount()).toBe(before + 1);

    const other = await api("POST", "/links", { body: { ...body, note: "another" }, headers: { "idempotency-key": key } });
    expectProblem(other, 422, "idempotency-key-reused", ["Idempotency-Key"]);
    expect(await linkCount()).toBe(before + 1);
  });

  it("makes one link of concurrent requests with the same key", async () => {
    const key = `race-${h.randomSuffix()}`;
    const before = await linkCount();
    const body = { connectionId: main.connectionId, bucket: main.bucket, key: KEY, note: key };
    const responses = await Promise.all(Array.from({ length: 4 }, () => api("POST", "/links", { body, headers: { "idempotency-key": key } })));
    for (const response of responses) expect([201, 409], JSON.stringify(response.json)).toContain(response.status);
    const created = responses.filter((r) => r.status === 201);
    expect(created.length).toBeGreaterThanOrEqual(1);
    expect(new Set(created.map((r) => r.json.id)).size).toBe(1);
    for (const busy of responses.filter((r) => r.status === 409)) expect(busy.json.type).toBe(problemTypeUri("idempotency-key-in-use"));
    expect(await linkCount()).toBe(before + 1);
  });

  it("frees the key when the request failed, so a corrected retry is not a replay of the failure", async () => {
    const key = `fail-${h.randomSuffix()}`;
    const body = { connectionId: main.connectionId, bucket: main.bucket, key: "reports/not yet.bin" };
    expectProblem(await api("POST", "/links", { body, headers: { "idempotency-key": key } }), 404, "not-found", ["key"]);
    const admin = adminS3For(storageCases()[0]!);
    admins.push(admin);
    await h.putObjects(admin, main.bucket, [{ key: "reports/not yet.bin", body: BODY }]);
    const retry = await api("POST", "/links", { body, headers: { "idempotency-key": key } });
    expect(retry.status).toBe(201);
    expect(retry.headers.get("idempotent-replayed")).toBeNull();
  });
});

describe("GET /links", () => {
  let ids: { direct: string; managed: string; revoked: string };
  const q = `filters-${h.randomSuffix()}`;

  beforeAll(async () => {
    const direct = (await createLink({ note: `${q} direct` })).json.id;
    const managed = (await createLink({ type: "managed", note: `${q} managed` })).json.id;
    const revoked = (await createLink({ type: "managed", note: `${q} revoked` })).json.id;
    expect((await api("POST", `/links/${revoked}/revoke`)).status).toBe(200);
    ids = { direct, managed, revoked };
  });

  const idsOf = async (query: string) => {
    const response = await api("GET", `/links?q=${q}&${query}`);
    expect(response.status, JSON.stringify(response.json)).toBe(200);
    for (const link of response.json.links) expect(link).not.toHaveProperty("url");
    return response.json.links.map((l: { id: string }) => l.id).sort();
  };

  it("filters by status and type, newest first", async () => {
    expect(await idsOf("status=all")).toEqual([ids.direct, ids.managed, ids.revoked].sort());
    expect(await idsOf("status=active")).toEqual([ids.direct, ids.managed].sort());
    expect(await idsOf("status=revoked")).toEqual([ids.revoked]);
    expect(await idsOf("status=expired")).toEqual([]);
    expect(await idsOf("type=managed")).toEqual([ids.managed, ids.revoked].sort());
    expect(await idsOf("type=direct&status=active")).toEqual([ids.direct]);
    expect(await idsOf(`connection=${main.connectionId}&bucket=${main.bucket}&type=direct`)).toEqual([ids.direct]);
    expect(await idsOf("connection=c0000000000000000000000000")).toEqual([]);
  });

  it("pages with cursor and limit", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const response: ApiResponse = await api("GET", `/links?q=${q}&limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      seen.push(...response.json.links.map((l: { id: string }) => l.id));
      cursor = response.json.nextCursor;
    } while (cursor && seen.length < 10);
    // The pages add up to the one-page list, in its order (newest first; links made within one second by id).
    const whole = await api("GET", `/links?q=${q}`);
    expect(whole.json.links.map((l: { id: string }) => l.id)).toEqual(seen);
    expect([...seen].sort()).toEqual([ids.direct, ids.managed, ids.revoked].sort());
  });

  it("refuses unknown parameters and values outside the lists (400 naming them)", async () => {
    expectProblem(await api("GET", "/links?status=forever"), 400, "invalid-request", ["status"]);
    expectProblem(await api("GET", "/links?sort=asc"), 400, "invalid-request", ["sort"]);
    expectProblem(await api("GET", "/links?limit=0"), 400, "invalid-request", ["limit"]);
    expectProblem(await api("GET", "/links?type=direct&type=managed"), 400, "invalid-request", ["type"]);
  });

  it("lists only the token owner's links", async () => {
    const response = await callApi({ method: "GET", path: `/links?q=${q}`, token: strangerToken });
    expect(response.json).toEqual({ links: [], nextCursor: null });
  });

  it("says limit_reached, changed and missing for links that stopped working, in the list, its filter and GET /links/{id}", async () => {
    const stopped = `stopped-${h.randomSuffix()}`;
    const usedUp = (await createLink({ type: "managed", downloadLimit: 1, note: `${stopped} used up` })).json.id;
    const changed = (await createLink({ type: "managed", note: `${stopped} changed` })).json.id;
    const missing = (await createLink({ type: "managed", note: `${stopped} missing` })).json.id;
    await db.shareLink.update({ where: { id: usedUp }, data: { downloadCount: 1 } });
    await db.shareLink.update({ where: { id: changed }, data: { objectState: "changed" } });
    await db.shareLink.update({ where: { id: missing }, data: { objectState: "missing" } });

    const list = await api("GET", `/links?q=${stopped}`);
    const statusOf = new Map(list.json.links.map((l: { id: string; status: string }) => [l.id, l.status]));
    expect(Object.fromEntries([usedUp, changed, missing].map((id) => [id, statusOf.get(id)]))).toEqual({
      [usedUp]: "limit_reached",
      [changed]: "changed",
      [missing]: "missing",
    });
    const only = async (status: string) => (await api("GET", `/links?q=${stopped}&status=${status}`)).json.links.map((l: { id: string }) => l.id);
    expect(await only("limit_reached")).toEqual([usedUp]);
    expect(await only("changed")).toEqual([changed]);
    expect(await only("missing")).toEqual([missing]);
    expect(await only("active")).toEqual([]);

    const read = await api("GET", `/links/${usedUp}`);
    expect(read.json).toMatchObject({ status: "limit_reached", downloadCount: 1, downloadLimit: 1 });
    // Still the URL: raising the limit makes it work again.
    expect(read.json.url).toMatch(/\/s\/[A-Za-z0-9_-]{32}$/);
    const raised = await api("PATCH", `/links/${usedUp}`, { body: { downloadLimit: 2 } });
    expect(raised.json).toMatchObject({ status: "active", downloadLimit: 2 });

    // The served document lists every status a link can have.
    const document = (await openApiDocument()) as unknown as { components: { schemas: { Link: { properties: { status: { enum: string[] } } } } } };
    expect(document.components.schemas.Link.properties.status.enum).toEqual(
      expect.arrayContaining(["active", "expires_soon", "expired", "revoked", "limit_reached", "changed", "missing"]),
    );
  });
});

describe("GET and PATCH /links/{id}", () => {
  it("answers with an ETag, and 304 for If-None-Match while nothing changed", async () => {
    // The creation's answer is the Link with its warnings.
    const { warnings, ...link } = (await createLink({ type: "managed" })).json;
    expect(warnings).toEqual([]);
    const read = await api("GET", `/links/${link.id}`);
    expect(read.status).toBe(200);
    expect(read.json).toEqual(link);
    const etag = read.headers.get("etag")!;
    expect(etag).toMatch(/^"[\w-]+"$/);
    const same = await api("GET", `/links/${link.id}`, { headers: { "if-none-match": etag } });
    expect(same.status).toBe(304);
    expect(same.json).toBeUndefined();
    await api("PATCH", `/links/${link.id}`, { body: { note: "changed" } });
    const changed = await api("GET", `/links/${link.id}`, { headers: { "if-none-match": etag } });
    expect(changed.status).toBe(200);
    expect(changed.headers.get("etag")).not.toBe(etag);
  });

  it("changes a managed link's expiry, download limit and note; If-Match guards against lost updates", async () => {
    const link = (await createLink({ type: "managed", downloadLimit: 3, note: "first" })).json;
    const etag = (await api("GET", `/links/${link.id}`)).headers.get("etag")!;

    const started = Date.now();
    const changed = await api("PATCH", `/links/${link.id}`, {
      body: { expiresIn: 30 * 86_400, downloadLimit: null, note: "second" },
      headers: { "if-match": etag },
    });
    expect(changed.status, JSON.stringify(changed.json)).toBe(200);
    expect(changed.json).toMatchObject({ id: link.id, downloadLimit: null, note: "second", neverExpires: false, url: link.url });
    const expiresAt = Date.parse(changed.json.expiresAt);
    expect(expiresAt).toBeGreaterThanOrEqual(Math.floor(started / 1000) * 1000 + 30 * 86_400_000 - 1000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 30 * 86_400_000);
    expect(changed.headers.get("etag")).toBe((await api("GET", `/links/${link.id}`)).headers.get("etag"));

    // The old ETag no longer matches: refused, nothing changed.
    const stale = await api("PATCH", `/links/${link.id}`, { body: { note: "third" }, headers: { "if-match": etag } });
    expectProblem(stale, 412, "precondition-failed", ["If-Match"]);
    expect((await db.shareLink.findUniqueOrThrow({ where: { id: link.id } })).note).toBe("second");

    const never = await api("PATCH", `/links/${link.id}`, { body: { neverExpires: true, downloadLimit: 1, note: null } });
    expect(never.json).toMatchObject({ expiresAt: null, neverExpires: true, downloadLimit: 1, note: null });
    const until = new Date(Math.floor(Date.now() / 1000) * 1000 + 5 * 86_400_000).toISOString();
    const dated = await api("PATCH", `/links/${link.id}`, { body: { expiresAt: until } });
    expect(dated.json).toMatchObject({ expiresAt: until, neverExpires: false });
    const history = await listLinks(soleOwner(owner.id), { status: "all" });
    expect(history.rows.find((r) => r.id === link.id)).toMatchObject({ downloadLimit: 1, expiresAt: new Date(until), neverExpires: false });
  });

  it("refuses bad changes, naming the field", async () => {
    const { warnings: _, ...link } = (await createLink({ type: "managed" })).json;
    expectProblem(await api("PATCH", `/links/${link.id}`, { body: {} }), 400, "invalid-request", [""]);
    expectProblem(await api("PATCH", `/links/${link.id}`, { body: { expiresIn: 30 } }), 400, "invalid-request", ["expiresIn"]);
    expectProblem(await api("PATCH", `/links/${link.id}`, { body: { expiresAt: new Date(Date.now() - 60_000).toISOString() } }), 400, "invalid-request", [
      "expiresAt",
    ]);
    expectProblem(await api("PATCH", `/links/${link.id}`, { body: { downloadLimit: -1 } }), 400, "invalid-request", ["downloadLimit"]);
    expectProblem(await api("PATCH", `/links/${link.id}`, { body: { note: "x".repeat(501) } }), 400, "invalid-request", ["note"]);
    expectProblem(await api("PATCH", `/links/${link.id}`, { body: { fileName: "other.bin" } }), 400, "invalid-request", ["fileName"]);
    expect((await api("GET", `/links/${link.id}`)).json).toEqual(link);
  });

  it("changes a direct link's note only: its expiry is in its signature (409 naming the field)", async () => {
    const link = (await createLink({})).json;
    const refused = await api("PATCH", `/links/${link.id}`, { body: { expiresIn: 7200, note: "kept?" } });
    expectProblem(refused, 409, "conflict", ["expiresIn"]);
    expect(refused.json.detail).toBe(DIRECT_CANNOT);
    expectProblem(await api("PATCH", `/links/${link.id}`, { body: { downloadLimit: 2 } }), 409, "conflict", ["downloadLimit"]);
    expect((await db.shareLink.findUniqueOrThrow({ where: { id: link.id } })).note).toBeNull();
    const noted = await api("PATCH", `/links/${link.id}`, { body: { note: "for the auditors" } });
    expect(noted.json).toMatchObject({ note: "for the auditors", expiresAt: link.expiresAt });
  });
});

describe("PATCH /links/{id}: password and allowed networks", () => {
  it("changes the password: the old unlock cookie no longer opens the link, the new password does; null removes it", async () => {
    const link = (await createLink({ type: "managed", password: "correct horse" })).json;
    const linkToken = tokenOf(link.url);
    const unlocked = await recipient(recipientUnlock.POST, linkToken, "/unlock", { body: new URLSearchParams({ password: "correct horse" }) });
    expect(unlocked.status).toBe(303);
    const oldCookie = unlocked.headers.get("set-cookie")!.split(";")[0]!;
    expect((await recipient(recipientPage.GET, linkToken, "", { cookie: oldCookie })).status).toBe(200);
    const etag = (await api("GET", `/links/${link.id}`)).headers.get("etag")!;

    const changed = await api("PATCH", `/links/${link.id}`, { body: { password: "battery staple" }, headers: { "if-match": etag } });
    expect(changed.status, JSON.stringify(changed.json)).toBe(200);
    expect(changed.json).toMatchObject({ id: link.id, passwordProtected: true, url: link.url });
    expect(JSON.stringify(changed.json)).not.toContain("battery staple");

    // The next request with the cookie of the old password meets the password page again.
    expect((await recipient(recipientPage.GET, linkToken, "", { cookie: oldCookie })).status).toBe(401);
    expect((await recipient(recipientDownload.GET, linkToken, "/download", { cookie: oldCookie })).status).not.toBe(302);
    const refused = await recipient(recipientUnlock.POST, linkToken, "/unlock", { body: new URLSearchParams({ password: "correct horse" }) });
    expect(refused.headers.get("set-cookie") ?? "").not.toMatch(/unlock/i);
    const again = await recipient(recipientUnlock.POST, linkToken, "/unlock", { body: new URLSearchParams({ password: "battery staple" }) });
    expect(again.status).toBe(303);
    const newCookie = again.headers.get("set-cookie")!.split(";")[0]!;
    expect((await recipient(recipientPage.GET, linkToken, "", { cookie: newCookie })).status).toBe(200);

    const removed = await api("PATCH", `/links/${link.id}`, { body: { password: null } });
    expect(removed.json).toMatchObject({ passwordProtected: false });
    expect((await recipient(recipientPage.GET, linkToken, "")).status).toBe(200);
    expect((await db.shareLink.findUniqueOrThrow({ where: { id: link.id } })).passwordHash).toBeNull();
  });

  it("changes the allowed networks: a recipient from outside gets 403 at the next request; [] allows anywhere; If-Match still guards", async () => {
    const link = (await createLink({ type: "managed" })).json;
    const linkToken = tokenOf(link.url);
    expect((await recipient(recipientPage.GET, linkToken, "", { peer: "198.51.100.7" })).status).toBe(200);
    const etag = (await api("GET", `/links/${link.id}`)).headers.get("etag")!;

    const changed = await api("PATCH", `/links/${link.id}`, {
      body: { allowedNetworks: ["203.0.113.9/24", "2001:DB8::1", "203.0.113.0/24"] },
      headers: { "if-match": etag },
    });
    expect(changed.status, JSON.stringify(changed.json)).toBe(200);
    expect(changed.json.allowedNetworks).toEqual(["203.0.113.0/24", "2001:db8::1/128"]);
    expect(changed.headers.get("etag")).not.toBe(etag);
    expect((await recipient(recipientPage.GET, linkToken, "", { peer: "198.51.100.7" })).status).toBe(403);
    expect((await recipient(recipientDownload.GET, linkToken, "/download", { peer: "198.51.100.7" })).status).toBe(403);
    expect((await recipient(recipientPage.GET, linkToken, "", { peer: "203.0.113.77" })).status).toBe(200);

    // The ETag read before the change no longer matches.
    expectProblem(await api("PATCH", `/links/${link.id}`, { body: { allowedNetworks: [] }, headers: { "if-match": etag } }), 412, "precondition-failed", [
      "If-Match",
    ]);
    expect((await db.shareLink.findUniqueOrThrow({ where: { id: link.id } })).allowedNetworks).toEqual(["203.0.113.0/24", "2001:db8::1/128"]);

    const cleared = await api("PATCH", `/links/${link.id}`, { body: { allowedNetworks: [] }, headers: { "if-match": changed.headers.get("etag")! } });
    expect(cleared.json.allowedNetworks).toEqual([]);
    expect((await recipient(recipientPage.GET, linkToken, "", { peer: "198.51.100.7" })).status).toBe(200);
  });

  it("refuses a short password and an entry that is not a network, naming the field; nothing changes", async () => {
    const link = (await createLink({ type: "managed", password: "correct horse", allowedNetworks: ["198.51.100.0/24"] })).json;
    const before = await db.shareLink.findUniqueOrThrow({ where: { id: link.id } });
    const short = await api("PATCH", `/links/${link.id}`, { body: { password: "seven77" } });
    expectProblem(short, 400, "invalid-request", ["password"]);
    expect(short.json.errors[0].message).toBe("Use at least 8 characters.");
    expectProblem(await api("PATCH", `/links/${link.id}`, { body: { password: "" } }), 400, "invalid-request", ["password"]);
    expectProblem(await api("PATCH", `/links/${link.id}`, { body: { password: 12345678 } }), 400, "invalid-request", ["password"]);
    const bad = await api("PATCH", `/links/${link.id}`, { body: { allowedNetworks: ["10.0.0.0/8", "10.0.0.0/33", "nope"] } });
    expectProblem(bad, 400, "invalid-request", ["allowedNetworks.1", "allowedNetworks.2"]);
    expect(bad.json.errors[1].message).toMatch(/^Not an IPv4\/IPv6 address or CIDR range: "nope"/);
    expectProblem(await api("PATCH", `/links/${link.id}`, { body: { allowedNetworks: "10.0.0.0/8" } }), 400, "invalid-request", ["allowedNetworks"]);
    const after = await db.shareLink.findUniqueOrThrow({ where: { id: link.id } });
    expect({ passwordHash: after.passwordHash, allowedNetworks: after.allowedNetworks }).toEqual({
      passwordHash: before.passwordHash,
      allowedNetworks: before.allowedNetworks,
    });
  });

  it("refuses a password or networks for a direct link (409 naming the field): a presigned URL cannot take them", async () => {
    const link = (await createLink({})).json;
    const refused = await api("PATCH", `/links/${link.id}`, { body: { password: "direct secret", allowedNetworks: ["10.0.0.0/8"], note: "kept?" } });
    expectProblem(refused, 409, "conflict", ["password", "allowedNetworks"]);
    expect(refused.json.detail).toBe(DIRECT_CANNOT);
    const row = await db.shareLink.findUniqueOrThrow({ where: { id: link.id } });
    expect({ passwordHash: row.passwordHash, allowedNetworks: row.allowedNetworks, note: row.note }).toEqual({
      passwordHash: null,
      allowedNetworks: [],
      note: null,
    });
  });
});

describe("POST /links/{id}/revoke", () => {
  it("revokes a managed link at once (the recipient gets 410), again changes nothing, and a revoked link cannot change", async () => {
    const link = (await createLink({ type: "managed" })).json;
    const linkToken = tokenOf(link.url);
    expect((await recipient(recipientPage.GET, linkToken, "")).status).toBe(200);
    const revoked = await api("POST", `/links/${link.id}/revoke`);
    expect(revoked.status).toBe(200);
    expect(revoked.json).toMatchObject({ id: link.id, status: "revoked", url: null });
    expect(revoked.json.revokedAt).not.toBeNull();
    expect((await recipient(recipientPage.GET, linkToken, "")).status).toBe(410);
    expect((await recipient(recipientDownload.GET, linkToken, "/download")).status).toBe(410);
    const again = await api("POST", `/links/${link.id}/revoke`);
    expect(again.json.revokedAt).toBe(revoked.json.revokedAt);
    expect((await api("GET", `/links/${link.id}`)).json).toMatchObject({ status: "revoked", url: null });
    expectProblem(await api("PATCH", `/links/${link.id}`, { body: { expiresIn: 3600 } }), 409, "conflict", ["expiresIn"]);
    expectProblem(await api("PATCH", `/links/${link.id}`, { body: { note: "x" } }), 409, "conflict", ["note"]);
  });

  it("refuses to revoke a direct link (409), as the app explains", async () => {
    const link = (await createLink({})).json;
    const refused = await api("POST", `/links/${link.id}/revoke`);
    expectProblem(refused, 409, "conflict");
    expect(refused.json.detail).toBe(DIRECT_CANNOT);
    expect((await db.shareLink.findUniqueOrThrow({ where: { id: link.id } })).revokedAt).toBeNull();
  });
});

describe("DELETE /links/{id}", () => {
  it("removes a managed link from the history and revokes it: the recipient, the API and the history no longer find it", async () => {
    const link = (await createLink({ type: "managed", note: "to delete" })).json;
    const linkToken = tokenOf(link.url);
    const deleted = await api("DELETE", `/links/${link.id}`);
    expect(deleted.status).toBe(200);
    expect(deleted.json).toEqual({ id: link.id, deleted: true, directLinkWorksUntil: null });
    expect((await recipient(recipientDownload.GET, linkToken, "/download")).status).toBe(404);
    expect(await db.shareLink.findUniqueOrThrow({ where: { id: link.id } })).toMatchObject({ revokedAt: expect.any(Date), deletedAt: expect.any(Date) });
    expectProblem(await api("GET", `/links/${link.id}`), 404, "not-found", ["id"]);
    expectProblem(await api("DELETE", `/links/${link.id}`), 404, "not-found", ["id"]);
    expect((await listLinks(soleOwner(owner.id), { status: "all", type: "all", q: "to delete" })).rows.map((r) => r.id)).not.toContain(link.id);
  });

  it("says until when a deleted direct link keeps working (S3 cannot take it back)", async () => {
    const link = (await createLink({ expiresIn: 7200 })).json;
    const deleted = await api("DELETE", `/links/${link.id}`);
    expect(deleted.status).toBe(200);
    expect(deleted.json).toEqual({ id: link.id, deleted: true, directLinkWorksUntil: link.expiresAt });
    expect((await fetch(link.url)).status).toBe(200);
  });

  it("needs links:write, and another owner's link is not found (nothing removed)", async () => {
    const link = (await createLink({ type: "managed" })).json;
    expectProblem(await callApi({ method: "DELETE", path: `/links/${link.id}`, token: readToken }), 403, "insufficient-scope");
    expectProblem(await callApi({ method: "DELETE", path: `/links/${link.id}`, token: strangerToken }), 404, "not-found", ["id"]);
    expect(await db.shareLink.findUniqueOrThrow({ where: { id: link.id } })).toMatchObject({ deletedAt: null, revokedAt: null });
  });
});

describe("ownership and scopes", () => {
  it("answers 404 for another owner's link, and for a link removed from the history, on every operation", async () => {
    const link = (await createLink({ type: "managed", note: "mine" })).json;
    const asStranger = (method: string, path: string, body?: unknown) => callApi({ method, path, token: strangerToken, body });
    for (const response of [
      await asStranger("GET", `/links/${link.id}`),
      await asStranger("PATCH", `/links/${link.id}`, { note: "theirs" }),
      await asStranger("POST", `/links/${link.id}/revoke`),
      await asStranger("GET", `/links/${link.id}/events`),
    ]) {
      expectProblem(response, 404, "not-found", ["id"]);
    }
    expect(await db.shareLink.findUniqueOrThrow({ where: { id: link.id } })).toMatchObject({ note: "mine", revokedAt: null });

    await db.shareLink.update({ where: { id: link.id }, data: { deletedAt: new Date() } });
    expectProblem(await api("GET", `/links/${link.id}`), 404, "not-found");
    expectProblem(await api("GET", `/links/${link.id}/events`), 404, "not-found");
    expectProblem(await api("GET", "/links/not-an-id-at-all"), 404, "not-found");
  });

  it("answers 403 without the scope, and changes nothing", async () => {
    const link = (await createLink({ type: "managed" })).json;
    const before = await linkCount();
    const body = { connectionId: main.connectionId, bucket: main.bucket, key: KEY };
    expectProblem(await callApi({ method: "POST", path: "/links", token: readToken, body }), 403, "insufficient-scope");
    expectProblem(await callApi({ method: "PATCH", path: `/links/${link.id}`, token: readToken, body: { note: "x" } }), 403, "insufficient-scope");
    expectProblem(await callApi({ method: "POST", path: `/links/${link.id}/revoke`, token: readToken }), 403, "insufficient-scope");
    for (const path of ["/links", `/links/${link.id}`, `/links/${link.id}/events`]) {
      expectProblem(await callApi({ method: "GET", path, token: objectsToken }), 403, "insufficient-scope");
    }
    expect((await callApi({ method: "GET", path: `/links/${link.id}`, token: readToken })).status).toBe(200);
    expect(await linkCount()).toBe(before);
    expect((await db.shareLink.findUniqueOrThrow({ where: { id: link.id } })).revokedAt).toBeNull();
  });

  it("answers 401 without a token and 405 for methods a path does not have", async () => {
    expectProblem(await callApi({ method: "GET", path: "/links" }), 401, "unauthorized");
    expectProblem(await api("DELETE", "/links"), 405, "method-not-allowed");
    expectProblem(await api("PUT", "/links/x"), 405, "method-not-allowed");
  });
});
