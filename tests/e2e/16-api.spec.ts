import { randomBytes, randomUUID } from "node:crypto";
import { request as playwrightRequest, type APIResponse } from "@playwright/test";
import { documentedApiContext } from "../support/documented-api";
import { createApiTokenInUi } from "../support/api-tokens";
import { ensureConnection, ensureSignedIn, expect, test } from "../support/fixtures";

// The API guide's curl walkthrough (docs/api.md), against the production server: a token made in Settings → "API
// tokens" in Chromium, then plain HTTP (Playwright's APIRequestContext, as curl would): list the
// bucket, create a one-time managed link, download it (exact bytes), be refused the second time,
// read the link's count, revoke it; the recipient's page refuses it and the history lists it.
// Every API response is checked against the document the server serves (./api-contract.ts).

const BUCKET = "e2e-api";
const KEY = "reports/api report 2026.pdf";
const CONNECTION = "Local Swift";
const CURL = { "user-agent": "curl/8.5.0" };

type Json = Record<string, unknown>;

async function json(response: APIResponse, status: number): Promise<Json> {
  expect(response.status(), await response.text()).toBe(status);
  expect(response.headers()["content-type"]).toMatch(/^application\/json/);
  expect(response.headers()["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
  // `npm start` answers the API's operations before Next's router (lib/boot/api-fast-path.ts).
  expect(response.headers()["x-bucketshare-path"]).toBe("direct");
  return (await response.json()) as Json;
}

test("the API guide's walkthrough: a token from Settings lists objects, creates a one-time managed link, reads and revokes it", async ({
  page,
  storage,
  baseURL,
  browser,
}) => {
  test.setTimeout(120_000);
  const bytes = randomBytes(48 * 1024 + 7);
  await storage.bucket(BUCKET);
  await storage.put(BUCKET, KEY, bytes, "application/pdf");

  await ensureSignedIn(page);
  await ensureConnection(page, storage, CONNECTION);
  const token = await createApiTokenInUi(page, { name: `API guide walkthrough ${Date.now()}`, scopes: ["objects:read", "links:read", "links:write"] });

  const api = await documentedApiContext(baseURL, {
    baseURL: `${baseURL}/api/v1/`,
    extraHTTPHeaders: { authorization: `Bearer ${token}`, ...CURL },
  });
  // The recipient has no token, only the link.
  const recipientHttp = await playwrightRequest.newContext({ extraHTTPHeaders: CURL });
  let linkUrl = "";
  try {
    // Which connection, then what is in the bucket.
    const { connections } = (await json(await api.get("connections"), 200)) as { connections: { id: string; name: string }[] };
    const connection = connections.find((c) => c.name === CONNECTION);
    expect(connection, JSON.stringify(connections)).toBeDefined();
    const listing = await json(await api.get("objects", { params: { connection: connection!.id, bucket: BUCKET, prefix: "reports/" } }), 200);
    expect(listing.prefix).toBe("reports/");
    expect(listing.objects).toEqual([expect.objectContaining({ key: KEY, size: bytes.length })]);
    expect(listing.nextCursor).toBeNull();

    // A managed one-time link (retried with the same Idempotency-Key: the same link, nothing duplicated).
    const idempotencyKey = randomUUID();
    const create = () =>
      api.post("links", {
        headers: { "Idempotency-Key": idempotencyKey },
        data: {
          connectionId: connection!.id,
          bucket: BUCKET,
          key: KEY,
          type: "managed",
          expiresIn: 7 * 24 * 3600,
          downloadLimit: 1,
          disposition: "attachment",
        },
      });
    const createdResponse = await create();
    const link = (await json(createdResponse, 201)) as { id: string; url: string; type: string; downloadLimit: number; downloadCount: number; status: string };
    expect(link).toMatchObject({ type: "managed", downloadLimit: 1, downloadCount: 0, status: "active" });
    expect(link.url).toMatch(new RegExp(`^${baseURL}/s/[A-Za-z0-9_-]{32}$`));
    linkUrl = link.url;
    expect(createdResponse.headers().location).toMatch(new RegExp(`/api/v1/links/${link.id}$`));
    const replay = await create();
    expect(await json(replay, 201)).toEqual(link);
    expect(replay.headers()["idempotent-replayed"]).toBe("true");

    // The recipient's download (curl -L): exactly the object's bytes; the second one is refused.
    // A link with a download limit counts only on POST (the page's Download button; `curl -L -d ''`).
    const download = await recipientHttp.post(`${link.url}/download`);
    expect(download.status()).toBe(200);
    expect(Buffer.from(await download.body()).equals(bytes)).toBe(true);
    const again = await recipientHttp.post(`${link.url}/download`, { maxRedirects: 0 });
    expect(again.status()).toBe(410);

    // The owner reads the count (with an ETag that answers 304 while nothing changes), then revokes.
    const readResponse = await api.get(`links/${link.id}`);
    const read = await json(readResponse, 200);
    expect(read).toMatchObject({ id: link.id, url: link.url, downloadCount: 1, downloadLimit: 1 });
    const etag = readResponse.headers().etag;
    expect(etag).toBeTruthy();
    expect((await api.get(`links/${link.id}`, { headers: { "If-None-Match": etag! } })).status()).toBe(304);

    const revoked = await json(await api.post(`links/${link.id}/revoke`), 200);
    expect(revoked).toMatchObject({ id: link.id, status: "revoked" });
    expect(revoked.revokedAt).toEqual(expect.any(String));
    expect(await json(await api.get(`links/${link.id}`), 200)).toMatchObject({ status: "revoked", downloadCount: 1 });
  } finally {
    await api.dispose();
    await recipientHttp.dispose();
  }

  // The recipient's page refuses the revoked link.
  const recipientContext = await browser.newContext();
  const recipient = await recipientContext.newPage();
  const linkPage = await recipient.goto(linkUrl);
  expect(linkPage?.status()).toBe(410);
  await expect(recipient.getByRole("heading", { name: "This link was revoked", level: 1 })).toBeVisible();
  await recipientContext.close();

  // The history lists it like any other link.
  await page.goto("/links?status=revoked");
  const row = page.getByRole("row").filter({ hasText: KEY });
  await expect(row).toHaveCount(1);
  await expect(row.getByRole("link", { name: `Managed: details of the link to ${KEY}` })).toBeVisible();
  await expect(row.getByRole("cell", { name: /^1 \/ 1/ })).toBeVisible();
});

test("the OpenAPI document is served over HTTP, and a cross-origin preflight gets no CORS headers", async ({ baseURL }) => {
  const http = await documentedApiContext(baseURL, { baseURL });
  try {
    const served = await http.get("/api/v1/openapi.json");
    expect(served.status()).toBe(200);
    expect(served.headers()["content-type"]).toMatch(/^application\/json/);
    const document = (await served.json()) as { openapi: string; info: { title: string }; servers: { url: string }[]; paths: Record<string, unknown> };
    expect(document.openapi).toBe("3.1.0");
    expect(document.info.title).toBe("Bucketshare API");
    expect(document.servers).toEqual([{ url: `${baseURL}/api/v1` }]);
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(["/connections", "/objects", "/links", "/links/{id}", "/links/{id}/revoke", "/links/{id}/events"]),
    );

    // A web page elsewhere asking to POST a link: no Access-Control-Allow-Origin, so its browser refuses.
    const origin = "https://elsewhere.example";
    const preflight = await http.fetch("/api/v1/links", {
      method: "OPTIONS",
      headers: { Origin: origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization, content-type" },
    });
    expect(preflight.status()).toBeLessThan(500);
    expect(preflight.headers()["access-control-allow-origin"]).toBeUndefined();
    expect(preflight.headers()["access-control-allow-credentials"]).toBeUndefined();
    expect(preflight.headers()["access-control-allow-headers"]).toBeUndefined();
    // Nor on a plain cross-origin request (a 401 here: no token).
    const simple = await http.get("/api/v1/links", { headers: { Origin: origin } });
    expect(simple.status()).toBe(401);
    expect(simple.headers()["access-control-allow-origin"]).toBeUndefined();
    expect(simple.headers()["content-type"]).toMatch(/^application\/problem\+json/);

    // What the document does not describe fails the call (here the 404 for a path the API lacks).
    await expect(http.get("/api/v1/no-such-endpoint")).rejects.toThrow(
      /The served document has no path for GET \/api\/v1\/no-such-endpoint, which answered 404/,
    );
    // …and that 404 is a problem like every API answer, not the app's HTML page.
    const unknown = await fetch(`${baseURL}/api/v1/no-such-endpoint`);
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get("content-type")).toBe("application/problem+json");
    expect(await unknown.json()).toMatchObject({ type: "urn:bucketshare:problem:not-found", status: 404, instance: "/api/v1/no-such-endpoint" });
  } finally {
    await http.dispose();
  }
});
