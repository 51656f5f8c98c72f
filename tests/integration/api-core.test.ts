/**
 * The API core (lib/api) and the storage endpoints, called through their route handlers with real
 * Requests against the real database and both local S3 servers. Every response is checked against
 * the served OpenAPI document by tests/support/api-contract.ts (status, media type, schema, headers): tokens and
 * scopes, the per-token rate limit (exact under parallel requests), 405, CORS staying off, request
 * ids in responses and log lines with no token in any log line, and listing connections, buckets
 * and objects (prefix, cursor pages) with 404/400 naming the field at fault, 504 for a silent server.
 */
import { fileURLToPath } from "node:url";
import type { S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "@/lib/auth/session";
import { problemSchema, problemTypeUri, type ProblemType } from "@/lib/api/problem";
import { generateApiToken } from "@/lib/api/tokens";
import { db } from "@/lib/db/client";
import { STORAGE_DEADLINE_MS } from "@/lib/storage/deadline";
import { startHangingServer, type HangingServer } from "../support/hanging-storage";
import {
  apiRouteFiles,
  assertValidOpenApi31,
  callApi,
  captureLogs,
  createOwnerWithConnection,
  createTestConnection,
  createTestToken,
  documentedResponse,
  openApiDocument,
  type ApiResponse,
} from "../support/api-contract";
import * as h from "../support/helpers";
import { adminS3For, storageCases } from "../support/storages";

const CHALLENGE = 'Bearer realm="bucketshare"';
const { services } = h;

let owner: SessionUser;
let stranger: SessionUser;
let swiftConnectionId: string;
let strangerConnectionId: string;
let readToken: string;
let silent: HangingServer;
/** The silent server's 504 is awaited in the last test: it takes the storage deadline, so it runs meanwhile. */
let silentCall: Promise<{ ms: number; response?: ApiResponse; error?: unknown }>;

function expectProblem(response: ApiResponse, status: number, type: ProblemType): void {
  expect(response.status, JSON.stringify(response.json)).toBe(status);
  expect(response.json.type).toBe(problemTypeUri(type));
}

beforeAll(async () => {
  silent = await startHangingServer("silent");
  ({ owner, connectionId: swiftConnectionId } = await createOwnerWithConnection("api-core", services.s3, { name: "Swift" }));
  ({ owner: stranger, connectionId: strangerConnectionId } = await createOwnerWithConnection("api-core-stranger", services.s3, { name: "Stranger's" }));
  readToken = (await createTestToken(owner.id, { scopes: ["objects:read"] })).token;
  const silentId = await createTestConnection(
    owner.id,
    { endpoint: silent.endpoint, region: "us-east-1", accessKeyId: "AKIASILENT", secretAccessKey: "silent-secret" },
    { name: "Silent" },
  );
  // Load the document and the route first, so that the time measured is the handler's.
  await openApiDocument();
  expect((await callApi({ method: "GET", path: `/connections/${silentId}/buckets` })).status).toBe(401);
  const started = performance.now();
  silentCall = callApi({ method: "GET", path: `/connections/${silentId}/buckets`, token: readToken }).then(
    (response) => ({ ms: performance.now() - started, response }),
    (error: unknown) => ({ ms: performance.now() - started, error }),
  );
}, 60_000);

afterAll(async () => {
  await silentCall;
  await h.deleteTestUsers(owner, stranger);
  await silent?.close();
});

describe("the document", () => {
  it("is a valid OpenAPI 3.1 document naming exactly the routes under app/api/v1", async () => {
    const document = await openApiDocument();
    await assertValidOpenApi31(document);
    expect(document.openapi).toMatch(/^3\.1\./);
    const served = apiRouteFiles()
      .map((r) => r.template)
      .filter((t) => t !== "/openapi.json")
      .sort();
    expect(served).toEqual(Object.keys(document.paths).sort());
  });

  it("a path no operation serves answers 404 problem+json, not the app's HTML page", async () => {
    const catchAll = (await import("@/app/api/v1/[[...path]]/route")) as Record<string, (request: Request) => Response>;
    for (const method of ["GET", "POST", "PATCH", "PUT", "DELETE"]) {
      const response = await catchAll[method]!(new Request("http://127.0.0.1:3000/api/v1/link", { method }));
      expect(response.status).toBe(404);
      expect(response.headers.get("content-type")).toBe("application/problem+json");
      const body = problemSchema.parse(await response.json());
      expect(body).toMatchObject({ type: problemTypeUri("not-found"), status: 404, instance: "/api/v1/link", requestId: response.headers.get("x-request-id") });
      expect(body.detail).toMatch(/openapi\.json/);
    }
  });

  it("every method a path does not document answers 405 naming the documented ones in Allow", async () => {
    const document = await openApiDocument();
    let refused = 0;
    for (const template of Object.keys(document.paths)) {
      const path = template.replace(/\{[^}]+\}/g, "some-id");
      for (const method of ["GET", "POST", "PATCH", "PUT", "DELETE"]) {
        if (document.paths[template]![method.toLowerCase()]) continue;
        // No token: the method is refused before anything else (the harness checks Allow and the problem).
        const response = await callApi({ method, path, body: method === "GET" ? undefined : {} });
        expectProblem(response, 405, "method-not-allowed");
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(0);
  });
});

describe("the contract harness", () => {
  const url = "http://127.0.0.1:3000/api/v1/connections";
  const connection = {
    id: "c1",
    name: "One",
    provider: "custom",
    endpoint: "http://s3.test",
    region: "us-east-1",
    temporaryCredentialsExpireAt: null,
    healthChecksPerSecond: 5,
  };
  const reply = (status: number, body: unknown, headers: Record<string, string> = {}) =>
    new Response(typeof body === "string" ? body : JSON.stringify(body), {
      status,
      headers: {
        "Content-Type": "application/json",
        "X-Request-Id": "r-1",
        "RateLimit-Limit": "600",
        "RateLimit-Remaining": "599",
        "RateLimit-Reset": "60",
        ...headers,
      },
    });
  const problem = (status: number, overrides: Record<string, unknown> = {}) => ({
    type: problemTypeUri("not-found"),
    title: "Not found",
    status,
    detail: "x",
    instance: "/api/v1/connections",
    requestId: "r-1",
    ...overrides,
  });

  it("accepts the documented response and refuses each way of departing from the document", async () => {
    await expect(documentedResponse("GET", url, reply(200, { connections: [connection] }))).resolves.toMatchObject({ status: 200 });
    const refusals: [Response, RegExp][] = [
      [reply(418, { connections: [] }), /status 418 is not documented for GET \/connections \(documented: 200, 401, 403, 429, 500, 503\)/],
      [reply(200, { connections: [] }, { "X-Request-Id": "" }), /no X-Request-Id header/],
      [reply(200, { connections: [], more: true }), /body: must NOT have additional properties \{"additionalProperty":"more"\}/],
      [
        reply(200, { connections: [{ ...connection, temporaryCredentialsExpireAt: "tomorrow" }] }),
        /body\/connections\/0\/temporaryCredentialsExpireAt: must match format "date-time"/,
      ],
      [reply(200, { connections: [{ ...connection, region: undefined }] }), /body\/connections\/0: must have required property 'region'/],
      [reply(200, "connections", { "Content-Type": "text/plain" }), /Content-Type text\/plain is not documented for 200/],
      [reply(200, "{", {}), /not valid JSON/],
      [reply(200, { connections: [] }, { ETag: '"x"' }), /sends etag, which the document does not list for 200/],
      [
        reply(401, problem(400, { type: problemTypeUri("unauthorized") }), { "Content-Type": "application/problem+json" }),
        /problem.status is 400, the response's status 401/,
      ],
      [reply(401, problem(401, { requestId: "r-2" }), { "Content-Type": "application/problem+json" }), /problem.requestId r-2 differs from X-Request-Id r-1/],
      [
        reply(401, problem(401, { type: "about:blank" }), { "Content-Type": "application/problem+json" }),
        /body\/type: must be equal to one of the allowed values/,
      ],
    ];
    for (const [response, message] of refusals) await expect(documentedResponse("GET", url, response)).rejects.toThrow(message);
    await expect(
      documentedResponse(
        "DELETE",
        url,
        reply(405, problem(405, { type: problemTypeUri("method-not-allowed") }), { "Content-Type": "application/problem+json", Allow: "GET, DELETE" }),
      ),
    ).rejects.toThrow(/Allow is "DELETE, GET", the document lists GET/);
    await expect(documentedResponse("GET", "http://127.0.0.1:3000/api/v1/nothing-here", reply(200, {}))).rejects.toThrow(
      /No app\/api\/v1\/\*\*\/route.ts serves/,
    );
  });
});

describe("authentication", () => {
  const get = (headers: Record<string, string>) => callApi({ method: "GET", path: "/connections", headers });

  it("refuses a request without a token: 401 with the Bearer challenge and how to get a token", async () => {
    const response = await callApi({ method: "GET", path: "/connections" });
    expectProblem(response, 401, "unauthorized");
    expect(response.headers.get("www-authenticate")).toBe(CHALLENGE);
    expect(response.json.detail).toContain("Authorization: Bearer");
    expect(response.json.detail).toContain("Settings → API tokens");
    expect(response.headers.get("cache-control")).toBe("no-store");
  });

  it.each([
    ["another scheme", `Basic ${Buffer.from("a:b").toString("base64")}`],
    ["Bearer without a token", "Bearer"],
    ["two tokens", `Bearer ${generateApiToken()} ${generateApiToken()}`],
    ["the token alone", generateApiToken()],
  ])("refuses a malformed Authorization header (%s): 401 invalid_token", async (_label, authorization) => {
    const response = await get({ authorization });
    expectProblem(response, 401, "unauthorized");
    expect(response.headers.get("www-authenticate")).toBe(`${CHALLENGE}, error="invalid_token"`);
  });

  it("refuses unknown, malformed, revoked and expired tokens alike, without using them", async () => {
    const revoked = await createTestToken(owner.id, { scopes: ["objects:read"], revoked: true });
    const expired = await createTestToken(owner.id, { scopes: ["objects:read"], expiresAt: new Date(Date.now() - 1_000) });
    const details = new Set<string>();
    for (const token of [generateApiToken(), "bks_short", `${readToken}x`, revoked.token, expired.token]) {
      const response = await callApi({ method: "GET", path: "/connections", token });
      expectProblem(response, 401, "unauthorized");
      expect(response.headers.get("www-authenticate")).toBe(`${CHALLENGE}, error="invalid_token"`);
      expect(response.headers.get("ratelimit-limit")).toBeNull();
      details.add(response.json.detail);
    }
    expect([...details]).toEqual(["This token is unknown, revoked or expired. Create a new one in Settings → API tokens."]);
    const rows = await db.apiToken.findMany({ where: { id: { in: [revoked.id, expired.id] } }, select: { lastUsedAt: true, windowCount: true } });
    expect(rows).toEqual([
      { lastUsedAt: null, windowCount: 0 },
      { lastUsedAt: null, windowCount: 0 },
    ]);
  });

  it("refuses a token without the operation's scope: 403 naming the scope", async () => {
    const { token } = await createTestToken(owner.id, { scopes: ["links:read", "links:write"] });
    const response = await callApi({ method: "GET", path: "/connections", token });
    expectProblem(response, 403, "insufficient-scope");
    expect(response.json.detail).toContain("objects:read");
    expect(response.headers.get("www-authenticate")).toBe(`${CHALLENGE}, error="insufficient_scope", scope="objects:read"`);
  });

  it("records when a token was last used", async () => {
    const { token, id } = await createTestToken(owner.id, { scopes: ["objects:read"] });
    expect((await db.apiToken.findUniqueOrThrow({ where: { id } })).lastUsedAt).toBeNull();
    const before = Date.now();
    expect((await callApi({ method: "GET", path: "/connections", token })).status).toBe(200);
    const used = (await db.apiToken.findUniqueOrThrow({ where: { id } })).lastUsedAt;
    expect(used?.getTime()).toBeGreaterThanOrEqual(before - 1_000);
    expect(used?.getTime()).toBeLessThanOrEqual(Date.now() + 1_000);
  });
});

describe("the per-token rate limit", () => {
  it("lets 5 requests a minute through a token limited to 5, then answers 429 with Retry-After", async () => {
    const { token } = await createTestToken(owner.id, { scopes: ["objects:read"], rateLimit: 5 });
    for (let i = 1; i <= 5; i++) {
      const response = await callApi({ method: "GET", path: "/connections", token });
      expect(response.status).toBe(200);
      expect(response.headers.get("ratelimit-limit")).toBe("5");
      expect(response.headers.get("ratelimit-remaining")).toBe(String(5 - i));
      expect(Number(response.headers.get("ratelimit-reset"))).toBeGreaterThanOrEqual(1);
    }
    const refused = await callApi({ method: "GET", path: "/connections", token });
    expectProblem(refused, 429, "rate-limited");
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.headers.get("ratelimit-limit")).toBe("5");
    expect(refused.headers.get("ratelimit-remaining")).toBe("0");
    expect(refused.headers.get("ratelimit-reset")).toBe(String(retryAfter));
    expect(refused.json.detail).toContain("5 requests a minute");
  });

  it("counts parallel requests exactly: of 30 at once with a limit of 10, 10 succeed", async () => {
    const { token, id } = await createTestToken(owner.id, { scopes: ["objects:read"], rateLimit: 10 });
    const responses = await Promise.all(Array.from({ length: 30 }, () => callApi({ method: "GET", path: "/connections", token })));
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(20);
    const remaining = responses.filter((r) => r.status === 200).map((r) => Number(r.headers.get("ratelimit-remaining")));
    expect(remaining.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect((await db.apiToken.findUniqueOrThrow({ where: { id } })).windowCount).toBe(30);
  });

  it("limits each token on its own", async () => {
    const spent = await createTestToken(owner.id, { scopes: ["objects:read"], rateLimit: 1 });
    const fresh = await createTestToken(owner.id, { scopes: ["objects:read"], rateLimit: 1 });
    expect((await callApi({ method: "GET", path: "/connections", token: spent.token })).status).toBe(200);
    expect((await callApi({ method: "GET", path: "/connections", token: spent.token })).status).toBe(429);
    expect((await callApi({ method: "GET", path: "/connections", token: fresh.token })).status).toBe(200);
  });
});

describe("request bodies", () => {
  let writeToken: string;
  beforeAll(async () => {
    writeToken = (await createTestToken(owner.id, { scopes: ["links:write"] })).token;
  });
  const post = (init: { rawBody?: string | Uint8Array | ReadableStream<Uint8Array>; headers?: Record<string, string> }) =>
    callApi({ method: "POST", path: "/links", token: writeToken, ...init });
  /** A JSON document of exactly `bytes` bytes. */
  const jsonOfSize = (bytes: number) => {
    const text = JSON.stringify({ pad: "x".repeat(bytes - 10) });
    expect(Buffer.byteLength(text)).toBe(bytes);
    return text;
  };

  it("refuses a body that is not sent as JSON with 415, storing nothing", async () => {
    const body = JSON.stringify({ connectionId: swiftConnectionId, bucket: "b", key: "k", type: "direct" });
    const refused: { rawBody: string | Uint8Array; headers?: Record<string, string> }[] = [
      { rawBody: body, headers: { "content-type": "text/plain" } },
      { rawBody: body, headers: { "content-type": "application/x-www-form-urlencoded" } },
      { rawBody: new TextEncoder().encode(body) }, // bytes: no Content-Type at all
    ];
    for (const init of refused) {
      const response = await post(init);
      expectProblem(response, 415, "unsupported-media-type");
      expect(response.json.detail).toContain("application/json");
    }
    expect((await post({ rawBody: body, headers: { "content-type": "application/json; charset=utf-8" } })).status).not.toBe(415);
    expect(await db.shareLink.count({ where: { ownerId: owner.id } })).toBe(0);
  });

  it("refuses a body over 64 KiB with 413, whether its length is declared or streamed", async () => {
    const json = { "content-type": "application/json" };
    expect((await post({ rawBody: jsonOfSize(64 * 1024), headers: json })).status).toBe(400); // at the limit: read, then refused as invalid
    const over = jsonOfSize(64 * 1024 + 1);
    expectProblem(await post({ rawBody: over, headers: json }), 413, "payload-too-large");
    expectProblem(await post({ rawBody: over, headers: { ...json, "content-length": String(over.length) } }), 413, "payload-too-large");
    const chunks = Array.from({ length: 20 }, () => new TextEncoder().encode("x".repeat(4096)));
    const stream = new ReadableStream<Uint8Array>({ pull: (controller) => (chunks.length ? controller.enqueue(chunks.shift()!) : controller.close()) });
    const streamed = await post({ rawBody: stream, headers: json });
    expectProblem(streamed, 413, "payload-too-large");
    expect(streamed.json.detail).toContain("64 KiB");
    expect(chunks.length).toBeGreaterThan(0); // it stopped reading
    expect(await db.shareLink.count({ where: { ownerId: owner.id } })).toBe(0);
  });

  it("refuses malformed JSON with 400 malformed-json", async () => {
    for (const rawBody of ["{", "", "{'type': 'direct'}"]) {
      const response = await post({ rawBody, headers: { "content-type": "application/json" } });
      expectProblem(response, 400, "malformed-json");
      expect(response.json.errors).toEqual([{ in: "body", field: "", message: expect.any(String) }]);
    }
  });
});

describe("CORS stays off", () => {
  const origin = "https://elsewhere.example";

  function expectNoCors(response: ApiResponse): void {
    const cors = [...response.headers.keys()].filter((name) => name.toLowerCase().startsWith("access-control-"));
    expect(cors).toEqual([]);
  }

  it("a preflight gets no Access-Control-Allow-* headers", async () => {
    const response = await callApi({
      method: "OPTIONS",
      path: "/connections",
      headers: { origin, "access-control-request-method": "GET", "access-control-request-headers": "authorization" },
    });
    expect(response.status).toBe(204);
    expectNoCors(response);
  });

  it("a request from another origin is answered without Access-Control-Allow-* headers", async () => {
    const response = await callApi({ method: "GET", path: "/connections", token: readToken, headers: { origin } });
    expect(response.status).toBe(200);
    expectNoCors(response);
    const refused = await callApi({ method: "GET", path: "/connections", headers: { origin } });
    expect(refused.status).toBe(401);
    expectNoCors(refused);
  });

  it("next.config adds no Access-Control-* header to any path", async () => {
    const file = fileURLToPath(new URL("../../next.config.js", import.meta.url));
    const { default: config } = (await import(/* @vite-ignore */ file)) as { default: { headers?: () => Promise<{ headers: { key: string }[] }[]> } };
    const rules = (await config.headers?.()) ?? [];
    expect(rules.flatMap((rule) => rule.headers.map((header) => header.key.toLowerCase())).filter((key) => key.startsWith("access-control-"))).toEqual([]);
  });
});

describe("request ids and logs", () => {
  it("every response carries its own X-Request-Id, logged with the request, and no token reaches a log line", async () => {
    const { token: scoped } = await createTestToken(owner.id, { scopes: ["links:read"] });
    const unknown = generateApiToken();
    const logs = captureLogs();
    let responses: ApiResponse[];
    try {
      responses = [
        await callApi({ method: "GET", path: "/connections", token: readToken }),
        await callApi({ method: "GET", path: "/connections", token: unknown }),
        await callApi({ method: "GET", path: "/connections", headers: { authorization: `Basic ${readToken}` } }),
        await callApi({ method: "GET", path: "/connections", token: scoped }),
        await callApi({ method: "GET", path: `/objects?connection=${swiftConnectionId}&bucket=nothing&token=${readToken}`, token: readToken }),
        await callApi({ method: "GET", path: `/connections/${strangerConnectionId}/buckets`, token: readToken }),
      ];
    } finally {
      logs.stop();
    }
    expect(responses.map((r) => r.status)).toEqual([200, 401, 401, 403, 400, 404]);
    const ids = responses.map((r) => r.headers.get("x-request-id"));
    for (const id of ids) expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Set(ids).size).toBe(ids.length);

    const requests = logs.entries().filter((entry) => entry.event === "api.request");
    for (const [i, response] of responses.entries()) {
      const line = requests.find((entry) => entry.requestId === ids[i]);
      expect(line, `no api.request log line for request ${i}`).toMatchObject({ level: "info", method: "GET", status: response.status });
    }
    expect(requests.find((entry) => entry.requestId === ids[0])).toMatchObject({
      path: "/api/v1/connections",
      operation: "listConnections",
      client: expect.any(String),
    });

    const written = logs.lines().join("\n");
    for (const secret of [readToken, scoped, unknown]) {
      expect(written).not.toContain(secret.slice(4));
    }
  });
});

describe("storage endpoints", () => {
  it("lists the owner's connections only", async () => {
    const response = await callApi({ method: "GET", path: "/connections", token: readToken });
    expect(response.status).toBe(200);
    const byName = new Map<string, { id: string }>(response.json.connections.map((c: { name: string; id: string }) => [c.name, c]));
    expect([...byName.keys()].sort()).toEqual(["Silent", "Swift"]);
    expect(byName.get("Swift")).toEqual({
      id: swiftConnectionId,
      name: "Swift",
      provider: "custom",
      endpoint: services.s3.endpoint,
      region: services.s3.region,
      temporaryCredentialsExpireAt: null,
      healthChecksPerSecond: 5,
    });
    expect(response.json.connections.map((c: { id: string }) => c.id)).not.toContain(strangerConnectionId);
  });

  it("answers 404 for another owner's connection, naming the field", async () => {
    const buckets = await callApi({ method: "GET", path: `/connections/${strangerConnectionId}/buckets`, token: readToken });
    expectProblem(buckets, 404, "not-found");
    expect(buckets.json.errors).toEqual([{ in: "path", field: "id", message: expect.any(String) }]);
    const objects = await callApi({ method: "GET", path: `/objects?connection=${strangerConnectionId}&bucket=anything`, token: readToken });
    expectProblem(objects, 404, "not-found");
    expect(objects.json.errors).toEqual([{ in: "query", field: "connection", message: expect.any(String) }]);
  });

  it("refuses unknown and missing query parameters with 400 naming each", async () => {
    const unknown = await callApi({ method: "GET", path: `/objects?connection=${swiftConnectionId}&bucket=b&colour=blue&sort=size`, token: readToken });
    expectProblem(unknown, 400, "invalid-request");
    expect(unknown.json.errors.map((e: { in: string; field: string }) => `${e.in}:${e.field}`).sort()).toEqual(["query:colour", "query:sort"]);
    expect(unknown.json.detail).toContain("colour");

    const missing = await callApi({ method: "GET", path: `/objects?connection=${swiftConnectionId}`, token: readToken });
    expectProblem(missing, 400, "invalid-request");
    expect(missing.json.errors).toEqual([{ in: "query", field: "bucket", message: expect.any(String) }]);

    const limit = await callApi({ method: "GET", path: `/objects?connection=${swiftConnectionId}&bucket=b&limit=0`, token: readToken });
    expectProblem(limit, 400, "invalid-request");
    expect(limit.json.errors).toEqual([{ in: "query", field: "limit", message: expect.any(String) }]);
  });

  describe.each(storageCases())("on $name", (storage) => {
    let admin: S3Client;
    let bucket: string;
    let connectionId: string;
    let token: string;
    let storageOwner: SessionUser;

    beforeAll(async () => {
      admin = adminS3For(storage);
      bucket = await h.createBucket(admin, "api");
      const body = (text: string) => Buffer.from(text);
      await h.putObjects(admin, bucket, [
        { key: "a.txt", body: body("alpha"), contentType: "text/plain" },
        { key: "b.bin", body: body("bravo!") },
        ...["one", "two", "three", "four", "five"].map((n) => ({ key: `docs/${n}.txt`, body: body(n) })),
        { key: "docs/deep/x.txt", body: body("x") },
        { key: "docs/more/y.txt", body: body("y") },
      ]);
      ({ owner: storageOwner, connectionId } = await createOwnerWithConnection(`api-${storage.name}`, storage));
      token = (await createTestToken(storageOwner.id, { scopes: ["objects:read"] })).token;
    });
    afterAll(async () => {
      admin?.destroy();
      await h.deleteTestUsers(storageOwner);
    });

    const list = (query: Record<string, string>) =>
      callApi({ method: "GET", path: `/objects?${new URLSearchParams({ connection: connectionId, bucket, ...query })}`, token });

    it("lists the connection's buckets", async () => {
      const response = await callApi({ method: "GET", path: `/connections/${connectionId}/buckets`, token });
      expect(response.status).toBe(200);
      expect(response.json.buckets).toContainEqual({ name: bucket, createdAt: expect.any(String) });
    });

    it("lists a folder: sub-folders and the objects directly inside", async () => {
      const top = await list({});
      expect(top.status).toBe(200);
      expect(top.json).toMatchObject({ prefix: "", folders: [{ prefix: "docs/" }], nextCursor: null });
      expect(top.json.objects.map((o: { key: string; size: number }) => [o.key, o.size])).toEqual([
        ["a.txt", 5],
        ["b.bin", 6],
      ]);
      expect(top.json.objects[0]).toEqual({
        key: "a.txt",
        size: 5,
        lastModified: expect.any(String),
        etag: expect.any(String),
        storageClass: expect.toBeOneOf([expect.any(String), null]),
      });
    });

    it("pages through a folder with the cursor", async () => {
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await list({ prefix: "docs/", limit: "3", ...(cursor ? { cursor } : {}) });
        expect(page.status).toBe(200);
        expect(page.json.prefix).toBe("docs/");
        const entries = [...page.json.folders.map((f: { prefix: string }) => f.prefix), ...page.json.objects.map((o: { key: string }) => o.key)];
        expect(entries.length).toBeLessThanOrEqual(3);
        seen.push(...entries);
        cursor = page.json.nextCursor ?? undefined;
        pages++;
      } while (cursor && pages < 10);
      expect(pages).toBeGreaterThanOrEqual(3);
      expect(seen.sort()).toEqual(["docs/deep/", "docs/five.txt", "docs/four.txt", "docs/more/", "docs/one.txt", "docs/three.txt", "docs/two.txt"]);
    });

    it("answers 404 naming `bucket` for a bucket that does not exist", async () => {
      const response = await callApi({ method: "GET", path: `/objects?connection=${connectionId}&bucket=no-such-bucket-${h.randomSuffix()}`, token });
      expectProblem(response, 404, "not-found");
      expect(response.json.errors).toEqual([{ in: "query", field: "bucket", message: expect.any(String) }]);
    });
  });

  it(`answers 504 within the storage deadline (${STORAGE_DEADLINE_MS / 1000} s) when the storage says nothing`, async () => {
    const { ms, response, error } = await silentCall;
    expect(error).toBeUndefined();
    expectProblem(response!, 504, "storage-timeout");
    expect(response!.headers.get("retry-after")).toBe("5");
    expect(ms).toBeGreaterThanOrEqual(STORAGE_DEADLINE_MS - 500);
    expect(ms).toBeLessThan(STORAGE_DEADLINE_MS + 3_000);
  });
});
