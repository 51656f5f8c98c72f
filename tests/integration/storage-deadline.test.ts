/**
 * Storage calls end: against an endpoint that accepts TCP and says nothing, and one that answers
 * half a response and stalls, every storage operation a person waits for (list buckets, list a
 * folder, object details, the preview's text, Test connection, Quick Share) ends within
 * STORAGE_DEADLINE_MS with the explained message, while the database and another connection stay
 * fast. Real database, real Swift S3 server, real sockets; only the request context is mocked.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { SessionUser } from "@/lib/auth/session";
import { startHangingServer, type HangingServer } from "../support/hanging-storage";
import { session } from "../support/request-context";
import { db } from "@/lib/db/client";
import { saveConnectionAction } from "@/lib/actions/save-connection";
import { testConnectionAction } from "@/lib/actions/test-connection";
import { createShareLinkAction } from "@/lib/actions/create-share-link";
import { openConnectionOrThrow } from "@/lib/storage/connections";
import { loadBuckets, loadFolder, loadObjectView, readTextStart, listFolder } from "@/lib/storage/listing";
import { describeStorageError } from "@/lib/storage/errors";
import { STORAGE_DEADLINE_MS, StorageTimeoutError } from "@/lib/storage/deadline";
import { headObject } from "@/lib/storage/head";
import { createUrlPresigner } from "@/lib/storage/presign";
import * as h from "../support/helpers";

vi.mock("@/lib/auth/session", async () => (await import("../support/request-context")).sessionModule);

const { services } = h;
/** The documented bound plus room for a busy machine. */
const UPPER_LIMIT_MS = STORAGE_DEADLINE_MS + 3_000;
const TIMEOUT_MESSAGE = `did not answer within ${STORAGE_DEADLINE_MS / 1000} seconds`;

let user: SessionUser;
let silent: HangingServer;
let half: HangingServer;
let swiftBucket: string;
const ids: Record<string, string> = {};

const connectionFields = (endpoint: string) => ({
  provider: "custom",
  endpoint,
  region: "us-east-1",
  forcePathStyle: "on",
  accessKeyId: endpoint === services.s3.endpoint ? services.s3.accessKeyId : "AKIAHANGING",
  secretAccessKey: endpoint === services.s3.endpoint ? services.s3.secretAccessKey : "hanging-secret",
  buckets: "",
});

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await work();
  return { ms: performance.now() - started, value };
}

beforeAll(async () => {
  [silent, half] = await Promise.all([startHangingServer("silent"), startHangingServer("half")]);
  user = await h.createTestUser("deadline");
  session.user = user;
  const admin = h.adminS3();
  swiftBucket = await h.createBucket(admin, "deadline");
  await h.putObjects(admin, swiftBucket, [{ key: "fine.txt", body: Buffer.from("still fast"), contentType: "text/plain" }]);
  admin.destroy();
  for (const [name, endpoint] of [
    ["Silent", silent.endpoint],
    ["Half", half.endpoint],
    ["Swift", services.s3.endpoint],
  ] as const) {
    const result = await h.runRedirectingAction(() => saveConnectionAction({ status: "idle" }, h.formData({ name, ...connectionFields(endpoint) })));
    expect(result).toEqual({ state: expect.objectContaining({ status: "success" }) });
    ids[name] = (await db.storageConnection.findFirstOrThrow({ where: { ownerId: user.id, name }, select: { id: true } })).id;
  }
}, 60_000);

afterAll(async () => {
  session.user = null;
  await h.deleteTestUsers(user);
  await Promise.all([silent?.close(), half?.close()]);
});

describe.each([
  ["accepts TCP and never answers", "Silent"],
  ["answers half a response and stalls", "Half"],
] as const)("an endpoint that %s", (_label, name) => {
  it(`ends every storage call within ${UPPER_LIMIT_MS / 1000} s with the explained message, while other pages stay fast`, async () => {
    const server = name === "Silent" ? silent : half;
    const open = await openConnectionOrThrow(user, ids[name]!);
    const swift = await openConnectionOrThrow(user, ids.Swift!);
    const before = server.connections();

    const calls = {
      buckets: timed(() => loadBuckets(open)),
      folder: timed(() => loadFolder(open, "reports", "2026/")),
      details: timed(() => loadObjectView(open, "reports", "invoice.pdf")),
      previewText: timed(() => readTextStart(open, "reports", "notes.txt").then(() => "no error", describeStorageError)),
      testConnection: timed(() => testConnectionAction({ status: "idle" }, h.formData({ id: ids[name]!, ...connectionFields(server.endpoint) }))),
      quickShare: timed(() =>
        createShareLinkAction(
          { status: "idle" },
          h.formData({ connectionId: ids[name]!, bucket: "reports", key: "invoice.pdf", expiryMode: "preset", preset: "1h", disposition: "attachment" }),
        ),
      ),
    };

    // Meanwhile the database and a healthy connection answer at once.
    await h.sleep(500);
    for (let i = 0; i < 3; i++) {
      const other = await timed(async () => {
        await db.user.count();
        return listFolder(swift, swiftBucket, "");
      });
      expect(other.value.objects.map((o) => o.key)).toEqual(["fine.txt"]);
      expect(other.ms).toBeLessThan(2_000);
    }

    const buckets = await calls.buckets;
    const folder = await calls.folder;
    const details = await calls.details;
    const previewText = await calls.previewText;
    const testConnection = await calls.testConnection;
    const quickShare = await calls.quickShare;

    for (const [call, { ms }] of Object.entries({ buckets, folder, details, previewText, testConnection, quickShare })) {
      expect(ms, `${call} took ${Math.round(ms)} ms`).toBeLessThan(UPPER_LIMIT_MS);
    }
    expect(server.connections()).toBeGreaterThan(before);

    // The explained panel: title, what happened, and Retry (not "Edit connection").
    for (const loaded of [buckets.value, folder.value, details.value]) {
      expect(loaded).toEqual({
        ok: false,
        error: expect.objectContaining({
          problem: "timeout",
          title: "Storage did not answer in time",
          fix: "retry",
          message: expect.stringContaining(TIMEOUT_MESSAGE),
        }),
      });
    }
    expect(previewText.value).toMatchObject({ problem: "timeout", title: "Storage did not answer in time" });
    expect(testConnection.value).toEqual({
      status: "error",
      message: expect.stringMatching(new RegExp(`^Storage did not answer in time: .*${TIMEOUT_MESSAGE}`)),
    });
    expect(quickShare.value).toEqual({
      status: "error",
      message: expect.stringMatching(new RegExp(`^Storage did not answer in time\\. .*${TIMEOUT_MESSAGE}.* No link was created\\.$`)),
    });
    expect(await db.shareLink.count({ where: { ownerId: user.id } })).toBe(0);

    // The abandoned requests do not keep their sockets: the client closed them.
    await expect.poll(() => server.openSockets(), { timeout: 3_000 }).toBe(0);
  }, 40_000);
});

describe("the HEAD of a pin check or a health check (lib/storage/head.ts)", () => {
  const presignerFor = (endpoint: string) =>
    createUrlPresigner({ endpoint, region: "us-east-1", forcePathStyle: true, credentials: { accessKeyId: "AKIAHANGING", secretAccessKey: "hanging" } });

  it.each([["silent"], ["half"]] as const)("against a %s endpoint ends at its own deadline, tries included, and gives its socket up", async (mode) => {
    const server = mode === "silent" ? silent : half;
    const started = performance.now();
    const error = await headObject(presignerFor(server.endpoint), "bucket", "key", null, { deadlineMs: 300 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StorageTimeoutError);
    expect(describeStorageError(error).problem).toBe("timeout");
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    await expect.poll(() => server.openSockets(), { timeout: 3_000 }).toBe(0);
  });

  it("ends when the caller's signal aborts, with the signal's reason, and gives its socket up", async () => {
    const controller = new AbortController();
    const pending = headObject(presignerFor(silent.endpoint), "bucket", "key", controller.signal).catch((caught: unknown) => caught);
    await expect.poll(() => silent.openSockets()).toBeGreaterThan(0);
    const reason = new Error("the caller gave up");
    controller.abort(reason);
    expect(await pending).toBe(reason);
    await expect.poll(() => silent.openSockets(), { timeout: 3_000 }).toBe(0);
    // An already aborted signal sends nothing.
    const before = silent.connections();
    expect(await headObject(presignerFor(silent.endpoint), "bucket", "key", controller.signal).catch((caught: unknown) => caught)).toBe(reason);
    expect(silent.connections()).toBe(before);
  });
});
