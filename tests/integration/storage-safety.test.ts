/**
 * What a stranger's input or a hostile object can do through storage, against the real database
 * and each real S3 server (Swift s3api and Ceph RGW, both of which honour response-content-type):
 * previews cannot run content, and the content-type override cannot make a link render a page (on
 * each server); endpoints are URLs and nothing more, and the CSP names only the signed-in owner's
 * storage (no storage call: once).
 */
import type { S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { SessionUser } from "@/lib/auth/session";
import type { TestStorage } from "../support/storages";
import { session } from "../support/request-context";
import { db } from "@/lib/db/client";
import { saveConnectionAction } from "@/lib/actions/save-connection";
import { testConnectionAction } from "@/lib/actions/test-connection";
import { createShareLinkAction } from "@/lib/actions/create-share-link";
import { openConnectionOrThrow } from "@/lib/storage/connections";
import { loadObjectView } from "@/lib/storage/listing";
import { storageOriginsForCsp } from "@/lib/security/storage-origins";
import * as h from "../support/helpers";
import { adminS3For, storageCases } from "../support/storages";

vi.mock("@/lib/auth/session", async () => (await import("../support/request-context")).sessionModule);

let owner: SessionUser;
let stranger: SessionUser;
let admin: S3Client;
let bucket: string;
let connectionId: string;

const XHTML_FORM =
  '<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><body><form action="https://evil.example/"><label>Password <input name="password" type="password"/></label><button>Sign in</button></form></body></html>';

/** The server the storage-independent tests name in their forms (nothing is sent to it). */
const anyStorage = storageCases()[0]!;

function connectionFields(overrides: Record<string, string> = {}, storage: TestStorage = anyStorage): Record<string, string> {
  return {
    name: `Conn ${h.randomSuffix()}`,
    provider: "custom",
    endpoint: storage.endpoint,
    region: storage.region,
    forcePathStyle: "on",
    accessKeyId: storage.accessKeyId,
    secretAccessKey: storage.secretAccessKey,
    buckets: "",
    ...overrides,
  };
}

const save = (fields: Record<string, string>) => h.runRedirectingAction(() => saveConnectionAction({ status: "idle" }, h.formData(fields)));

beforeAll(async () => {
  owner = await h.createTestUser("safety-owner");
  stranger = await h.createTestUser("safety-stranger");
});

afterAll(async () => {
  session.user = null;
  await h.deleteTestUsers(owner, stranger);
});

describe.each(storageCases())("on $name", (storage) => {
  beforeAll(async () => {
    admin = adminS3For(storage);
    bucket = await h.createBucket(admin, "safety");
    await h.putObjects(admin, bucket, [
      { key: "invoice.pdf", body: Buffer.from(XHTML_FORM), contentType: "application/xhtml+xml" },
      { key: "page.pdf", body: Buffer.from("<html><body><form><input name=password></form></body></html>"), contentType: "application/octet-stream" },
      { key: "real.pdf", body: Buffer.from("%PDF-1.4\n%%EOF\n"), contentType: "application/pdf" },
      { key: "photo.png", body: Buffer.from("not really a png"), contentType: "binary/octet-stream" },
      { key: "logo.svg", body: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), contentType: "image/svg+xml" },
      { key: "notes.txt", body: Buffer.from("<b>plain</b> notes"), contentType: "text/plain" },
    ]);
    session.user = owner;
    const name = `Owner's ${storage.name}`;
    expect(await save(connectionFields({ name }, storage))).toEqual({ state: expect.objectContaining({ status: "success" }) });
    connectionId = (await db.storageConnection.findFirstOrThrow({ where: { ownerId: owner.id, name }, select: { id: true } })).id;
  });

  afterAll(() => {
    admin?.destroy();
  });

  describe("previews", () => {
    async function view(key: string) {
      const open = await openConnectionOrThrow(owner, connectionId);
      const loaded = await loadObjectView(open, bucket, key);
      if (!loaded.ok) throw new Error(`${key}: ${loaded.error.title}`);
      return loaded.value;
    }

    it("does not render invoice.pdf stored as application/xhtml+xml", async () => {
      const details = await view("invoice.pdf");
      expect(details.contentType).toBe("application/xhtml+xml");
      expect(details.preview).toBeNull();
    });

    it("gives no preview to an SVG", async () => {
      expect((await view("logo.svg")).preview).toBeNull();
    });

    it.each([
      ["real.pdf", "pdf", "application/pdf"],
      ["page.pdf", "pdf", "application/pdf"],
      ["photo.png", "image", "image/png"],
    ])("forces the preview type: %s is served as %s (%s)", async (key, kind, type) => {
      const details = await view(key);
      expect(details.preview).toMatchObject({ kind, url: expect.stringContaining(`response-content-type=${encodeURIComponent(type)}`) });
      const response = await h.fetchBytes((details.preview as { url: string }).url);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe(type);
      expect(response.headers.get("content-disposition")).toBe("inline");
    });

    it("shows text as text, read on the server", async () => {
      expect((await view("notes.txt")).preview).toEqual({ kind: "text", text: "<b>plain</b> notes" });
    });
  });

  describe("the content-type override in Quick Share", () => {
    const share = (fields: Record<string, string>) =>
      createShareLinkAction({ status: "idle" }, h.formData({ connectionId, bucket, key: "notes.txt", expiryMode: "preset", preset: "1h", ...fields }));

    it.each([
      ["text/html with Open in browser", { contentType: "text/html", disposition: "inline" }, /can run as a web page/],
      ["image/svg+xml with Open in browser", { contentType: "image/svg+xml", disposition: "inline" }, /can run as a web page/],
      ["XHTML with Open in browser", { contentType: "application/xhtml+xml; charset=utf-8", disposition: "inline" }, /can run as a web page/],
      ["JavaScript with Open in browser", { contentType: "text/javascript", disposition: "inline" }, /can run as a web page/],
      ["CR/LF inside a quoted parameter", { contentType: 'text/plain; charset="utf-8\r\nX-Injected: 1"', disposition: "attachment" }, /printable ASCII only/],
      ["a line break at the end", { contentType: "text/plain\n", disposition: "attachment" }, /printable ASCII only/],
    ])("refuses %s next to the field and creates nothing", async (_label, fields, message) => {
      session.user = owner;
      const before = await db.shareLink.count({ where: { ownerId: owner.id } });
      const state = await share(fields);
      expect(state).toMatchObject({ status: "invalid", fieldErrors: { contentType: [expect.stringMatching(message)] } });
      expect(await db.shareLink.count({ where: { ownerId: owner.id } })).toBe(before);
    });

    it("allows an active type with Download: the link downloads it", async () => {
      session.user = owner;
      const state = await share({ contentType: "text/html", disposition: "attachment" });
      expect(state).toMatchObject({ status: "success" });
      const url = (state as { data: { url: string } }).data.url;
      const response = await h.fetchBytes(url);
      expect(response.headers.get("content-type")).toBe("text/html");
      expect(response.headers.get("content-disposition")).toMatch(/^attachment;/);
    });
  });
});

describe("the endpoint field", () => {
  it.each([
    ["a CSP directive after ;", "http://host.example;sandbox", /remove “;”/],
    ["script-src-elem after ;", "http://host.example;script-src-elem", /remove “;”/],
    ["a second source after ,", "http://host.example,evil.example", /remove “,”/],
    ["double quotes", 'http://"host.example"', /remove “"”/],
    ["single quotes", "http://host.example/'unsafe-inline'", /remove “'”/],
    ["a space", "http://host.example 'unsafe-inline'", /remove spaces/],
    ["a wildcard", "http://*.example.com", /remove “\*”/],
    ["credentials", "http://user:password@host.example", /Leave credentials out/],
    ["a query", "http://host.example/?x=1", /no query/],
    ["a fragment", "http://host.example/#x", /fragment/],
  ])("refuses %s with a field error and saves nothing", async (_label, endpoint, message) => {
    session.user = owner;
    const before = await db.storageConnection.count({ where: { ownerId: owner.id } });
    const result = await save(connectionFields({ endpoint }));
    expect(result).toEqual({ state: expect.objectContaining({ status: "invalid" }) });
    const state = (result as { state: { fieldErrors: Record<string, string[]> } }).state;
    expect(Object.keys(state.fieldErrors)).toEqual(["endpoint"]);
    expect(state.fieldErrors.endpoint![0]).toMatch(message);
    expect(await db.storageConnection.count({ where: { ownerId: owner.id } })).toBe(before);

    // Test connection refuses it the same way, before any request.
    const tested = await testConnectionAction({ status: "idle" }, h.formData(connectionFields({ endpoint })));
    expect(tested).toMatchObject({ status: "invalid", fieldErrors: { endpoint: [expect.stringMatching(message)] } });
  });

  it("stores the parsed URL, not the text as typed", async () => {
    session.user = owner;
    const upper = `${anyStorage.endpoint.replace("http://", "HTTP://")}//`;
    const name = `Normalised ${h.randomSuffix()}`;
    expect(await save(connectionFields({ name, endpoint: upper }))).toEqual({ state: expect.objectContaining({ status: "success" }) });
    const row = await db.storageConnection.findFirstOrThrow({ where: { ownerId: owner.id, name } });
    expect(row.endpoint).toBe(anyStorage.endpoint);
    await db.storageConnection.delete({ where: { id: row.id } });
  });
});

describe("the Content-Security-Policy's storage sources", () => {
  it("come only from the signed-in owner's connections, as parsed origins", async () => {
    session.user = stranger;
    expect(await save(connectionFields({ name: "Stranger's", endpoint: "https://stranger-storage.example:9443/base" }))).toEqual({
      state: expect.objectContaining({ status: "success" }),
    });
    // A row written around the form (an old version, a hand edit) still cannot inject anything.
    await db.storageConnection.updateMany({ where: { ownerId: stranger.id }, data: { endpoint: "https://stranger-storage.example:9443;sandbox" } });
    await db.storageConnection.create({
      data: {
        ownerId: stranger.id,
        name: "Raw",
        provider: "custom",
        endpoint: "https://ok.example 'unsafe-inline'",
        region: "x",
        accessKeyId: "k",
        secretAccessKeyEnc: "x",
      },
    });

    const ownerSources = await storageOriginsForCsp(owner.id);
    // The owner has one connection on each server (made above): one origin each.
    expect([...ownerSources].sort()).toEqual(
      storageCases()
        .map((storage) => storage.endpoint)
        .sort(),
    );
    const strangerSources = await storageOriginsForCsp(stranger.id);
    expect(strangerSources).toEqual([]);
    expect(JSON.stringify(ownerSources)).not.toContain("stranger");
  });
});
