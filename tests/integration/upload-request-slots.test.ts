/**
 * Issue 17, item 4: an upload request's limits hold under concurrency. Slots are reserved in PostgreSQL before a
 * file's first byte, in one conditional UPDATE; racing uploaders get exactly the slots there are, a failed or
 * aborted upload gives its slot back, a completed one is counted as received, and an abandoned one is reclaimed.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { abortAbandonedUploads, beginUploadRow, markAborted, markComplete, markFailed, SlotRefusedError } from "@/lib/uploads/store";
import { createTestConnection } from "../support/api-contract";
import * as h from "../support/helpers";
import { storageCases } from "../support/storages";

let owner: SessionUser;
let connectionId: string;
const [storage] = storageCases();

async function newRequest(limits: { maxFiles: number; maxFileSize: number; maxTotalSize: number }, expiresAt = new Date(Date.now() + 86_400_000)) {
  const link = await db.shareLink.create({
    data: {
      ownerId: owner.id,
      issuedById: owner.id,
      connectionId,
      connectionName: "slots",
      bucket: "slots",
      key: `inbox-${randomBytes(4).toString("hex")}/`,
      objectSize: 0n,
      requestedExpiresAt: expiresAt,
      expiresAt,
      expiresSoonAt: expiresAt,
      disposition: "attachment",
      fileName: "",
      urlEnc: "x",
      kind: "managed",
      target: "request",
      title: "Slots",
      request: { create: { maxFiles: limits.maxFiles, maxFileSize: BigInt(limits.maxFileSize), maxTotalSize: BigInt(limits.maxTotalSize) } },
    },
  });
  return link.id;
}

function begin(requestId: string, name: string, size: number) {
  return beginUploadRow({
    ownerId: owner.id,
    uploadedById: null,
    connectionId,
    bucket: "slots",
    key: `slots/${requestId}/${name}`,
    size,
    contentType: "application/octet-stream",
    partSize: 8 * 1024 * 1024,
    partCount: 1,
    request: { requestId, secretHash: "h", fileName: name, uploaderName: null, uploaderEmail: null, uploaderAddress: null },
  });
}

const counters = (linkId: string) => db.uploadRequest.findUniqueOrThrow({ where: { linkId } });

beforeAll(async () => {
  owner = await h.createTestUser("slots");
  connectionId = await createTestConnection(owner.id, storage!);
});

afterAll(async () => {
  await h.deleteTestUsers(owner);
});

describe("upload request slots", () => {
  it("gives exactly 3 of 20 racing uploaders the last 3 slots", async () => {
    const id = await newRequest({ maxFiles: 5, maxFileSize: 1_000, maxTotalSize: 1_000_000 });
    await begin(id, "early-1.bin", 10);
    await begin(id, "early-2.bin", 10);
    const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => begin(id, `racer-${i}.bin`, 10)));
    const won = results.filter((r) => r.status === "fulfilled");
    const refused = results.filter((r) => r.status === "rejected").map((r) => (r as PromiseRejectedResult).reason);
    expect(won).toHaveLength(3);
    expect(refused.every((e) => e instanceof SlotRefusedError && e.refusal === "full")).toBe(true);
    expect(await db.upload.count({ where: { requestId: id } })).toBe(5);
    expect(await counters(id)).toMatchObject({ reservedFiles: 5, reservedBytes: 50n });
  });

  it("holds the total size across racers, and refuses a file over the size limit before anything is created", async () => {
    const id = await newRequest({ maxFiles: 100, maxFileSize: 400, maxTotalSize: 1_000 });
    await expect(begin(id, "big.bin", 401)).rejects.toMatchObject({ refusal: "too_large" });
    const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => begin(id, `part-${i}.bin`, 300)));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(3);
    expect(await counters(id)).toMatchObject({ reservedFiles: 3, reservedBytes: 900n });
    await expect(begin(id, "more.bin", 200)).rejects.toMatchObject({ refusal: "total" });
  });

  it("gives a failed or aborted upload's slot back, keeps a received one, and never counts an ending twice", async () => {
    const id = await newRequest({ maxFiles: 2, maxFileSize: 1_000, maxTotalSize: 1_000 });
    const a = await begin(id, "a.bin", 100);
    const b = await begin(id, "b.bin", 200);
    await expect(begin(id, "c.bin", 1)).rejects.toMatchObject({ refusal: "full" });
    expect(await markComplete(a.id)).toBe(true);
    const [first, second] = await Promise.all([markFailed(b.id, "refused"), markAborted(b.id, "cancelled")]);
    expect([first, second].filter(Boolean)).toHaveLength(1);
    expect(await counters(id)).toMatchObject({ reservedFiles: 1, reservedBytes: 100n, receivedFiles: 1, receivedBytes: 100n });
    expect((await counters(id)).lastUploadAt).not.toBeNull();
    const c = await begin(id, "c.bin", 50);
    expect(c.requestId).toBe(id);
  });

  it("refuses a closed or expired request, and a key clash gives the slot back", async () => {
    const closed = await newRequest({ maxFiles: 2, maxFileSize: 1_000, maxTotalSize: 1_000 });
    await db.shareLink.update({ where: { id: closed }, data: { revokedAt: new Date() } });
    await expect(begin(closed, "a.bin", 1)).rejects.toMatchObject({ refusal: "closed" });
    const expired = await newRequest({ maxFiles: 2, maxFileSize: 1_000, maxTotalSize: 1_000 }, new Date(Date.now() - 1_000));
    await expect(begin(expired, "a.bin", 1)).rejects.toMatchObject({ refusal: "closed" });

    const id = await newRequest({ maxFiles: 2, maxFileSize: 1_000, maxTotalSize: 1_000 });
    await begin(id, "same.bin", 10);
    await expect(begin(id, "same.bin", 10)).rejects.toBeInstanceOf(AppError);
    expect(await counters(id)).toMatchObject({ reservedFiles: 1, reservedBytes: 10n });
  });

  it("reclaims the slot of an upload abandoned past its idle time", async () => {
    const id = await newRequest({ maxFiles: 1, maxFileSize: 1_000, maxTotalSize: 1_000 });
    const row = await begin(id, "idle.bin", 10);
    await db.upload.update({ where: { id: row.id }, data: { expiresAt: new Date(Date.now() - 1_000) } });
    expect(await abortAbandonedUploads()).toBeGreaterThanOrEqual(1);
    expect(await db.upload.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ state: "aborted" });
    expect(await counters(id)).toMatchObject({ reservedFiles: 0, reservedBytes: 0n });
  });
});
