/**
 * Issue 16 item 4, "Whose link is it": a Member sees and acts only on the links they issued (while they
 * hold Can share on the object), Admins and the Owner on every link of the team, with "Issued by".
 * Real PostgreSQL; the links are inserted as issuing stores them (no S3 call is needed to read or
 * revoke one), the API is called through its real route handlers.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { loadActor } from "@/lib/auth/actor";
import type { Role } from "@/lib/auth/permissions";
import type { SessionUser } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { getRuntimeSecrets } from "@/lib/env";
import { hasReason } from "@/lib/errors";
import { revokeLinkAction } from "@/lib/actions/revoke-link";
import { deleteLinkAction } from "@/lib/actions/delete-link";
import { revealLinkAction } from "@/lib/actions/reveal-link";
import { changeLinkExpiryAction } from "@/lib/actions/change-link-expiry";
import { clearLinkLockoutAction } from "@/lib/actions/clear-link-lockout";
import { countLinks, listHistoryBuckets, listIssuers, listLinks } from "@/lib/links/history";
import { changeLink, getLinkDetails, listAccessLog, listLinksForObject, revokeLink } from "@/lib/links/manage";
import { seal } from "@/lib/storage/sealed";
import { GET as exportCsv } from "@/app/(app)/links/export/route";
import { callApi, createTestConnection, createTestToken } from "../support/api-contract";
import * as h from "../support/helpers";
import { session } from "../support/request-context";

vi.mock("@/lib/auth/session", async () => (await import("../support/request-context")).sessionModule);

const FAKE_STORAGE = { endpoint: "http://127.0.0.1:9", region: "us-east-1", accessKeyId: "AKIAFAKE", secretAccessKey: "fake-secret" };

let owner: SessionUser;
let admin: SessionUser;
let ana: SessionUser;
let ben: SessionUser;
let connectionId: string;

async function teamMember(label: string, role: Role): Promise<SessionUser> {
  const row = await db.user.create({
    data: { name: `${label} ${h.randomSuffix()}`, email: `${label}-${h.randomSuffix()}@integration.test`, passwordHash: "x", role, teamId: owner.id },
  });
  return asSignedIn(row.id);
}

/** The person as a request reads them (role, team, grants from the database now). */
async function asSignedIn(id: string): Promise<SessionUser> {
  const [actor, user] = await Promise.all([loadActor(id), db.user.findUniqueOrThrow({ where: { id } })]);
  if (!actor) throw new Error("removed");
  return { ...actor, name: user.name, email: user.email };
}

async function grant(user: SessionUser, canShare: boolean, folder = ""): Promise<SessionUser> {
  await db.memberGrant.upsert({
    where: { userId_connectionId: { userId: user.id, connectionId } },
    create: { userId: user.id, connectionId, canBrowse: true, canShare, folder },
    update: { canShare, folder },
  });
  return asSignedIn(user.id);
}

/** A managed link of the team, issued by `issuer`, as issuing stores it. */
async function insertLink(issuer: SessionUser, key: string, options: { bucket?: string } = {}): Promise<string> {
  const id = `tl${randomBytes(10).toString("hex")}`;
  const later = new Date(Date.now() + 3_600_000);
  await db.shareLink.create({
    data: {
      id,
      ownerId: owner.id,
      issuedById: issuer.id,
      connectionId,
      connectionName: "Team storage",
      bucket: options.bucket ?? "media",
      key,
      objectSize: 10n,
      requestedExpiresAt: later,
      expiresAt: later,
      expiresSoonAt: new Date(later.getTime() - 900_000),
      disposition: "inline",
      fileName: key.split("/").pop()!,
      urlEnc: seal("shareUrl", id, `http://bucketshare.test/s/${id}`, getRuntimeSecrets().encryptionKey),
      kind: "managed",
      tokenHash: randomBytes(16).toString("hex"),
      note: `issued by ${issuer.name}`,
    },
  });
  return id;
}

const linkRow = (id: string) => db.shareLink.findUniqueOrThrow({ where: { id } });

async function as<T>(user: SessionUser, run: () => Promise<T>): Promise<T> {
  session.user = user;
  try {
    return await run();
  } finally {
    session.user = null;
  }
}

async function exportRows(user: SessionUser, query = ""): Promise<string[][]> {
  const response = await as(user, () => exportCsv(new Request(`http://bucketshare.test/links/export${query}`), { params: Promise.resolve({}) }));
  expect(response.status).toBe(200);
  const text = await response.text();
  return text
    .trim()
    .split("\r\n")
    .map((line) => line.slice(1, -1).split('","'));
}

let anaLink: string;
let anaOther: string;
let benLink: string;
let ownerLink: string;

beforeAll(async () => {
  owner = await h.createTestUser("team-owner");
  connectionId = await createTestConnection(owner.id, FAKE_STORAGE, { name: "Team storage" });
  admin = await teamMember("Admin", "admin");
  ana = await grant(await teamMember("Ana", "member"), true, "press/");
  ben = await grant(await teamMember("Ben", "member"), true);
  anaLink = await insertLink(ana, "press/a.pdf");
  anaOther = await insertLink(ana, "press/b.pdf", { bucket: "press-bucket" });
  benLink = await insertLink(ben, "press/c.pdf", { bucket: "ben-bucket" });
  ownerLink = await insertLink(owner, "secret/plan.pdf");
});

afterAll(async () => {
  await h.deleteTestUsers(owner);
});

describe("a Member's links", () => {
  it("the history, its count and its bucket menu hold only their own links, whatever issuer is asked for", async () => {
    const ids = (await listLinks(ana, { status: "all" })).rows.map((r) => r.id).sort();
    expect(ids).toEqual([anaLink, anaOther].sort());
    expect(await countLinks(ana, { status: "all" })).toEqual({ count: 2, capped: false });
    // The "Issued by" filter is not theirs: naming someone else shows nothing of theirs.
    expect((await listLinks(ana, { status: "all", issuedBy: ben.id })).rows.map((r) => r.id).sort()).toEqual([anaLink, anaOther].sort());
    expect((await listHistoryBuckets(ana)).map((b) => b.bucket).sort()).toEqual(["media", "press-bucket"]);
    expect(await listIssuers(ana)).toEqual([]);
  });

  it("the CSV holds only their links, without an issued_by column", async () => {
    const [header, ...records] = await exportRows(ana);
    expect(header).not.toContain("issued_by");
    expect(header).toHaveLength(18);
    expect(records.map((r) => r[3]).sort()).toEqual(["press/a.pdf", "press/b.pdf"]);
  });

  it("another's link is not found: no details, no access log, not in the object's panel", async () => {
    expect(await getLinkDetails(ana, benLink)).toBeNull();
    expect(await getLinkDetails(ana, ownerLink)).toBeNull();
    expect((await listAccessLog(ana, benLink)).rows).toEqual([]);
    const panel = await listLinksForObject(ana, connectionId, "media", "press/a.pdf");
    expect(panel.map((r) => r.id)).toEqual([anaLink]);
    expect(await listLinksForObject(ana, connectionId, "ben-bucket", "press/c.pdf")).toEqual([]);
  });

  it("cannot revoke, change, reveal, delete or clear another's link: refused, nothing changed", async () => {
    const before = await linkRow(benLink);
    for (const action of [revokeLinkAction, deleteLinkAction, revealLinkAction, clearLinkLockoutAction]) {
      const state = await as(ana, () => action({ status: "idle" }, h.formData({ id: benLink })));
      expect(state).toMatchObject({ status: "error", message: "This link is not in your history (any more)." });
    }
    const expiry = await as(ana, () => changeLinkExpiryAction({ status: "idle" }, h.formData({ id: benLink, preset: "1d" })));
    expect(expiry.status).not.toBe("success");
    await expect(changeLink(ana, { id: benLink }, { note: "mine now" })).rejects.toSatisfy((e) => hasReason(e, "no_such_link"));
    expect(await linkRow(benLink)).toEqual(before);
  });

  it("revokes their own link while they hold Can share on it, and no longer once it is taken away", async () => {
    const own = await insertLink(ana, "press/own.pdf");
    const later = await insertLink(ana, "press/later.pdf");
    expect(await as(ana, () => revokeLinkAction({ status: "idle" }, h.formData({ id: own })))).toMatchObject({ status: "success" });
    expect((await linkRow(own)).revokedAt).not.toBeNull();

    const withoutShare = await grant(ana, false, "press/");
    // They still see it (it is theirs), without the owner actions.
    expect(await getLinkDetails(withoutShare, later)).toMatchObject({ id: later, canManage: false });
    // The history lists it without its actions ("View only").
    const listed = (await listLinks(withoutShare, { status: "all" })).rows.find((r) => r.id === later);
    expect(listed).toMatchObject({ canManage: false });
    const state = await as(withoutShare, () => revokeLinkAction({ status: "idle" }, h.formData({ id: later })));
    expect(state).toMatchObject({ status: "error" });
    expect(state.status === "error" && state.message).toMatch(/Only the person who issued this link/);
    await expect(revokeLink(withoutShare, later)).rejects.toSatisfy((e) => hasReason(e, "link_not_manageable"));
    await expect(changeLink(withoutShare, { id: later }, { note: "x" })).rejects.toSatisfy((e) => hasReason(e, "link_not_manageable"));
    expect(await linkRow(later)).toMatchObject({ revokedAt: null, note: `issued by ${ana.name}`, deletedAt: null });

    // A folder grant that no longer holds the key is the same as no Can share on it.
    const elsewhere = await grant(ana, true, "other/");
    expect(await getLinkDetails(elsewhere, later)).toMatchObject({ canManage: false });
    ana = await grant(ana, true, "press/");
    expect(await getLinkDetails(ana, later)).toMatchObject({ canManage: true });
    expect((await listLinks(ana, { status: "all" })).rows.find((r) => r.id === later)).toMatchObject({ canManage: true });
  });

  it("a new expiry on their link keeps to their Longest expiry, on the link page and in Change options", async () => {
    const own = await insertLink(ana, "press/expiry.pdf");
    await db.memberGrant.update({ where: { userId_connectionId: { userId: ana.id, connectionId } }, data: { longestExpirySeconds: 7 * 86_400 } });
    const capped = await asSignedIn(ana.id);
    const before = await linkRow(own);
    const state = await as(capped, () => changeLinkExpiryAction({ status: "idle" }, h.formData({ id: own, preset: "30d" })));
    expect(state.status).toBe("invalid");
    await expect(changeLink(capped, { id: own, createdAt: before.createdAt }, { expiry: { never: true } })).rejects.toSatisfy((e) =>
      hasReason(e, "invalid_expiry"),
    );
    expect((await linkRow(own)).expiresAt).toEqual(before.expiresAt);
    expect(await as(capped, () => changeLinkExpiryAction({ status: "idle" }, h.formData({ id: own, preset: "1d" })))).toMatchObject({ status: "success" });
    await db.memberGrant.update({ where: { userId_connectionId: { userId: ana.id, connectionId } }, data: { longestExpirySeconds: null } });
  });
});

describe("Admins and the Owner", () => {
  it("see every link of the team with who issued it, and filter by issuer", async () => {
    for (const viewer of [admin, owner]) {
      const rows = (await listLinks(viewer, { status: "all" })).rows;
      expect(rows.map((r) => r.id)).toEqual(expect.arrayContaining([anaLink, anaOther, benLink, ownerLink]));
      expect(rows.find((r) => r.id === benLink)).toMatchObject({ issuedById: ben.id, issuedBy: { name: ben.name, removed: false } });
      const onlyBen = (await listLinks(viewer, { status: "all", issuedBy: ben.id })).rows.map((r) => r.id);
      expect(onlyBen).toEqual([benLink]);
      expect(await countLinks(viewer, { status: "all", issuedBy: ben.id })).toEqual({ count: 1, capped: false });
    }
    const people = await listIssuers(admin);
    expect(people.map((p) => p.id).sort()).toEqual([owner.id, admin.id, ana.id, ben.id].sort());
  });

  it("a removed person stays in the filter, labelled, with their links", async () => {
    const gone = await teamMember("Gone", "member");
    const left = await insertLink(gone, "press/left.pdf");
    await db.user.update({ where: { id: gone.id }, data: { removedAt: new Date() } });
    expect(await listIssuers(owner)).toContainEqual({ id: gone.id, name: gone.name, removed: true });
    const [row] = (await listLinks(owner, { status: "all", issuedBy: gone.id })).rows;
    expect(row).toMatchObject({ id: left, issuedBy: { name: gone.name, removed: true } });
    const records = await exportRows(owner, `?issuedBy=${gone.id}`);
    expect(records[0]!.at(-1)).toBe("issued_by");
    expect(records.slice(1).map((r) => [r[3], r.at(-1)])).toEqual([["press/left.pdf", `${gone.name} (removed)`]]);
  });

  it("the CSV has an issued_by column naming each link's issuer", async () => {
    const [header, ...records] = await exportRows(admin);
    expect(header!.at(-1)).toBe("issued_by");
    const byKey = new Map(records.map((r) => [r[3], r.at(-1)]));
    expect(byKey.get("press/c.pdf")).toBe(ben.name);
    expect(byKey.get("secret/plan.pdf")).toBe(owner.name);
  });

  it("an Admin sees any link's details with Issued by, and revokes a Member's link", async () => {
    expect(await getLinkDetails(admin, benLink)).toMatchObject({ issuedBy: { id: ben.id, name: ben.name, removed: false }, canManage: true });
    const target = await insertLink(ben, "press/admin-revokes.pdf");
    expect(await as(admin, () => revokeLinkAction({ status: "idle" }, h.formData({ id: target })))).toMatchObject({ status: "success" });
    expect((await linkRow(target)).revokedAt).not.toBeNull();
  });

  it("an Admin of another team sees none of them", async () => {
    const stranger = await h.createTestUser("team-stranger");
    try {
      expect((await listLinks(stranger, { status: "all" })).rows).toEqual([]);
      expect(await getLinkDetails(stranger, benLink)).toBeNull();
      await expect(revokeLink(stranger, benLink)).rejects.toSatisfy((e) => hasReason(e, "no_such_link"));
    } finally {
      await h.deleteTestUsers(stranger);
    }
  });
});

describe("the API with a Member's token", () => {
  it("lists and reads only their links; another's is 404 for every method, and nothing changes", async () => {
    const { token } = await createTestToken(ben.id, { scopes: ["links:read", "links:write"] });
    const api = (method: string, path: string, body?: unknown) => callApi({ method, path, token, body });

    const list = await api("GET", "/links?limit=200");
    expect(list.status).toBe(200);
    const ids = (list.json as { links: { id: string }[] }).links.map((l) => l.id);
    expect(ids).toContain(benLink);
    expect(ids).not.toContain(anaLink);
    expect(ids).not.toContain(ownerLink);

    const own = await api("GET", `/links/${benLink}`);
    expect(own.status).toBe(200);
    expect((own.json as { url: string | null }).url).toBe(`http://bucketshare.test/s/${benLink}`);

    const before = await linkRow(anaLink);
    for (const [method, path, body] of [
      ["GET", `/links/${anaLink}`],
      ["GET", `/links/${anaLink}/events`],
      ["PATCH", `/links/${anaLink}`, { note: "taken" }],
      ["POST", `/links/${anaLink}/revoke`],
      ["DELETE", `/links/${anaLink}`],
    ] as const) {
      const response = await api(method, path, body);
      expect(response.status, `${method} ${path}`).toBe(404);
    }
    expect(await linkRow(anaLink)).toEqual(before);
  });

  it("once Can share is taken away, their own link can be read (without its URL) but not revoked", async () => {
    const mine = await insertLink(ben, "press/api-own.pdf");
    const { token } = await createTestToken(ben.id, { scopes: ["links:read", "links:write"] });
    await grant(ben, false);
    try {
      const read = await callApi({ method: "GET", path: `/links/${mine}`, token });
      expect(read.status).toBe(200);
      expect((read.json as { url: string | null }).url).toBeNull();
      const revoke = await callApi({ method: "POST", path: `/links/${mine}/revoke`, token });
      expect(revoke.status).toBe(409);
      expect((await linkRow(mine)).revokedAt).toBeNull();
    } finally {
      ben = await grant(ben, true);
    }
  });

  it("an Admin's token lists every link of the team, each naming who issued it, and filters by issuer", async () => {
    const { token } = await createTestToken(admin.id, { scopes: ["links:read"] });
    const list = await callApi({ method: "GET", path: "/links?limit=200", token });
    const links = (list.json as { links: { id: string; issuedBy: { id: string; name: string; removed: boolean } | null }[] }).links;
    expect(links.map((l) => l.id)).toEqual(expect.arrayContaining([anaLink, benLink, ownerLink]));
    expect(links.find((l) => l.id === anaLink)?.issuedBy).toEqual({ id: ana.id, name: ana.name, removed: false });
    const one = await callApi({ method: "GET", path: `/links/${benLink}`, token });
    expect((one.json as { issuedBy: unknown }).issuedBy).toEqual({ id: ben.id, name: ben.name, removed: false });
    const filtered = await callApi({ method: "GET", path: `/links?limit=200&issuedBy=${ana.id}`, token });
    const issuers = new Set((filtered.json as { links: { issuedBy: { id: string } | null }[] }).links.map((l) => l.issuedBy?.id));
    expect([...issuers]).toEqual([ana.id]);
  });

  it("a Member's token asking for another issuer's links still gets only their own", async () => {
    const { token } = await createTestToken(ben.id, { scopes: ["links:read"] });
    const list = await callApi({ method: "GET", path: `/links?limit=200&issuedBy=${ana.id}`, token });
    const ids = (list.json as { links: { id: string }[] }).links.map((l) => l.id);
    expect(ids).toContain(benLink);
    expect(ids).not.toContain(anaLink);
  });
});
