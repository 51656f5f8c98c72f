/**
 * Multi-file shares, owner side, against each real S3 server (Swift s3api and Ceph RGW) and the
 * real database: the snapshot taken at share time (selection across a folder, a folder with or
 * without subfolders and a name pattern), the limit, and bad input that creates nothing. Only
 * the request context is mocked (who is signed in).
 */
import { soleOwner } from "@/lib/auth/permissions";
import type { S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { SessionUser } from "@/lib/auth/session";
import type { TestStorage } from "../support/storages";
import { session } from "../support/request-context";
import { db } from "@/lib/db/client";
import { saveConnectionAction } from "@/lib/actions/save-connection";
import { createFilesShareAction } from "@/lib/actions/create-files-share";
import { scanFilesShareAction } from "@/lib/actions/scan-files-share";
import { issueFilesShare } from "@/lib/links/issue-files";
import { createFilesShareSchema, toFilesShareRequest } from "@/lib/validation/share-files";
import { listLinks, getReshareOptions } from "@/lib/links/history";
import { listLinkFiles } from "@/lib/links/link-files";
import { getLinkDetails } from "@/lib/links/manage";
import * as h from "../support/helpers";
import { adminS3For, storageCases } from "../support/storages";

vi.mock("@/lib/auth/session", async () => (await import("../support/request-context")).sessionModule);

const sharers: SessionUser[] = [];

afterAll(async () => {
  session.user = null;
  await h.deleteTestUsers(...sharers);
});

const bytes = (n: number, fill: string) => Buffer.alloc(n, fill);

describe.each(storageCases())("multi-file shares on $name", (server: TestStorage) => {
  let sharer: SessionUser;
  let admin: S3Client;
  let bucket: string;
  let connectionId: string;

  beforeAll(async () => {
    sharer = await h.createTestUser(`files-${server.name}`);
    sharers.push(sharer);
    session.user = sharer;
    admin = adminS3For(server);
    bucket = await h.createBucket(admin);
    await h.putObjects(admin, bucket, [
      { key: "docs/", body: new Uint8Array() },
      { key: "docs/a.pdf", body: bytes(100, "a"), contentType: "application/pdf" },
      { key: "docs/notes.txt", body: bytes(10, "n"), contentType: "text/plain" },
      { key: "docs/Übersicht 2026 +%#?&.PDF", body: bytes(30, "u") },
      { key: "docs/sub/", body: new Uint8Array() },
      { key: "docs/sub/b.pdf", body: bytes(200, "b") },
      { key: "docs/sub/deeper/c.Pdf", body: bytes(300, "c") },
      { key: "docs/sub/deeper/d.png", body: bytes(40, "d") },
      { key: "other/x.pdf", body: bytes(5, "x") },
    ]);
    const form = h.formData({
      name: server.name,
      provider: "custom",
      endpoint: server.endpoint,
      region: server.region,
      forcePathStyle: "on",
      accessKeyId: server.accessKeyId,
      secretAccessKey: server.secretAccessKey,
    });
    const saved = await h.runRedirectingAction(() => saveConnectionAction({ status: "idle" }, form));
    expect(saved).toMatchObject({ state: { status: "success" } });
    connectionId = (await db.storageConnection.findFirstOrThrow({ where: { ownerId: sharer.id } })).id;
  });

  afterAll(() => admin?.destroy());

  const linkCount = () => db.shareLink.count({ where: { ownerId: sharer.id } });
  const fileRows = (linkId: string) => db.shareLinkFile.findMany({ where: { linkId }, orderBy: { path: "asc" } });

  async function shareOk(fields: Record<string, unknown>) {
    session.user = sharer;
    const state = await createFilesShareAction({ status: "idle" }, { connectionId, bucket, preset: "7d", zipAllowed: "on", ...fields });
    expect(state, JSON.stringify(state)).toMatchObject({ status: "success" });
    if (state.status !== "success" || !state.data) throw new Error("no share");
    return state.data;
  }

  async function refused(fields: Record<string, unknown>): Promise<string> {
    session.user = sharer;
    const before = await linkCount();
    const state = await createFilesShareAction({ status: "idle" }, { connectionId, bucket, preset: "7d", ...fields });
    expect(state.status, JSON.stringify(state)).not.toBe("success");
    expect(await linkCount()).toBe(before);
    return "message" in state ? `${state.message} ${state.status === "invalid" ? Object.values(state.fieldErrors).flat().join(" ") : ""}` : "";
  }

  it("a selection records exactly the chosen files (HeadObject each) with paths relative to their folder; a file added later is not in it", async () => {
    const keys = ["docs/a.pdf", "docs/notes.txt", "docs/Übersicht 2026 +%#?&.PDF"];
    const link = await shareOk({ mode: "keys", keys, note: "for Ann", downloadLimit: "5", password: "pw-12345678", allowedNetworks: "10.0.0.0/8" });
    expect(link).toMatchObject({ kind: "managed", fileCount: 3, totalBytes: 140, title: "3 files" });
    expect(link.url).toMatch(/\/s\/[A-Za-z0-9_-]+$/);

    const row = await db.shareLink.findUniqueOrThrow({ where: { id: link.id } });
    expect(row).toMatchObject({
      target: "files",
      kind: "managed",
      key: "docs/",
      fileCount: 3,
      title: "3 files",
      fileName: "3 files",
      zipAllowed: true,
      downloadLimit: 5,
      note: "for Ann",
      allowedNetworks: ["10.0.0.0/8"],
    });
    expect(row.objectSize).toBe(140n);
    expect(row.passwordHash).not.toBeNull();

    await h.putObjects(admin, bucket, [{ key: "docs/late.pdf", body: bytes(7, "l") }]);
    const files = await fileRows(link.id);
    expect(files.map((f) => [f.path, f.key, Number(f.size)])).toEqual([
      ["a.pdf", "docs/a.pdf", 100],
      ["notes.txt", "docs/notes.txt", 10],
      ["Übersicht 2026 +%#?&.PDF", "docs/Übersicht 2026 +%#?&.PDF", 30],
    ]);
    expect(files.every((f) => f.etag)).toBe(true);
    expect(files.find((f) => f.path === "notes.txt")?.contentType).toBe("text/plain");
  });

  it("a recursive folder share with a pattern records exactly the matching files (case-insensitive) with relative paths; added files stay out", async () => {
    const link = await shareOk({ mode: "folder", prefix: "docs/", recursive: "on", pattern: "*.pdf" });
    expect(link).toMatchObject({ fileCount: 5, title: "docs" });
    const paths = (await fileRows(link.id)).map((f) => f.path).sort();
    // docs/late.pdf (added by the previous test) exists now, so it is listed; the next upload is not.
    expect(paths).toEqual(["a.pdf", "late.pdf", "sub/b.pdf", "sub/deeper/c.Pdf", "Übersicht 2026 +%#?&.PDF"].sort());
    await h.putObjects(admin, bucket, [{ key: "docs/sub/after.pdf", body: bytes(3, "z") }]);
    expect((await fileRows(link.id)).map((f) => f.path).sort()).toEqual(paths);
    const row = await db.shareLink.findUniqueOrThrow({ where: { id: link.id } });
    expect(row).toMatchObject({ key: "docs/", fileCount: 5, target: "files" });
  });

  it('a share of the bucket root is titled "Shared files", never with the bucket\'s name (recipients never see the bucket)', async () => {
    const link = await shareOk({ mode: "folder", prefix: "", recursive: "on", pattern: "*.png" });
    expect(link).toMatchObject({ fileCount: 1, title: "Shared files" });
    const row = await db.shareLink.findUniqueOrThrow({ where: { id: link.id } });
    expect([row.title, row.fileName]).toEqual(["Shared files", "Shared files"]);
    expect([row.title, row.fileName]).not.toContain(bucket);
  });

  it("without subfolders only the folder's own files are shared; the folder markers are not files", async () => {
    const link = await shareOk({ mode: "folder", prefix: "docs/sub/", title: "Sub only" });
    expect((await fileRows(link.id)).map((f) => [f.path, Number(f.size)])).toEqual([
      ["after.pdf", 3],
      ["b.pdf", 200],
    ]);
    expect(link).toMatchObject({ title: "Sub only", totalBytes: 203 });
    const { rows } = await listLinks(soleOwner(sharer.id), { status: "all", q: "sub only" }, new Date());
    expect(rows.map((r) => [r.id, r.target, r.title, r.fileCount, r.objectSize])).toEqual([[link.id, "files", "Sub only", 2, 203]]);
    expect(await getLinkDetails(soleOwner(sharer.id), link.id)).toMatchObject({
      target: "files",
      title: "Sub only",
      fileCount: 2,
      zipAllowed: true,
      key: "docs/sub/",
    });
    await expect(getReshareOptions(soleOwner(sharer.id), link.id)).rejects.toThrow(/several files is not shared again/);
  });

  it("the link page lists a share's files in pages of 100, in path order, only to its owner", async () => {
    await h.putObjects(
      admin,
      bucket,
      Array.from({ length: 120 }, (_, i) => ({ key: `many/f${String(i).padStart(3, "0")}.txt`, body: bytes(1, "m") })),
    );
    const link = await shareOk({ mode: "folder", prefix: "many/", zipAllowed: "" });
    expect(link.fileCount).toBe(120);
    expect((await db.shareLink.findUniqueOrThrow({ where: { id: link.id } })).zipAllowed).toBe(false);
    const first = await listLinkFiles(soleOwner(sharer.id), link.id);
    expect(first.rows).toHaveLength(100);
    expect(first.rows[0]).toEqual({ path: "f000.txt", size: 1, state: null });
    const second = await listLinkFiles(soleOwner(sharer.id), link.id, first.nextCursor!);
    expect(second.rows.map((r) => r.path)).toEqual(Array.from({ length: 20 }, (_, i) => `f${100 + i}.txt`));
    expect(second.nextCursor).toBeNull();
    const stranger = await h.createTestUser("files-stranger");
    sharers.push(stranger);
    expect((await listLinkFiles(soleOwner(stranger.id), link.id)).rows).toEqual([]);
  });

  it("the dialog's scan reports files and bytes per step", async () => {
    session.user = sharer;
    const state = await scanFilesShareAction({ status: "idle" }, { connectionId, bucket, mode: "folder", prefix: "docs/sub/deeper/", recursive: "on" });
    expect(state).toMatchObject({ status: "success", data: { count: 2, bytes: 340, next: null } });
    const keysState = await scanFilesShareAction({ status: "idle" }, { connectionId, bucket, mode: "keys", keys: ["docs/a.pdf", "other/x.pdf"] });
    expect(keysState).toMatchObject({ status: "success", data: { count: 2, bytes: 105, next: null } });
  });

  it("a selection across folders is relative to their common folder", async () => {
    const link = await shareOk({ mode: "keys", keys: ["docs/sub/b.pdf", "docs/a.pdf"] });
    expect((await fileRows(link.id)).map((f) => f.path)).toEqual(["a.pdf", "sub/b.pdf"]);
  });

  it("refuses bad input with a clear message and creates nothing", async () => {
    expect(await refused({ mode: "keys", keys: [] })).toMatch(/Nothing is selected/);
    expect(await refused({ mode: "folder", prefix: "docs/", recursive: "on", pattern: "*.docx" })).toMatch(
      /No file in this folder or its subfolders matches “\*\.docx”/,
    );
    expect(await refused({ mode: "folder", prefix: "docs/", pattern: "[abc" })).toMatch(/Not a usable pattern/);
    expect(await refused({ mode: "keys", keys: ["docs/a.pdf", "docs/gone.pdf"] })).toMatch(/“gone\.pdf” does not exist/);
    expect(await refused({ mode: "keys", keys: ["docs/a.pdf"], downloadLimit: "0" })).toMatch(/whole number/);
    // Another owner's connection id is not found, whatever it is.
    session.user = sharers.find((s) => s.id !== sharer.id) ?? (await h.createTestUser("stranger"));
    if (!sharers.includes(session.user)) sharers.push(session.user);
    const stranger = await createFilesShareAction({ status: "idle" }, { connectionId, bucket, mode: "keys", keys: ["docs/a.pdf"], preset: "7d" });
    expect(stranger).toMatchObject({ status: "error", message: expect.stringMatching(/connection does not exist/) });
  });

  it("takes Quick Share's managed expiry choices: a custom duration, until a date and time in the sharer's zone; out of range is refused at its field", async () => {
    const started = Date.now();
    const custom = await shareOk({ mode: "keys", keys: ["docs/a.pdf"], expiryMode: "custom", amount: "45", unit: "days" });
    const customRow = await db.shareLink.findUniqueOrThrow({ where: { id: custom.id } });
    const asked = customRow.expiresAt.getTime() - customRow.createdAt.getTime();
    expect(Math.abs(asked - 45 * 86_400_000)).toBeLessThan(1_000);
    expect(customRow.neverExpires).toBe(false);
    expect(custom.expiresAt).toBe(customRow.expiresAt.toISOString());

    // 20 days from now, to the minute, written as a wall-clock time in Kolkata (UTC+05:30 all year).
    const target = new Date(Math.floor((started + 20 * 86_400_000) / 60_000) * 60_000);
    const wall = new Date(target.getTime() + 330 * 60_000).toISOString().slice(0, 16);
    const until = await shareOk({ mode: "folder", prefix: "docs/sub/deeper/", expiryMode: "until", until: wall, timeZone: "Asia/Kolkata" });
    expect((await db.shareLink.findUniqueOrThrow({ where: { id: until.id } })).expiresAt.toISOString()).toBe(target.toISOString());

    async function refusedAt(fields: Record<string, unknown>) {
      session.user = sharer;
      const before = await linkCount();
      const state = await createFilesShareAction({ status: "idle" }, { connectionId, bucket, mode: "keys", keys: ["docs/a.pdf"], ...fields });
      expect(await linkCount()).toBe(before);
      if (state.status !== "invalid") throw new Error(`not refused at a field: ${JSON.stringify(state)}`);
      return state.fieldErrors;
    }
    expect(await refusedAt({ expiryMode: "custom", amount: "3651", unit: "days" })).toEqual({
      amount: ["Managed links can last at most 3,650 days with a duration; choose No expiry for longer."],
    });
    expect(await refusedAt({ expiryMode: "custom", amount: "0", unit: "hours" })).toEqual({ amount: ["Enter a whole number greater than 0."] });
    expect(await refusedAt({ expiryMode: "until", until: "2020-01-01T10:00", timeZone: "UTC" })).toEqual({ until: ["That time has already passed."] });
    const tooFar = new Date(started + 3_651 * 86_400_000).toISOString().slice(0, 16);
    expect(await refusedAt({ expiryMode: "until", until: tooFar, timeZone: "UTC" })).toEqual({ until: [expect.stringMatching(/at most 3,650 days/)] });
    expect(await refusedAt({ expiryMode: "until", until: "2030-02-30T10:00", timeZone: "UTC" })).toEqual({ until: ["Enter a valid date and time."] });
    expect(await refusedAt({ expiryMode: "until", until: wall, timeZone: "Mars/Olympus" })).toEqual({ until: [expect.stringMatching(/Unknown time zone/)] });
  });

  it("a folder over the limit is refused with a message and nothing is created (limit lowered for the test)", async () => {
    const before = await linkCount();
    const input = toFilesShareRequest(createFilesShareSchema.parse({ connectionId, bucket, mode: "folder", prefix: "docs/", recursive: "on", preset: "7d" }));
    await expect(issueFilesShare(sharer, input, { limit: 3 })).rejects.toThrow(/more than 3 files, the most one share can hold/);
    expect(await linkCount()).toBe(before);
    expect(await db.shareLinkFile.count({ where: { link: { ownerId: sharer.id } } })).toBeGreaterThan(0);
    // Exactly at the limit is fine.
    const ok = await issueFilesShare(
      sharer,
      toFilesShareRequest(createFilesShareSchema.parse({ connectionId, bucket, mode: "folder", prefix: "docs/sub/deeper/", preset: "7d" })),
      { limit: 2 },
    );
    expect(ok.fileCount).toBe(2);
  });
});
