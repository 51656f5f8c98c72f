/**
 * The API answered before Next's router (lib/boot/api-fast-path.ts, as `npm start` mounts it) reads a request as Next
 * would: the first of a repeated Authorization header (Node's req.headers), and the path and query from the request
 * target only, whatever the Host header says. Sent over a raw socket, as a client could.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "@/lib/auth/session";
import { createApiFastPath } from "@/lib/boot/api-fast-path";
import { createTestToken } from "../support/api-contract";
import * as h from "../support/helpers";
import { rawRequest, serveFastPath } from "../support/raw-http";

let served: Awaited<ReturnType<typeof serveFastPath>>;
let owner: SessionUser;
let token: string;

beforeAll(async () => {
  served = await serveFastPath(await createApiFastPath());
  owner = await h.createTestUser("api-direct");
  token = (await createTestToken(owner.id, { scopes: ["links:read"] })).token;
});
afterAll(async () => {
  await served.close();
  await h.deleteTestUsers(owner);
});

const raw = (lines: string[]) => rawRequest(served.port, lines);

describe("the API's direct answers", () => {
  it("take the first of two Authorization headers, as Next does", async () => {
    const answer = await raw(["GET /api/v1/links HTTP/1.1", "Host: localhost", `Authorization: Bearer ${token}`, "Authorization: Bearer bks_not-a-token"]);
    expect(answer.status).toBe(200);
    expect(answer.head).toContain("x-bucketshare-path: direct");
    expect(answer.head).toContain("x-content-type-options: nosniff");
  });

  it("read the path and query from the request target only: a Host header cannot add a filter", async () => {
    const plain = await raw(["GET /api/v1/links?limit=1 HTTP/1.1", "Host: localhost", `Authorization: Bearer ${token}`]);
    const tricked = await raw(["GET /api/v1/links?limit=1 HTTP/1.1", "Host: h?limit=abc#", `Authorization: Bearer ${token}`]);
    expect(plain.status).toBe(200);
    expect(tricked.status).toBe(200);
    expect(JSON.parse(tricked.body)).toEqual(JSON.parse(plain.body));
  });
});
