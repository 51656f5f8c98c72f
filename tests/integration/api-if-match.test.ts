/**
 * If-Match on PATCH /links/{id}: the ETag is compared and the change written in one conditional
 * UPDATE (lib/links/manage.ts changeLink), so of concurrent PATCHes carrying the same ETag exactly
 * one changes the link and the others get 412.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { SessionUser } from "@/lib/auth/session";
import { callApi, createTestConnection, createTestToken, openApiDocument } from "../support/api-contract";
import * as h from "../support/helpers";
import { adminS3For, storageCases } from "../support/storages";

let owner: SessionUser;
let tokens: string[];
let linkId: string;

beforeAll(async () => {
  owner = await h.createTestUser("if-match-race");
  tokens = await Promise.all([1, 2, 3, 4].map(async () => (await createTestToken(owner.id, { scopes: ["links:read", "links:write"] })).token));
  const storage = storageCases()[0]!;
  const admin = adminS3For(storage);
  const bucket = await h.createBucket(admin, "race");
  await h.putObjects(admin, bucket, [{ key: "a.bin", body: randomBytes(10) }]);
  const connectionId = await createTestConnection(owner.id, storage);
  await openApiDocument();
  const link = await callApi({ method: "POST", path: "/links", token: tokens[0], body: { connectionId, bucket, key: "a.bin", type: "managed" } });
  linkId = link.json.id;
}, 60_000);
afterAll(() => h.deleteTestUsers(owner));

it("of concurrent PATCHes carrying the same If-Match, exactly one changes the link; the others get 412", async () => {
  for (let round = 0; round < 10; round++) {
    const etag = (await callApi({ method: "GET", path: `/links/${linkId}`, token: tokens[0] })).headers.get("etag")!;
    const statuses = (
      await Promise.all(
        tokens.map((token, i) =>
          callApi({ method: "PATCH", path: `/links/${linkId}`, token, body: { downloadLimit: 100 + round * 10 + i }, headers: { "if-match": etag } }),
        ),
      )
    ).map((r) => r.status);
    expect(
      statuses.filter((s) => s === 200),
      `round ${round}: ${statuses}`,
    ).toHaveLength(1);
  }
});
