/**
 * Grants per connection, enforced (issue 16, item 3): a Member with a folder grant lists, filters,
 * opens and shares only inside their folder, through the pages, the server actions and the API
 * (a token's rights are its scopes ∩ its person's rights now); a Member without a grant finds
 * nothing; a grant's link types and longest expiry end in field errors, and nothing is stored.
 * Real PostgreSQL and each local S3 server; only who is signed in is stood in for.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { ReactElement } from "react";
import type { SessionUser } from "@/lib/auth/session";
import { createFilesShareAction } from "@/lib/actions/create-files-share";
import { createShareLinkAction } from "@/lib/actions/create-share-link";
import { deleteConnectionAction } from "@/lib/actions/delete-connection";
import { scanFilesShareAction } from "@/lib/actions/scan-files-share";
import { db } from "@/lib/db/client";
import type { FolderPage, Loaded } from "@/lib/storage/listing";
import { listConnections, openConnection } from "@/lib/storage/connections";
import FolderRoute from "@/app/(app)/buckets/[connectionId]/[bucket]/[[...prefix]]/page";
import { callApi, createTestConnection, createTestToken } from "../support/api-contract";
import { session } from "../support/request-context";
import * as h from "../support/helpers";
import { adminS3For, storageCases, type TestStorage } from "../support/storages";

vi.mock("@/lib/auth/session", async () => (await import("../support/request-context")).sessionModule);

const THIRTY_DAYS = 30 * 86_400;

/** A Member of the owner's team, as the session gives them (grants read from the database as on every request). */
async function createMember(
  owner: SessionUser,
  label: string,
  grants: { connectionId: string; canShare?: boolean; bucket?: string; folder?: string; linkTypes?: string; longest?: number | null }[],
) {
  const row = await db.user.create({
    data: {
      name: `Member ${label}`,
      email: `${label}-${h.randomSuffix()}@integration.test`,
      passwordHash: "not-a-real-hash",
      role: "member",
      teamId: owner.id,
    },
    select: { id: true, name: true, email: true },
  });
  for (const g of grants) {
    await db.memberGrant.create({
      data: {
        userId: row.id,
        connectionId: g.connectionId,
        canBrowse: true,
        canShare: g.canShare ?? true,
        bucket: g.bucket ?? null,
        folder: g.folder ?? "",
        linkTypes: g.linkTypes ?? "both",
        longestExpirySeconds: g.longest ?? null,
      },
    });
  }
  const { loadActor } = await import("@/lib/auth/actor");
  const actor = await loadActor(row.id);
  return { ...actor!, name: row.name, email: row.email } satisfies SessionUser;
}

/** The folder page as Next renders it for the signed-in person: its listing, or "not found". */
async function folderPage(connectionId: string, bucket: string, prefix: string[], search: Record<string, string> = {}) {
  try {
    const tree = (await FolderRoute({ params: Promise.resolve({ connectionId, bucket, prefix }), searchParams: Promise.resolve(search) })) as ReactElement;
    return { notFound: false as const, listing: await listingOf(tree) };
  } catch (error) {
    if (error instanceof Error && error.message === "NEXT_NOT_FOUND") return { notFound: true as const };
    throw error;
  }
}

/** The FolderListing's listing promise in the page's element tree: what the listing component would show. */
async function listingOf(node: unknown): Promise<{ folders: string[]; objects: string[] } | null> {
  if (!node || typeof node !== "object") return null;
  if (Array.isArray(node)) {
    for (const child of node) {
      const found = await listingOf(child);
      if (found) return found;
    }
    return null;
  }
  const props = (node as { props?: Record<string, unknown> }).props;
  if (!props) return null;
  if (props.listing instanceof Promise) {
    const loaded = (await props.listing) as Loaded<FolderPage>;
    if (!loaded.ok) throw new Error(`listing failed: ${loaded.error.problem}`);
    return { folders: loaded.value.folders.map((f) => f.prefix), objects: loaded.value.objects.map((o) => o.key) };
  }
  return listingOf(props.children);
}

describe.each(storageCases())("a Member's grants on $name", (server: TestStorage) => {
  let owner: SessionUser;
  let ana: SessionUser; // press/ only, managed links only, at most 30 days
  let bob: SessionUser; // no grant
  let cleo: SessionUser; // browses everything, may not share
  let granted: string;
  let other: string;
  let bucket: string;
  let admin: S3Client;
  let anaToken: string;
  let bobToken: string;

  const linkCount = () => db.shareLink.count({ where: { ownerId: owner.id } });

  beforeAll(async () => {
    owner = await h.createTestUser(`grants-owner-${server.name}`);
    granted = await createTestConnection(owner.id, server, { name: "Media" });
    other = await createTestConnection(owner.id, server, { name: "Finance" });
    admin = adminS3For(server);
    bucket = await h.createBucket(admin);
    await h.putObjects(
      admin,
      bucket,
      ["press/a.pdf", "press/alpha.txt", "press/sub/b.txt", "press-old/c.pdf", "secret/d.txt", "top.txt"].map((key) => ({
        key,
        body: Buffer.from(`bytes of ${key}\n`),
        contentType: "text/plain",
      })),
    );
    ana = await createMember(owner, "ana", [{ connectionId: granted, folder: "press/", linkTypes: "managed", longest: THIRTY_DAYS }]);
    bob = await createMember(owner, "bob", []);
    cleo = await createMember(owner, "cleo", [{ connectionId: granted, canShare: false }]);
    anaToken = (await createTestToken(ana.id, { scopes: ["objects:read", "links:read", "links:write"] })).token;
    bobToken = (await createTestToken(bob.id, { scopes: ["objects:read", "links:read", "links:write"] })).token;
  });

  afterAll(async () => {
    session.user = null;
    await h.deleteTestUsers(ana, bob, cleo);
    await h.deleteTestUsers(owner);
  });

  it("sees only the connections granted, and a connection without a grant does not exist for them", async () => {
    expect((await listConnections(ana)).map((c) => c.name)).toEqual(["Media"]);
    expect(await listConnections(bob)).toEqual([]);
    expect(await openConnection(ana, other)).toBeNull();
    expect(await openConnection(bob, granted)).toBeNull();
    expect((await listConnections(owner)).map((c) => c.name)).toEqual(["Finance", "Media"]);
  });

  it("the folder page lists only the folder leading to theirs, its contents, and nothing beside it (not found)", async () => {
    session.user = ana;
    expect(await folderPage(granted, bucket, [])).toEqual({ notFound: false, listing: { folders: ["press/"], objects: [] } });
    expect(await folderPage(granted, bucket, ["press"])).toEqual({
      notFound: false,
      listing: { folders: ["press/sub/"], objects: ["press/a.pdf", "press/alpha.txt"] },
    });
    // "press/" must not give "press-old/"; dot segments are refused; another connection does not exist.
    expect(await folderPage(granted, bucket, ["press-old"])).toEqual({ notFound: true });
    expect(await folderPage(granted, bucket, ["secret"])).toEqual({ notFound: true });
    expect(await folderPage(granted, bucket, ["press", "..", "secret"])).toEqual({ notFound: true });
    expect(await folderPage(other, bucket, [])).toEqual({ notFound: true });
    // An object outside the folder named in the URL: the whole page is not found.
    expect(await folderPage(granted, bucket, ["press"], { object: "secret/d.txt" })).toEqual({ notFound: true });
    expect(await folderPage(granted, bucket, ["press"], { object: "press-old/c.pdf" })).toEqual({ notFound: true });

    session.user = bob;
    expect(await folderPage(granted, bucket, [])).toEqual({ notFound: true });
    session.user = owner;
    expect(await folderPage(granted, bucket, [])).toMatchObject({ listing: { folders: ["press-old/", "press/", "secret/"], objects: ["top.txt"] } });
  });

  it("a grant naming one bucket: only it is listed (pages and API), every other bucket does not exist for them", async () => {
    const elsewhere = await h.createBucket(admin);
    await h.putObjects(admin, elsewhere, [{ key: "press/z.pdf", body: Buffer.from("z\n"), contentType: "text/plain" }]);
    const dora = await createMember(owner, "dora", [{ connectionId: granted, bucket, folder: "press/" }]);
    const doraToken = (await createTestToken(dora.id, { scopes: ["objects:read", "links:read", "links:write"] })).token;
    try {
      const buckets = await callApi({ method: "GET", path: `/connections/${granted}/buckets`, token: doraToken });
      expect(buckets.json.buckets.map((b: { name: string }) => b.name)).toEqual([bucket]);
      session.user = dora;
      expect(await folderPage(granted, bucket, ["press"])).toMatchObject({ listing: { objects: ["press/a.pdf", "press/alpha.txt"] } });
      // The same folder in another bucket of the same connection: not found, through the page and the API.
      expect(await folderPage(granted, elsewhere, ["press"])).toEqual({ notFound: true });
      expect(await folderPage(granted, elsewhere, [])).toEqual({ notFound: true });
      const listed = await callApi({
        method: "GET",
        path: `/objects?${new URLSearchParams({ connection: granted, bucket: elsewhere, prefix: "press/" })}`,
        token: doraToken,
      });
      expect(listed.status).toBe(404);
      const before = await linkCount();
      const refused = await createShareLinkAction(
        { status: "idle" },
        h.formData({
          connectionId: granted,
          bucket: elsewhere,
          key: "press/z.pdf",
          linkType: "managed",
          expiryMode: "preset",
          preset: "7d",
          disposition: "inline",
          timeZone: "UTC",
        }),
      );
      expect(refused).toMatchObject({ status: "error", message: "This object does not exist (any more), so no link was created." });
      expect(await linkCount()).toBe(before);
      // A grant without a bucket (ana's) still reaches every bucket of the connection.
      session.user = ana;
      expect(await folderPage(granted, elsewhere, ["press"])).toMatchObject({ listing: { objects: ["press/z.pdf"] } });
    } finally {
      session.user = null;
      await h.deleteTestUsers(dora);
    }
  });

  it("filters only inside their folder", async () => {
    session.user = ana;
    expect(await folderPage(granted, bucket, [], { q: "pre" })).toMatchObject({ listing: { folders: ["press/"], objects: [] } });
    expect(await folderPage(granted, bucket, [], { q: "sec" })).toMatchObject({ listing: { folders: [], objects: [] } });
    expect(await folderPage(granted, bucket, [], { q: "top" })).toMatchObject({ listing: { folders: [], objects: [] } });
    expect(await folderPage(granted, bucket, ["press"], { q: "al" })).toMatchObject({ listing: { folders: [], objects: ["press/alpha.txt"] } });
  });

  it("shares inside the folder: a managed link issued by them, on the team's history", async () => {
    session.user = ana;
    const before = await linkCount();
    const state = await createShareLinkAction(
      { status: "idle" },
      h.formData({
        connectionId: granted,
        bucket,
        key: "press/a.pdf",
        linkType: "managed",
        expiryMode: "preset",
        preset: "30d",
        disposition: "inline",
        timeZone: "UTC",
      }),
    );
    expect(state, JSON.stringify(state)).toMatchObject({ status: "success", data: { kind: "managed" } });
    const link = await db.shareLink.findFirstOrThrow({ where: { id: (state as { data: { id: string } }).data.id } });
    expect(link).toMatchObject({ ownerId: owner.id, issuedById: ana.id, key: "press/a.pdf" });
    expect(await linkCount()).toBe(before + 1);
  });

  it("the share action refuses a direct link, a longer expiry, No expiry and any object outside the folder, and stores nothing", async () => {
    session.user = ana;
    const before = await linkCount();
    const share = (fields: Record<string, string>) =>
      createShareLinkAction(
        { status: "idle" },
        h.formData({
          connectionId: granted,
          bucket,
          key: "press/a.pdf",
          linkType: "managed",
          expiryMode: "preset",
          preset: "7d",
          disposition: "inline",
          timeZone: "UTC",
          ...fields,
        }),
      );
    expect(await share({ linkType: "direct", preset: "1h" })).toMatchObject({
      status: "invalid",
      fieldErrors: { linkType: ["Your access allows managed links only."] },
    });
    expect(await share({ preset: "90d" })).toMatchObject({
      status: "invalid",
      fieldErrors: { expiresIn: ["Your access allows links of at most 30 days. Choose a shorter expiry."] },
    });
    expect(await share({ preset: "never" })).toMatchObject({ status: "invalid", fieldErrors: { expiresIn: [expect.stringContaining("at most 30 days")] } });
    expect(await share({ expiryMode: "custom", amount: "31", unit: "days" })).toMatchObject({
      status: "invalid",
      fieldErrors: { expiresIn: [expect.stringContaining("at most 30 days")] },
    });
    for (const key of ["press-old/c.pdf", "secret/d.txt", "top.txt", "press/../secret/d.txt"]) {
      const state = await share({ key });
      expect(state.status, `${key}: ${JSON.stringify(state)}`).not.toBe("success");
      expect(JSON.stringify(state)).not.toContain('secret/d.txt"');
    }
    // A forged call naming another connection of the team.
    expect(await share({ connectionId: other })).toMatchObject({ status: "error", message: "This storage connection does not exist (any more)." });
    session.user = bob;
    expect(await share({})).toMatchObject({ status: "error", message: "This storage connection does not exist (any more)." });
    session.user = cleo;
    expect(await share({})).toMatchObject({ status: "error", message: expect.stringContaining("not sharing") });
    expect(await linkCount()).toBe(before);
  });

  it("multi-file shares and their preview: only a folder or keys inside theirs", async () => {
    session.user = ana;
    const before = await linkCount();
    const files = (fields: Record<string, unknown>) => createFilesShareAction({ status: "idle" }, { connectionId: granted, bucket, preset: "7d", ...fields });
    expect(await scanFilesShareAction({ status: "idle" }, { connectionId: granted, bucket, mode: "folder", prefix: "press/", recursive: "on" })).toMatchObject({
      status: "success",
      data: { count: 3 },
    });
    for (const source of [
      { mode: "folder", prefix: "" },
      { mode: "folder", prefix: "press-old/" },
      { mode: "keys", keys: ["press/a.pdf", "secret/d.txt"] },
    ]) {
      expect(
        (await scanFilesShareAction({ status: "idle" }, { connectionId: granted, bucket, recursive: "on", ...source })).status,
        JSON.stringify(source),
      ).not.toBe("success");
      expect((await files({ recursive: "on", ...source })).status, JSON.stringify(source)).not.toBe("success");
    }
    expect(await files({ mode: "folder", prefix: "press/", preset: "90d" })).toMatchObject({
      status: "invalid",
      fieldErrors: { expiresIn: [expect.stringContaining("at most 30 days")] },
    });
    expect(await linkCount()).toBe(before);
    expect(await files({ mode: "keys", keys: ["press/a.pdf", "press/sub/b.txt"] })).toMatchObject({ status: "success", data: { fileCount: 2 } });
  });

  it("may not add, change or delete connections", async () => {
    session.user = ana;
    expect(await deleteConnectionAction({ status: "idle" }, { id: granted })).toMatchObject({
      status: "error",
      message: expect.stringContaining("Only Admins"),
    });
    expect(await db.storageConnection.count({ where: { id: granted } })).toBe(1);
  });

  it("the API lists only their connection (without its endpoint or settings) and only inside their folder", async () => {
    const connections = await callApi({ method: "GET", path: "/connections", token: anaToken });
    expect(connections.json.connections).toEqual([
      { id: granted, name: "Media", provider: "", endpoint: "", region: "", temporaryCredentialsExpireAt: null, healthChecksPerSecond: null },
    ]);
    expect((await callApi({ method: "GET", path: "/connections", token: bobToken })).json.connections).toEqual([]);

    const list = (token: string, connection: string, prefix: string) =>
      callApi({ method: "GET", path: `/objects?${new URLSearchParams({ connection, bucket, prefix })}`, token });
    expect((await list(anaToken, granted, "")).json).toMatchObject({ folders: [{ prefix: "press/" }], objects: [], nextCursor: null });
    const inside = await list(anaToken, granted, "press/");
    expect(inside.json.objects.map((o: { key: string }) => o.key)).toEqual(["press/a.pdf", "press/alpha.txt"]);
    for (const prefix of ["press-old/", "secret/", "press/../secret/"]) expect((await list(anaToken, granted, prefix)).status, prefix).toBe(404);
    expect((await list(anaToken, other, "")).status).toBe(404);
    expect((await list(bobToken, granted, "")).status).toBe(404);
    expect((await callApi({ method: "GET", path: `/connections/${other}/buckets`, token: anaToken })).status).toBe(404);
  });

  it("the API refuses a direct link, a longer expiry and an object outside the folder with field errors, and stores nothing", async () => {
    const before = await linkCount();
    const create = (body: Record<string, unknown>) =>
      callApi({
        method: "POST",
        path: "/links",
        token: anaToken,
        body: { connectionId: granted, bucket, key: "press/a.pdf", type: "managed", expiresIn: 3600, ...body },
      });
    const direct = await create({ type: "direct" });
    expect(direct.status).toBe(400);
    expect(direct.json.errors).toEqual([{ in: "body", field: "type", message: "Your access allows managed links only." }]);
    const long = await create({ expiresIn: 90 * 86_400 });
    expect(long.status).toBe(400);
    expect(long.json.errors).toEqual([{ in: "body", field: "expiresIn", message: "Your access allows links of at most 30 days. Choose a shorter expiry." }]);
    expect((await create({ expiresIn: undefined, neverExpires: true })).json.errors).toEqual([
      { in: "body", field: "neverExpires", message: expect.stringContaining("at most 30 days") },
    ]);
    expect((await create({ key: "press-old/c.pdf" })).status).toBe(404);
    expect((await create({ key: "secret/d.txt" })).status).toBe(404);
    expect((await create({ connectionId: other })).status).toBe(404);
    expect((await callApi({ method: "POST", path: "/links", token: anaToken, body: { connectionId: granted, bucket, files: { folder: "" } } })).status).toBe(
      404,
    );
    expect(await linkCount()).toBe(before);

    // Browsing without Can share: the token's links:write scope does not add the right.
    const cleoToken = (await createTestToken(cleo.id, { scopes: ["objects:read", "links:write"] })).token;
    const browseOnly = await callApi({
      method: "POST",
      path: "/links",
      token: cleoToken,
      body: { connectionId: granted, bucket, key: "top.txt", type: "managed", expiresIn: 3600 },
    });
    expect(browseOnly.status).toBe(403);
    expect(await linkCount()).toBe(before);

    const made = await create({ expiresIn: THIRTY_DAYS });
    expect(made.status, JSON.stringify(made.json)).toBe(201);
    expect(await db.shareLink.findUniqueOrThrow({ where: { id: made.json.id } })).toMatchObject({ ownerId: owner.id, issuedById: ana.id });
  });

  it("a grant changed takes effect on the token's next request", async () => {
    await db.memberGrant.update({ where: { userId_connectionId: { userId: ana.id, connectionId: granted } }, data: { folder: "secret/" } });
    try {
      const list = (prefix: string) =>
        callApi({ method: "GET", path: `/objects?${new URLSearchParams({ connection: granted, bucket, prefix })}`, token: anaToken });
      expect((await list("press/")).status).toBe(404);
      expect((await list("secret/")).json.objects.map((o: { key: string }) => o.key)).toEqual(["secret/d.txt"]);
    } finally {
      await db.memberGrant.update({ where: { userId_connectionId: { userId: ana.id, connectionId: granted } }, data: { folder: "press/" } });
    }
  });
});
