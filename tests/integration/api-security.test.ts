/**
 * The API as an attacker meets it: odd input (NUL characters, crafted cursors, query parameters
 * named like Object.prototype's) is refused as the client's mistake, never a 500; an Idempotency-Key
 * belongs to its token and its stored request hash cannot be used to test guesses of a link's
 * password; methods without an operation count nothing and tell nothing; and no secret (token, its
 * hash, a link's password, URL or signature, a storage secret) reaches a log line. Every response is
 * checked against the served OpenAPI document (tests/support/api-contract.ts).
 */
import { createHash, randomBytes } from "node:crypto";
import type { S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "@/lib/auth/session";
import { problemTypeUri, type ProblemType } from "@/lib/api/problem";
import { generateApiToken, hashApiToken } from "@/lib/api/tokens";
import { db } from "@/lib/db/client";
import { callApi, captureLogs, type ApiCall, createTestConnection, createTestToken, openApiDocument, type ApiResponse } from "../support/api-contract";
import * as h from "../support/helpers";
import { adminS3For, storageCases, type TestStorage } from "../support/storages";

const KEY = "reports/figures.bin";
const BODY = randomBytes(1_234);

let owner: SessionUser;
let stranger: SessionUser;
/** links:read + links:write + objects:read */
let token: string;
let tokenId: string;
let strangerToken: string;
let storage: TestStorage;
let admin: S3Client;
let connectionId: string;
let bucket: string;

function expectProblem(response: ApiResponse, status: number, type: ProblemType, fields?: string[]): void {
  expect(response.status, JSON.stringify(response.json)).toBe(status);
  expect(response.json.type).toBe(problemTypeUri(type));
  if (fields) expect(response.json.errors?.map((e: { field: string }) => e.field) ?? [], JSON.stringify(response.json)).toEqual(fields);
}

/** The body as a JSON text (for bodies JSON.stringify cannot write, such as a key named __proto__). */
function rawJson(method: string, path: string, text: string, headers: Record<string, string> = {}): Promise<ApiResponse> {
  return callApi({ method, path, token, rawBody: text, headers: { "content-type": "application/json", ...headers } });
}

const linkCount = () => db.shareLink.count({ where: { ownerId: owner.id } });
const cursorOf = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

async function createManagedLink(extra: Record<string, unknown> = {}): Promise<ApiJsonLink> {
  const response = await callApi({ method: "POST", path: "/links", token, body: { connectionId, bucket, key: KEY, type: "managed", ...extra } });
  expect(response.status, JSON.stringify(response.json)).toBe(201);
  return response.json as ApiJsonLink;
}
type ApiJsonLink = { id: string; url: string };

beforeAll(async () => {
  owner = await h.createTestUser("api-security");
  stranger = await h.createTestUser("api-security-stranger");
  ({ token, id: tokenId } = await createTestToken(owner.id, { scopes: ["links:read", "links:write", "objects:read"] }));
  strangerToken = (await createTestToken(stranger.id, { scopes: ["links:read", "links:write", "objects:read"] })).token;
  storage = storageCases()[0]!;
  admin = adminS3For(storage);
  bucket = await h.createBucket(admin, "apisec");
  await h.putObjects(admin, bucket, [{ key: KEY, body: BODY }]);
  connectionId = await createTestConnection(owner.id, storage, { name: "Security" });
  await openApiDocument();
}, 60_000);

afterAll(async () => {
  admin.destroy();
  await h.deleteTestUsers(owner, stranger);
});

describe("odd input is the client's mistake, never a 500", () => {
  it("a NUL character: not found in a path id, 400 naming the field in a query parameter or a body, nothing stored", async () => {
    const logs = captureLogs();
    const before = await linkCount();
    let responses: ApiResponse[];
    const link = await createManagedLink();
    try {
      responses = [
        await callApi({ method: "GET", path: "/links/%00", token }),
        await callApi({ method: "GET", path: "/links/a%00b/events", token }),
        await callApi({ method: "GET", path: "/connections/%00/buckets", token }),
        await callApi({ method: "GET", path: "/links?q=a%00", token }),
        await callApi({ method: "GET", path: "/links?bucket=%00", token }),
        await callApi({ method: "GET", path: `/objects?connection=${connectionId}&bucket=${bucket}&prefix=%00`, token }),
        await callApi({ method: "POST", path: "/links", token, body: { connectionId, bucket, key: KEY, note: "a\u0000b" } }),
        await callApi({ method: "POST", path: "/links", token, body: { connectionId, bucket, files: { keys: [KEY, "x\u0000"] } } }),
        await callApi({ method: "PATCH", path: `/links/${link.id}`, token, body: { note: "\u0000" } }),
      ];
    } finally {
      logs.stop();
    }
    const [id, eventsId, connection, q, bucketFilter, prefix, note, keys, patchNote] = responses;
    expectProblem(id!, 404, "not-found");
    expectProblem(eventsId!, 404, "not-found");
    expectProblem(connection!, 404, "not-found");
    expectProblem(q!, 400, "invalid-request", ["q"]);
    expectProblem(bucketFilter!, 400, "invalid-request", ["bucket"]);
    expectProblem(prefix!, 400, "invalid-request", ["prefix"]);
    expectProblem(note!, 400, "invalid-request", ["note"]);
    expectProblem(keys!, 400, "invalid-request", ["files.keys.1"]);
    expectProblem(patchNote!, 400, "invalid-request", ["note"]);
    expect(note!.json.errors[0].message).toContain("NUL");
    expect(await linkCount()).toBe(before + 1);
    expect((await db.shareLink.findUniqueOrThrow({ where: { id: link.id } })).note).toBeNull();
    expect(logs.entries().filter((entry) => entry.level === "error")).toEqual([]);
  });

  it("a link password may hold a NUL, as in the dialogs: it is only ever hashed, never stored as text", async () => {
    const created = await callApi({
      method: "POST",
      path: "/links",
      token,
      body: { connectionId, bucket, key: KEY, type: "managed", password: "pass\u0000word" },
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ type: "managed", passwordProtected: true });
    const row = await db.shareLink.findUniqueOrThrow({ where: { id: created.json.id } });
    expect(row.passwordHash).not.toContain("pass");
  });

  it("a crafted cursor the database cannot compare with is read as no cursor: the first page", async () => {
    const link = await createManagedLink();
    const farPast = cursorOf(["-200000-01-01T00:00:00.000Z", "x"]);
    const links = await callApi({ method: "GET", path: `/links?limit=1&cursor=${farPast}`, token });
    expect(links.status, JSON.stringify(links.json)).toBe(200);
    expect(links.json.links.map((l: { id: string }) => l.id)).toEqual([(await callApi({ method: "GET", path: "/links?limit=1", token })).json.links[0].id]);

    for (const cursor of [cursorOf(["-200000-01-01T00:00:00.000Z", "1"]), cursorOf(["2026-01-01T00:00:00.000Z", "9999999999999999999"])]) {
      const events = await callApi({ method: "GET", path: `/links/${link.id}/events?cursor=${cursor}`, token });
      expect(events.status, JSON.stringify(events.json)).toBe(200);
      expect(events.json).toEqual({ events: [], nextCursor: null });
    }
  });

  it("query parameters named like Object.prototype's members are unknown parameters, named as sent", async () => {
    expectProblem(await callApi({ method: "GET", path: "/links?__proto__=x", token }), 400, "invalid-request", ["__proto__"]);
    expectProblem(await callApi({ method: "GET", path: "/links?constructor=x&toString=y", token }), 400, "invalid-request", ["constructor", "toString"]);
    expectProblem(await callApi({ method: "GET", path: "/links?status=all&__proto__=a&__proto__=b", token }), 400, "invalid-request", ["__proto__"]);
  });

  it("deeply nested arrays and numbers beyond a double are refused at the field", async () => {
    const before = await linkCount();
    const nested = await rawJson("POST", "/links", `{"connectionId":${"[".repeat(30_000)}${"]".repeat(30_000)},"bucket":"${bucket}","key":"${KEY}"}`);
    expectProblem(nested, 400, "invalid-request", ["connectionId"]);
    const huge = await rawJson("POST", "/links", `{"connectionId":"${connectionId}","bucket":"${bucket}","key":"${KEY}","expiresIn":1e400,"downloadLimit":-0}`);
    expectProblem(huge, 400, "invalid-request", ["expiresIn", "downloadLimit"]);
    expect(await linkCount()).toBe(before);
  });

  it("a body key named __proto__ is an unknown field, not a way to set fields", async () => {
    const before = await linkCount();
    const response = await rawJson(
      "POST",
      "/links",
      `{"__proto__":{"type":"managed","password":"x"},"connectionId":"${connectionId}","bucket":"${bucket}","key":"${KEY}"}`,
    );
    expectProblem(response, 400, "invalid-request", ["__proto__"]);
    expect(await linkCount()).toBe(before);
  });
});

describe("Idempotency-Key", () => {
  it("stores a keyed request hash: a database reader cannot test guesses of the link's password against it", async () => {
    const key = `pw-${h.randomSuffix()}`;
    const body = { connectionId, bucket, key: KEY, type: "managed", password: "hunter22", note: "keyed" };
    const first = await callApi({ method: "POST", path: "/links", token, body, headers: { "idempotency-key": key } });
    expect(first.status, JSON.stringify(first.json)).toBe(201);
    const row = await db.apiIdempotencyKey.findUniqueOrThrow({ where: { tokenId_key: { tokenId, key } } });
    expect(row.linkId).toBe(first.json.id);
    // What anyone who reads the table could compute for each guess, were the hash not keyed.
    const canonical = (value: unknown): string =>
      Array.isArray(value)
        ? `[${value.map(canonical).join(",")}]`
        : value && typeof value === "object"
          ? `{${Object.keys(value)
              .sort()
              .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
              .join(",")}}`
          : JSON.stringify(value ?? null);
    const unkeyed = createHash("sha256")
      .update(`createLink\n${canonical(body)}`)
      .digest("hex");
    expect(row.requestHash).not.toBe(unkeyed);
    expect(row.requestHash).toMatch(/^[0-9a-f]{64}$/);

    // Still: the same body is a replay, another password is another request.
    const replay = await callApi({ method: "POST", path: "/links", token, body, headers: { "idempotency-key": key } });
    expect(replay.status).toBe(201);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(replay.json.id).toBe(first.json.id);
    const other = await callApi({ method: "POST", path: "/links", token, body: { ...body, password: "hunter23" }, headers: { "idempotency-key": key } });
    expectProblem(other, 422, "idempotency-key-reused", ["Idempotency-Key"]);
  });

  it("belongs to its token: another token, of the same owner or not, never replays the link", async () => {
    const key = `shared-${h.randomSuffix()}`;
    const body = { connectionId, bucket, key: KEY, type: "managed" };
    const first = await callApi({ method: "POST", path: "/links", token, body, headers: { "idempotency-key": key } });
    expect(first.status).toBe(201);
    const { token: sibling } = await createTestToken(owner.id, { scopes: ["links:write"] });
    const second = await callApi({ method: "POST", path: "/links", token: sibling, body, headers: { "idempotency-key": key } });
    expect(second.status).toBe(201);
    expect(second.headers.get("idempotent-replayed")).toBeNull();
    expect(second.json.id).not.toBe(first.json.id);
    // Another owner's token with the same key and body: the connection is not theirs.
    const stolen = await callApi({ method: "POST", path: "/links", token: strangerToken, body, headers: { "idempotency-key": key } });
    expectProblem(stolen, 404, "not-found", ["connectionId"]);
    expect(JSON.stringify(stolen.json)).not.toContain(first.json.id);
  });
});

describe("revoked and expired tokens", () => {
  it("a token revoked in Settings, or reaching its expiry, is refused on its very next request", async () => {
    const { revokeApiToken } = await import("@/lib/api/token-store");
    const revoking = await createTestToken(owner.id, { scopes: ["links:read"] });
    expect((await callApi({ method: "GET", path: "/links?limit=1", token: revoking.token })).status).toBe(200);
    expect(await revokeApiToken(owner.id, revoking.id)).toMatchObject({ status: "revoked" });
    expect((await callApi({ method: "GET", path: "/links?limit=1", token: revoking.token })).status).toBe(401);

    const expiring = await createTestToken(owner.id, { scopes: ["links:read"], expiresAt: new Date(Date.now() + 1_500) });
    expect((await callApi({ method: "GET", path: "/links?limit=1", token: expiring.token })).status).toBe(200);
    await h.sleep(1_600);
    expect((await callApi({ method: "GET", path: "/links?limit=1", token: expiring.token })).status).toBe(401);
  });
});

describe("methods without an operation", () => {
  it("OPTIONS and 405 neither authenticate nor count against the rate limit, and tell nothing about the link", async () => {
    const { token: limited, id } = await createTestToken(owner.id, { scopes: ["links:read"], rateLimit: 1 });
    const link = await createManagedLink();
    const options = await callApi({ method: "OPTIONS", path: `/links/${link.id}`, token: limited });
    const refused = await callApi({ method: "PUT", path: `/links/${link.id}`, token: limited, body: {} });
    const missing = await callApi({ method: "PUT", path: "/links/no-such-link", token: limited, body: {} });
    expect(options.status).toBe(204);
    expect(refused.status).toBe(405);
    // The same answer for a link that exists and one that does not.
    expect({ ...refused.json, requestId: "", instance: "" }).toEqual({ ...missing.json, requestId: "", instance: "" });
    for (const response of [options, refused]) expect(response.headers.get("ratelimit-limit")).toBeNull();
    expect((await db.apiToken.findUniqueOrThrow({ where: { id } })).lastUsedAt).toBeNull();
    // The one request a minute is still there, then the limit holds.
    expect((await callApi({ method: "GET", path: `/links/${link.id}`, token: limited })).status).toBe(200);
    expect((await callApi({ method: "HEAD", path: `/links/${link.id}`, token: limited })).status).toBe(429);
  });

  it("HEAD is GET without a body: a token, the scope and the owner are checked", async () => {
    const link = await createManagedLink();
    expect((await callApi({ method: "HEAD", path: `/links/${link.id}` })).status).toBe(401);
    expect((await callApi({ method: "HEAD", path: `/links/${link.id}`, token: strangerToken })).status).toBe(404);
    const { token: objectsOnly } = await createTestToken(owner.id, { scopes: ["objects:read"] });
    expect((await callApi({ method: "HEAD", path: `/links/${link.id}`, token: objectsOnly })).status).toBe(403);
    const head = await callApi({ method: "HEAD", path: `/links/${link.id}`, token });
    expect(head.status).toBe(200);
    expect(head.headers.get("etag")).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
  });
});

describe("logs", () => {
  it("no secret reaches a log line: tokens and their hashes, link passwords, link URLs and signatures, storage secrets", async () => {
    const revoked = await createTestToken(owner.id, { scopes: ["links:read"], revoked: true });
    const unknown = generateApiToken();
    const password = `pw-${randomBytes(9).toString("base64url")}`;
    const logs = captureLogs();
    let managed: ApiJsonLink;
    let direct: ApiJsonLink;
    const statuses: number[] = [];
    try {
      managed = await createManagedLink({ password, note: "logged?", allowedNetworks: ["198.51.100.0/24"] });
      const created = await callApi({
        method: "POST",
        path: "/links",
        token,
        body: { connectionId, bucket, key: KEY, expiresIn: 600 },
        headers: { "idempotency-key": `log-${h.randomSuffix()}` },
      });
      direct = created.json;
      const calls: ApiCall[] = [
        { method: "GET", path: `/links/${managed.id}`, token },
        { method: "GET", path: `/links/${direct.id}`, token },
        { method: "PATCH", path: `/links/${managed.id}`, token, body: { note: "changed" }, headers: { "if-match": '"stale"' } },
        { method: "GET", path: "/links?limit=5", token },
        { method: "GET", path: `/links/${managed.id}/events`, token },
        { method: "GET", path: `/links/${managed.id}`, token: revoked.token },
        { method: "GET", path: `/links/${managed.id}?token=${unknown}`, token: unknown },
        { method: "GET", path: `/links/${managed.id}`, headers: { authorization: `Token ${token}` } },
        { method: "POST", path: "/links", token, body: { connectionId, bucket: "no-such-bucket-here", key: KEY, type: "managed", password } },
        { method: "GET", path: `/objects?connection=${connectionId}&bucket=no-such-bucket-here`, token },
        { method: "POST", path: `/links/${managed.id}/revoke`, token },
        { method: "PUT", path: `/links/${unknown}`, token, body: {} },
      ];
      for (const call of calls) statuses.push((await callApi(call)).status);
    } finally {
      logs.stop();
    }
    expect(statuses).toEqual([200, 200, 412, 200, 200, 401, 401, 401, 404, 404, 200, 405]);
    const written = logs.lines().join("\n");
    expect(written).toContain("api.request");
    const row = await db.shareLink.findUniqueOrThrow({ where: { id: managed!.id } });
    const directUrl = new URL(direct!.url);
    const secrets = {
      token: token.slice(4),
      tokenHash: hashApiToken(token),
      revoked: revoked.token.slice(4),
      unknown: unknown.slice(4),
      password,
      passwordHash: row.passwordHash!,
      managedUrlToken: managed!.url.split("/s/")[1]!,
      directSignature: directUrl.searchParams.get("X-Amz-Signature")!,
      directUrl: direct!.url,
      storageSecret: storage.secretAccessKey,
    };
    for (const [name, secret] of Object.entries(secrets)) {
      expect(secret.length, name).toBeGreaterThan(5);
      expect(written.includes(secret), `the log holds ${name}`).toBe(false);
    }
  });
});
