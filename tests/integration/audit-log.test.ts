/**
 * The Audit log (issue 16, item 8) against the real database, the real sign-in and a local S3 server:
 * each change a person makes is one row with who, what, to what and from which address (whole, or its
 * network part when the Owner chose so), never a secret; /audit's filters and keyset pages; the CSV;
 * a Member is refused the page and the CSV; old rows are pruned.
 */
import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { Browser, browser } from "../support/browser";
import { GET as exportAudit } from "@/app/(app)/audit/export/route";
import AuditPage from "@/app/(app)/audit/page";
import SignedInLayout from "@/app/(app)/layout";
import { createApiTokenAction } from "@/lib/actions/create-api-token";
import { changeDownloadLimitAction } from "@/lib/actions/change-download-limit";
import { changePasswordAction } from "@/lib/actions/change-password";
import { createShareLinkAction } from "@/lib/actions/create-share-link";
import { deleteLinkAction } from "@/lib/actions/delete-link";
import { saveWebhookAction } from "@/lib/actions/save-webhook";
import { revokeLinkAction } from "@/lib/actions/revoke-link";
import { saveConnectionAction } from "@/lib/actions/save-connection";
import { setLogNetworkOnlyAction } from "@/lib/actions/set-log-network-only";
import { signInAction } from "@/lib/actions/sign-in";
import { recordAudit } from "@/lib/audit/record";
import { type AuditFilter, auditFilterSchema, iterateAuditEvents, listAuditEvents } from "@/lib/audit/list";
import { pruneAuditLog } from "@/lib/audit/retention";
import { hashPassword } from "@/lib/auth/password";
import { getSessionUser } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { parseEnv } from "@/lib/env";
import { PEER_HEADER, SERVER_MARKER } from "@/lib/security/address";
import { callApi, createTestToken } from "../support/api-contract";
import * as h from "../support/helpers";
import { adminS3For, storageCases } from "../support/storages";

// Only Next's request context is stood in for (a cookie jar and headers per browser): sign-in, sessions and actions are real.
vi.mock("next/headers", async () => (await import("../support/browser")).headersModule);

const PASSWORD = "audit-owner-password-1";
const MEMBER_PASSWORD = "audit-member-password-1";
const ADDRESS = "203.0.113.77";
const KEY = "press/kit.txt";
let ownerId = "";
let ownerEmail = "";
let memberEmail = "";
let admin: S3Client;
let shared: { connectionId: string; bucket: string };
const marker = globalThis as Record<symbol, unknown>;

const ownerBrowser = new Browser();
const memberBrowser = new Browser();

const signIn = (email: string, password: string) => signInAction({ status: "idle" }, h.formData({ email, password }));

async function rowsOfTeam(kind?: string) {
  return db.auditEvent.findMany({ where: { teamId: ownerId, ...(kind ? { kind } : {}) }, orderBy: [{ createdAt: "desc" }, { id: "desc" }] });
}

async function exportAs(who: Browser, query = "") {
  browser.current = who;
  const response = await exportAudit(new Request(`http://bucketshare.test/audit/export${query}`), { params: Promise.resolve({}) });
  return { response, text: await response.text() };
}

beforeAll(async () => {
  marker[SERVER_MARKER] = true;
  for (const b of [ownerBrowser, memberBrowser]) b.requestHeaders[PEER_HEADER] = ADDRESS;
  ownerEmail = `audit-owner-${h.randomSuffix()}@integration.test`;
  memberEmail = `audit-member-${h.randomSuffix()}@integration.test`;
  const owner = await db.user.create({ data: { name: "Audit Owner", email: ownerEmail, passwordHash: await hashPassword(PASSWORD) } });
  ownerId = owner.id;
  await db.user.create({
    data: { name: "Audit Member", email: memberEmail, passwordHash: await hashPassword(MEMBER_PASSWORD), role: "member", teamId: ownerId },
  });
  admin = adminS3For(storageCases()[0]!);
});

afterAll(async () => {
  delete marker[SERVER_MARKER];
  browser.current = new Browser();
  admin?.destroy();
  await db.auditEvent.deleteMany({ where: { OR: [{ teamId: ownerId }, { actorName: { in: [ownerEmail, memberEmail] } }] } });
  await db.signInFailure.deleteMany({ where: { subject: { in: [ownerEmail, memberEmail] } } });
  await db.user.deleteMany({ where: { email: { in: [memberEmail, ownerEmail] } } });
});

describe("what is recorded", () => {
  it("a failed sign-in: the account's team sees who tried, from which address, and no password", async () => {
    browser.current = ownerBrowser;
    expect(await signIn(ownerEmail, "not-the-password-9")).toMatchObject({ status: "invalid" });
    const [failed] = await rowsOfTeam("sign_in_failed");
    expect(failed).toMatchObject({ actorId: null, actorName: ownerEmail, subject: "Audit Owner", subjectId: ownerId, address: ADDRESS });
    expect(h.stringifyRow(failed)).not.toContain("not-the-password-9");
  });

  it("sign-in, a connection saved, a link issued and revoked, a token created: who, what, address, no secrets", async () => {
    browser.current = ownerBrowser;
    expect(await signIn(ownerEmail, PASSWORD)).toMatchObject({ status: "success" });
    expect((await getSessionUser())?.id).toBe(ownerId);
    expect((await rowsOfTeam("sign_in"))[0]).toMatchObject({ actorId: ownerId, actorName: "Audit Owner", address: ADDRESS });

    const storage = storageCases()[0]!;
    const bucket = await h.createBucket(admin, "audit");
    await admin.send(new PutObjectCommand({ Bucket: bucket, Key: KEY, Body: "kit\n", ContentType: "text/plain" }));
    const saved = await h.runRedirectingAction(() =>
      saveConnectionAction(
        { status: "idle" },
        h.formData({
          provider: "custom",
          name: "Audit S3",
          endpoint: storage.endpoint,
          region: storage.region,
          forcePathStyle: "on",
          accessKeyId: storage.accessKeyId,
          secretAccessKey: storage.secretAccessKey,
        }),
      ),
    );
    expect(saved).toMatchObject({ state: { status: "success" } });
    const connection = await db.storageConnection.findFirstOrThrow({ where: { ownerId, name: "Audit S3" } });
    shared = { connectionId: connection.id, bucket };
    const [added] = await rowsOfTeam("connection.added");
    expect(added).toMatchObject({ actorId: ownerId, actorName: "Audit Owner", subject: "Audit S3", subjectId: connection.id, address: ADDRESS });
    expect(h.stringifyRow(added)).not.toContain(storage.secretAccessKey);

    const issued = await createShareLinkAction(
      { status: "idle" },
      h.formData({
        connectionId: connection.id,
        bucket,
        key: KEY,
        linkType: "managed",
        expiryMode: "preset",
        preset: "1d",
        disposition: "attachment",
        timeZone: "UTC",
        password: "a link password 1",
      }),
    );
    if (issued.status !== "success" || !issued.data) throw new Error(JSON.stringify(issued));
    expect(await revokeLinkAction({ status: "idle" }, h.formData({ id: issued.data.id }))).toMatchObject({ status: "success" });
    const linkRows = (await rowsOfTeam()).filter((r) => r.subjectId === issued.data!.id);
    expect(linkRows.map((r) => [r.kind, r.subject, r.actorName, r.address])).toEqual([
      ["link.revoked", `${bucket}/${KEY}`, "Audit Owner", ADDRESS],
      ["link.issued", `${bucket}/${KEY}`, "Audit Owner", ADDRESS],
    ]);
    const token = new URL(issued.data.url).pathname.split("/").pop()!;
    for (const row of linkRows) {
      expect(h.stringifyRow(row)).not.toContain(token);
      expect(h.stringifyRow(row)).not.toContain("a link password 1");
    }

    const created = await createApiTokenAction({ status: "idle" }, h.formData({ name: "CI deploys", scopes: "links:read", expiry: "30d" }));
    if (created.status !== "success" || !created.data) throw new Error(JSON.stringify(created));
    const [tokenRow] = await rowsOfTeam("token.created");
    expect(tokenRow).toMatchObject({ actorName: "Audit Owner", subject: "CI deploys", subjectId: created.data.id, address: ADDRESS });
    expect(h.stringifyRow(tokenRow)).not.toContain(created.data.token);
  });

  it("with “log network only”, the address is kept as its network part", async () => {
    browser.current = ownerBrowser;
    expect(await setLogNetworkOnlyAction({ status: "idle" }, h.formData({ logNetworkOnly: "on" }))).toMatchObject({ status: "success" });
    const [changed] = await rowsOfTeam("settings.changed");
    expect(changed).toMatchObject({ subject: "Access logs", address: "203.0.113.0/24", details: { setting: "logNetworkOnly", value: true } });
    await db.user.update({ where: { id: ownerId }, data: { logNetworkOnly: false } });
  });
});

describe("more changes", () => {
  it("a link's limit changed and the link deleted; webhook and password changed: recorded without URLs or passwords", async () => {
    browser.current = ownerBrowser;
    const issued = await createShareLinkAction(
      { status: "idle" },
      h.formData({ ...shared, key: KEY, linkType: "managed", expiryMode: "preset", preset: "1d", disposition: "attachment", timeZone: "UTC" }),
    );
    if (issued.status !== "success" || !issued.data) throw new Error(JSON.stringify(issued));
    expect(await changeDownloadLimitAction({ status: "idle" }, h.formData({ id: issued.data.id, downloadLimit: "3" }))).toMatchObject({ status: "success" });
    expect(await deleteLinkAction({ status: "idle" }, h.formData({ id: issued.data.id }))).toMatchObject({ status: "success" });
    const linkRows = (await rowsOfTeam()).filter((r) => r.subjectId === issued.data!.id);
    expect(linkRows.map((r) => [r.kind, r.details])).toEqual([
      ["link.deleted", { linkKind: "managed" }],
      ["link.changed", { linkKind: "managed", changed: ["downloadLimit"] }],
      ["link.issued", { linkKind: "managed" }],
    ]);

    const hook = "https://hooks.example.com/bucketshare?secret=audit-hook-secret";
    expect(await saveWebhookAction({ status: "idle" }, h.formData({ webhookUrl: hook }))).toMatchObject({ status: "success" });
    const newPassword = "a brand new owner password 2";
    expect(
      await changePasswordAction({ status: "idle" }, h.formData({ currentPassword: PASSWORD, newPassword, confirmNewPassword: newPassword })),
    ).toMatchObject({ status: "success" });
    const settings = await rowsOfTeam("settings.changed");
    expect(settings.slice(0, 2).map((r) => [r.subject, r.actorName, r.address])).toEqual([
      ["Password", "Audit Owner", ADDRESS],
      ["Webhook", "Audit Owner", ADDRESS],
    ]);
    for (const row of settings) {
      expect(h.stringifyRow(row)).not.toContain("hooks.example.com");
      expect(h.stringifyRow(row)).not.toContain("audit-hook-secret");
      expect(h.stringifyRow(row)).not.toContain(newPassword);
    }
  });
});

describe("through the API", () => {
  it("a managed link issued and revoked with a token is recorded as its owner's", async () => {
    browser.current = ownerBrowser;
    const { token } = await createTestToken(ownerId, { scopes: ["links:write", "links:read"] });
    const issued = await callApi({
      method: "POST",
      path: "/links",
      token,
      body: { ...shared, key: KEY, expiresIn: 3600, type: "managed" },
    });
    expect(issued.status, JSON.stringify(issued.json)).toBe(201);
    const id = (issued.json as { id: string }).id;
    expect((await callApi({ method: "POST", path: `/links/${id}/revoke`, token })).status).toBe(200);
    const rows = (await rowsOfTeam()).filter((r) => r.subjectId === id);
    expect(rows.map((r) => [r.kind, r.actorName, r.subject])).toEqual([
      ["link.revoked", "Audit Owner", `${shared.bucket}/${KEY}`],
      ["link.issued", "Audit Owner", `${shared.bucket}/${KEY}`],
    ]);
  });
});

describe("the Audit log page's data", () => {
  const at = (i: number) => new Date(Date.UTC(2020, 0, 1) + i * 60_000);
  const filter = (query: Record<string, string>): AuditFilter => auditFilterSchema.parse(query);
  let actor: { id: string; teamId: string; role: "owner"; grants: [] };

  beforeAll(async () => {
    actor = { id: ownerId, teamId: ownerId, role: "owner", grants: [] };
    // 120 old rows: every 3rd a failed sign-in by a stranger, the rest the Owner's link changes (two share a moment: the id breaks the tie).
    await db.auditEvent.createMany({
      data: Array.from({ length: 120 }, (_, i) => ({
        teamId: ownerId,
        actorId: i % 3 === 0 ? null : ownerId,
        actorName: i % 3 === 0 ? "stranger@example.com" : "Audit Owner",
        kind: i % 3 === 0 ? "sign_in_failed" : "link.changed",
        subject: `seed ${String(i).padStart(3, "0")}`,
        createdAt: at(i === 61 ? 60 : i),
      })),
    });
  });

  it("pages newest first with Older and back with Newer, each row once", async () => {
    const all = await rowsOfTeam();
    const seen: string[] = [];
    let page = await listAuditEvents(actor, filter({}));
    expect(page.newer).toBeNull();
    const pages = [page];
    while (page.older) {
      page = await listAuditEvents(actor, filter({ after: page.older }));
      pages.push(page);
    }
    for (const p of pages) seen.push(...p.rows.map((r) => r.id));
    expect(seen).toEqual(all.map((r) => r.id));
    expect(pages.map((p) => p.rows.length)).toEqual([50, 50, all.length - 100]);

    // Newer from the last page gives the middle page again, and from there the first.
    const back = await listAuditEvents(actor, filter({ before: pages[2]!.newer! }));
    expect(back.rows.map((r) => r.id)).toEqual(pages[1]!.rows.map((r) => r.id));
    const first = await listAuditEvents(actor, filter({ before: back.newer! }));
    expect(first.rows.map((r) => r.id)).toEqual(pages[0]!.rows.map((r) => r.id));
    expect(first.newer).toBeNull();
  });

  it("filters by person and by kind; an unknown kind or a bad cursor means everything", async () => {
    const failed = [];
    for await (const row of iterateAuditEvents(actor, filter({ kind: "sign_in_failed" }), 7)) failed.push(row);
    expect(failed.length).toBe(41); // 40 seeded + the real one
    expect(failed.every((r) => r.kind === "sign_in_failed")).toBe(true);

    const mine = [];
    for await (const row of iterateAuditEvents(actor, filter({ person: ownerId }), 13)) mine.push(row);
    expect(mine.length).toBe((await rowsOfTeam()).filter((r) => r.actorId === ownerId).length);
    expect(mine.every((r) => r.actorName === "Audit Owner")).toBe(true);

    expect(filter({ kind: "drop table", after: "garbage" })).toMatchObject({ kind: undefined, after: undefined });
    // An over-long value (a typed or forged address) means everything too, not an error page.
    expect(filter({ person: "x".repeat(300), before: "y".repeat(300) })).toMatchObject({ person: undefined, before: undefined });
  });

  it("another team's rows never show", async () => {
    const other = await h.createTestUser("audit-other");
    try {
      await recordAudit(db, { actor: other, kind: "settings.changed", subject: "Webhook", address: "198.51.100.1" });
      const { rows } = await listAuditEvents(actor, filter({}), 1_000);
      expect(rows.some((r) => r.address === "198.51.100.1")).toBe(false);
    } finally {
      await db.auditEvent.deleteMany({ where: { actorId: other.id } });
      await h.deleteTestUsers(other);
    }
  });
});

describe("CSV export and who may see the log", () => {
  it("the Owner's CSV holds the filtered rows, quoted", async () => {
    const { response, text } = await exportAs(ownerBrowser, "?kind=token.created");
    expect(response.status).toBe(200);
    expect(((await SignedInLayout({ children: null })) as { props: { audit: boolean } }).props.audit).toBe(true);
    expect(response.headers.get("content-disposition")).toMatch(/^attachment; filename="bucketshare-audit-\d{4}-\d{2}-\d{2}\.csv"$/);
    const lines = text.trim().split("\r\n");
    expect(lines[0]).toBe('"created_at","person","kind","what","subject","address","details"');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain('"Audit Owner","token.created","API token created","CI deploys","203.0.113.77"');
  });

  it("a Member gets the not-found page and a 404 for the CSV, and the sign-in is in the log", async () => {
    browser.current = memberBrowser;
    expect(await signIn(memberEmail, MEMBER_PASSWORD)).toMatchObject({ status: "success" });
    expect((await getSessionUser())?.role).toBe("member");
    await expect(AuditPage({ searchParams: Promise.resolve({}) })).rejects.toThrow("NEXT_NOT_FOUND");
    // The main nav offers "Audit log" only to those who may see it.
    expect(((await SignedInLayout({ children: null })) as { props: { audit: boolean } }).props.audit).toBe(false);
    const { response, text } = await exportAs(memberBrowser);
    expect(response.status).toBe(404);
    expect(text).not.toContain("Audit Owner");
    expect((await rowsOfTeam("sign_in"))[0]).toMatchObject({ actorName: "Audit Member", address: ADDRESS });
  });
});

describe("retention", () => {
  it("AUDIT_RETENTION_DAYS defaults to 365; older rows go, newer stay", async () => {
    expect(parseEnv({}).AUDIT_RETENTION_DAYS).toBe(365);
    expect(parseEnv({ AUDIT_RETENTION_DAYS: "30" }).AUDIT_RETENTION_DAYS).toBe(30);
    expect(() => parseEnv({ AUDIT_RETENTION_DAYS: "0" })).toThrow(/AUDIT_RETENTION_DAYS/);
    const before = await rowsOfTeam();
    const old = before.filter((r) => r.createdAt < new Date(Date.UTC(2021, 0, 1)));
    expect(old.length).toBe(120);
    expect(await pruneAuditLog({ retentionDays: 365, batchSize: 50 })).toBeGreaterThanOrEqual(120);
    expect((await rowsOfTeam()).map((r) => r.id)).toEqual(before.filter((r) => !old.includes(r)).map((r) => r.id));
  });
});
