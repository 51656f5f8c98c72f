/**
 * Where the bucket browser may send upload parts (the CSP's connect-src, built per document by proxy.ts):
 * the page's connection, only on the bucket browser's pages and only for who may upload there; read from
 * the real database with the person's grants as every request reads them.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { cspOriginsFor } from "@/lib/security/storage-origins";
import * as h from "../support/helpers";

const ENDPOINT = "https://uploads-storage.example:9443";
const SOURCES = [ENDPOINT, "https://*.uploads-storage.example:9443"];

let owner: SessionUser;
let stranger: SessionUser;
let uploaderId: string;
let viewerId: string;
let connectionId: string;

async function member(label: string, canUpload: boolean): Promise<string> {
  const row = await db.user.create({
    data: { name: `Member ${label}`, email: `${label}-${h.randomSuffix()}@integration.test`, passwordHash: "x", role: "member", teamId: owner.id },
  });
  await db.memberGrant.create({ data: { userId: row.id, connectionId, canBrowse: true, canShare: false, canUpload, bucket: "in", folder: "drop/" } });
  return row.id;
}

beforeAll(async () => {
  owner = await h.createTestUser("upload-csp-owner");
  stranger = await h.createTestUser("upload-csp-stranger");
  const connection = await db.storageConnection.create({
    data: { ownerId: owner.id, name: "Uploads", provider: "custom", endpoint: ENDPOINT, region: "x", accessKeyId: "k", secretAccessKeyEnc: "x" },
  });
  connectionId = connection.id;
  uploaderId = await member("uploader", true);
  viewerId = await member("viewer", false);
});

afterAll(async () => {
  await db.user.deleteMany({ where: { id: { in: [uploaderId, viewerId] } } });
  await h.deleteTestUsers(owner, stranger);
});

describe("upload sources in the CSP", () => {
  it("the Owner's bucket browser pages may reach the connection's storage; other pages may not", async () => {
    expect((await cspOriginsFor(owner.id, `/buckets/${connectionId}/any/folder`)).uploadOrigins).toEqual(SOURCES);
    expect((await cspOriginsFor(owner.id, `/buckets/${connectionId}`)).uploadOrigins).toEqual(SOURCES);
    expect((await cspOriginsFor(owner.id, "/buckets")).uploadOrigins).toEqual(SOURCES);
    const links = await cspOriginsFor(owner.id, "/links");
    expect(links.uploadOrigins).toEqual([]);
    expect(links.storageOrigins).toEqual(SOURCES);
  });

  it("a Member with Can upload, in their bucket only; without it, or outside the team, never", async () => {
    expect((await cspOriginsFor(uploaderId, `/buckets/${connectionId}/in/drop`)).uploadOrigins).toEqual(SOURCES);
    expect((await cspOriginsFor(uploaderId, `/buckets/${connectionId}/other`)).uploadOrigins).toEqual([]);
    expect((await cspOriginsFor(viewerId, `/buckets/${connectionId}/in/drop`)).uploadOrigins).toEqual([]);
    expect((await cspOriginsFor(viewerId, "/buckets")).uploadOrigins).toEqual([]);
    expect((await cspOriginsFor(stranger.id, `/buckets/${connectionId}/in/drop`)).uploadOrigins).toEqual([]);
  });
});
