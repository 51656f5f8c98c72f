/**
 * The owner's side of managed links against the real database and both local S3 servers (Swift
 * s3api, and Ceph RGW with bucket versioning for the version pin): issuing through the real
 * Quick Share action, Revoke / Change expiry / Change download limit / Change password / Change
 * allowed networks through the real actions
 * (another owner's id changes nothing), the history's Revoked and Type filters, the access log's
 * pages and the object panel's list. Only the request context is stood in for (who is signed in).
 */
import { soleOwner } from "@/lib/auth/permissions";
import { createHash, randomBytes } from "node:crypto";
import { PutBucketVersioningCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { SessionUser } from "@/lib/auth/session";
import { session } from "../support/request-context";
import { db } from "@/lib/db/client";
import { getRuntimeSecrets } from "@/lib/env";
import { unseal } from "@/lib/storage/sealed";
import { verifyPassword } from "@/lib/auth/password";
import { saveConnectionAction } from "@/lib/actions/save-connection";
import { createShareLinkAction } from "@/lib/actions/create-share-link";
import { revokeLinkAction } from "@/lib/actions/revoke-link";
import { changeLinkExpiryAction } from "@/lib/actions/change-link-expiry";
import { changeDownloadLimitAction } from "@/lib/actions/change-download-limit";
import { deleteLinkAction } from "@/lib/actions/delete-link";
import { revealLinkAction } from "@/lib/actions/reveal-link";
import { shareAgainAction } from "@/lib/actions/share-again";
import { ALREADY_REPLACED } from "@/lib/links/history";
import { clearLinkLockoutAction } from "@/lib/actions/clear-link-lockout";
import { changeLinkPasswordAction } from "@/lib/actions/change-link-password";
import { changeAllowedNetworksAction } from "@/lib/actions/change-allowed-networks";
import { guardedAttempt, linkPasswordLockout } from "@/lib/auth/rate-limit";
import { listLinks } from "@/lib/links/history";
import { getLinkDetails, listAccessLog, listLinksForObject } from "@/lib/links/manage";
import * as h from "../support/helpers";
import { adminS3For, storageCases } from "../support/storages";

vi.mock("@/lib/auth/session", async () => (await import("../support/request-context")).sessionModule);

const KEY = "reports/q4 figures.bin";
const BODY = randomBytes(12_345);

let owner: SessionUser;
let stranger: SessionUser;
const admins: S3Client[] = [];

async function saveConnection(storage: { endpoint: string; region: string; accessKeyId: string; secretAccessKey: string }, name: string): Promise<string> {
  const form = h.formData({
    provider: "custom",
    name,
    endpoint: storage.endpoint,
    region: storage.region,
    forcePathStyle: "on",
    accessKeyId: storage.accessKeyId,
    secretAccessKey: storage.secretAccessKey,
  });
  const result = await h.runRedirectingAction(() => saveConnectionAction({ status: "idle" }, form));
  expect(result).toMatchObject({ state: { status: "success" } });
  return (await db.storageConnection.findFirstOrThrow({ where: { ownerId: session.user!.id, name } })).id;
}

async function share(target: { connectionId: string; bucket: string; key?: string }, fields: Record<string, string>) {
  const state = await createShareLinkAction(
    { status: "idle" },
    h.formData({
      connectionId: target.connectionId,
      bucket: target.bucket,
      key: target.key ?? KEY,
      expiryMode: "preset",
      preset: "1d",
      disposition: "attachment",
      timeZone: "UTC",
      ...fields,
    }),
  );
  return state;
}

async function shareOk(target: { connectionId: string; bucket: string; key?: string }, fields: Record<string, string>) {
  const state = await share(target, fields);
  expect(state, JSON.stringify(state)).toMatchObject({ status: "success" });
  if (state.status !== "success" || !state.data) throw new Error("no link");
  return state.data;
}

/** Runs `fn` signed in as `user`, then returns to the owner. */
async function as<T>(user: SessionUser, fn: () => Promise<T>): Promise<T> {
  session.user = user;
  try {
    return await fn();
  } finally {
    session.user = owner;
  }
}

beforeAll(async () => {
  owner = await h.createTestUser("managed-owner");
  stranger = await h.createTestUser("managed-stranger");
  session.user = owner;
});

afterAll(async () => {
  session.user = null;
  for (const admin of admins) admin.destroy();
  await h.deleteTestUsers(owner, stranger);
});

describe.each(storageCases())("issuing a managed link on $name", (storage) => {
  let target: { connectionId: string; bucket: string };
  let putVersionId: string | undefined;
  let putEtag: string | undefined;

  beforeAll(async () => {
    const admin = adminS3For(storage);
    admins.push(admin);
    const bucket = await h.createBucket(admin, "managed");
    if (storage.versioning) await admin.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: "Enabled" } }));
    const put = await admin.send(new PutObjectCommand({ Bucket: bucket, Key: KEY, Body: BODY, ContentType: "application/octet-stream" }));
    putVersionId = put.VersionId;
    putEtag = put.ETag;
    target = { connectionId: await saveConnection(storage, `Managed ${storage.name}`), bucket };
  });

  it("stores only the token's hash and the sealed URL, a scrypt password, canonical networks and the pin", async () => {
    const password = `pw-${randomBytes(6).toString("hex")}`;
    const link = await shareOk(target, {
      linkType: "managed",
      downloadLimit: "3",
      password,
      allowedNetworks: "203.0.113.9/24\n2001:DB8::1/48, 198.51.100.7",
    });
    expect(link.kind).toBe("managed");
    const match = /^http:\/\/127\.0\.0\.1:\d+\/s\/([A-Za-z0-9_-]{32})$/.exec(link.url);
    expect(match, link.url).not.toBeNull();
    const token = match![1]!;
    expect(link.managed).toEqual({ downloadLimit: 3, password: true, allowedNetworks: ["203.0.113.0/24", "2001:db8::/48", "198.51.100.7/32"], pinned: true });
    expect(link.url).not.toMatch(/X-Amz/);

    const row = await db.shareLink.findUniqueOrThrow({ where: { id: link.id } });
    expect(row).toMatchObject({
      kind: "managed",
      ownerId: owner.id,
      tokenHash: createHash("sha256").update(token).digest("hex"),
      downloadLimit: 3,
      downloadCount: 0,
      allowedNetworks: ["203.0.113.0/24", "2001:db8::/48", "198.51.100.7/32"],
      pinned: true,
      neverExpires: false,
      revokedAt: null,
      objectEtag: putEtag,
      objectVersionId: storage.versioning ? putVersionId : null,
    });
    if (storage.versioning) expect(putVersionId).toBeTruthy();
    // Neither the token nor the password is in any column in clear.
    const raw = h.stringifyRow(await db.$queryRaw`SELECT * FROM share_links WHERE id = ${link.id}`);
    expect(raw).not.toContain(token);
    expect(raw).not.toContain(password);
    expect(row.passwordHash).toMatch(/^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]+$/);
    expect(await verifyPassword(password, row.passwordHash!)).toBe(true);
    expect(await verifyPassword(`${password}x`, row.passwordHash!)).toBe(false);
    // The owner can copy the link again: it is sealed, bound to its row.
    expect(unseal("shareUrl", row.id, row.urlEnc, getRuntimeSecrets().encryptionKey)).toBe(link.url);
    expect(await revealLinkAction({ status: "idle" }, { id: link.id })).toMatchObject({ status: "success", data: { url: link.url } });
  });

  it("turns the pin off with Always the latest version, and keeps No expiry as 9999-12-31", async () => {
    const link = await shareOk(target, { linkType: "managed", preset: "never", alwaysLatest: "on" });
    expect(link).toMatchObject({
      neverExpires: true,
      expiresAt: "9999-12-31T00:00:00.000Z",
      managed: { pinned: false, password: false, downloadLimit: null, allowedNetworks: [] },
    });
    const row = await db.shareLink.findUniqueOrThrow({ where: { id: link.id } });
    expect(row).toMatchObject({ pinned: false, neverExpires: true, passwordHash: null, downloadLimit: null });
    expect(row.expiresAt.toISOString()).toBe("9999-12-31T00:00:00.000Z");
    expect(row.expiresSoonAt.toISOString()).toBe("9999-12-30T23:00:00.000Z");
  });
});

describe("bad input at Quick Share changes nothing", () => {
  let target: { connectionId: string; bucket: string };

  beforeAll(async () => {
    const storage = storageCases()[0]!;
    const admin = adminS3For(storage);
    admins.push(admin);
    const bucket = await h.createBucket(admin, "managed-bad");
    await admin.send(new PutObjectCommand({ Bucket: bucket, Key: KEY, Body: BODY }));
    target = { connectionId: await saveConnection(storage, "Managed bad input"), bucket };
  });

  it.each([
    [{ linkType: "managed", downloadLimit: "0" }, "downloadLimit"],
    [{ linkType: "managed", downloadLimit: "-4" }, "downloadLimit"],
    [{ linkType: "managed", downloadLimit: "lots" }, "downloadLimit"],
    [{ linkType: "managed", allowedNetworks: "10.0.0.0/8, 300.1.1.1" }, "allowedNetworks"],
    [{ linkType: "direct", preset: "never" }, "expiresIn"],
    [{ linkType: "direct", preset: "90d" }, "expiresIn"],
    [{ linkType: "direct", downloadLimit: "1" }, "downloadLimit"],
  ] as const)("refuses %j at its field", async (fields, field) => {
    const before = await db.shareLink.count({ where: { ownerId: owner.id } });
    const state = await share(target, fields);
    expect(state.status).toBe("invalid");
    expect(state.status === "invalid" ? state.fieldErrors[field] : undefined).toBeDefined();
    if (field === "allowedNetworks" && state.status === "invalid") expect(state.fieldErrors.allowedNetworks!.join(" ")).toContain('"300.1.1.1"');
    expect(await db.shareLink.count({ where: { ownerId: owner.id } })).toBe(before);
  });
});

describe("owner actions", () => {
  let target: { connectionId: string; bucket: string };

  beforeAll(async () => {
    const storage = storageCases()[0]!;
    const admin = adminS3For(storage);
    admins.push(admin);
    const bucket = await h.createBucket(admin, "managed-actions");
    await admin.send(new PutObjectCommand({ Bucket: bucket, Key: KEY, Body: BODY }));
    target = { connectionId: await saveConnection(storage, "Managed actions"), bucket };
  });

  const snapshot = (id: string) =>
    db.shareLink.findUniqueOrThrow({
      where: { id },
      select: { revokedAt: true, expiresAt: true, expiresSoonAt: true, neverExpires: true, downloadLimit: true, deletedAt: true },
    });

  it("revokes at once, idempotently; another owner's id is not found and changes nothing", async () => {
    const link = await shareOk(target, { linkType: "managed" });
    const untouched = await snapshot(link.id);
    const foreign = await as(stranger, () => revokeLinkAction({ status: "idle" }, { id: link.id }));
    expect(foreign).toMatchObject({ status: "error", message: "This link is not in your history (any more)." });
    expect(await snapshot(link.id)).toEqual(untouched);

    const before = Date.now();
    expect(await revokeLinkAction({ status: "idle" }, { id: link.id })).toMatchObject({ status: "success", message: "Revoked: the link no longer works." });
    const revoked = await snapshot(link.id);
    expect(revoked.revokedAt!.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(await revokeLinkAction({ status: "idle" }, { id: link.id })).toMatchObject({ status: "success", message: "This link was already revoked." });
    expect((await snapshot(link.id)).revokedAt).toEqual(revoked.revokedAt);
    // A revoked link is no longer copied, nor changed.
    expect(await revealLinkAction({ status: "idle" }, { id: link.id })).toMatchObject({ status: "error", message: expect.stringMatching(/revoked/) });
    expect(await changeLinkExpiryAction({ status: "idle" }, { id: link.id, preset: "90d" })).toMatchObject({
      status: "error",
      message: expect.stringMatching(/revoked/),
    });
  });

  it("cannot revoke or change a direct link (S3 cannot take a presigned URL back)", async () => {
    const link = await shareOk(target, { linkType: "direct" });
    const untouched = await snapshot(link.id);
    for (const state of [
      await revokeLinkAction({ status: "idle" }, { id: link.id }),
      await changeLinkExpiryAction({ status: "idle" }, { id: link.id, preset: "30d" }),
      await changeDownloadLimitAction({ status: "idle" }, { id: link.id, downloadLimit: "5" }),
    ]) {
      expect(state).toMatchObject({ status: "error", message: expect.stringMatching(/Direct links .* cannot be revoked or changed/) });
    }
    expect(await snapshot(link.id)).toEqual(untouched);
  });

  it("changes the expiry to a preset from now or to No expiry; another owner changes nothing", async () => {
    const link = await shareOk(target, { linkType: "managed", preset: "1h" });
    const untouched = await snapshot(link.id);
    expect(await as(stranger, () => changeLinkExpiryAction({ status: "idle" }, { id: link.id, preset: "never" }))).toMatchObject({
      status: "error",
      message: "This link is not in your history (any more).",
    });
    expect(await snapshot(link.id)).toEqual(untouched);

    const before = Date.now();
    expect(await changeLinkExpiryAction({ status: "idle" }, { id: link.id, preset: "90d" })).toMatchObject({ status: "success" });
    const ninety = await snapshot(link.id);
    expect(ninety.expiresAt.getTime() - before).toBeGreaterThanOrEqual(90 * 86_400_000 - 1000);
    expect(ninety.expiresAt.getTime() - before).toBeLessThan(90 * 86_400_000 + 5000);
    expect(ninety.expiresSoonAt.getTime()).toBe(ninety.expiresAt.getTime() - 3_600_000);
    expect(ninety.neverExpires).toBe(false);

    expect(await changeLinkExpiryAction({ status: "idle" }, { id: link.id, preset: "never" })).toMatchObject({
      status: "success",
      message: "The link now never expires.",
    });
    expect(await snapshot(link.id)).toMatchObject({ neverExpires: true, expiresAt: new Date("9999-12-31T00:00:00Z") });

    expect(await changeLinkExpiryAction({ status: "idle" }, { id: link.id, preset: "2y" })).toMatchObject({ status: "invalid" });
  });

  it("changes the download limit (empty = unlimited; below the count = reached); another owner changes nothing", async () => {
    const link = await shareOk(target, { linkType: "managed", downloadLimit: "5" });
    expect(await as(stranger, () => changeDownloadLimitAction({ status: "idle" }, { id: link.id, downloadLimit: "1" }))).toMatchObject({ status: "error" });
    expect((await snapshot(link.id)).downloadLimit).toBe(5);

    expect(await changeDownloadLimitAction({ status: "idle" }, { id: link.id, downloadLimit: "" })).toMatchObject({
      status: "success",
      message: "The link now has no download limit.",
    });
    expect((await snapshot(link.id)).downloadLimit).toBeNull();

    await db.shareLink.update({ where: { id: link.id }, data: { downloadCount: 3 } });
    expect(await changeDownloadLimitAction({ status: "idle" }, { id: link.id, downloadLimit: "2" })).toMatchObject({
      status: "success",
      message: expect.stringMatching(/already reached \(3 downloads\)/),
    });
    expect((await snapshot(link.id)).downloadLimit).toBe(2);

    for (const bad of ["0", "-1", "two"]) {
      expect(await changeDownloadLimitAction({ status: "idle" }, { id: link.id, downloadLimit: bad })).toMatchObject({
        status: "invalid",
        fieldErrors: { downloadLimit: [expect.any(String)] },
      });
    }
    expect((await snapshot(link.id)).downloadLimit).toBe(2);
  });

  it("shares a managed link again as a new managed link with the same options and a fresh token", async () => {
    const first = await shareOk(target, {
      linkType: "managed",
      preset: "never",
      downloadLimit: "4",
      password: "keep me please",
      allowedNetworks: "192.0.2.0/24",
    });
    const again = await shareAgainAction({ status: "idle" }, { id: first.id });
    expect(again, JSON.stringify(again)).toMatchObject({ status: "success", data: { kind: "managed", neverExpires: true } });
    if (again.status !== "success" || !again.data) throw new Error("no link");
    expect(again.data.url).not.toBe(first.url);
    const [a, b] = await Promise.all([
      db.shareLink.findUniqueOrThrow({ where: { id: first.id } }),
      db.shareLink.findUniqueOrThrow({ where: { id: again.data.id } }),
    ]);
    expect(b).toMatchObject({
      kind: "managed",
      downloadLimit: 4,
      downloadCount: 0,
      allowedNetworks: ["192.0.2.0/24"],
      passwordHash: a.passwordHash,
      neverExpires: true,
    });
    expect(b.tokenHash).not.toBe(a.tokenHash);
    expect(await verifyPassword("keep me please", b.passwordHash!)).toBe(true);
    expect(a.replacedById).toBe(b.id);
    // Shared again already: refused, nothing issued.
    expect(await shareAgainAction({ status: "idle" }, { id: first.id })).toEqual({ status: "error", message: ALREADY_REPLACED });
  });

  it("a double submit of Share again makes one new link, named by the old row", async () => {
    const first = await shareOk(target, { linkType: "managed", preset: "7d" });
    const before = await db.shareLink.count({ where: { ownerId: owner.id } });
    const results = await Promise.all([1, 2, 3].map(() => shareAgainAction({ status: "idle" }, { id: first.id })));
    const made = results.filter((r) => r.status === "success");
    expect(made).toHaveLength(1);
    expect(results.filter((r) => r.status !== "success")).toEqual([
      { status: "error", message: ALREADY_REPLACED },
      { status: "error", message: ALREADY_REPLACED },
    ]);
    expect(await db.shareLink.count({ where: { ownerId: owner.id } })).toBe(before + 1);
    expect((await db.shareLink.findUniqueOrThrow({ where: { id: first.id } })).replacedById).toBe(made[0]!.data!.id);
  });

  it("clears a link's password lock-out for its owner; another owner or no session changes nothing", async () => {
    const link = await shareOk(target, { linkType: "managed", password: "correct horse battery" });
    for (let i = 1; i <= 10; i++) {
      expect(await guardedAttempt({ scope: "link-password", subject: link.id, address: `198.51.100.${i}` }, async () => false)).toMatchObject({
        ok: false,
        limited: false,
      });
    }
    const locked = await linkPasswordLockout(link.id);
    expect(locked.failures).toBe(10);
    expect(locked.lockedUntil).not.toBeNull();
    const stillLocked = () => guardedAttempt({ scope: "link-password", subject: link.id, address: "203.0.113.60" }, async () => true);
    expect(await stillLocked()).toMatchObject({ ok: false, limited: true });

    expect(await as(stranger, () => clearLinkLockoutAction({ status: "idle" }, { id: link.id }))).toMatchObject({
      status: "error",
      message: "This link is not in your history (any more).",
    });
    expect(await linkPasswordLockout(link.id)).toEqual(locked);
    session.user = null;
    try {
      expect(await clearLinkLockoutAction({ status: "idle" }, { id: link.id })).toMatchObject({ status: "unauthorized" });
    } finally {
      session.user = owner;
    }
    expect(await linkPasswordLockout(link.id)).toEqual(locked);

    expect(await clearLinkLockoutAction({ status: "idle" }, h.formData({ id: link.id }))).toMatchObject({
      status: "success",
      message: "Lock-out cleared: recipients can enter the password again.",
    });
    expect(await linkPasswordLockout(link.id)).toEqual({ failures: 0, lockedUntil: null });
    expect(await db.signInFailure.count({ where: { subject: { endsWith: `:${link.id}` } } })).toBe(0);
    // A recipient with the password gets in at once.
    expect(await stillLocked()).toEqual({ ok: true });
  });

  const protection = (id: string) => db.shareLink.findUniqueOrThrow({ where: { id }, select: { passwordHash: true, allowedNetworks: true } });

  it("sets, changes and removes a link's password; another owner, a direct link or a short password changes nothing", async () => {
    const link = await shareOk(target, { linkType: "managed" });
    expect((await protection(link.id)).passwordHash).toBeNull();
    expect(await as(stranger, () => changeLinkPasswordAction({ status: "idle" }, { id: link.id, password: "their password" }))).toMatchObject({
      status: "error",
      message: "This link is not in your history (any more).",
    });
    expect((await protection(link.id)).passwordHash).toBeNull();

    for (const short of ["", "seven77"]) {
      expect(await changeLinkPasswordAction({ status: "idle" }, h.formData({ id: link.id, password: short }))).toMatchObject({
        status: "invalid",
        fieldErrors: { password: ["Use at least 8 characters."] },
      });
    }
    expect((await protection(link.id)).passwordHash).toBeNull();

    expect(await changeLinkPasswordAction({ status: "idle" }, h.formData({ id: link.id, password: "first secret" }))).toMatchObject({
      status: "success",
      message: expect.stringMatching(/^Password changed/),
    });
    const first = (await protection(link.id)).passwordHash!;
    expect(await verifyPassword("first secret", first)).toBe(true);

    // Wrong tries against the old password are forgotten with it.
    await guardedAttempt({ scope: "link-password", subject: link.id, address: "198.51.100.1" }, async () => false);
    expect((await linkPasswordLockout(link.id)).failures).toBe(1);
    expect(await changeLinkPasswordAction({ status: "idle" }, { id: link.id, mode: "set", password: "second secret" })).toMatchObject({ status: "success" });
    const second = (await protection(link.id)).passwordHash!;
    expect(await verifyPassword("second secret", second)).toBe(true);
    expect(await verifyPassword("first secret", second)).toBe(false);
    expect((await linkPasswordLockout(link.id)).failures).toBe(0);

    expect(await changeLinkPasswordAction({ status: "idle" }, { id: link.id, mode: "remove" })).toMatchObject({
      status: "success",
      message: "The link no longer asks for a password.",
    });
    expect((await protection(link.id)).passwordHash).toBeNull();

    const direct = await shareOk(target, { linkType: "direct" });
    expect(await changeLinkPasswordAction({ status: "idle" }, { id: direct.id, password: "direct secret" })).toMatchObject({
      status: "error",
      message: expect.stringMatching(/Direct links .* cannot be revoked or changed/),
    });
    expect((await protection(direct.id)).passwordHash).toBeNull();
  });

  it("changes a link's allowed networks (canonical; empty = anywhere); another owner, a direct link or a bad entry changes nothing", async () => {
    const link = await shareOk(target, { linkType: "managed", allowedNetworks: "198.51.100.0/24" });
    expect(await as(stranger, () => changeAllowedNetworksAction({ status: "idle" }, { id: link.id, allowedNetworks: "0.0.0.0/0" }))).toMatchObject({
      status: "error",
      message: "This link is not in your history (any more).",
    });
    expect((await protection(link.id)).allowedNetworks).toEqual(["198.51.100.0/24"]);

    expect(
      await changeAllowedNetworksAction({ status: "idle" }, h.formData({ id: link.id, allowedNetworks: "10.0.0.0/8, 203.0.113.300/24\nnope" })),
    ).toMatchObject({
      status: "invalid",
      fieldErrors: { allowedNetworks: [expect.stringMatching(/^Not an IPv4\/IPv6 address or CIDR range: "203.0.113.300\/24", "nope"/)] },
    });
    expect((await protection(link.id)).allowedNetworks).toEqual(["198.51.100.0/24"]);

    expect(
      await changeAllowedNetworksAction({ status: "idle" }, h.formData({ id: link.id, allowedNetworks: "203.0.113.9/24\n2001:DB8::1, 203.0.113.0/24" })),
    ).toMatchObject({ status: "success", message: "The link now opens only from these 2 networks: 203.0.113.0/24, 2001:db8::1/128." });
    expect((await protection(link.id)).allowedNetworks).toEqual(["203.0.113.0/24", "2001:db8::1/128"]);

    expect(await changeAllowedNetworksAction({ status: "idle" }, h.formData({ id: link.id, allowedNetworks: "" }))).toMatchObject({
      status: "success",
      message: "The link now opens from any network.",
    });
    expect((await protection(link.id)).allowedNetworks).toEqual([]);

    const direct = await shareOk(target, { linkType: "direct" });
    expect(await changeAllowedNetworksAction({ status: "idle" }, { id: direct.id, allowedNetworks: "10.0.0.0/8" })).toMatchObject({
      status: "error",
      message: expect.stringMatching(/Direct links .* cannot be revoked or changed/),
    });
    expect((await protection(direct.id)).allowedNetworks).toEqual([]);
  });

  it("revokes a managed link removed from the history (nobody could revoke it later)", async () => {
    const link = await shareOk(target, { linkType: "managed" });
    expect(await deleteLinkAction({ status: "idle" }, { id: link.id })).toMatchObject({ status: "success" });
    const row = await snapshot(link.id);
    expect(row.deletedAt).not.toBeNull();
    expect(row.revokedAt).not.toBeNull();
  });
});

describe("history filters, access log and the object panel", () => {
  let historian: SessionUser;
  let target: { connectionId: string; bucket: string };
  const ids = { direct: "", managed: "", revoked: "", other: "", expiredRevoked: "" };

  beforeAll(async () => {
    historian = await h.createTestUser("managed-history");
    session.user = historian;
    const storage = storageCases()[0]!;
    const admin = adminS3For(storage);
    admins.push(admin);
    const bucket = await h.createBucket(admin, "managed-history");
    await admin.send(new PutObjectCommand({ Bucket: bucket, Key: KEY, Body: BODY }));
    await admin.send(new PutObjectCommand({ Bucket: bucket, Key: "other.txt", Body: "x" }));
    target = { connectionId: await saveConnection(storage, "History storage"), bucket };
    ids.direct = (await shareOk(target, { linkType: "direct" })).id;
    ids.managed = (await shareOk(target, { linkType: "managed", downloadLimit: "10" })).id;
    ids.revoked = (await shareOk(target, { linkType: "managed" })).id;
    ids.other = (await shareOk({ ...target, key: "other.txt" }, { linkType: "managed" })).id;
    expect(await revokeLinkAction({ status: "idle" }, { id: ids.revoked })).toMatchObject({ status: "success" });
    // An expired managed link that was also revoked stays "Revoked" only.
    ids.expiredRevoked = (await shareOk(target, { linkType: "managed", preset: "1h" })).id;
    await db.shareLink.update({
      where: { id: ids.expiredRevoked },
      data: {
        createdAt: new Date(Date.now() - 7_200_000),
        expiresAt: new Date(Date.now() - 3_600_000),
        expiresSoonAt: new Date(Date.now() - 4_500_000),
        revokedAt: new Date(),
      },
    });
    session.user = owner;
  });

  afterAll(async () => {
    await h.deleteTestUsers(historian);
  });

  const keysOf = async (filter: Parameters<typeof listLinks>[1]) => (await listLinks(soleOwner(historian.id), filter)).rows.map((r) => r.id).sort();

  it("filters Revoked, leaves revoked links out of Active and Expired, and filters by Type", async () => {
    expect(await keysOf({ status: "revoked" })).toEqual([ids.revoked, ids.expiredRevoked].sort());
    expect(await keysOf({ status: "active" })).toEqual([ids.direct, ids.managed, ids.other].sort());
    expect(await keysOf({ status: "expired" })).toEqual([]);
    expect(await keysOf({ status: "all", type: "direct" })).toEqual([ids.direct]);
    expect(await keysOf({ status: "all", type: "managed" })).toEqual([ids.managed, ids.revoked, ids.other, ids.expiredRevoked].sort());
    expect(await keysOf({ status: "revoked", type: "direct" })).toEqual([]);
    const rows = (await listLinks(soleOwner(historian.id), { status: "all" })).rows;
    expect(rows.find((r) => r.id === ids.managed)).toMatchObject({
      kind: "managed",
      status: "active",
      downloadCount: 0,
      downloadLimit: 10,
      lastAccessAt: null,
    });
    expect(rows.find((r) => r.id === ids.revoked)).toMatchObject({ status: "revoked" });
    expect(rows.find((r) => r.id === ids.direct)).toMatchObject({ kind: "direct", status: "active" });
    // Another owner sees none of them.
    expect((await listLinks(soleOwner(stranger.id), { status: "all", type: "managed" })).rows.map((r) => r.id)).not.toContain(ids.managed);
  });

  it("pages the access log newest first, 50 at a time, without gaps or repeats; only the owner reads it", async () => {
    const base = Date.now() - 3_600_000;
    // 120 events; every third shares its timestamp with the next, so the id breaks ties.
    await db.linkEvent.createMany({
      data: Array.from({ length: 120 }, (_, i) => ({
        linkId: ids.managed,
        createdAt: new Date(base + Math.floor(i / 2) * 1000),
        outcome: i % 5 === 0 ? "refused" : "page_view",
        reason: i % 5 === 0 ? "network" : null,
        clientAddress: `203.0.113.${i}`,
        userAgent: `agent ${i}`,
        previewAgent: i % 7 === 0,
      })),
    });
    const pages: string[][] = [];
    let cursor: string | undefined;
    do {
      const page = await listAccessLog(soleOwner(historian.id), ids.managed, cursor);
      pages.push(page.rows.map((r) => r.userAgent!));
      cursor = page.nextCursor ?? undefined;
    } while (cursor && pages.length < 10);
    expect(pages.map((p) => p.length)).toEqual([50, 50, 20]);
    const all = pages.flat();
    expect(new Set(all).size).toBe(120);
    // Newest first: the later event of each pair (higher id) comes first.
    expect(all.slice(0, 3)).toEqual(["agent 119", "agent 118", "agent 117"]);
    expect(all.at(-1)).toBe("agent 0");
    expect((await listAccessLog(soleOwner(stranger.id), ids.managed)).rows).toEqual([]);
  });

  it("lists an object's links, active first, and not another object's", async () => {
    const rows = await listLinksForObject(soleOwner(historian.id), target.connectionId, target.bucket, KEY);
    // Links issued in the same second keep no particular order between them.
    expect(
      rows
        .slice(0, 2)
        .map((r) => r.id)
        .sort(),
    ).toEqual([ids.managed, ids.direct].sort());
    expect(rows.slice(2).map((r) => r.id)).toEqual([ids.revoked, ids.expiredRevoked]);
    expect(rows.map((r) => r.status)).toEqual(["active", "active", "revoked", "revoked"]);
    expect(rows.map((r) => r.id)).not.toContain(ids.other);
    expect(await listLinksForObject(soleOwner(stranger.id), target.connectionId, target.bucket, KEY)).toEqual([]);
  });

  it("says Limit reached, File changed and File missing in the history, its filter, the details page and the object panel", async () => {
    const usedUp = (await as(historian, () => shareOk(target, { linkType: "managed", downloadLimit: "1" }))).id;
    const changed = (await as(historian, () => shareOk(target, { linkType: "managed" }))).id;
    const missing = (await as(historian, () => shareOk(target, { linkType: "managed", downloadLimit: "5" }))).id;
    await db.shareLink.update({ where: { id: usedUp }, data: { downloadCount: 1 } });
    await db.shareLink.update({ where: { id: changed }, data: { objectState: "changed" } });
    await db.shareLink.update({ where: { id: missing }, data: { objectState: "missing", downloadCount: 2 } });

    expect(await keysOf({ status: "limit_reached" })).toEqual([usedUp]);
    expect(await keysOf({ status: "changed" })).toEqual([changed]);
    expect(await keysOf({ status: "missing" })).toEqual([missing]);
    expect(await keysOf({ status: "active" })).toEqual([ids.direct, ids.managed, ids.other].sort());
    const rows = (await listLinks(soleOwner(historian.id), { status: "all" })).rows;
    expect(rows.find((r) => r.id === usedUp)).toMatchObject({ status: "limit_reached", downloadCount: 1, downloadLimit: 1 });
    expect((await getLinkDetails(soleOwner(historian.id), usedUp))?.status).toBe("limit_reached");
    expect((await getLinkDetails(soleOwner(historian.id), changed))?.status).toBe("changed");
    expect((await getLinkDetails(soleOwner(historian.id), missing))?.status).toBe("missing");

    const panel = await listLinksForObject(soleOwner(historian.id), target.connectionId, target.bucket, KEY);
    expect(panel.map((r) => r.status)).toEqual(["active", "active", "changed", "missing", "limit_reached", "revoked", "revoked"]);
    expect(panel.find((r) => r.id === usedUp)?.status).toBe("limit_reached");

    // Raising the limit makes it work again, and it says so.
    expect(await as(historian, () => changeDownloadLimitAction({ status: "idle" }, { id: usedUp, downloadLimit: "2" }))).toMatchObject({ status: "success" });
    expect((await getLinkDetails(soleOwner(historian.id), usedUp))?.status).toBe("active");
    expect(await keysOf({ status: "limit_reached" })).toEqual([]);
  });
});
