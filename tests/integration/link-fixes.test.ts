/**
 * Issue 18, one-click fixes: "Re-pin" a managed link whose pinned file was replaced: the owner sees what
 * changed (the pin against the file now), re-pins to what they saw, and the link's pin then matches the
 * file; a file replaced again after they looked, a link of another team, a direct link and a
 * "latest version" link are refused with nothing changed. On both local S3 servers; real PostgreSQL.
 */
import { HeadObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createShareLinkAction } from "@/lib/actions/create-share-link";
import { repinLinkAction } from "@/lib/actions/repin-link";
import type { SessionUser } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { pinDecision } from "@/lib/links/pin";
import { repinPreview } from "@/lib/links/repin";
import { createTestConnection } from "../support/api-contract";
import * as h from "../support/helpers";
import { session } from "../support/request-context";
import { adminS3For, storageCases } from "../support/storages";

vi.mock("@/lib/auth/session", async () => (await import("../support/request-context")).sessionModule);

let owner: SessionUser;
let stranger: SessionUser;

async function as<T>(user: SessionUser | null, run: () => Promise<T>): Promise<T> {
  session.user = user;
  try {
    return await run();
  } finally {
    session.user = null;
  }
}

beforeAll(async () => {
  owner = await h.createTestUser("repin-owner");
  stranger = await h.createTestUser("repin-stranger");
});

afterAll(async () => {
  await h.deleteTestUsers(owner, stranger);
});

describe.each(storageCases())("Re-pin on $name", (storage) => {
  it("shows what changed, pins the file as it is now, and refuses a file replaced again since", async () => {
    const connectionId = await createTestConnection(owner.id, storage, { name: `Repin ${storage.name} ${h.randomSuffix()}` });
    const admin = adminS3For(storage);
    const bucket = await h.createBucket(admin);
    await h.putObjects(admin, bucket, [{ key: "plan.txt", body: Buffer.from("the first plan\n") }]);
    const issued = await as(owner, () =>
      createShareLinkAction({ status: "idle" }, { connectionId, bucket, key: "plan.txt", linkType: "managed", preset: "7d" }),
    );
    if (issued.status !== "success") throw new Error(JSON.stringify(issued));
    const id = issued.data!.id;
    const direct = await as(owner, () =>
      createShareLinkAction({ status: "idle" }, { connectionId, bucket, key: "plan.txt", expiryMode: "preset", preset: "1h" }),
    );
    if (direct.status !== "success") throw new Error(JSON.stringify(direct));
    const before = await db.shareLink.findUniqueOrThrow({ where: { id } });

    await admin.send(new PutObjectCommand({ Bucket: bucket, Key: "plan.txt", Body: "the second, longer plan\n" }));
    // Found by a download (object_state) and by the health checker ("Changed", in Needs attention).
    await db.shareLink.update({ where: { id }, data: { objectState: "changed", health: "changed", healthCheckedAt: new Date() } });
    const head = await admin.send(new HeadObjectCommand({ Bucket: bucket, Key: "plan.txt" }));
    expect(pinDecision(before, { found: true, etag: head.ETag ?? null, versionId: head.VersionId ?? null })).toEqual({ ok: false, state: "changed" });

    const preview = await repinPreview(owner, id);
    expect(preview.pinned).toMatchObject({ size: 15, etag: before.objectEtag });
    expect(preview.now).toMatchObject({ size: 24, etag: head.ETag });

    // Refused, nothing changed: another team's person; an ETag the owner did not see; a direct link.
    expect(await as(stranger, () => repinLinkAction({ status: "idle" }, { id, seenEtag: head.ETag ?? "" }))).toMatchObject({ status: "error" });
    expect(await as(owner, () => repinLinkAction({ status: "idle" }, { id, seenEtag: before.objectEtag ?? "" }))).toMatchObject({
      status: "error",
      message: expect.stringContaining("changed again since you looked"),
    });
    expect(await as(owner, () => repinLinkAction({ status: "idle" }, { id: direct.data!.id, seenEtag: head.ETag ?? "" }))).toMatchObject({
      status: "error",
      message: expect.stringContaining("Only a managed link pinned"),
    });
    expect(await as(null, () => repinLinkAction({ status: "idle" }, { id, seenEtag: head.ETag ?? "" }))).toMatchObject({ status: "unauthorized" });
    expect(await db.shareLink.findUniqueOrThrow({ where: { id } })).toMatchObject({ objectEtag: before.objectEtag, objectState: "changed" });

    expect(await as(owner, () => repinLinkAction({ status: "idle" }, { id, seenEtag: head.ETag ?? "" }))).toMatchObject({ status: "success" });
    const after = await db.shareLink.findUniqueOrThrow({ where: { id } });
    // Re-pinned: neither "changed" for recipients nor "Changed" in the history (the checker looks again on its next pass).
    expect(after).toMatchObject({ objectEtag: head.ETag, objectSize: 24n, objectState: null, health: null, healthCheckedAt: null });
    expect(pinDecision(after, { found: true, etag: head.ETag ?? null, versionId: head.VersionId ?? null })).toEqual({ ok: true });
  });
});
