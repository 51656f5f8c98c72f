/**
 * Storage connections and the bucket browser against each real S3 server (Swift s3api and Ceph
 * RGW, both of which check every SigV4 signature) and the real database. Only the request context is mocked: who
 * is signed in, and Next's revalidate/redirect, which need a running Next server.
 */
import { randomBytes } from "node:crypto";
import type { S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { SessionUser } from "@/lib/auth/session";
import type { TestStorage } from "../support/storages";
import { session } from "../support/request-context";
import { db } from "@/lib/db/client";
import { saveConnectionAction } from "@/lib/actions/save-connection";
import { openConnectionOrThrow, listConnections } from "@/lib/storage/connections";
import { listFolder, loadFolder, headObject, PREVIEW_SECONDS } from "@/lib/storage/listing";
import { describeStorageError } from "@/lib/storage/errors";
import { checkConnection } from "@/lib/storage/test-connection";
import { openCredentials } from "@/lib/storage/client";
import { folderHref, objectHref, parentPrefix, prefixFromSegments } from "@/lib/paths";
import * as h from "../support/helpers";
import { adminS3For, storageCases } from "../support/storages";

vi.mock("@/lib/auth/session", async () => (await import("../support/request-context")).sessionModule);

type Open = Awaited<ReturnType<typeof openConnectionOrThrow>>;
type Page = Awaited<ReturnType<typeof listFolder>>;

let storage: TestStorage;
let user: SessionUser;
let admin: S3Client;
let connectionId: string;
let open: Open;

const connectionName = () => `Local ${storage.name}`;

function connectionForm(overrides: Record<string, string> = {}): FormData {
  return h.formData({
    name: connectionName(),
    provider: "custom",
    endpoint: storage.endpoint,
    region: storage.region,
    forcePathStyle: "on",
    accessKeyId: storage.accessKeyId,
    secretAccessKey: storage.secretAccessKey,
    buckets: "",
    ...overrides,
  });
}

const saveConnection = (form: FormData) => h.runRedirectingAction(() => saveConnectionAction({ status: "idle" }, form));

const connectionCount = () => db.storageConnection.count({ where: { ownerId: user.id } });

/** Every page of a folder, following nextToken as the "Next page" link does. */
async function listAllPages(bucket: string, prefix: string, options: { filter?: string; pageSize?: number } = {}): Promise<Page[]> {
  const pages: Page[] = [];
  let token: string | undefined;
  do {
    const page = await listFolder(open, bucket, prefix, { ...options, token });
    pages.push(page);
    token = page.nextToken ?? undefined;
    if (pages.length > 50) throw new Error("listing does not end");
  } while (token);
  return pages;
}

async function listWhole(bucket: string, prefix: string) {
  const pages = await listAllPages(bucket, prefix);
  return {
    folders: pages.flatMap((p) => p.folders.map((f) => f.prefix)),
    objects: pages.flatMap((p) => p.objects),
    markerExists: pages.some((p) => p.markerExists),
  };
}

/** What the browser and Next's router do to a folder link: resolve it as a URL, take the path after the bucket, decode each segment. */
function prefixFromHref(href: string, bucket: string): string {
  const url = new URL(href, "http://bucketshare.test");
  const base = `/buckets/${encodeURIComponent(connectionId)}/${encodeURIComponent(bucket)}`;
  expect(url.pathname.startsWith(base), `${href} is under ${base}`).toBe(true);
  const rest = url.pathname.slice(base.length);
  if (rest === "") return prefixFromSegments(undefined);
  expect(rest.startsWith("/")).toBe(true);
  return prefixFromSegments(rest.slice(1).split("/").map(decodeURIComponent));
}

describe.each(storageCases())("on $name", (server) => {
  beforeAll(async () => {
    storage = server;
    user = await h.createTestUser(`browse-${server.name}`);
    session.user = user;
    admin = adminS3For(server);
    const saved = await saveConnection(connectionForm());
    expect(saved).toMatchObject({ state: { status: "success", reloadTo: "/settings/connections?saved=1" } });
    const row = await db.storageConnection.findFirstOrThrow({ where: { ownerId: user.id, name: connectionName() } });
    connectionId = row.id;
    open = await openConnectionOrThrow(user, connectionId);
  });

  afterAll(async () => {
    session.user = null;
    admin?.destroy();
    await h.deleteTestUsers(user);
  });

  describe("listing a folder page by page", () => {
    let bucket: string;
    const fileKeys = Array.from({ length: 250 }, (_, i) => `dir/file-${String(i).padStart(3, "0")}.bin`);

    beforeAll(async () => {
      bucket = await h.createBucket(admin);
      await h.putObjects(admin, bucket, [
        { key: "dir/", body: new Uint8Array(0) }, // the folder's own marker
        ...fileKeys.map((key) => ({ key, body: Buffer.from(key) })),
        { key: "dir/sub-a/x.txt", body: Buffer.from("x") },
        { key: "dir/sub-b/y.txt", body: Buffer.from("y") },
        { key: "top.txt", body: Buffer.from("top") },
      ]);
    });

    it("shows 250 objects and 2 folders over 3 pages of 100, each exactly once, in key order", async () => {
      const pages = await listAllPages(bucket, "dir/");
      expect(pages).toHaveLength(3);
      for (const page of pages) expect(page.folders.length + page.objects.length).toBeLessThanOrEqual(100);
      expect(pages[2]!.nextToken).toBeNull();

      const keys = pages.flatMap((p) => p.objects.map((o) => o.key));
      expect(keys).toEqual(fileKeys); // all 250, no repeats, sorted
      expect(new Set(keys).size).toBe(250);
      expect(pages.flatMap((p) => p.folders.map((f) => f.prefix))).toEqual(["dir/sub-a/", "dir/sub-b/"]);

      const first = pages[0]!.objects[0]!;
      expect(first).toMatchObject({ key: "dir/file-000.bin", size: Buffer.byteLength("dir/file-000.bin") });
      expect(first.lastModified).toBeInstanceOf(Date);
    });

    it("does not list the folder's own zero-byte marker as an object", async () => {
      const pages = await listAllPages(bucket, "dir/");
      expect(pages.flatMap((p) => p.objects.map((o) => o.key))).not.toContain("dir/");
      expect(pages[0]!.markerExists).toBe(true);
    });

    it("shows sub-folders as folders at the bucket root", async () => {
      const root = await listWhole(bucket, "");
      expect(root.folders).toEqual(["dir/"]);
      expect(root.objects.map((o) => o.key)).toEqual(["top.txt"]);
      expect(root.markerExists).toBe(false);
    });

    it("narrows to names starting with the filter", async () => {
      const twos = await listAllPages(bucket, "dir/", { filter: "file-2" });
      expect(twos).toHaveLength(1);
      expect(twos[0]!.objects.map((o) => o.key)).toEqual(fileKeys.filter((k) => k.startsWith("dir/file-2")));
      expect(twos[0]!.objects).toHaveLength(50);
      expect(twos[0]!.folders).toEqual([]);

      const subs = await listAllPages(bucket, "dir/", { filter: "sub-" });
      expect(subs.flatMap((p) => p.folders.map((f) => f.prefix))).toEqual(["dir/sub-a/", "dir/sub-b/"]);
      expect(subs.flatMap((p) => p.objects)).toEqual([]);

      const none = await listAllPages(bucket, "dir/", { filter: "nothing-like-this" });
      expect(none.flatMap((p) => [...p.objects, ...p.folders])).toEqual([]);
    });
  });

  describe("awkward object keys", () => {
    let bucket: string;
    const longKey = `deep/${"k".repeat(1024 - "deep/".length - ".txt".length)}.txt`;
    const keys = [
      "with space.txt",
      "folder with space/inner file.txt",
      "résumé.pdf",
      "日本語.txt",
      "docs/日本語 フォルダ/ファイル.txt",
      "plus+sign.txt",
      "per%cent.txt",
      "per%2Fcent-looks-encoded.txt",
      "hash#tag.txt",
      "question?.txt",
      "amp&ersand.txt",
      "it's.txt",
      'say "hi".txt',
      "chars +%#?&'\"/all in a folder.txt",
      "/leading-slash.txt",
      "trailing/", // folder marker with content below it
      "trailing/child.txt",
      "a//b.txt",
      "-starts-with-dash/x.txt",
      longKey,
      "empty-marker/", // zero-byte folder marker, nothing inside
      "same",
      "same/inner.txt",
    ];
    const bodies = new Map<string, Buffer>();

    beforeAll(async () => {
      expect(Buffer.byteLength(longKey)).toBe(1024);
      bucket = await h.createBucket(admin);
      for (const key of keys) {
        bodies.set(key, key.endsWith("/") ? Buffer.alloc(0) : Buffer.concat([Buffer.from(`${key}\n`), randomBytes(64)]));
      }
      await h.putObjects(
        admin,
        bucket,
        keys.map((key) => ({ key, body: bodies.get(key)!, contentType: key.endsWith("/") ? "application/x-directory" : "application/x-awkward" })),
      );
    });

    it("lists each object in its parent folder, and each marker as a folder of its parent", async () => {
      const listings = new Map<string, Awaited<ReturnType<typeof listWhole>>>();
      const listingOf = async (prefix: string) => {
        if (!listings.has(prefix)) listings.set(prefix, await listWhole(bucket, prefix));
        return listings.get(prefix)!;
      };
      for (const key of keys) {
        if (key.endsWith("/")) {
          const parent = parentPrefix(key.slice(0, -1));
          expect((await listingOf(parent)).folders, `${key} in "${parent}"`).toContain(key);
          expect((await listingOf(parent)).objects.map((o) => o.key)).not.toContain(key);
          const inside = await listingOf(key);
          expect(inside.markerExists, `marker ${key}`).toBe(true);
          expect(inside.objects.map((o) => o.key)).not.toContain(key);
        } else {
          const parent = parentPrefix(key);
          const entry = (await listingOf(parent)).objects.find((o) => o.key === key);
          expect(entry, `${JSON.stringify(key)} listed in ${JSON.stringify(parent)}`).toBeDefined();
          expect(entry!.size).toBe(bodies.get(key)!.length);
        }
      }
      // The ones people get wrong, spelled out.
      const root = await listingOf("");
      expect(root.folders).toEqual(expect.arrayContaining(["/", "a/", "same/", "trailing/", "empty-marker/"]));
      expect(root.objects.map((o) => o.key)).toEqual(expect.arrayContaining(["same", "résumé.pdf", "日本語.txt"]));
      expect((await listingOf("a/")).folders).toEqual(["a//"]);
      expect((await listingOf("a//")).objects.map((o) => o.key)).toEqual(["a//b.txt"]);
      expect((await listingOf("/")).objects.map((o) => o.key)).toEqual(["/leading-slash.txt"]);
      expect((await listingOf("same/")).objects.map((o) => o.key)).toEqual(["same/inner.txt"]);
      expect(await listingOf("empty-marker/")).toEqual({ folders: [], objects: [], markerExists: true });
    });

    it("reads each object's details", async () => {
      for (const key of keys) {
        const details = await headObject(open, bucket, key);
        expect(details.key).toBe(key);
        expect(details.size, key).toBe(bodies.get(key)!.length);
        expect(details.contentType).toBe(key.endsWith("/") ? "application/x-directory" : "application/x-awkward");
      }
    });

    it("builds folder and object links that lead back to the same prefix and key", () => {
      for (const key of keys) {
        const folders = key.endsWith("/") ? [key, parentPrefix(key.slice(0, -1))] : [parentPrefix(key)];
        for (const prefix of folders) {
          expect(prefixFromHref(folderHref(connectionId, bucket, prefix), bucket), `folder ${JSON.stringify(prefix)}`).toBe(prefix);
        }
        const href = objectHref(connectionId, bucket, key);
        const url = new URL(href, "http://bucketshare.test");
        expect(url.searchParams.getAll("object"), `object ${JSON.stringify(key)}`).toEqual([key]);
        expect(prefixFromHref(href, bucket)).toBe(parentPrefix(key));
      }
    });

    it("serves each object's exact bytes through a presigned preview URL", async () => {
      for (const key of keys) {
        const url = await open.clients.presigner.presignGet({ bucket, key, expiresInSeconds: PREVIEW_SECONDS, responseContentDisposition: "inline" });
        const response = await h.fetchBytes(url);
        expect(response.status, `GET ${JSON.stringify(key)}`).toBe(200);
        expect(response.body.equals(bodies.get(key)!), `bytes of ${JSON.stringify(key)}`).toBe(true);
        expect(response.headers.get("content-disposition")).toBe("inline");
      }
    });
  });

  describe("storage errors in words", () => {
    it("reports a wrong secret as wrong credentials when testing the connection", async () => {
      const target = { endpoint: storage.endpoint, region: storage.region, forcePathStyle: true, buckets: [] };
      const good = await checkConnection(target, { accessKeyId: storage.accessKeyId, secretAccessKey: storage.secretAccessKey });
      expect(good.ok).toBe(true);
      const bad = await checkConnection(target, { accessKeyId: storage.accessKeyId, secretAccessKey: "not-the-secret" });
      expect(bad).toMatchObject({ ok: false, problem: "bad_credentials", title: "Wrong access key or secret", fix: "edit" });
      expect(JSON.stringify(bad)).not.toContain("not-the-secret");
      // An access key the server does not know: SignatureDoesNotMatch on Swift, InvalidAccessKeyId on Ceph.
      const unknown = await checkConnection(target, { accessKeyId: storage.name === "swift" ? "nobody:nobody" : "NOBODYKNOWSTHISKEY", secretAccessKey: "x" });
      expect(unknown).toMatchObject({ ok: false, problem: "bad_credentials", title: "Wrong access key or secret", fix: "edit" });
    });

    it("says the same when the connection lists its buckets (checked one by one)", async () => {
      const bucket = await h.createBucket(admin);
      const target = { endpoint: storage.endpoint, region: storage.region, forcePathStyle: true, buckets: [bucket] };
      const good = await checkConnection(target, { accessKeyId: storage.accessKeyId, secretAccessKey: storage.secretAccessKey });
      expect(good).toEqual({ ok: true, message: "Connected. The bucket answers." });
      const bad = await checkConnection(target, { accessKeyId: storage.accessKeyId, secretAccessKey: "not-the-secret" });
      expect(bad).toMatchObject({ ok: false, problem: "bad_credentials", title: "Wrong access key or secret" });
      const missing = await checkConnection(
        { ...target, buckets: [bucket, `t-missing-${h.randomSuffix()}`] },
        { accessKeyId: storage.accessKeyId, secretAccessKey: storage.secretAccessKey },
      );
      expect(missing).toMatchObject({ ok: false, problem: "no_such_bucket", title: "Bucket not found" });
    });

    it("reports a missing bucket as not found, on the folder page", async () => {
      const missing = `t-missing-${h.randomSuffix()}`;
      const loaded = await loadFolder(open, missing, "");
      expect(loaded).toMatchObject({ ok: false, error: { problem: "no_such_bucket", title: "Bucket not found" } });
      const thrown = await listFolder(open, missing, "").catch((error: unknown) => error);
      expect(describeStorageError(thrown).problem).toBe("no_such_bucket");
    });
  });

  describe("saving a connection", () => {
    it("keeps the secret out of the database row and out of what pages receive", async () => {
      const secret = storage.secretAccessKey;
      const rows = await db.$queryRaw<Record<string, unknown>[]>`SELECT * FROM storage_connections WHERE id = ${connectionId}`;
      expect(rows).toHaveLength(1);
      const raw = h.stringifyRow(rows[0]);
      expect(raw).toContain(storage.accessKeyId); // the row is the right one
      expect(raw).not.toContain(secret);
      expect(raw).not.toContain(Buffer.from(secret).toString("base64"));

      const row = await db.storageConnection.findUniqueOrThrow({ where: { id: connectionId } });
      expect(openCredentials(row).secretAccessKey).toBe(secret);

      const summaries = JSON.stringify(await listConnections(user));
      expect(summaries).toContain(connectionName());
      expect(summaries).not.toContain(secret);
      expect(summaries).not.toContain(row.secretAccessKeyEnc);
    });

    it.each([
      ["an endpoint that is not a URL", { endpoint: "not a url" }, "endpoint"],
      ["an endpoint with a query", { endpoint: `${server.endpoint}/?x=1` }, "endpoint"],
      ["an empty access key", { accessKeyId: "" }, "accessKeyId"],
      ["a region with spaces", { region: "us east 1" }, "region"],
      ["a name already used", { name: `Local ${server.name}` }, "name"],
      ["no secret for a new connection", { secretAccessKey: "", name: "Another" }, "secretAccessKey"],
    ])("refuses %s and saves nothing", async (_label, overrides, field) => {
      const before = await connectionCount();
      const result = await saveConnection(connectionForm({ ...overrides, ...("name" in overrides ? {} : { name: `Other ${h.randomSuffix()}` }) }));
      expect(result).toHaveProperty("state");
      const state = (result as { state: Awaited<ReturnType<typeof saveConnectionAction>> }).state;
      expect(state.status).toBe("invalid");
      if (state.status !== "invalid") return;
      expect(Object.keys(state.fieldErrors)).toEqual([field]);
      expect(state.fieldErrors[field]![0]).toEqual(expect.any(String));
      // What the form gets back to re-fill itself never includes the secret.
      expect(JSON.stringify(state)).not.toContain(storage.secretAccessKey);
      expect(await connectionCount()).toBe(before);
    });
  });
});

// Storage-independent: nothing listens on the port.
describe("an endpoint nobody answers on", () => {
  it("reports a closed port as unreachable", async () => {
    const port = await h.closedPort();
    const result = await checkConnection(
      { endpoint: `http://127.0.0.1:${port}`, region: "us-east-1", forcePathStyle: true, buckets: [] },
      { accessKeyId: "AKIAEXAMPLE", secretAccessKey: "example-secret" },
    );
    expect(result).toMatchObject({ ok: false, problem: "unreachable", title: "Endpoint unreachable", fix: "retry" });
  });
});
