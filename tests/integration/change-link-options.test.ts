/**
 * Quick Share / Share selected → "Change options" on the managed link just made
 * (changeLinkOptionsAction) against the real database and a local S3 server: the same row (same
 * token) gets only what the owner changed; an untouched expiry or password is kept; another owner,
 * a direct link, a revoked link or bad input changes nothing.
 */
import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { SessionUser } from "@/lib/auth/session";
import { session } from "../support/request-context";
import { db } from "@/lib/db/client";
import { verifyPassword } from "@/lib/auth/password";
import { saveConnectionAction } from "@/lib/actions/save-connection";
import { createShareLinkAction } from "@/lib/actions/create-share-link";
import { changeLinkOptionsAction } from "@/lib/actions/change-link-options";
import { revokeLinkAction } from "@/lib/actions/revoke-link";
import * as h from "../support/helpers";
import { adminS3For, storageCases } from "../support/storages";

vi.mock("@/lib/auth/session", async () => (await import("../support/request-context")).sessionModule);

const KEY = "plans/change me.txt";
let owner: SessionUser;
let stranger: SessionUser;
let admin: S3Client;
let target: { connectionId: string; bucket: string };

async function shareOk(fields: Record<string, string>) {
  const state = await createShareLinkAction(
    { status: "idle" },
    h.formData({ ...target, key: KEY, expiryMode: "preset", preset: "1d", disposition: "attachment", timeZone: "UTC", ...fields }),
  );
  if (state.status !== "success" || !state.data) throw new Error(JSON.stringify(state));
  return state.data;
}

const row = (id: string) => db.shareLink.findUniqueOrThrow({ where: { id } });
const change = (input: Record<string, string>) => changeLinkOptionsAction({ status: "idle" }, h.formData(input));

beforeAll(async () => {
  owner = await h.createTestUser("change-options-owner");
  stranger = await h.createTestUser("change-options-stranger");
  session.user = owner;
  const storage = storageCases()[0]!;
  admin = adminS3For(storage);
  const bucket = await h.createBucket(admin, "change-options");
  await admin.send(new PutObjectCommand({ Bucket: bucket, Key: KEY, Body: "plan\n", ContentType: "text/plain" }));
  const saved = await h.runRedirectingAction(() =>
    saveConnectionAction(
      { status: "idle" },
      h.formData({
        provider: "custom",
        name: "Change options",
        endpoint: storage.endpoint,
        region: storage.region,
        forcePathStyle: "on",
        accessKeyId: storage.accessKeyId,
        secretAccessKey: storage.secretAccessKey,
      }),
    ),
  );
  expect(saved).toMatchObject({ state: { status: "success" } });
  target = { connectionId: (await db.storageConnection.findFirstOrThrow({ where: { ownerId: owner.id, name: "Change options" } })).id, bucket };
});

afterAll(async () => {
  session.user = null;
  admin?.destroy();
  await h.deleteTestUsers(owner, stranger);
});

describe("Change options on a managed link", () => {
  it("changes the same link (same token), only what was changed; an untouched expiry and password are kept", async () => {
    const link = await shareOk({ linkType: "managed", downloadLimit: "1", password: "first password" });
    const before = await row(link.id);

    // Only the download limit changed: the expiry is not counted again, the password stays.
    expect(await change({ id: link.id, expiryMode: "keep", passwordMode: "keep", changeDownloadLimit: "on", downloadLimit: "5" })).toMatchObject({
      status: "success",
      data: { downloadLimit: 5, password: true, expiresAt: before.expiresAt.toISOString(), neverExpires: false, allowedNetworks: [] },
    });
    let after = await row(link.id);
    expect(after).toMatchObject({ tokenHash: before.tokenHash, downloadLimit: 5, expiresAt: before.expiresAt, passwordHash: before.passwordHash });
    expect(await db.shareLink.count({ where: { ownerId: owner.id, key: KEY, deletedAt: null } })).toBe(1);

    // Expiry (30 days from now), a new password, networks, unlimited downloads: in one update.
    const now = Date.now();
    expect(
      await change({
        id: link.id,
        expiryMode: "preset",
        preset: "30d",
        timeZone: "UTC",
        passwordMode: "set",
        password: "second password",
        changeDownloadLimit: "on",
        downloadLimit: "",
        changeAllowedNetworks: "on",
        allowedNetworks: "203.0.113.9/24",
      }),
    ).toMatchObject({ status: "success", message: "Saved: the link keeps its address and works with the new options." });
    after = await row(link.id);
    expect(after.tokenHash).toBe(before.tokenHash);
    expect(after.downloadLimit).toBeNull();
    expect(after.allowedNetworks).toEqual(["203.0.113.0/24"]);
    expect(Math.abs(after.expiresAt.getTime() - (now + 30 * 86_400_000))).toBeLessThan(60_000);
    expect(await verifyPassword("second password", after.passwordHash!)).toBe(true);

    // An emptied password is removed; No expiry.
    expect(await change({ id: link.id, expiryMode: "preset", preset: "never", passwordMode: "remove" })).toMatchObject({
      status: "success",
      data: { password: false, neverExpires: true },
    });
    expect((await row(link.id)).passwordHash).toBeNull();

    // Nothing changed: nothing written.
    expect(await change({ id: link.id })).toMatchObject({ status: "success", message: "Nothing was changed: the link keeps the options it had." });
  });

  it("refuses bad input at its field, another owner's link, a direct link and a revoked one, changing nothing", async () => {
    const link = await shareOk({ linkType: "managed" });
    const before = await row(link.id);
    expect(await change({ id: link.id, passwordMode: "set", password: "short" })).toMatchObject({
      status: "invalid",
      fieldErrors: { password: ["Use at least 8 characters, or leave it empty for no password."] },
    });
    expect(await change({ id: link.id, changeDownloadLimit: "on", downloadLimit: "0" })).toMatchObject({
      status: "invalid",
      fieldErrors: { downloadLimit: [expect.any(String)] },
    });
    expect(await change({ id: link.id, expiryMode: "custom", amount: "0", unit: "days" })).toMatchObject({
      status: "invalid",
      fieldErrors: { amount: [expect.any(String)] },
    });
    expect(
      await (async () => {
        session.user = stranger;
        try {
          return await change({ id: link.id, changeDownloadLimit: "on", downloadLimit: "9" });
        } finally {
          session.user = owner;
        }
      })(),
    ).toMatchObject({ status: "error", message: "This link is not in your history (any more)." });
    expect(await row(link.id)).toEqual(before);

    const direct = await shareOk({ linkType: "direct" });
    expect(await change({ id: direct.id, changeDownloadLimit: "on", downloadLimit: "2" })).toMatchObject({
      status: "error",
      message: expect.stringMatching(/Direct links .* cannot be revoked or changed/),
    });
    expect((await row(direct.id)).downloadLimit).toBeNull();
    // Asking to change nothing is refused the same way, not answered "Nothing was changed".
    expect(await change({ id: direct.id })).toMatchObject({ status: "error", message: expect.stringMatching(/Direct links .* cannot be revoked or changed/) });

    expect(await revokeLinkAction({ status: "idle" }, { id: link.id })).toMatchObject({ status: "success" });
    expect(await change({ id: link.id, changeDownloadLimit: "on", downloadLimit: "2" })).toMatchObject({
      status: "error",
      message: expect.stringMatching(/revoked/),
    });
    expect((await row(link.id)).downloadLimit).toBeNull();
    expect(await change({ id: link.id })).toMatchObject({ status: "error", message: expect.stringMatching(/revoked/) });
  });
});
