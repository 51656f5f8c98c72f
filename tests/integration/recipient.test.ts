/**
 * What recipients of a managed link get, against the real S3 server (Swift + s3api checks every
 * presigned URL, its expiry included) and the real database. The route handlers' GET/HEAD/POST are
 * called directly with a Request, as Next calls them; the links are written the way a managed link
 * row is stored (token hash, sealed URL). Client addresses come in the header the Bucketshare
 * server sets (lib/boot/server.ts), as in production.
 */
import { soleOwner } from "@/lib/auth/permissions";
import { randomBytes } from "node:crypto";
import { type AddressInfo, type Socket, createServer } from "node:net";
import { CreateBucketCommand, DeleteObjectCommand, PutBucketVersioningCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { SessionUser } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { newRecordId } from "@/lib/crypto";
import { getRuntimeSecrets } from "@/lib/env";
import { seal } from "@/lib/storage/sealed";
import { generateLinkToken, hashLinkToken } from "@/lib/links/token";
import { hashPassword } from "@/lib/auth/password";
import { settleLinkEvents } from "@/lib/recipient/access-log";
import { RECIPIENT_STORAGE_MS } from "@/lib/recipient/object";
import { describeEvent } from "@/lib/links/access-log-view";
import { listAccessLog } from "@/lib/links/manage";
import { linkPasswordLockout } from "@/lib/auth/rate-limit";
import { PEER_HEADER, SERVER_MARKER } from "@/lib/security/address";
import * as page from "@/app/s/[token]/route";
import * as download from "@/app/s/[token]/download/route";
import * as preview from "@/app/s/[token]/preview/route";
import * as unlock from "@/app/s/[token]/unlock/route";
import * as h from "../support/helpers";
import { rawRequest, serveFastPath } from "../support/raw-http";
import { insertStorageConnection } from "../support/connection-row";
import { adminS3For, storageCases } from "../support/storages";
import type { TestStorage } from "../support/storages";

const BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
const SLACK = "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)";
const ORIGIN = "http://127.0.0.1:3000";
const CONNECTION_NAME = "Recipient Swift";

const REPORT_KEY = "private/reports/q3 report.bin";
const REPORT = randomBytes(40_000);
const PHOTO_KEY = "private/photo.png";
const NOTES_KEY = "private/notes.txt";
const PDF_KEY = "private/brief.pdf";
const AUDIO_KEY = "private/clip.mp3";

let owner: SessionUser;
let admin: S3Client;
let bucket: string;
let connectionId: string;
let store: TestStorage;

// Requests arrive through the Bucketshare server, which puts the TCP peer in its own header.
(globalThis as Record<symbol, unknown>)[SERVER_MARKER] = true;

type LinkOptions = {
  issuedById?: string;
  key?: string;
  fileName?: string;
  disposition?: "inline" | "attachment";
  contentTypeOverride?: string | null;
  objectContentType?: string | null;
  downloadLimit?: number | null;
  password?: string;
  allowedNetworks?: string[];
  expiresAt?: Date;
  neverExpires?: boolean;
  pinned?: boolean;
  etag?: string | null;
  /** Another connection and bucket (the versioned server), with the pinned version. */
  on?: { connectionId: string; bucket: string; versionId: string | null };
};

async function etagOf(key: string): Promise<string> {
  const { HeadObjectCommand } = await import("@aws-sdk/client-s3");
  return (await admin.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))).ETag!;
}

/** A managed link row as issuing stores it; returns its id and token. */
async function managedLink(options: LinkOptions = {}): Promise<{ id: string; token: string }> {
  const key = options.key ?? REPORT_KEY;
  const token = generateLinkToken();
  const id = newRecordId();
  const now = new Date();
  const expiresAt = options.neverExpires ? new Date("9999-12-31T00:00:00Z") : (options.expiresAt ?? new Date(now.getTime() + 86_400_000));
  await db.shareLink.create({
    data: {
      id,
      kind: "managed",
      ownerId: owner.id,
      issuedById: options.issuedById ?? owner.id,
      connectionId: options.on?.connectionId ?? connectionId,
      connectionName: CONNECTION_NAME,
      bucket: options.on?.bucket ?? bucket,
      key,
      objectVersionId: options.on?.versionId ?? null,
      objectSize: BigInt(key === REPORT_KEY ? REPORT.length : 100),
      objectEtag: options.etag === undefined && !options.on ? await etagOf(key) : (options.etag ?? null),
      objectContentType: options.objectContentType === undefined ? "application/octet-stream" : options.objectContentType,
      requestedExpiresAt: expiresAt,
      expiresAt,
      expiresSoonAt: expiresAt,
      neverExpires: options.neverExpires ?? false,
      disposition: options.disposition ?? "attachment",
      fileName: options.fileName ?? "q3 report.bin",
      contentTypeOverride: options.contentTypeOverride ?? null,
      tokenHash: hashLinkToken(token),
      urlEnc: seal("shareUrl", id, `${ORIGIN}/s/${token}`, getRuntimeSecrets().encryptionKey),
      downloadLimit: options.downloadLimit ?? null,
      passwordHash: options.password ? await hashPassword(options.password) : null,
      allowedNetworks: options.allowedNetworks ?? [],
      pinned: options.pinned ?? true,
    },
  });
  return { id, token };
}

type Call = { method?: string; agent?: string; peer?: string; cookie?: string; body?: URLSearchParams; headers?: Record<string, string>; noLength?: boolean };

function request(path: string, call: Call = {}): Request {
  const headers = new Headers({ "user-agent": call.agent ?? BROWSER, [PEER_HEADER]: call.peer ?? "198.51.100.7" });
  if (call.cookie) headers.set("cookie", call.cookie);
  // Browsers declare a form's length; the Node server hands the header on to the route.
  if (call.body && !call.noLength) headers.set("content-length", String(Buffer.byteLength(call.body.toString())));
  for (const [name, value] of Object.entries(call.headers ?? {})) headers.set(name, value);
  return new Request(`${ORIGIN}${path}`, { method: call.method ?? (call.body ? "POST" : "GET"), headers, body: call.body });
}

type Handler = (request: Request, context: { params: Promise<{ token: string }> }) => Promise<Response>;

async function hit(handler: Handler, token: string, suffix: string, call: Call = {}): Promise<Response> {
  return handler(request(`/s/${token}${suffix}`, call), { params: Promise.resolve({ token }) });
}

const openPage = (token: string, call?: Call) => hit(page.GET, token, "", call);
const getDownload = (token: string, call?: Call) => hit(download.GET, token, "/download", call);
const getOpen = (token: string, call?: Call) => hit(download.GET, token, "/download?open=1", call);
/** The Download button of a link with a download limit (a form POST: only that counts there). */
const postDownload = (token: string, call?: Call) => hit(download.POST, token, "/download", { ...call, method: "POST" });
const postUnlock = (token: string, password: string | null, call?: Call) => {
  const body = new URLSearchParams();
  if (password !== null) body.set("password", password);
  return hit(unlock.POST, token, "/unlock", { ...call, body });
};

async function downloads(id: string): Promise<number> {
  return (await db.shareLink.findUniqueOrThrow({ where: { id }, select: { downloadCount: true } })).downloadCount;
}

async function events(id: string) {
  await settleLinkEvents();
  return db.linkEvent.findMany({
    where: { linkId: id },
    orderBy: { id: "asc" },
    select: { outcome: true, reason: true, clientAddress: true, userAgent: true, previewAgent: true },
  });
}

function expectRecipientHeaders(response: Response) {
  expect(response.headers.get("cache-control")).toBe("no-store");
  expect(response.headers.get("referrer-policy")).toBe("no-referrer");
}

beforeAll(async () => {
  owner = await h.createTestUser("recipient");
  await db.user.update({ where: { id: owner.id }, data: { name: "Olive Owner" } });
  owner.name = "Olive Owner";
});

/** Inside a describe: a bucket with the test files on `storage`, and the owner's connection to it. */
function useStorage(storage: TestStorage) {
  beforeAll(async () => {
    store = storage;
    admin = adminS3For(storage);
    bucket = await h.createBucket(admin, "rcpt");
    const { png } = await import("@/lib/dev/sample-files");
    await h.putObjects(admin, bucket, [
      { key: REPORT_KEY, body: REPORT, contentType: "application/octet-stream" },
      { key: PHOTO_KEY, body: png(16, 16, () => [10, 120, 200]), contentType: "image/png" },
      { key: NOTES_KEY, body: Buffer.from("first line <b>not bold</b>\nsecond line\n"), contentType: "text/plain" },
    ]);
    connectionId = await insertStorageConnection(owner.id, storage, { name: `${CONNECTION_NAME} ${storage.name} ${h.randomSuffix()}` });
  });
  afterAll(() => admin?.destroy());
}

afterAll(async () => {
  await settleLinkEvents();
  await h.deleteTestUsers(owner);
  delete (globalThis as Record<symbol, unknown>)[SERVER_MARKER];
});

beforeEach(async () => {
  await db.user.update({ where: { id: owner.id }, data: { logNetworkOnly: false, webhookUrl: null } });
});

describe.each(storageCases())("on $name", (storage) => {
  useStorage(storage);

  describe("the recipient page", () => {
    it("names the colleague who issued the link as who shared it", async () => {
      const colleague = await db.user.create({
        data: { name: "Ana Colleague", email: `ana-${h.randomSuffix()}@integration.test`, passwordHash: "x", role: "member", teamId: owner.id },
      });
      try {
        const link = await managedLink({ issuedById: colleague.id });
        const body = await (await openPage(link.token)).text();
        expect(body).toContain("Shared by Ana Colleague");
        expect(body).not.toContain("Olive Owner");
      } finally {
        await db.user.delete({ where: { id: colleague.id } });
      }
    });

    it("shows the file, who shared it, its expiry and Download, and nothing of the storage", async () => {
      const link = await managedLink({ downloadLimit: 3 });
      const response = await openPage(link.token);
      expect(response.status).toBe(200);
      expectRecipientHeaders(response);
      expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
      expect(response.headers.get("x-robots-tag")).toMatch(/noindex/);
      const csp = response.headers.get("content-security-policy")!;
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("default-src 'none'");
      expect(csp).not.toMatch(/script-src/);
      const body = await response.text();
      expect(body).toContain("<h1>q3 report.bin</h1>");
      expect(body).toContain("Shared by Olive Owner");
      expect(body).toContain("<dt>Size</dt><dd>39.1 KB</dd>");
      expect(body).toMatch(/<time datetime="[^"]+">[^<]+<\/time> \(in 1 day\)/);
      expect(body).toContain(
        `<form method="post" action="/s/${link.token}/download" class="inline"><button class="button" type="submit">Download</button></form>`,
      );
      expect(body).toContain("<dt>Downloads left</dt><dd>3</dd>");
      const host = new URL(store.endpoint).host;
      for (const secret of [bucket, REPORT_KEY, "private/reports", host, CONNECTION_NAME, "X-Amz-", store.accessKeyId]) {
        expect(body, secret).not.toContain(secret);
      }
      expect(await downloads(link.id)).toBe(0);
      expect(await events(link.id)).toEqual([{ outcome: "page_view", reason: null, clientAddress: "198.51.100.7", userAgent: BROWSER, previewAgent: false }]);
    });

    it("says No expiry for a link that never expires", async () => {
      const link = await managedLink({ neverExpires: true });
      const body = await (await openPage(link.token)).text();
      expect(body).toContain("<dt>Expires</dt><dd>No expiry</dd>");
    });

    it("answers unknown, malformed and over-long tokens with one plain 404 page", async () => {
      for (const token of [generateLinkToken(), "short", `${"a".repeat(31)}!`, "b".repeat(33), "c".repeat(600), "../../etc/passwd"]) {
        for (const handler of [page.GET, download.GET, preview.GET] as Handler[]) {
          const response = await hit(handler, token, "");
          expect(response.status, token).toBe(404);
          expectRecipientHeaders(response);
          expect(await response.text()).toContain("<h1>Link not found</h1>");
        }
      }
    });

    it("previews an image through a 60-second URL with a forced type, and text inline", async () => {
      const photo = await managedLink({ key: PHOTO_KEY, fileName: "photo.png", objectContentType: "image/png" });
      const body = await (await openPage(photo.token)).text();
      expect(body).toContain(`<img src="/s/${photo.token}/preview" alt="Preview of photo.png">`);
      const csp = (await openPage(photo.token)).headers.get("content-security-policy")!;
      expect(csp).toContain(`img-src 'self' ${store.endpoint}`);
      const redirect = await hit(preview.GET, photo.token, "/preview");
      expect(redirect.status).toBe(302);
      expectRecipientHeaders(redirect);
      const target = new URL(redirect.headers.get("location")!);
      expect(Number(target.searchParams.get("X-Amz-Expires"))).toBeLessThanOrEqual(60);
      expect(target.searchParams.get("response-content-type")).toBe("image/png");
      const fetched = await h.fetchBytes(target.toString());
      expect(fetched.status).toBe(200);
      expect(fetched.headers.get("content-type")).toBe("image/png");
      expect(await downloads(photo.id)).toBe(0);

      const notes = await managedLink({ key: NOTES_KEY, fileName: "notes.txt", objectContentType: "text/plain" });
      const text = await (await openPage(notes.token)).text();
      expect(text).toContain("first line &lt;b&gt;not bold&lt;/b&gt;\nsecond line");
      expect((await hit(preview.GET, notes.token, "/preview")).status).toBe(404);
    });

    it("previews nothing on a link with a download limit, not even an image or text, however often it is asked", async () => {
      await admin.send(new PutObjectCommand({ Bucket: bucket, Key: PDF_KEY, Body: Buffer.from("%PDF-1.4\n%%EOF\n"), ContentType: "application/pdf" }));
      await admin.send(new PutObjectCommand({ Bucket: bucket, Key: AUDIO_KEY, Body: randomBytes(2_000), ContentType: "audio/mpeg" }));
      const cases = [
        [PHOTO_KEY, "photo.png", "image/png"],
        [NOTES_KEY, "notes.txt", "text/plain"],
        [PDF_KEY, "brief.pdf", "application/pdf"],
        [AUDIO_KEY, "clip.mp3", "audio/mpeg"],
      ] as const;
      for (const [key, fileName, type] of cases) {
        const limited = await managedLink({ key, fileName, objectContentType: type, downloadLimit: 1 });
        const body = await (await openPage(limited.token)).text();
        expect(body, fileName).toContain("Download to view.");
        expect(body, fileName).not.toContain(`/s/${limited.token}/preview`);
        expect(body, fileName).not.toContain("first line");
        for (let i = 0; i < 3; i++) {
          for (const call of [{}, { method: "HEAD" }]) {
            const refused = await hit(call.method ? preview.HEAD : preview.GET, limited.token, "/preview", call);
            expect(refused.status, fileName).toBe(404);
            expect(refused.headers.get("location"), fileName).toBeNull();
          }
        }
        expect(await downloads(limited.id)).toBe(0);
      }
    });

    it("shows a page view and the image preview it loaded as one row of the owner's access log; a preview fetched on its own is a row", async () => {
      const photo = await managedLink({ key: PHOTO_KEY, fileName: "photo.png", objectContentType: "image/png" });
      expect((await openPage(photo.token)).status).toBe(200);
      expect((await hit(preview.GET, photo.token, "/preview")).status).toBe(302);
      // Someone else fetching /preview directly (another address): logged, and not folded into the page view.
      expect((await hit(preview.GET, photo.token, "/preview", { peer: "203.0.113.9" })).status).toBe(302);
      await settleLinkEvents();
      const { rows } = await listAccessLog(soleOwner(owner.id), photo.id);
      expect(rows.map((row) => [describeEvent(row).action, describeEvent(row).detail, row.clientAddress])).toEqual([
        ["Viewed the preview", "Not counted", "203.0.113.9"],
        ["Viewed the page", "Its preview loaded", "198.51.100.7"],
      ]);
      // The API reads every event as written: the page's preview is an event of its own.
      expect((await listAccessLog(soleOwner(owner.id), photo.id, undefined, 50, { foldPreviews: false })).rows).toHaveLength(3);
    });

    it("logs each preview and refuses it once the link is spent; HEAD on /preview gets no Location", async () => {
      const photo = await managedLink({ key: PHOTO_KEY, fileName: "photo.png", objectContentType: "image/png" });
      expect(await (await openPage(photo.token)).text()).toContain(`<img src="/s/${photo.token}/preview" alt="Preview of photo.png">`);
      await settleLinkEvents(); // the log rows are written in the background: one at a time keeps their order
      const head = await hit(preview.HEAD, photo.token, "/preview", { method: "HEAD" });
      expect(head.status).toBe(200);
      expect(head.headers.get("location")).toBeNull();
      expect(await head.text()).toBe("");
      await settleLinkEvents();
      expect((await hit(preview.GET, photo.token, "/preview")).status).toBe(302);
      expect(await downloads(photo.id)).toBe(0);
      await settleLinkEvents(); // the log rows are written in the background; the download's with the count
      await db.shareLink.update({ where: { id: photo.id }, data: { downloadLimit: 1 } });
      expect((await postDownload(photo.token)).status).toBe(302);
      const spent = await hit(preview.GET, photo.token, "/preview");
      expect(spent.status).toBe(410);
      expect(spent.headers.get("location")).toBeNull();
      expect(await spent.text()).toContain("Download limit reached");
      expect((await events(photo.id)).map((e) => [e.outcome, e.reason])).toEqual([
        ["page_view", null],
        ["page_view", "head"],
        ["page_view", "preview"],
        ["download", null],
        ["refused", "limit"],
      ]);

      // Without a limit the PDF preview is offered, and logged.
      const open = await managedLink({ key: PDF_KEY, fileName: "brief.pdf", objectContentType: "application/pdf" });
      expect(await (await openPage(open.token)).text()).toContain(
        `<a href="/s/${open.token}/preview" target="_blank" rel="noopener noreferrer">Open the PDF preview</a>`,
      );
      await settleLinkEvents();
      const pdf = await hit(preview.GET, open.token, "/preview");
      expect(pdf.status).toBe(302);
      expect(new URL(pdf.headers.get("location")!).searchParams.get("response-content-type")).toBe("application/pdf");
      expect((await events(open.id)).map((e) => [e.outcome, e.reason])).toEqual([
        ["page_view", null],
        ["page_view", "preview"],
      ]);
    });

    it("refuses the preview of a file marked changed, replaced, or deleted", async () => {
      const key = `private/swap-${h.randomSuffix()}.png`;
      const { png } = await import("@/lib/dev/sample-files");
      await admin.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: png(8, 8, () => [1, 2, 3]), ContentType: "image/png" }));
      // Marked by an earlier download: refused without asking storage (the page looks again first).
      const marked = await managedLink({ key, fileName: "swap.png", objectContentType: "image/png" });
      await db.shareLink.update({ where: { id: marked.id }, data: { objectState: "changed" } });
      const refused = await hit(preview.GET, marked.token, "/preview");
      expect(refused.status).toBe(410);
      expect(await refused.text()).toContain("This file has changed since it was shared");
      expect(await events(marked.id)).toEqual([expect.objectContaining({ outcome: "refused", reason: "changed" })]);

      const pinned = await managedLink({ key, fileName: "swap.png", objectContentType: "image/png" });
      expect((await hit(preview.GET, pinned.token, "/preview")).status).toBe(302);
      await admin.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: png(9, 9, () => [4, 5, 6]), ContentType: "image/png" }));
      expect((await hit(preview.GET, pinned.token, "/preview")).status).toBe(410);
      expect((await db.shareLink.findUniqueOrThrow({ where: { id: pinned.id } })).objectState).toBe("changed");
      await admin.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
      const gone = await managedLink({ key, fileName: "swap.png", objectContentType: "image/png", etag: '"0123456789abcdef0123456789abcdef"' });
      const missing = await hit(preview.GET, gone.token, "/preview");
      expect(missing.status).toBe(410);
      expect(await missing.text()).toContain("This file no longer exists");
      expect(await downloads(pinned.id)).toBe(0);
    });

    it("names the storage host only on a page whose image, audio or video loads from it", async () => {
      const host = new URL(store.endpoint).host;
      await admin.send(new PutObjectCommand({ Bucket: bucket, Key: PDF_KEY, Body: Buffer.from("%PDF-1.4\n%%EOF\n"), ContentType: "application/pdf" }));
      const notes = await managedLink({ key: NOTES_KEY, fileName: "notes.txt", objectContentType: "text/plain" });
      const pdf = await managedLink({ key: PDF_KEY, fileName: "brief.pdf", objectContentType: "application/pdf" });
      const report = await managedLink();
      const locked = await managedLink({ password: "correct horse" });
      const elsewhere = await managedLink({ allowedNetworks: ["10.0.0.0/8"] });
      const revoked = await managedLink();
      await db.shareLink.update({ where: { id: revoked.id }, data: { revokedAt: new Date() } });
      const pages: [string, Response, number][] = [
        ["text", await openPage(notes.token), 200],
        ["pdf", await openPage(pdf.token), 200],
        ["no preview", await openPage(report.token), 200],
        ["password", await openPage(locked.token), 401],
        ["network", await openPage(elsewhere.token), 403],
        ["revoked", await openPage(revoked.token), 410],
      ];
      for (const [name, response, status] of pages) {
        expect(response.status, name).toBe(status);
        for (const [header, value] of response.headers) expect(value, `${name}: ${header}`).not.toContain(host);
        expect(await response.text(), name).not.toContain(host);
      }
      const photo = await managedLink({ key: PHOTO_KEY, fileName: "photo.png", objectContentType: "image/png" });
      expect((await openPage(photo.token)).headers.get("content-security-policy")).toContain(host);
    });
  });

  describe("downloads", () => {
    it("counts a download and redirects to a URL that lives 60 s and gives the right bytes and headers", async () => {
      const link = await managedLink({ disposition: "attachment", fileName: "résumé.bin", contentTypeOverride: "application/x-report" });
      const response = await getDownload(link.token);
      expect(response.status).toBe(302);
      expectRecipientHeaders(response);
      const location = response.headers.get("location")!;
      const url = new URL(location);
      expect(url.origin).toBe(new URL(store.endpoint).origin);
      expect(url.searchParams.get("X-Amz-Expires")).toBe("60");
      const file = await h.fetchBytes(location);
      expect(file.status).toBe(200);
      expect(file.body.equals(REPORT)).toBe(true);
      expect(file.headers.get("content-type")).toBe("application/x-report");
      expect(file.headers.get("content-disposition")).toContain("filename*=UTF-8''r%C3%A9sum%C3%A9.bin");
      expect(await downloads(link.id)).toBe(1);
      expect(await events(link.id)).toEqual([{ outcome: "download", reason: null, clientAddress: "198.51.100.7", userAgent: BROWSER, previewAgent: false }]);
    });

    it("never lets an inline download run as a page: active types are saved as octet-stream, passive ones keep the shared type", async () => {
      const page = `private/page-${h.randomSuffix()}.html`;
      await admin.send(new PutObjectCommand({ Bucket: bucket, Key: page, Body: Buffer.from("<script>alert(1)</script>"), ContentType: "text/html" }));
      const html = await managedLink({ key: page, fileName: "page.html", disposition: "inline", objectContentType: "text/html" });
      const saved = new URL((await getDownload(html.token)).headers.get("location")!);
      expect(saved.searchParams.get("response-content-disposition")).toBe('attachment; filename="page.html"');
      expect(saved.searchParams.get("response-content-type")).toBe("application/octet-stream");
      const fetched = await h.fetchBytes(saved.toString());
      expect(fetched.headers.get("content-type")).toBe("application/octet-stream");
      expect(fetched.headers.get("content-disposition")).toMatch(/^attachment/);

      // "Always the latest version", shared as text: the object later swapped for HTML is still served as text.
      const swapped = `private/swapped-${h.randomSuffix()}.txt`;
      await admin.send(new PutObjectCommand({ Bucket: bucket, Key: swapped, Body: Buffer.from("plain words"), ContentType: "text/plain" }));
      const latest = await managedLink({ key: swapped, fileName: "words.txt", disposition: "inline", objectContentType: "text/plain", pinned: false });
      await admin.send(new PutObjectCommand({ Bucket: bucket, Key: swapped, Body: Buffer.from("<script>alert(1)</script>"), ContentType: "text/html" }));
      const served = await h.fetchBytes((await getDownload(latest.token)).headers.get("location")!);
      expect(served.status).toBe(200);
      expect(served.body.toString()).toBe("<script>alert(1)</script>");
      expect(served.headers.get("content-type")).toBe("text/plain");
      expect(served.headers.get("content-disposition")).toBe('attachment; filename="words.txt"');
      // Its "Open" shows it inline, still as text.
      const opened = await h.fetchBytes((await getOpen(latest.token)).headers.get("location")!);
      expect(opened.status).toBe(200);
      expect(opened.headers.get("content-type")).toBe("text/plain");
      expect(opened.headers.get("content-disposition")).toBe('inline; filename="words.txt"');
    });

    it('saves the file on Download even for an "Open in browser" link, under the link\'s file name', async () => {
      const photo = await managedLink({ key: PHOTO_KEY, fileName: "Été photo.png", disposition: "inline", objectContentType: "image/png" });
      const response = await getDownload(photo.token);
      expect(response.status).toBe(302);
      const target = new URL(response.headers.get("location")!);
      expect(target.searchParams.get("response-content-disposition")).toBe(`attachment; filename="Ete photo.png"; filename*=UTF-8''%C3%89t%C3%A9%20photo.png`);
      const fetched = await h.fetchBytes(target.toString());
      expect(fetched.status).toBe(200);
      expect(fetched.headers.get("content-disposition")).toMatch(/^attachment; /);
      expect(await downloads(photo.id)).toBe(1);
    });

    it("offers Open on an inline link of a passive type: shown inline with that type, counted as one download", async () => {
      const photo = await managedLink({ key: PHOTO_KEY, fileName: "photo.png", disposition: "inline", objectContentType: "image/png" });
      const body = await (await openPage(photo.token)).text();
      // The page view is written after the answer: let it land before the click, as it does for a person.
      await settleLinkEvents();
      expect(body).toContain(`<a class="button" href="/s/${photo.token}/download">Download</a>`);
      expect(body).toContain(`<a class="button secondary" href="/s/${photo.token}/download?open=1" target="_blank" rel="noopener noreferrer">Open</a>`);
      const response = await getOpen(photo.token);
      expect(response.status).toBe(302);
      expectRecipientHeaders(response);
      const target = new URL(response.headers.get("location")!);
      expect(target.searchParams.get("X-Amz-Expires")).toBe("60");
      expect(target.searchParams.get("response-content-disposition")).toBe('inline; filename="photo.png"');
      expect(target.searchParams.get("response-content-type")).toBe("image/png");
      const fetched = await h.fetchBytes(target.toString());
      expect(fetched.status).toBe(200);
      expect(fetched.headers.get("content-type")).toBe("image/png");
      expect(fetched.headers.get("content-disposition")).toBe('inline; filename="photo.png"');
      expect(await downloads(photo.id)).toBe(1);
      expect(await events(photo.id)).toEqual([
        { outcome: "page_view", reason: null, clientAddress: "198.51.100.7", userAgent: BROWSER, previewAgent: false },
        { outcome: "download", reason: null, clientAddress: "198.51.100.7", userAgent: BROWSER, previewAgent: false },
      ]);

      // With a download limit, Open is a button that counts, like Download; its GET only shows that button.
      const limited = await managedLink({ key: PHOTO_KEY, fileName: "photo.png", disposition: "inline", objectContentType: "image/png", downloadLimit: 1 });
      expect(await (await openPage(limited.token)).text()).toContain(
        `<form method="post" action="/s/${limited.token}/download?open=1" class="inline" target="_blank" rel="noopener noreferrer"><button class="button secondary" type="submit">Open</button></form>`,
      );
      const confirm = await getOpen(limited.token);
      expect(confirm.status).toBe(200);
      expect(await confirm.text()).toContain(
        `<form method="post" action="/s/${limited.token}/download?open=1" class="inline"><button class="button" type="submit">Open</button></form>`,
      );
      expect(await downloads(limited.id)).toBe(0);
      const posted = await hit(download.POST, limited.token, "/download?open=1", { method: "POST" });
      expect(posted.status).toBe(302);
      expect(new URL(posted.headers.get("location")!).searchParams.get("response-content-disposition")).toBe('inline; filename="photo.png"');
      expect(await downloads(limited.id)).toBe(1);
      expect((await postDownload(limited.token)).status).toBe(410);
    });

    it("offers no Open where the link saves the file or the type is not safe to show, and refuses ?open=1 there uncounted", async () => {
      const page = `private/open-${h.randomSuffix()}.html`;
      await admin.send(new PutObjectCommand({ Bucket: bucket, Key: page, Body: Buffer.from("<script>alert(1)</script>"), ContentType: "text/html" }));
      const cases = [
        await managedLink({ key: page, fileName: "page.html", disposition: "inline", objectContentType: "text/html" }),
        await managedLink({ disposition: "inline" }), // application/octet-stream: the browser would sniff it
        await managedLink({ key: PHOTO_KEY, fileName: "photo.png", disposition: "attachment", objectContentType: "image/png" }),
      ];
      for (const link of cases) {
        const body = await (await openPage(link.token)).text();
        expect(body).toContain(`<a class="button" href="/s/${link.token}/download">Download</a>`);
        expect(body).not.toContain(">Open<");
        expect(body).not.toContain("open=1");
        const refused = await getOpen(link.token);
        expect(refused.status).toBe(404);
        expect(refused.headers.get("location")).toBeNull();
        expect(await downloads(link.id)).toBe(0);
      }
      // With a download limit too: ?open=1 gets the same "No preview" page at once, never a button that says Open
      // (or Download) and ends in it; nothing is counted.
      const limited = [
        await managedLink({ key: page, fileName: "page.html", disposition: "inline", objectContentType: "text/html", downloadLimit: 1 }),
        await managedLink({ key: PHOTO_KEY, fileName: "photo.png", disposition: "attachment", objectContentType: "image/png", downloadLimit: 1 }),
      ];
      for (const link of limited) {
        const body = await (await openPage(link.token)).text();
        expect(body).not.toContain("open=1");
        const refused = await getOpen(link.token);
        expect(refused.status).toBe(404);
        const text = await refused.text();
        expect(text).toContain("No preview");
        expect(text).not.toContain("<form");
        expect(await downloads(link.id)).toBe(0);
      }
    });

    it("gives a one-time link to exactly one of 50 concurrent downloads", async () => {
      const link = await managedLink({ downloadLimit: 1 });
      const responses = await Promise.all(Array.from({ length: 50 }, (_, i) => postDownload(link.token, { peer: `203.0.113.${i + 1}` })));
      const statuses = responses.map((r) => r.status);
      expect(statuses.filter((s) => s === 302)).toHaveLength(1);
      expect(statuses.filter((s) => s === 410)).toHaveLength(49);
      expect(await downloads(link.id)).toBe(1);
      const log = await events(link.id);
      expect(log.filter((e) => e.outcome === "download")).toHaveLength(1);
      expect(log.filter((e) => e.outcome === "refused" && e.reason === "limit")).toHaveLength(49);
      // A limit of 5 under 40 at once: exactly 5.
      const five = await managedLink({ downloadLimit: 5 });
      const burst = await Promise.all(Array.from({ length: 40 }, (_, i) => postDownload(five.token, { peer: `203.0.113.${i + 100}` })));
      expect(burst.filter((r) => r.status === 302)).toHaveLength(5);
      expect(await downloads(five.id)).toBe(5);
      // And the page says so afterwards.
      const after = await openPage(link.token);
      expect(after.status).toBe(410);
      expect(await after.text()).toContain("Download limit reached");
    });

    it("never counts HEAD requests or link-preview agents, even on /download", async () => {
      const link = await managedLink({ downloadLimit: 1 });
      const head = await hit(download.HEAD, link.token, "/download", { method: "HEAD" });
      expect(head.status).toBe(200);
      expect(head.headers.get("location")).toBeNull();
      expect(await head.text()).toBe("");
      // Log rows are written in the background: each one lands before the next request, so the log keeps their order.
      await settleLinkEvents();
      for (const agent of [SLACK, "facebookexternalhit/1.1 Facebot Twitterbot/1.0", "WhatsApp/2.23.20.0 A", "TelegramBot (like TwitterBot)"]) {
        const response = await getDownload(link.token, { agent });
        await settleLinkEvents();
        expect(response.status).toBe(200);
        expect(response.headers.get("location")).toBeNull();
        const body = await response.text();
        expect(body).toContain('<meta property="og:title" content="q3 report.bin">');
        expect(body).not.toContain("/download");
        expect(body).not.toContain("X-Amz-");
      }
      expect(await downloads(link.id)).toBe(0);
      expect((await postDownload(link.token)).status).toBe(302);
      expect(await downloads(link.id)).toBe(1);
      const log = await events(link.id);
      expect(log[0]).toMatchObject({ outcome: "page_view", reason: "head", previewAgent: false });
      expect(log.slice(1, 5).every((e) => e.outcome === "page_view" && e.reason === "preview_agent" && e.previewAgent)).toBe(true);
      expect(log[5]).toMatchObject({ outcome: "download" });
    });

    it("counts a link with a download limit only on the Download button's POST (a mail scanner's GET uses nothing up)", async () => {
      const link = await managedLink({ downloadLimit: 1 });
      for (let i = 0; i < 3; i++) {
        const scanned = await getDownload(link.token, { agent: "Mozilla/5.0 (compatible; MSIE 9.0; Windows NT 6.1; Trident/5.0)" });
        expect(scanned.status).toBe(200);
        expect(scanned.headers.get("location")).toBeNull();
        const body = await scanned.text();
        expect(body).toContain(
          `<form method="post" action="/s/${link.token}/download" class="inline"><button class="button" type="submit">Download</button></form>`,
        );
        expect(body).not.toContain("X-Amz-");
        // The button's POST is answered with a redirect to storage: the page's form-action allows it.
        expect(/form-action ([^;]+)/.exec(scanned.headers.get("content-security-policy")!)![1]).toContain(new URL(store.endpoint).host);
      }
      const shown = await openPage(link.token);
      expect(/form-action ([^;]+)/.exec(shown.headers.get("content-security-policy")!)![1]).toContain(new URL(store.endpoint).host);
      expect(await downloads(link.id)).toBe(0);
      const pressed = await postDownload(link.token);
      expect(pressed.status).toBe(302);
      expect((await h.fetchBytes(pressed.headers.get("location")!)).body).toEqual(REPORT);
      expect(await downloads(link.id)).toBe(1);
      expect((await postDownload(link.token)).status).toBe(410);
      // Without a limit a plain GET still counts and redirects (curl -L).
      const open = await managedLink();
      expect((await getDownload(open.token)).status).toBe(302);
      expect(await downloads(open.id)).toBe(1);
    });

    it("gives preview agents a title card on the page, neutral for a protected link", async () => {
      const open = await managedLink();
      const card = await (await openPage(open.token, { agent: SLACK })).text();
      expect(card).toContain('<meta property="og:title" content="q3 report.bin">');
      expect(card).toContain("shared by Olive Owner");
      expect(card).not.toContain("/preview");
      const locked = await managedLink({ password: "correct horse" });
      const neutral = await openPage(locked.token, { agent: SLACK });
      expect(neutral.status).toBe(200);
      const text = await neutral.text();
      expect(text).toContain('<meta property="og:title" content="Shared file (password protected)">');
      expect(text).not.toContain("q3 report.bin");
      expect(await events(open.id)).toEqual([expect.objectContaining({ outcome: "page_view", previewAgent: true })]);
    });

    it("refuses a replaced object and a deleted one without counting, and marks the link", async () => {
      const key = `private/replace-${h.randomSuffix()}.bin`;
      await admin.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: Buffer.from("version one") }));
      const replaced = await managedLink({ key });
      const latest = await managedLink({ key, pinned: false });
      await admin.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: Buffer.from("version two, longer") }));

      const refused = await getDownload(replaced.token);
      expect(refused.status).toBe(410);
      expect(await refused.text()).toContain("This file has changed since it was shared");
      expect(await downloads(replaced.id)).toBe(0);
      expect((await db.shareLink.findUniqueOrThrow({ where: { id: replaced.id } })).objectState).toBe("changed");
      expect((await openPage(replaced.token)).status).toBe(410);
      expect(await events(replaced.id)).toEqual([
        expect.objectContaining({ outcome: "refused", reason: "changed" }),
        expect.objectContaining({ outcome: "refused", reason: "changed" }),
      ]);

      // Put back as it was, the file is the shared one again: the mark goes and the link works.
      await admin.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: Buffer.from("version one") }));
      expect((await openPage(replaced.token)).status).toBe(200);
      expect((await db.shareLink.findUniqueOrThrow({ where: { id: replaced.id } })).objectState).toBeNull();
      expect((await getDownload(replaced.token)).status).toBe(302);
      await admin.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: Buffer.from("version two, longer") }));

      // "Always the latest version" serves what is there now.
      const served = await getDownload(latest.token);
      expect(served.status).toBe(302);
      expect((await h.fetchBytes(served.headers.get("location")!)).body.toString()).toBe("version two, longer");

      const gone = await managedLink({ key });
      await admin.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
      const missing = await getDownload(gone.token);
      expect(missing.status).toBe(410);
      expect(await missing.text()).toContain("This file no longer exists");
      expect(await downloads(gone.id)).toBe(0);
      expect((await db.shareLink.findUniqueOrThrow({ where: { id: gone.id } })).objectState).toBe("missing");
    });

    it("answers a pinned download whose storage refuses the check with 503, nothing counted or marked", async () => {
      // The connection's secret no longer matches (rotated at the storage): the HEAD of the pin check is refused (403).
      const wrong = await insertStorageConnection(
        owner.id,
        { ...storage, secretAccessKey: `${storage.secretAccessKey}-rotated` },
        { name: `Rotated ${h.randomSuffix()}` },
      );
      const link = await managedLink();
      await db.shareLink.update({ where: { id: link.id }, data: { connectionId: wrong } });
      const refused = await getDownload(link.token);
      expect(refused.status).toBe(503);
      expect(refused.headers.get("location")).toBeNull();
      expect(await downloads(link.id)).toBe(0);
      expect((await db.shareLink.findUniqueOrThrow({ where: { id: link.id } })).objectState).toBeNull();
    });

    it("answers a pinned download whose storage never answers the check with 503 once the recipients' 5 s have passed, nothing counted or marked", async () => {
      // A storage endpoint that takes the connection and then says nothing: the pin check's own deadline ends the HEAD.
      const sockets: Socket[] = [];
      const silent = createServer((socket) => {
        sockets.push(socket);
        socket.on("error", () => {});
        socket.resume();
      });
      await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
      try {
        const endpoint = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
        const mute = await insertStorageConnection(owner.id, { ...storage, endpoint }, { name: `Silent ${h.randomSuffix()}` });
        const link = await managedLink();
        await db.shareLink.update({ where: { id: link.id }, data: { connectionId: mute } });
        const started = Date.now();
        const refused = await getDownload(link.token);
        const waited = Date.now() - started;
        expect(refused.status).toBe(503);
        expect(refused.headers.get("location")).toBeNull();
        expect(waited).toBeGreaterThanOrEqual(RECIPIENT_STORAGE_MS - 100);
        expect(waited).toBeLessThan(RECIPIENT_STORAGE_MS + 3_000);
        expect(sockets.length).toBeGreaterThan(0);
        // The HEAD was given up, not left open.
        await expect.poll(() => sockets.every((socket) => socket.destroyed || socket.readableEnded)).toBe(true);
        expect(await downloads(link.id)).toBe(0);
        expect((await db.shareLink.findUniqueOrThrow({ where: { id: link.id } })).objectState).toBeNull();
      } finally {
        for (const socket of sockets) socket.destroy();
        await new Promise((resolve) => silent.close(resolve));
      }
    });

    it("reads the link with the types Prisma gives, whatever the server's time zone", async () => {
      const expiresAt = new Date("2031-05-06T07:08:09.123Z");
      const link = await managedLink({ expiresAt, allowedNetworks: ["198.51.100.0/24"] });
      const zone = process.env.TZ;
      process.env.TZ = "America/New_York";
      try {
        const { findManagedLink } = await import("@/lib/recipient/link");
        const read = await findManagedLink(hashLinkToken(link.token));
        const row = await db.shareLink.findUniqueOrThrow({ where: { id: link.id } });
        expect(read?.expiresAt.toISOString()).toBe("2031-05-06T07:08:09.123Z");
        expect(read).toMatchObject({
          objectSize: row.objectSize,
          allowedNetworks: ["198.51.100.0/24"],
          revokedAt: null,
          downloadCount: 0,
          downloadLimit: null,
        });
        expect(typeof read?.objectSize).toBe("bigint");
        const connection = await db.storageConnection.findUniqueOrThrow({ where: { id: connectionId } });
        expect(read?.connection?.updatedAt.getTime()).toBe(connection.updatedAt.getTime());
      } finally {
        if (zone === undefined) delete process.env.TZ;
        else process.env.TZ = zone;
      }
    });

    it("takes a revoke and a changed limit into account on the next request", async () => {
      const link = await managedLink({ downloadLimit: 5 });
      expect((await postDownload(link.token)).status).toBe(302);
      await db.shareLink.update({ where: { id: link.id }, data: { downloadLimit: 1 } });
      const limited = await postDownload(link.token);
      expect(limited.status).toBe(410);
      expect(await limited.text()).toContain("Download limit reached");
      await db.shareLink.update({ where: { id: link.id }, data: { downloadLimit: 2 } });
      expect((await postDownload(link.token)).status).toBe(302);
      await db.shareLink.update({ where: { id: link.id }, data: { downloadLimit: null, revokedAt: new Date() } });
      for (const response of [await getDownload(link.token), await openPage(link.token)]) {
        expect(response.status).toBe(410);
        expect(await response.text()).toContain("This link was revoked");
      }
      expect(await downloads(link.id)).toBe(2);
    });

    it("refuses an expired link with 410", async () => {
      const link = await managedLink({ expiresAt: new Date(Date.now() - 1000) });
      for (const response of [await openPage(link.token), await getDownload(link.token)]) {
        expect(response.status).toBe(410);
        expect(await response.text()).toContain("This link has expired");
      }
      expect(await downloads(link.id)).toBe(0);
    });

    it("allows only the listed networks (403 elsewhere) and keeps only the network part when the owner chose so", async () => {
      const link = await managedLink({ allowedNetworks: ["10.0.0.0/8", "2001:db8::/32"] });
      const outside = await getDownload(link.token, { peer: "198.51.100.7" });
      expect(outside.status).toBe(403);
      expect(await outside.text()).toContain("Not available from your network");
      await settleLinkEvents(); // log rows are written in the background: one at a time keeps their order
      expect((await openPage(link.token, { peer: "198.51.100.7" })).status).toBe(403);
      await settleLinkEvents();
      expect((await openPage(link.token, { peer: "10.20.30.40" })).status).toBe(200);
      await settleLinkEvents();
      expect((await openPage(link.token, { peer: "::ffff:10.20.30.40" })).status).toBe(200);
      await db.user.update({ where: { id: owner.id }, data: { logNetworkOnly: true } });
      await settleLinkEvents(); // page views are logged in the background, the download with its count
      expect((await getDownload(link.token, { peer: "2001:db8:1234:5678::9" })).status).toBe(302);
      const log = await events(link.id);
      expect(log.map((e) => [e.outcome, e.reason, e.clientAddress])).toEqual([
        ["refused", "network", "198.51.100.7"],
        ["refused", "network", "198.51.100.7"],
        ["page_view", null, "10.20.30.40"],
        ["page_view", null, "10.20.30.40"],
        ["download", null, "2001:db8:1234::/48"],
      ]);
    });

    it("refuses link-preview agents outside the allowed networks like anyone else: no title card, logged as refused", async () => {
      const link = await managedLink({ allowedNetworks: ["10.0.0.0/8"] });
      for (const response of [
        await openPage(link.token, { agent: SLACK, peer: "198.51.100.7" }),
        await getDownload(link.token, { agent: SLACK, peer: "198.51.100.7" }),
      ]) {
        expect(response.status).toBe(403);
        const text = await response.text();
        expect(text).toContain("Not available from your network");
        expect(text).not.toContain("og:title");
        expect(text).not.toContain("q3 report.bin");
      }
      expect(await events(link.id)).toEqual([
        { outcome: "refused", reason: "network", clientAddress: "198.51.100.7", userAgent: SLACK, previewAgent: true },
        { outcome: "refused", reason: "network", clientAddress: "198.51.100.7", userAgent: SLACK, previewAgent: true },
      ]);
      // Inside the networks the agent still gets its card.
      expect(await (await openPage(link.token, { agent: SLACK, peer: "10.1.2.3" })).text()).toContain('<meta property="og:title" content="q3 report.bin">');
    });

    it("queues the owner's webhook in the same statement as the count", async () => {
      await db.user.update({ where: { id: owner.id }, data: { webhookUrl: "https://hooks.example.com/bucketshare", logNetworkOnly: true } });
      const link = await managedLink({ downloadLimit: 2 });
      const before = await db.webhookDelivery.count({ where: { ownerId: owner.id } });
      expect((await postDownload(link.token, { peer: "203.0.113.77" })).status).toBe(302);
      await postDownload(link.token, { agent: SLACK });
      const deliveries = await db.webhookDelivery.findMany({ where: { ownerId: owner.id }, orderBy: { id: "desc" } });
      expect(deliveries).toHaveLength(before + 1);
      const delivery = deliveries[0]!;
      expect(delivery.url).toBe("https://hooks.example.com/bucketshare");
      expect(delivery.nextAttemptAt).not.toBeNull();
      const payload = delivery.payload as Record<string, unknown>;
      expect(payload).toEqual({
        type: "link.downloaded",
        occurredAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        link: { id: link.id, fileName: "q3 report.bin", downloads: 1, downloadLimit: 2 },
        recipient: { address: "203.0.113.0/24", userAgent: BROWSER },
      });
      expect(Math.abs(Date.parse(payload.occurredAt as string) - Date.now())).toBeLessThan(60_000);
    });
  });
});

describe("password", () => {
  useStorage(storageCases()[0]!);

  it("asks for the password (401), unlocks this link only, and lets the download through", async () => {
    const link = await managedLink({ password: "correct horse" });
    const other = await managedLink({ password: "correct horse" });
    const locked = await openPage(link.token);
    expect(locked.status).toBe(401);
    const form = await locked.text();
    expect(form).toContain('<label for="password">Password</label>');
    expect(form).toContain(`action="/s/${link.token}/unlock"`);
    expect(form).toContain('<button class="button" type="submit">Unlock</button>');
    expect(form).not.toContain("q3 report.bin");
    expect((await getDownload(link.token)).status).toBe(401);

    const empty = await postUnlock(link.token, "");
    expect(empty.status).toBe(401);
    expect(await empty.text()).toContain('<p id="password-error" class="error" role="alert">Enter the password.</p>');
    expect(await db.signInFailure.count({ where: { subject: `link-password:${link.id}` } })).toBe(0);

    const crossSite = await hit(unlock.POST, link.token, "/unlock", {
      body: new URLSearchParams({ password: "correct horse" }),
      headers: { "sec-fetch-site": "cross-site" },
    });
    expect(crossSite.status).toBe(403);
    expect(crossSite.headers.get("set-cookie")).toBeNull();

    const wrong = await postUnlock(link.token, "wrong horse");
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain("Wrong password. Check it and try again.");

    const right = await postUnlock(link.token, "correct horse");
    expect(right.status).toBe(303);
    await settleLinkEvents(); // log rows are written in the background: keep their order for the check below
    expect(right.headers.get("location")).toBe(`/s/${link.token}`);
    const [setCookie, knownBrowser] = right.headers.getSetCookie();
    expect(setCookie).toMatch(new RegExp(`^bs_unlock=\\d+\\.[\\w-]{43}; Path=/s/${link.token}; Max-Age=900; HttpOnly; SameSite=Lax$`));
    // This browser knew the password: someone else's guessing will not lock it out (30 days).
    expect(knownBrowser).toMatch(new RegExp(`^bs_link_known=\\d+\\.[\\w-]{43}; Path=/s/${link.token}; Max-Age=2592000; HttpOnly; SameSite=Lax$`));
    const cookie = setCookie!.split(";")[0]!;

    const unlocked = await openPage(link.token, { cookie });
    expect(unlocked.status).toBe(200);
    expect(await unlocked.text()).toContain("<h1>q3 report.bin</h1>");
    expect((await openPage(other.token, { cookie })).status).toBe(401);
    await settleLinkEvents(); // the page view is written in the background, the download by its own statement
    expect((await getDownload(link.token, { cookie })).status).toBe(302);
    expect((await events(link.id)).map((e) => [e.outcome, e.reason])).toEqual([
      ["page_view", "password_page"],
      ["page_view", "password_page"],
      ["wrong_password", null],
      ["unlocked", null],
      ["page_view", null],
      ["download", null],
    ]);
  });

  it("logs the password page shown to a fresh visitor as asked for the password, not as a refusal", async () => {
    const link = await managedLink({ password: "correct horse" });
    expect((await openPage(link.token)).status).toBe(401);
    await settleLinkEvents();
    expect((await postUnlock(link.token, "wrong horse")).status).toBe(401);
    await settleLinkEvents();
    const { rows } = await listAccessLog(soleOwner(owner.id), link.id);
    expect(rows.map((row) => row.outcome)).not.toContain("refused");
    expect(rows.map((row) => describeEvent(row).action)).toEqual(["Wrong password", "Asked for the password"]);
  });

  it("refuses an unlock body over 8 KiB or of undeclared length (413) before reading it, and an over-long password unchecked", async () => {
    const link = await managedLink({ password: "correct horse" });
    const big = await postUnlock(link.token, "x".repeat(9_000));
    expect(big.status).toBe(413);
    expect(await big.text()).toContain("<h1>Request too large</h1>");
    expect(big.headers.get("set-cookie")).toBeNull();
    const unsized = await postUnlock(link.token, "correct horse", { noLength: true });
    expect(unsized.status).toBe(413);
    expect(unsized.headers.get("set-cookie")).toBeNull();
    // A body longer than it declared is cut off, not parsed.
    const lying = await postUnlock(link.token, `correct horse${"y".repeat(5_000)}`, { headers: { "content-length": "30" } });
    expect(lying.status).toBe(413);
    const long = await postUnlock(link.token, "z".repeat(2_000));
    expect(long.status).toBe(401);
    expect(await long.text()).toContain("Wrong password. Check it and try again.");
    expect(await db.signInFailure.count({ where: { subject: `link-password:${link.id}` } })).toBe(0);
    await settleLinkEvents();
    expect((await postUnlock(link.token, "correct horse")).status).toBe(303);
    expect((await events(link.id)).map((e) => [e.outcome, e.reason])).toEqual([
      ["wrong_password", null],
      ["unlocked", null],
    ]);
  });

  it("limits guesses per link and address", async () => {
    const link = await managedLink({ password: "correct horse" });
    const peer = "192.0.2.55";
    for (let i = 0; i < 5; i++) expect((await postUnlock(link.token, `guess ${i}`, { peer })).status).toBe(401);
    const limited = await postUnlock(link.token, "correct horse", { peer });
    expect(limited.status).toBe(429);
    expect(await limited.text()).toMatch(/Too many failed attempts\. Try again in \d+ minutes?\./);
    // Another address still gets its own tries.
    expect((await postUnlock(link.token, "correct horse", { peer: "192.0.2.56" })).status).toBe(303);
    expect((await events(link.id)).map((e) => [e.outcome, e.reason])).toEqual([
      ...Array.from({ length: 5 }, () => ["wrong_password", null]),
      ["refused", "rate_limited"],
      ["unlocked", null],
    ]);
  });
});

describe("password lock-out", () => {
  useStorage(storageCases()[0]!);

  const guessFrom = (token: string, i: number) => postUnlock(token, `guess ${i}`, { peer: `198.51.100.${i}` });

  it("a link made before the 8-character minimum keeps its shorter password for recipients", async () => {
    const link = await managedLink({ password: "abc" });
    expect((await postUnlock(link.token, "abd")).status).toBe(401);
    expect((await postUnlock(link.token, "abc")).status).toBe(303);
  });

  it("every 10th wrong password from any addresses locks the link, escalating; the owner is told; a browser that unlocked before still gets in", async () => {
    await db.user.update({ where: { id: owner.id }, data: { webhookUrl: "https://hooks.example.com/bucketshare" } });
    const link = await managedLink({ password: "correct horse" });
    const first = await postUnlock(link.token, "correct horse", { peer: "192.0.2.200" });
    expect(first.status).toBe(303);
    const knownCookie = first.headers
      .getSetCookie()
      .find((c) => c.startsWith("bs_link_known="))!
      .split(";")[0]!;

    for (let i = 1; i <= 9; i++) expect(await (await guessFrom(link.token, i)).text()).toContain("Wrong password. Check it and try again.");
    const tenth = await guessFrom(link.token, 10);
    expect(tenth.status).toBe(401);
    expect(await tenth.text()).toContain("Wrong password. Too many failed attempts. Try again in 1 minute.");

    // Anyone else, even with the right password, waits.
    const stranger = await postUnlock(link.token, "correct horse", { peer: "203.0.113.50" });
    expect(stranger.status).toBe(429);
    expect(await stranger.text()).toContain("Too many failed attempts. Try again in 1 minute.");
    expect((await postUnlock(link.token, "correct horse", { peer: "192.0.2.201", cookie: "bs_link_known=1.forged" })).status).toBe(429);
    // The browser that unlocked before is not held back by the others' guessing.
    expect((await postUnlock(link.token, "correct horse", { peer: "192.0.2.200", cookie: knownCookie })).status).toBe(303);

    // The owner: an access-log row, the link page's figures and a webhook event.
    const log = await events(link.id);
    expect(log.filter((e) => e.reason === "locked_out").map((e) => [e.outcome, e.clientAddress])).toEqual([["wrong_password", "198.51.100.10"]]);
    const state = await linkPasswordLockout(link.id);
    expect(state.failures).toBe(10);
    expect(state.lockedUntil!.getTime() - Date.now()).toBeGreaterThan(50_000);
    expect(state.lockedUntil!.getTime() - Date.now()).toBeLessThanOrEqual(60_000);
    const delivery = await db.webhookDelivery.findFirstOrThrow({
      where: { ownerId: owner.id, payload: { path: ["type"], equals: "link.password_locked" } },
      orderBy: { id: "desc" },
    });
    expect(delivery.payload).toEqual({
      type: "link.password_locked",
      occurredAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      link: { id: link.id, fileName: "q3 report.bin" },
      failedAttempts: 10,
      lockedUntil: state.lockedUntil!.toISOString(),
      recipient: { address: "198.51.100.10", userAgent: BROWSER },
      clearLockout: `The owner can clear the lock-out on the link's page in Bucketshare, /links/${link.id} (Clear lock-out).`,
    });

    // The minute passes: the next 10 wrong passwords lock it for 5 minutes, and so on.
    const subjects = [`link-password:${link.id}`, `link-password-lock:${link.id}`];
    await db.$executeRaw`UPDATE sign_in_failures SET created_at = created_at - interval '2 minutes' WHERE subject = ANY(${subjects})`;
    expect(await linkPasswordLockout(link.id)).toEqual({ failures: 10, lockedUntil: null });
    for (let i = 11; i <= 19; i++) expect((await guessFrom(link.token, i)).status).toBe(401);
    expect(await (await guessFrom(link.token, 20)).text()).toContain("Wrong password. Too many failed attempts. Try again in 5 minutes.");
    expect(await (await postUnlock(link.token, "correct horse", { peer: "203.0.113.51" })).text()).toContain("Try again in 5 minutes.");
  });

  it("a recipient's own mistypes still count after they unlock: the 10th failure locks, and the owner is told once per lock", async () => {
    await db.user.update({ where: { id: owner.id }, data: { webhookUrl: "https://hooks.example.com/bucketshare" } });
    const link = await managedLink({ password: "correct horse" });
    const lockEvents = () => db.webhookDelivery.findMany({ where: { ownerId: owner.id, payload: { path: ["link", "id"], equals: link.id } } });
    const recipient = "192.0.2.210";
    for (let i = 0; i < 3; i++) expect((await postUnlock(link.token, `typo ${i}`, { peer: recipient })).status).toBe(401);
    const unlocked = await postUnlock(link.token, "correct horse", { peer: recipient });
    expect(unlocked.status).toBe(303);
    const knownCookie = unlocked.headers
      .getSetCookie()
      .find((c) => c.startsWith("bs_link_known="))!
      .split(";")[0]!;

    for (let i = 1; i <= 6; i++) expect(await (await guessFrom(link.token, 100 + i)).text()).toContain("Wrong password. Check it and try again.");
    const tenth = await guessFrom(link.token, 107);
    expect(await tenth.text()).toContain("Wrong password. Too many failed attempts. Try again in 1 minute.");
    expect((await postUnlock(link.token, "correct horse", { peer: "203.0.113.61" })).status).toBe(429);
    expect(await linkPasswordLockout(link.id)).toMatchObject({ failures: 10, lockedUntil: expect.any(Date) });

    // The recipient mistypes again and gets in (their browser is known): the lock and its count stay.
    expect((await postUnlock(link.token, "typo again", { peer: recipient, cookie: knownCookie })).status).toBe(401);
    expect((await postUnlock(link.token, "correct horse", { peer: recipient, cookie: knownCookie })).status).toBe(303);
    expect(await linkPasswordLockout(link.id)).toMatchObject({ failures: 11, lockedUntil: expect.any(Date) });
    expect((await postUnlock(link.token, "correct horse", { peer: "203.0.113.62" })).status).toBe(429);

    const sent = await lockEvents();
    expect(sent.map((d) => (d.payload as { type: string; failedAttempts: number }).type)).toEqual(["link.password_locked"]);
    expect(sent[0]!.payload).toMatchObject({ failedAttempts: 10, recipient: { address: "198.51.100.107" } });
  });
});

describe.each(storageCases({ versioning: true }))("version pin on $name", (storage) => {
  it("serves exactly the pinned version, refuses it once a newer version replaced it, and says when the key is deleted", async () => {
    const s3 = adminS3For(storage);
    const versioned = `pin-${h.randomSuffix()}`;
    await s3.send(new CreateBucketCommand({ Bucket: versioned }));
    await s3.send(new PutBucketVersioningCommand({ Bucket: versioned, VersioningConfiguration: { Status: "Enabled" } }));
    const key = "shared/contract.txt";
    const first = await s3.send(new PutObjectCommand({ Bucket: versioned, Key: key, Body: Buffer.from("first version"), ContentType: "text/plain" }));
    expect(first.VersionId).toBeTruthy();
    const cephConnectionId = await insertStorageConnection(owner.id, storage, { name: `Versioned ${storage.name}` });
    const on = { connectionId: cephConnectionId, bucket: versioned, versionId: first.VersionId! };
    const pinned = await managedLink({ key, fileName: "contract.txt", objectContentType: "text/plain", on });
    const latest = await managedLink({ key, fileName: "contract.txt", objectContentType: "text/plain", on, pinned: false });
    // Before any change: the pinned version, named in the 60 s target.
    const served = await getDownload(pinned.token);
    expect(served.status).toBe(302);
    const url = new URL(served.headers.get("location")!);
    expect(url.searchParams.get("versionId")).toBe(first.VersionId);
    expect(url.searchParams.get("X-Amz-Expires")).toBe("60");
    expect((await h.fetchBytes(url.toString())).body.toString()).toBe("first version");
    expect(await downloads(pinned.id)).toBe(1);

    // A new version of the same key (even with other bytes under the same name) is a replacement.
    await s3.send(new PutObjectCommand({ Bucket: versioned, Key: key, Body: Buffer.from("second version, replaced"), ContentType: "text/plain" }));
    const changed = await getDownload(pinned.token);
    expect(changed.status).toBe(410);
    expect(await changed.text()).toContain("This file has changed since it was shared");
    expect(await downloads(pinned.id)).toBe(1);
    expect((await db.shareLink.findUniqueOrThrow({ where: { id: pinned.id } })).objectState).toBe("changed");

    // "Always the latest version" serves the new one, without a version in the URL.
    const now = await getDownload(latest.token);
    expect(now.status).toBe(302);
    expect(new URL(now.headers.get("location")!).searchParams.get("versionId")).toBeNull();
    expect((await h.fetchBytes(now.headers.get("location")!)).body.toString()).toBe("second version, replaced");

    // The preview of a version-pinned image is refused the same way once a newer version replaced it.
    const { png } = await import("@/lib/dev/sample-files");
    const imageKey = "shared/figure.png";
    const image = await s3.send(new PutObjectCommand({ Bucket: versioned, Key: imageKey, Body: png(8, 8, () => [9, 9, 9]), ContentType: "image/png" }));
    const figure = await managedLink({ key: imageKey, fileName: "figure.png", objectContentType: "image/png", on: { ...on, versionId: image.VersionId! } });
    const shown = await hit(preview.GET, figure.token, "/preview");
    expect(shown.status).toBe(302);
    expect(new URL(shown.headers.get("location")!).searchParams.get("versionId")).toBe(image.VersionId);
    await s3.send(new PutObjectCommand({ Bucket: versioned, Key: imageKey, Body: png(9, 9, () => [1, 1, 1]), ContentType: "image/png" }));
    const stale = await hit(preview.GET, figure.token, "/preview");
    expect(stale.status).toBe(410);
    expect(await stale.text()).toContain("This file has changed since it was shared");

    // Deleting the key (a delete marker) leaves no current object: "no longer exists", nothing counted.
    await s3.send(new DeleteObjectCommand({ Bucket: versioned, Key: key }));
    const gone = await getDownload(pinned.token);
    expect(gone.status).toBe(410);
    expect(await gone.text()).toContain("This file no longer exists");
    expect(await downloads(pinned.id)).toBe(1);
    expect((await db.shareLink.findUniqueOrThrow({ where: { id: pinned.id } })).objectState).toBe("missing");
    s3.destroy();
  });
});

describe("in the visitor's language", () => {
  useStorage(storageCases()[0]!);
  const lang = (language: string): Call => ({ headers: { "accept-language": language } });

  it("answers the page in the language Accept-Language asks for, says so, and varies on it", async () => {
    const link = await managedLink({ downloadLimit: 2 });
    const response = await openPage(link.token, lang("fr-CH, fr;q=0.9, en;q=0.8"));
    expect(response.status).toBe(200);
    expect(response.headers.get("vary")).toBe("Accept-Language");
    expect(response.headers.get("content-language")).toBe("fr");
    expect(response.headers.get("cache-control")).toBe("no-store");
    const body = await response.text();
    expect(body).toContain('<html lang="fr">');
    expect(body).toContain("Partagé par Olive Owner");
    expect(body).toContain("<dt>Taille</dt><dd>39,1 Ko</dd>");
    expect(body).toMatch(/<time datetime="[^"]+">[^<]+ UTC<\/time> \(dans 1 jour\)/);
    expect(body).toContain('<button class="button" type="submit">Télécharger</button>');
    expect(body).toContain("<dt>Téléchargements restants</dt><dd>2</dd>");
    // The confirm page a GET of the download address gets, in German.
    const confirm = await getDownload(link.token, lang("de"));
    expect(await confirm.text()).toContain('<button class="button" type="submit">Herunterladen</button>');
    expect(await downloads(link.id)).toBe(0);
  });

  it("says refusals and password mistakes in that language", async () => {
    const unknown = await hit(page.GET, generateLinkToken(), "", lang("de-DE"));
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get("vary")).toBe("Accept-Language");
    const body = await unknown.text();
    expect(body).toContain('<html lang="de">');
    expect(body).toContain("<h1>Link nicht gefunden</h1>");
    const revoked = await managedLink();
    await db.shareLink.update({ where: { id: revoked.id }, data: { revokedAt: new Date() } });
    expect(await (await openPage(revoked.token, lang("es"))).text()).toContain("<h1>Este enlace se revocó</h1>");

    const locked = await managedLink({ password: "correct horse" });
    expect(await (await openPage(locked.token, lang("es"))).text()).toContain("<h1>Este archivo está protegido</h1>");
    const empty = await postUnlock(locked.token, "", lang("es"));
    expect(await empty.text()).toContain('<p id="password-error" class="error" role="alert">Escriba la contraseña.</p>');
    const wrong = await postUnlock(locked.token, "wrong horse", lang("fr"));
    expect(await wrong.text()).toContain("Mot de passe incorrect. Vérifiez-le et réessayez.");
  });

  it("falls back to English for a language not translated, and for a malformed or enormous header", async () => {
    const link = await managedLink();
    for (const header of ["ja-JP,ja;q=0.9", "**;;q=x,,;", `fr,${"de;q=0.5,".repeat(2_000)}`]) {
      const response = await openPage(link.token, lang(header));
      expect(response.status, header.slice(0, 20)).toBe(200);
      const body = await response.text();
      expect(body).toContain('<html lang="en">');
      expect(body).toContain(`<a class="button" href="/s/${link.token}/download">Download</a>`);
    }
  });
});

describe("the download answered before Next's router (npm start)", () => {
  const [storage] = storageCases();
  useStorage(storage!);
  let served: Awaited<ReturnType<typeof serveFastPath>>;
  beforeAll(async () => {
    const { createDownloadFastPath } = await import("@/lib/boot/download-fast-path");
    served = await serveFastPath(await createDownloadFastPath());
  });
  afterAll(() => served.close());

  async function raw(lines: string[]): Promise<{ status: number; location: string | null }> {
    const answer = await rawRequest(served.port, lines);
    return { status: answer.status, location: /^location: (.*)$/m.exec(answer.head)?.[1] ?? null };
  }

  it("reads a repeated User-Agent as Next does (the first): a browser's download is counted and logged as the browser's", async () => {
    const link = await managedLink();
    const answer = await raw([`GET /s/${link.token}/download HTTP/1.1`, "Host: localhost", `User-Agent: ${BROWSER}`, `User-Agent: ${SLACK}`]);
    expect(answer.status).toBe(302);
    await settleLinkEvents();
    expect(await events(link.id)).toEqual([{ outcome: "download", reason: null, clientAddress: "127.0.0.1", userAgent: BROWSER, previewAgent: false }]);
  });

  it("reads the query from the request target only: a Host header cannot ask to open an attachment", async () => {
    const link = await managedLink({ disposition: "attachment" });
    const answer = await raw([`GET /s/${link.token}/download HTTP/1.1`, "Host: h?open=1#", `User-Agent: ${BROWSER}`]);
    expect(answer.status).toBe(302);
    expect(decodeURIComponent(answer.location ?? "")).toContain("response-content-disposition=attachment");
  });
});
