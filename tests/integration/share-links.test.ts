/**
 * Quick Share against each real S3 server (Swift s3api and Ceph RGW both check every SigV4
 * presigned URL, including its expiry), and the link history, against the real database. Only the request context is
 * mocked: who is signed in, and Next's revalidate/redirect, which need a running Next server.
 */
import { soleOwner } from "@/lib/auth/permissions";
import { randomBytes } from "node:crypto";
import type { S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { SessionUser } from "@/lib/auth/session";
import type { TestStorage } from "../support/storages";
import { session } from "../support/request-context";
import { db } from "@/lib/db/client";
import { newRecordId } from "@/lib/crypto";
import { getRuntimeSecrets } from "@/lib/env";
import { seal } from "@/lib/storage/sealed";
import { saveConnectionAction } from "@/lib/actions/save-connection";
import { createShareLinkAction } from "@/lib/actions/create-share-link";
import { revealLinkAction } from "@/lib/actions/reveal-link";
import { deleteLinkAction } from "@/lib/actions/delete-link";
import { shareAgainAction } from "@/lib/actions/share-again";
import { deleteConnectionAction } from "@/lib/actions/delete-connection";
import { openConnectionOrThrow } from "@/lib/storage/connections";
import { countLinks, listLinks, listHistoryBuckets, revealLinkUrl } from "@/lib/links/history";
import { expiresSoonFrom, linkStatus } from "@/lib/links/status";
import { contentDisposition } from "@/lib/links/content-disposition";
import { GET as exportCsv } from "@/app/(app)/links/export/route";
import * as h from "../support/helpers";
import { adminS3For, storageCases } from "../support/storages";

vi.mock("@/lib/auth/session", async () => (await import("../support/request-context")).sessionModule);

type Open = Awaited<ReturnType<typeof openConnectionOrThrow>>;
type LinkStatusFilter = "all" | "active" | "expires_soon" | "expired" | "limit_reached" | "changed" | "missing";

let storage: TestStorage;
/** The sharer of each server's run (the history tests use the last one's). */
const sharers: SessionUser[] = [];
let sharer: SessionUser;
let historian: SessionUser;
let admin: S3Client;
let bucket: string;
let connectionId: string;
let connectionName: string;
let open: Open;

const REPORT_KEY = "reports/q3 report.bin";
const REPORT = randomBytes(20_000);
const NOTE_KEY = "notes/readme.txt";

function wholeSecond(date = new Date()): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}

async function saveConnection(fields: Record<string, string>): Promise<string> {
  const form = h.formData({
    provider: "custom",
    endpoint: storage.endpoint,
    region: storage.region,
    forcePathStyle: "on",
    accessKeyId: storage.accessKeyId,
    secretAccessKey: storage.secretAccessKey,
    ...fields,
  });
  const result = await h.runRedirectingAction(() => saveConnectionAction({ status: "idle" }, form));
  expect(result).toMatchObject({ state: { status: "success", reloadTo: "/settings/connections?saved=1" } });
  const row = await db.storageConnection.findFirstOrThrow({ where: { ownerId: session.user!.id, name: fields.name } });
  return row.id;
}

function share(fields: Record<string, string>) {
  return createShareLinkAction(
    { status: "idle" },
    h.formData({ connectionId, bucket, key: REPORT_KEY, expiryMode: "preset", preset: "1h", disposition: "inline", timeZone: "UTC", ...fields }),
  );
}

/** The issued link of a successful Quick Share, or a failed assertion showing the state. */
async function shareOk(fields: Record<string, string>) {
  const state = await share(fields);
  expect(state, JSON.stringify(state)).toMatchObject({ status: "success" });
  if (state.status !== "success" || !state.data) throw new Error("no link");
  return state.data;
}

const linkCount = (owner: SessionUser) => db.shareLink.count({ where: { ownerId: owner.id } });

function amzDate(url: string): Date {
  const value = new URL(url).searchParams.get("X-Amz-Date")!;
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  expect(m, `X-Amz-Date ${value}`).not.toBeNull();
  return new Date(Date.UTC(+m![1]!, +m![2]! - 1, +m![3]!, +m![4]!, +m![5]!, +m![6]!));
}

/** When S3 stops accepting the URL: X-Amz-Date + X-Amz-Expires. */
function urlEnd(url: string): Date {
  return new Date(amzDate(url).getTime() + Number(new URL(url).searchParams.get("X-Amz-Expires")) * 1000);
}

async function allPages(owner: SessionUser, filter: { status: LinkStatusFilter; q?: string }, now: Date) {
  const pages: Awaited<ReturnType<typeof listLinks>>["rows"][] = [];
  let cursor: string | undefined;
  do {
    const page = await listLinks(soleOwner(owner.id), { ...filter, cursor }, now);
    pages.push(page.rows);
    cursor = page.nextCursor ?? undefined;
    if (pages.length > 20) throw new Error("history does not end");
  } while (cursor);
  return pages;
}

beforeAll(async () => {
  historian = await h.createTestUser("history");
});

afterAll(async () => {
  session.user = null;
  await h.deleteTestUsers(...sharers, historian);
});

describe.each(storageCases())("Quick Share on $name", (server) => {
  beforeAll(async () => {
    storage = server;
    sharer = await h.createTestUser(`share-${server.name}`);
    sharers.push(sharer);
    session.user = sharer;
    admin = adminS3For(server);
    bucket = await h.createBucket(admin);
    await h.putObjects(admin, bucket, [
      { key: REPORT_KEY, body: REPORT, contentType: "application/octet-stream" },
      { key: NOTE_KEY, body: Buffer.from("hello\n"), contentType: "text/plain" },
    ]);
    connectionName = server.name === "swift" ? "Swift" : "Ceph";
    connectionId = await saveConnection({ name: connectionName });
    open = await openConnectionOrThrow(sharer, connectionId);
  });

  afterAll(() => {
    admin?.destroy();
  });

  it("issues a download link with the chosen file name and type, and records it", async () => {
    const before = wholeSecond();
    const link = await shareOk({ disposition: "attachment", fileName: "résumé final.pdf", contentType: "application/x-test", note: "for the board" });

    const response = await h.fetchBytes(link.url);
    expect(response.status).toBe(200);
    expect(response.body.equals(REPORT)).toBe(true);
    const disposition = response.headers.get("content-disposition") ?? "";
    expect(disposition.startsWith("attachment;")).toBe(true);
    expect(disposition).toContain("filename*=UTF-8''r%C3%A9sum%C3%A9%20final.pdf");
    expect(disposition).toContain('filename="resume final.pdf"');
    expect(response.headers.get("content-type")).toBe("application/x-test");

    const url = new URL(link.url);
    expect([...url.searchParams.keys()].sort()).toEqual(
      [
        "X-Amz-Algorithm",
        "X-Amz-Credential",
        "X-Amz-Date",
        "X-Amz-Expires",
        "X-Amz-SignedHeaders",
        "X-Amz-Signature",
        "response-content-disposition",
        "response-content-type",
      ].sort(),
    );
    expect(url.searchParams.get("X-Amz-Expires")).toBe("3600");
    expect(url.searchParams.get("X-Amz-SignedHeaders")).toBe("host");
    expect(link.limitedByCredentials).toBe(false);
    expect(new Date(link.expiresAt)).toEqual(urlEnd(link.url));
    expect(amzDate(link.url).getTime()).toBeGreaterThanOrEqual(before.getTime());

    const row = await db.shareLink.findUniqueOrThrow({ where: { id: link.id } });
    expect(row).toMatchObject({
      ownerId: sharer.id,
      connectionId,
      connectionName,
      bucket,
      key: REPORT_KEY,
      objectSize: BigInt(REPORT.length),
      disposition: "attachment",
      fileName: "résumé final.pdf",
      contentTypeOverride: "application/x-test",
      note: "for the board",
      expiresAt: new Date(link.expiresAt),
      deletedAt: null,
    });
    expect(row.createdAt).toEqual(amzDate(link.url));
  });

  it("issues a custom 1-minute link that works and ends exactly 60 s after it was signed", async () => {
    const link = await shareOk({ expiryMode: "custom", amount: "1", unit: "minutes" });
    expect(new URL(link.url).searchParams.get("X-Amz-Expires")).toBe("60");
    const response = await h.fetchBytes(link.url);
    expect(response.status).toBe(200);
    expect(response.body.equals(REPORT)).toBe(true);
    const row = await db.shareLink.findUniqueOrThrow({ where: { id: link.id } });
    expect(row.expiresAt.getTime() - row.createdAt.getTime()).toBe(60_000);
    expect(row.expiresAt).toEqual(urlEnd(link.url));
  });

  it("refuses a URL whose signature was altered by one character", async () => {
    const link = await shareOk({ preset: "6h" });
    const signature = new URL(link.url).searchParams.get("X-Amz-Signature")!;
    expect(signature).toMatch(/^[0-9a-f]{64}$/);
    const flipped = `${signature.slice(0, -1)}${signature.endsWith("0") ? "1" : "0"}`;
    const altered = link.url.replace(`X-Amz-Signature=${signature}`, `X-Amz-Signature=${flipped}`);
    expect(altered).not.toBe(link.url);
    expect((await h.fetchBytes(altered)).status).toBe(403);
    expect((await h.fetchBytes(link.url)).status).toBe(200);
  });

  it("stops working when it expires, and the history then says so", async () => {
    // Signed in the past instead of waiting for a short link to run out: a 5-second link signed
    // 20 s ago has expired for 15 s, whatever the machine's load. The same signature for an hour
    // still works, so the 403 comes from the expiry, not from anything else in the URL.
    const signedAt = new Date(wholeSecond().getTime() - 20_000);
    const presign = (expiresInSeconds: number) =>
      open.clients.presigner.presignGet({
        bucket,
        key: NOTE_KEY,
        expiresInSeconds,
        responseContentDisposition: contentDisposition("inline", "readme.txt"),
        signingDate: signedAt,
      });
    const url = await presign(5);
    const expiresAt = new Date(signedAt.getTime() + 5_000);
    const id = newRecordId();
    await db.shareLink.create({
      data: {
        id,
        ownerId: sharer.id,
        connectionId,
        connectionName,
        bucket,
        key: NOTE_KEY,
        objectSize: 6n,
        requestedExpiresAt: expiresAt,
        expiresAt,
        expiresSoonAt: expiresSoonFrom({ createdAt: signedAt, expiresAt }),
        disposition: "inline",
        fileName: "readme.txt",
        urlEnc: seal("shareUrl", id, url, getRuntimeSecrets().encryptionKey),
        createdAt: signedAt,
      },
    });

    const stillValid = await h.fetchBytes(await presign(3600));
    expect(stillValid.status).toBe(200);
    expect(stillValid.body.toString()).toBe("hello\n");
    expect((await h.fetchBytes(url)).status).toBe(403);

    // The history at instants of the link's life (now injected): active, then expires soon, then expired.
    const statusAt = async (ms: number) =>
      (await listLinks(soleOwner(sharer.id), { status: "all", q: NOTE_KEY }, new Date(signedAt.getTime() + ms))).rows.find((r) => r.id === id)?.status;
    expect(await statusAt(1_000)).toBe("active");
    expect(await statusAt(4_000)).toBe("expires_soon"); // less than a quarter (1.25 s) left
    const soonIds = (await listLinks(soleOwner(sharer.id), { status: "expires_soon" }, new Date(signedAt.getTime() + 4_000))).rows.map((r) => r.id);
    expect(soonIds).toContain(id);
    expect(await revealLinkUrl(soleOwner(sharer.id), id, new Date(signedAt.getTime() + 4_000))).toBe(url);

    const rowNow = (await listLinks(soleOwner(sharer.id), { status: "all", q: NOTE_KEY })).rows.find((r) => r.id === id);
    expect(rowNow).toMatchObject({ status: "expired", expiresAt });
    expect((await listLinks(soleOwner(sharer.id), { status: "expired" })).rows.map((r) => r.id)).toContain(id);
    expect((await listLinks(soleOwner(sharer.id), { status: "expires_soon" })).rows.map((r) => r.id)).not.toContain(id);
    const reveal = await revealLinkAction({ status: "idle" }, { id });
    expect(reveal).toMatchObject({ status: "error", message: expect.stringMatching(/expired/) });
    expect(JSON.stringify(reveal)).not.toContain("X-Amz");
  });

  it("refuses an object that does not exist, and stores nothing", async () => {
    const before = await linkCount(sharer);
    const state = await share({ key: "reports/no such thing.bin" });
    expect(state).toEqual({ status: "error", message: "This object does not exist (any more), so no link was created." });
    expect(await linkCount(sharer)).toBe(before);
  });

  it("refuses an unknown connection, or another user's, and stores nothing", async () => {
    const before = await linkCount(sharer);
    expect(await share({ connectionId: "c-does-not-exist" })).toMatchObject({
      status: "error",
      message: expect.stringMatching(/connection does not exist/),
    });
    session.user = historian;
    try {
      expect(await share({})).toMatchObject({ status: "error", message: expect.stringMatching(/connection does not exist/) });
      expect(await linkCount(historian)).toBe(0);
    } finally {
      session.user = sharer;
    }
    expect(await linkCount(sharer)).toBe(before);
  });

  it.each([
    ["0 minutes", { expiryMode: "custom", amount: "0", unit: "minutes" }, "amount"],
    ["-5 hours", { expiryMode: "custom", amount: "-5", unit: "hours" }, "amount"],
    ['"abc" hours', { expiryMode: "custom", amount: "abc", unit: "hours" }, "amount"],
    ["8 days", { expiryMode: "custom", amount: "8", unit: "days" }, "amount"],
    ["a time in the past", { expiryMode: "until", until: "2020-01-01T09:00", timeZone: "Europe/Paris" }, "until"],
    ["an unknown preset", { expiryMode: "preset", preset: "30d" }, "expiresIn"],
  ])("refuses an expiry of %s, and stores nothing", async (_label, fields, field) => {
    const before = await linkCount(sharer);
    const state = await share(fields);
    expect(state.status).toBe("invalid");
    if (state.status !== "invalid") return;
    expect(Object.keys(state.fieldErrors)).toEqual([field]);
    expect(await linkCount(sharer)).toBe(before);
  });

  it("keeps the URL out of the database row, and reveals it only to its owner while active", async () => {
    const link = await shareOk({ preset: "1d", note: "reveal me" });
    const signature = new URL(link.url).searchParams.get("X-Amz-Signature")!;
    const rows = await db.$queryRaw<Record<string, unknown>[]>`SELECT * FROM share_links WHERE id = ${link.id}`;
    expect(rows).toHaveLength(1);
    const raw = h.stringifyRow(rows[0]);
    expect(raw).toContain("reveal me"); // the row is the right one
    expect(raw).not.toContain("X-Amz-Signature");
    expect(raw).not.toContain(signature);
    expect(raw).not.toContain(link.url);
    expect(raw).not.toContain(encodeURI(link.url));

    expect(await revealLinkAction({ status: "idle" }, { id: link.id })).toEqual({ status: "success", data: { url: link.url } });
    session.user = historian;
    try {
      const other = await revealLinkAction({ status: "idle" }, { id: link.id });
      expect(other).toMatchObject({ status: "error" });
      expect(JSON.stringify(other)).not.toContain("X-Amz");
    } finally {
      session.user = sharer;
    }
  });

  it("ends a link when the connection's temporary credentials end", async () => {
    const credentialsEnd = new Date(wholeSecond().getTime() + 10 * 60_000);
    const temporaryId = await saveConnection({
      name: "Temporary",
      sessionToken: "FwoGZXIvYXdzEJr-test-session-token",
      sessionTokenExpiresAt: credentialsEnd.toISOString(),
    });
    const link = await shareOk({ connectionId: temporaryId, preset: "1d" });
    expect(link.limitedByCredentials).toBe(true);
    expect(link.expiresAt).toBe(credentialsEnd.toISOString());
    const url = new URL(link.url);
    expect(url.searchParams.get("X-Amz-Security-Token")).toBe("FwoGZXIvYXdzEJr-test-session-token");
    // The signature itself ends with the credentials, not a day later.
    expect(urlEnd(link.url)).toEqual(credentialsEnd);
    expect(new Date(link.requestedExpiresAt).getTime() - amzDate(link.url).getTime()).toBe(86_400_000);
    // Neither Swift's s3api nor Ceph RGW (no STS configured) checks session tokens, so the URL works here until then.
    expect((await h.fetchBytes(link.url)).status).toBe(200);

    // A 10-minute link is active at birth and expires soon in its last quarter (2.5 minutes).
    const row = (await listLinks(soleOwner(sharer.id), { status: "all" })).rows.find((r) => r.id === link.id);
    expect(row).toMatchObject({ connectionName: "Temporary", status: "active", expiresAt: credentialsEnd });
    const lastMinute = new Date(credentialsEnd.getTime() - 60_000);
    expect((await listLinks(soleOwner(sharer.id), { status: "all" }, lastMinute)).rows.find((r) => r.id === link.id)?.status).toBe("expires_soon");
    expect(row!.requestedExpiresAt).toEqual(new Date(link.requestedExpiresAt));
  });

  it("refuses a direct link on temporary credentials that ended or end within a minute, saying so; a managed link is still made", async () => {
    const credentialsEnd = new Date(wholeSecond().getTime() + 10 * 60_000);
    const temporaryId = await saveConnection({
      name: "Ending",
      sessionToken: "FwoGZXIvYXdzEJr-ending-session-token",
      sessionTokenExpiresAt: credentialsEnd.toISOString(),
    });
    const before = await linkCount(sharer);
    for (const [offsetMs, words] of [
      [30_000, "less than a minute from now"],
      [-60_000, "expired"],
    ] as const) {
      await db.storageConnection.update({ where: { id: temporaryId }, data: { sessionTokenExpiresAt: new Date(Date.now() + offsetMs) } });
      const state = await share({ connectionId: temporaryId, preset: "1d" });
      expect(state).toMatchObject({ status: "invalid", fieldErrors: { expiresIn: [expect.stringContaining(words)] } });
      expect(JSON.stringify(state)).toContain("Paste fresh ones in Settings → Connections.");
    }
    expect(await linkCount(sharer)).toBe(before);
    const managed = await shareOk({ connectionId: temporaryId, preset: "1d", linkType: "managed" });
    expect(managed.limitedByCredentials).toBe(false);
  });

  it("shares again with the same object and options and a fresh expiry of the same length", async () => {
    const first = await shareOk({ expiryMode: "custom", amount: "2", unit: "hours", disposition: "attachment", fileName: "again.pdf", note: "again" });
    await h.sleep(1100);
    const state = await shareAgainAction({ status: "idle" }, { id: first.id });
    expect(state).toMatchObject({ status: "success" });
    const again = state.status === "success" ? state.data! : undefined;
    expect(again!.id).not.toBe(first.id);
    expect(again!.url).not.toBe(first.url);
    expect(new URL(again!.url).searchParams.get("X-Amz-Expires")).toBe("7200");
    expect(new Date(again!.expiresAt).getTime()).toBeGreaterThan(new Date(first.expiresAt).getTime());
    const response = await h.fetchBytes(again!.url);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-disposition")).toBe('attachment; filename="again.pdf"');
    const row = await db.shareLink.findUniqueOrThrow({ where: { id: again!.id } });
    expect(row).toMatchObject({ key: REPORT_KEY, disposition: "attachment", fileName: "again.pdf", note: "again", ownerId: sharer.id, replacedById: null });
    // The old row is marked as replaced by the new one (the history shows "Replaced", linking to it).
    expect((await db.shareLink.findUniqueOrThrow({ where: { id: first.id } })).replacedById).toBe(again!.id);
    const listed = await listLinks(soleOwner(sharer.id), { status: "all", q: "again" });
    expect(listed.rows.find((r) => r.id === first.id)?.replacedById).toBe(again!.id);
    expect(listed.rows.find((r) => r.id === again!.id)?.replacedById).toBeNull();

    session.user = historian;
    try {
      expect(await shareAgainAction({ status: "idle" }, { id: first.id })).toMatchObject({ status: "error" });
    } finally {
      session.user = sharer;
    }
    expect((await db.shareLink.findUniqueOrThrow({ where: { id: first.id } })).replacedById).toBe(again!.id);
  });

  it("does not share again a link whose stored override today's rules refuse, and creates nothing", async () => {
    const first = await shareOk({ expiryMode: "preset", preset: "1h", disposition: "inline", note: "legacy override" });
    // A row written before the override rules: text/html opened in the browser.
    await db.shareLink.update({ where: { id: first.id }, data: { contentTypeOverride: "text/html" } });
    const before = await db.shareLink.count({ where: { ownerId: sharer.id } });
    const state = await shareAgainAction({ status: "idle" }, { id: first.id });
    expect(state).toMatchObject({ status: "error" });
    expect(state.status === "error" ? state.message : "").toMatch(/text\/html can run as a web page/);
    await db.shareLink.update({ where: { id: first.id }, data: { contentTypeOverride: "text/plain\r\nX-Evil: 1" } });
    const crlf = await shareAgainAction({ status: "idle" }, { id: first.id });
    expect(crlf.status === "error" ? crlf.message : "").toMatch(/characters no longer allowed/);
    expect(await db.shareLink.count({ where: { ownerId: sharer.id } })).toBe(before);
  });

  it("keeps the links of a deleted connection in the history, under the name it had", async () => {
    const doomed = await saveConnection({ name: "Doomed" });
    const state = await createShareLinkAction(
      { status: "idle" },
      h.formData({
        connectionId: doomed,
        bucket,
        key: REPORT_KEY,
        expiryMode: "preset",
        preset: "1h",
        disposition: "inline",
        timeZone: "UTC",
        note: "via doomed",
      }),
    );
    const link = state.status === "success" ? state.data! : undefined;
    expect(link).toBeDefined();
    expect(await h.runRedirectingAction(() => deleteConnectionAction({ status: "idle" }, { id: doomed }))).toEqual({
      redirectTo: "/settings/connections?deleted=1",
    });
    expect(await db.storageConnection.count({ where: { id: doomed } })).toBe(0);
    const [row] = (await listLinks(soleOwner(sharer.id), { status: "all", q: "via doomed" })).rows;
    expect(row).toMatchObject({ id: link!.id, connectionId: null, connectionName: "Doomed", key: REPORT_KEY, status: "active" }); // a fresh 1-hour link is active for its first 45 minutes
    expect((await h.fetchBytes(link!.url)).status).toBe(200);
  });

  it("deletes a link from the history, but its URL keeps working (S3 cannot revoke it)", async () => {
    const link = await shareOk({ preset: "1h", note: "delete me" });
    expect(await deleteLinkAction({ status: "idle" }, { id: link.id })).toEqual({ status: "success", message: "Removed from your history." });
    const history = await allPages(sharer, { status: "all" }, new Date());
    expect(history.flat().map((r) => r.id)).not.toContain(link.id);
    expect((await listLinks(soleOwner(sharer.id), { status: "all", q: "delete me" })).rows).toEqual([]);
    expect(await revealLinkAction({ status: "idle" }, { id: link.id })).toMatchObject({ status: "error" });
    expect(await deleteLinkAction({ status: "idle" }, { id: link.id })).toMatchObject({ status: "error" });

    const response = await h.fetchBytes(link.url);
    expect(response.status).toBe(200);
    expect(response.body.equals(REPORT)).toBe(true);
  });
});

describe("link history", () => {
  const now = wholeSecond();
  const MINUTE = 60_000;
  const HOUR = 60 * MINUTE;
  const LIVES = [MINUTE, HOUR, 6 * HOUR, 24 * HOUR, 72 * HOUR, 168 * HOUR];
  const TIED = [48, 49, 50, 51, 52]; // same createdAt, across the boundary of pages 1 and 2
  type Seed = { key: string; note: string | null; createdAt: Date; expiresAt: Date; downloadLimit?: number; downloadCount?: number; objectState?: string };
  // Links that stopped working before their expiry (managed): used up, or their file replaced or deleted.
  const STOPPED: Record<number, Pick<Seed, "downloadLimit" | "downloadCount" | "objectState">> = {
    30: { downloadLimit: 1, downloadCount: 1 }, // limit reached
    31: { downloadLimit: 3, downloadCount: 3, objectState: "missing" }, // limit reached (the limit is said first)
    32: { downloadLimit: 3, downloadCount: 2 }, // still active
    33: { objectState: "changed" },
    34: { objectState: "missing" },
    35: { downloadLimit: 2, downloadCount: 1, objectState: "changed" }, // changed
    36: { downloadLimit: 1, downloadCount: 1 }, // limit reached, in its last hour (not "expires soon")
    42: { downloadLimit: 1, downloadCount: 1, objectState: "changed" }, // expired: expiry is said first
  };
  const seeds: Seed[] = [];

  function noteFor(i: number): string | null {
    if (i === 9) return 'tricky, "quoted"\nnote';
    if (i === 13) return '=HYPERLINK("http://example.com")';
    if (i === 19) return "copied from C:\\temp\\report";
    if (i === 23) return "temp files";
    if (i % 5 === 0) return `Invoice #${i} for ACME`;
    if (i % 7 === 0) return "50% off";
    if (i % 11 === 0) return "500 off";
    return null;
  }

  beforeAll(async () => {
    for (let i = 0; i < 120; i++) {
      const createdAt = new Date(now.getTime() - (TIED.includes(i) ? TIED[0]! : i) * 90 * MINUTE);
      let expiresAt = new Date(createdAt.getTime() + LIVES[i % LIVES.length]!);
      // Exactly at the status boundaries, as the filters see them.
      if (i === 1) expiresAt = now; // expired at this instant
      if (i === 2) expiresAt = new Date(now.getTime() + HOUR); // still active: turns "soon" right after now
      if (i === 3) expiresAt = new Date(now.getTime() + HOUR - 1); // expires soon
      if (i === 4) expiresAt = new Date(now.getTime() + 1); // expires soon
      if (i === 5) expiresAt = new Date(now.getTime() - 1); // expired
      if (i >= 30 && i <= 35) expiresAt = new Date(now.getTime() + 48 * HOUR);
      if (i === 36) expiresAt = new Date(now.getTime() + 10 * MINUTE);
      if (i === 42) expiresAt = new Date(now.getTime() - MINUTE);
      const key = i === 17 ? `files/report_final-${i}.bin` : i % 4 === 0 ? `invoices/INVOICE-${i}.pdf` : `files/report-${i}.bin`;
      seeds.push({ key, note: noteFor(i), createdAt, expiresAt, ...STOPPED[i] });
    }
    const deleted = [0, 1].map(
      (i): Seed => ({
        key: `invoices/deleted-${i}.pdf`,
        note: "Invoice deleted",
        createdAt: new Date(now.getTime() - 5 * MINUTE),
        expiresAt: new Date(now.getTime() + 7 * 24 * HOUR),
      }),
    );
    const key = getRuntimeSecrets().encryptionKey;
    const data = await Promise.all(
      [...seeds, ...deleted].map(async (seed, i) => {
        const url = await open.clients.presigner.presignGet({ bucket: "archive-bucket", key: seed.key, expiresInSeconds: 3600 });
        const id = newRecordId();
        return {
          id,
          ownerId: historian.id,
          connectionId: null,
          connectionName: "Archive",
          bucket: "archive-bucket",
          key: seed.key,
          objectSize: BigInt(i * 1000),
          requestedExpiresAt: seed.expiresAt,
          expiresAt: seed.expiresAt,
          expiresSoonAt: expiresSoonFrom(seed),
          disposition: i % 2 ? "attachment" : "inline",
          fileName: seed.key.split("/").at(-1)!,
          note: seed.note,
          urlEnc: seal("shareUrl", id, url, key),
          createdAt: seed.createdAt,
          deletedAt: i >= seeds.length ? now : null,
          ...(seed.downloadLimit === undefined ? {} : { kind: "managed", downloadLimit: seed.downloadLimit, downloadCount: seed.downloadCount ?? 0 }),
          ...(seed.objectState === undefined ? {} : { kind: "managed", objectState: seed.objectState }),
        };
      }),
    );
    await db.shareLink.createMany({ data });
  });

  it("lists the buckets of the history for the filter menu, by the name a deleted connection had", async () => {
    expect(await listHistoryBuckets(soleOwner(historian.id))).toEqual([{ connectionId: null, connectionName: "Archive", bucket: "archive-bucket" }]);
    const mine = await listHistoryBuckets(soleOwner(sharer.id));
    expect(mine).toContainEqual({ connectionId, connectionName, bucket });
    // A bucket whose only link was removed from the history is not offered.
    const removedId = newRecordId();
    const issued = new Date();
    await db.shareLink.create({
      data: {
        id: removedId,
        ownerId: sharer.id,
        connectionId,
        connectionName,
        bucket: "only-removed-links",
        key: "gone.txt",
        objectSize: 1n,
        requestedExpiresAt: new Date(issued.getTime() + HOUR),
        expiresAt: new Date(issued.getTime() + HOUR),
        expiresSoonAt: new Date(issued.getTime() + 45 * MINUTE),
        disposition: "inline",
        fileName: "gone.txt",
        urlEnc: seal("shareUrl", removedId, "https://example.invalid/gone", getRuntimeSecrets().encryptionKey),
        createdAt: issued,
        deletedAt: issued,
      },
    });
    expect((await listHistoryBuckets(soleOwner(sharer.id))).map((m) => m.bucket)).not.toContain("only-removed-links");
    expect(new Set(mine.map((m) => `${m.connectionId}/${m.bucket}`)).size).toBe(mine.length);
  });

  it("counts the matches with the list's own filter, the cursor aside, and stops counting at the cap", async () => {
    expect(await countLinks(soleOwner(historian.id), { status: "all" }, now)).toEqual({ count: 120, capped: false });
    expect(await countLinks(soleOwner(historian.id), { status: "all", cursor: "anything" }, now)).toEqual({ count: 120, capped: false });
    expect(await countLinks(soleOwner(historian.id), { status: "all" }, now, 100)).toEqual({ count: 100, capped: true });
    expect(await countLinks(soleOwner(historian.id), { status: "all" }, now, 120)).toEqual({ count: 120, capped: false });
    for (const status of ["expired", "active", "limit_reached"] as const) {
      expect((await countLinks(soleOwner(historian.id), { status }, now)).count).toBe((await allPages(historian, { status }, now)).flat().length);
    }
  });

  it("pages through all links 50 at a time, newest first, each exactly once", async () => {
    const pages = await allPages(historian, { status: "all" }, now);
    expect(pages.map((p) => p.length)).toEqual([50, 50, 20]);
    const rows = pages.flat();
    expect(new Set(rows.map((r) => r.id)).size).toBe(120);
    expect(rows.map((r) => r.key).sort()).toEqual(seeds.map((s) => s.key).sort());
    for (let i = 1; i < rows.length; i++) {
      expect(rows[i]!.createdAt.getTime()).toBeLessThanOrEqual(rows[i - 1]!.createdAt.getTime());
    }
    // The tie straddles the page boundary; the database's own order is the reference.
    expect(new Set(rows.slice(48, 53).map((r) => r.createdAt.getTime())).size).toBe(1);
    const ordered = await db.shareLink.findMany({
      where: { ownerId: historian.id, deletedAt: null },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      select: { id: true },
    });
    expect(rows.map((r) => r.id)).toEqual(ordered.map((r) => r.id));
    expect(rows.map((r) => r.key)).not.toContain("invoices/deleted-0.pdf");
  });

  it.each(["active", "expires_soon", "expired", "limit_reached", "changed", "missing"] as const)(
    "filters by status %s exactly as each row's status reads",
    async (status) => {
      const expected = seeds.filter((s) => linkStatus(s, now) === status).map((s) => s.key);
      expect(expected.length).toBeGreaterThan(0);
      const rows = (await allPages(historian, { status }, now)).flat();
      expect(rows.map((r) => r.key).sort()).toEqual(expected.sort());
      for (const row of rows) expect(row.status).toBe(status);
    },
  );

  it("puts the boundary rows where their timestamps say", async () => {
    const rows = (await allPages(historian, { status: "all" }, now)).flat();
    const statusOf = (i: number) => rows.find((r) => r.key === seeds[i]!.key)?.status;
    expect([1, 2, 3, 4, 5].map(statusOf)).toEqual(["expired", "active", "expires_soon", "expires_soon", "expired"]);
  });

  it("says a used-up link reached its limit and a replaced or deleted file changed or went missing, not Active", async () => {
    const rows = (await allPages(historian, { status: "all" }, now)).flat();
    const statusOf = (i: number) => rows.find((r) => r.key === seeds[i]!.key)?.status;
    expect([30, 31, 32, 33, 34, 35, 36, 42].map(statusOf)).toEqual([
      "limit_reached",
      "limit_reached",
      "active",
      "changed",
      "missing",
      "changed",
      "limit_reached",
      "expired",
    ]);
    const activeKeys = (await allPages(historian, { status: "active" }, now)).flat().map((r) => r.key);
    expect(activeKeys).toContain(seeds[32]!.key);
    for (const i of [30, 31, 33, 34, 35, 36]) expect(activeKeys).not.toContain(seeds[i]!.key);
    const usedUp = (await allPages(historian, { status: "limit_reached" }, now)).flat().map((r) => r.key);
    expect(usedUp.sort()).toEqual([30, 31, 36].map((i) => seeds[i]!.key).sort());
  });

  it.each([
    ["invoice", (s: Seed) => s.key.toLowerCase().includes("invoice") || Boolean(s.note?.toLowerCase().includes("invoice"))],
    ["acme", (s: Seed) => Boolean(s.note?.includes("ACME"))],
    ["50%", (s: Seed) => Boolean(s.note?.includes("50%"))],
    ["report_", (s: Seed) => s.key.includes("report_")],
    ["\\temp", (s: Seed) => Boolean(s.note?.includes("\\temp"))],
  ])("searches keys and notes for %j", async (q, matches) => {
    const expected = seeds.filter(matches).map((s) => s.key);
    expect(expected.length).toBeGreaterThan(0);
    const rows = (await allPages(historian, { status: "all", q }, now)).flat();
    expect(rows.map((r) => r.key).sort()).toEqual(expected.sort());
  });

  it("exports the history as CSV: a header, one row per link, no URLs", async () => {
    const exportAs = async (user: SessionUser, url: string) => {
      session.user = user;
      try {
        const response = await exportCsv(new Request(url), { params: Promise.resolve({}) });
        return { response, text: await response.text() };
      } finally {
        session.user = sharer;
      }
    };
    const { response, text } = await exportAs(historian, "http://bucketshare.test/links/export");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("content-disposition")).toMatch(/^attachment; filename="bucketshare-links-\d{4}-\d{2}-\d{2}\.csv"$/);
    expect(text).not.toMatch(/X-Amz/i);
    expect(text).not.toContain("http://127.0.0.1");
    // Every field quoted, so `;` or `,` inside a key or note never starts a new cell.
    expect(text).toMatch(/^(?:"(?:[^"]|"")*"(?:,|\r\n))+$/);

    const [header, ...records] = parseCsv(text);
    expect(header).toEqual([
      "status",
      "connection",
      "bucket",
      "key",
      "file_name",
      "disposition",
      "content_type_override",
      "size_bytes",
      "note",
      "created_at",
      "expires_at",
      "requested_expires_at",
      "type",
      "downloads",
      "download_limit",
      "last_access_at",
      "revoked_at",
      "object_state",
      // The Owner sees every link of the team: who issued each.
      "issued_by",
    ]);
    expect(records).toHaveLength(120);
    for (const record of records) expect(record).toHaveLength(19);
    expect(records.map((r) => r[3]).sort()).toEqual(seeds.map((s) => s.key).sort());
    const byKey = new Map(records.map((r) => [r[3], r]));
    expect(byKey.get(seeds[9]!.key)![8]).toBe('tricky, "quoted"\nnote');
    expect(byKey.get(seeds[13]!.key)![8]).toBe(`'=HYPERLINK("http://example.com")`);
    expect(byKey.get(seeds[10]!.key)).toMatchObject({ 1: "Archive", 2: "archive-bucket", 8: "Invoice #10 for ACME", 9: seeds[10]!.createdAt.toISOString() });
    // The status column says why a link stopped working before its expiry.
    expect(byKey.get(seeds[30]!.key)).toMatchObject({ 0: "Limit reached", 12: "managed", 13: "1", 14: "1" });
    expect(byKey.get(seeds[33]!.key)).toMatchObject({ 0: "File changed", 17: "changed" });
    expect(byKey.get(seeds[34]!.key)).toMatchObject({ 0: "File missing", 17: "missing" });
    expect(byKey.get(seeds[32]!.key)![0]).toBe("Active");

    const usedUp = parseCsv((await exportAs(historian, "http://bucketshare.test/links/export?status=limit_reached")).text).slice(1);
    expect(usedUp.map((r) => r[0])).toEqual(["Limit reached", "Limit reached", "Limit reached"]);
    expect(usedUp.map((r) => r[3]).sort()).toEqual([30, 31, 36].map((i) => seeds[i]!.key).sort());

    const filtered = parseCsv((await exportAs(historian, "http://bucketshare.test/links/export?q=acme")).text);
    expect(
      filtered
        .slice(1)
        .map((r) => r[3])
        .sort(),
    ).toEqual(
      seeds
        .filter((s) => s.note?.includes("ACME"))
        .map((s) => s.key)
        .sort(),
    );
  });

  it("refuses the CSV export without a session", async () => {
    session.user = null;
    try {
      const response = await exportCsv(new Request("http://bucketshare.test/links/export"), { params: Promise.resolve({}) });
      expect(response.status).toBe(401);
      expect(response.headers.get("content-type")).toBe("application/problem+json");
      expect(await response.json()).toMatchObject({ type: "urn:bucketshare:problem:sign-in-required", detail: "Sign in first.", instance: "/links/export" });
    } finally {
      session.user = sharer;
    }
  });
});

/** RFC 4180: quoted fields may hold commas, doubled quotes and line breaks; records end in CRLF. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let field = "";
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      record.push(field);
      field = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      record.push(field);
      records.push(record);
      record = [];
      field = "";
      i++;
    } else field += c;
  }
  if (field !== "" || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  return records;
}
