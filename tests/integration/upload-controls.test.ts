/**
 * The folder page offers Upload (and New folder, Upload and share) only to who may upload into that very
 * folder: decided on the server from the person's grants (real database, a real S3 server for the listing).
 */
import type { S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { ReactElement } from "react";
import type { SessionUser } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import FolderRoute from "@/app/(app)/buckets/[connectionId]/[bucket]/[[...prefix]]/page";
import { createTestConnection } from "../support/api-contract";
import { session } from "../support/request-context";
import * as h from "../support/helpers";
import { adminS3For, storageCases } from "../support/storages";

vi.mock("@/lib/auth/session", async () => (await import("../support/request-context")).sessionModule);

const server = storageCases()[0]!;

/** The props of the upload controls in the page's element tree, or null when the page has none. */
function uploadControls(node: unknown): Record<string, unknown> | null {
  if (!node || typeof node !== "object") return null;
  if (Array.isArray(node)) {
    for (const child of node) {
      const found = uploadControls(child);
      if (found) return found;
    }
    return null;
  }
  const props = (node as { props?: Record<string, unknown> }).props;
  if (!props) return null;
  if (typeof props.beginUpload === "function") return props;
  return uploadControls(props.children);
}

async function controlsOn(user: SessionUser, connectionId: string, bucket: string, prefix: string[]) {
  session.user = user;
  const tree = (await FolderRoute({ params: Promise.resolve({ connectionId, bucket, prefix }), searchParams: Promise.resolve({}) })) as ReactElement;
  return uploadControls(tree);
}

async function member(owner: SessionUser, label: string, grant: { connectionId: string; canUpload: boolean; canShare: boolean; folder: string }) {
  const row = await db.user.create({
    data: { name: `Member ${label}`, email: `${label}-${h.randomSuffix()}@integration.test`, passwordHash: "x", role: "member", teamId: owner.id },
    select: { id: true, name: true, email: true },
  });
  await db.memberGrant.create({ data: { userId: row.id, canBrowse: true, bucket: null, ...grant } });
  const { loadActor } = await import("@/lib/auth/actor");
  return { ...(await loadActor(row.id))!, name: row.name, email: row.email } satisfies SessionUser;
}

describe("the folder page's upload controls", () => {
  let owner: SessionUser;
  let uploader: SessionUser;
  let viewer: SessionUser;
  let connectionId: string;
  let bucket: string;
  let admin: S3Client;

  beforeAll(async () => {
    owner = await h.createTestUser("upload-controls-owner");
    connectionId = await createTestConnection(owner.id, server, { name: "Uploads" });
    admin = adminS3For(server);
    bucket = await h.createBucket(admin);
    await h.putObjects(admin, bucket, [
      { key: "in/a.txt", body: Buffer.from("a\n") },
      { key: "out/b.txt", body: Buffer.from("b\n") },
    ]);
    uploader = await member(owner, "uploader", { connectionId, canUpload: true, canShare: false, folder: "in/" });
    viewer = await member(owner, "viewer", { connectionId, canUpload: false, canShare: true, folder: "in/" });
  });

  afterAll(async () => {
    session.user = null;
    await db.user.deleteMany({ where: { id: { in: [uploader.id, viewer.id] } } });
    await h.deleteTestUsers(owner);
    admin.destroy();
  });

  it("the Owner gets them in every folder, with Quick Share for what they upload", async () => {
    const root = await controlsOn(owner, connectionId, bucket, []);
    expect(root).toMatchObject({ connectionId, bucket, prefix: "" });
    expect(root?.share).not.toBeNull();
    expect(await controlsOn(owner, connectionId, bucket, ["out"])).toMatchObject({ prefix: "out/" });
  });

  it("a Member with Can upload only inside their folder (no Quick Share without Can share); without it, never", async () => {
    const inside = await controlsOn(uploader, connectionId, bucket, ["in"]);
    expect(inside).toMatchObject({ prefix: "in/", share: null });
    expect(await controlsOn(uploader, connectionId, bucket, [])).toBeNull();
    expect(await controlsOn(viewer, connectionId, bucket, ["in"])).toBeNull();
  });
});
