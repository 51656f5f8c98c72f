/**
 * The recipient side of a multi-file share (issue 9) against the real S3 servers (Swift s3api and
 * Ceph RGW, versioned) and the real database: the page, one file by path, and "Download all" as one
 * ZIP checked with Debian's `unzip` and `bsdtar`. Shares are written as issuing stores them
 * (share_links with target "files" + share_link_files snapshot rows); route handlers are called
 * directly with a Request, as Next calls them.
 */
import { soleOwner } from "@/lib/auth/permissions";
import { execFile } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { DeleteObjectCommand, PutBucketVersioningCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { newRecordId } from "@/lib/crypto";
import { getRuntimeSecrets } from "@/lib/env";
import { seal } from "@/lib/storage/sealed";
import { generateLinkToken, hashLinkToken } from "@/lib/links/token";
import { settleLinkEvents } from "@/lib/recipient/access-log";
import { describeEvent } from "@/lib/links/access-log-view";
import { listAccessLog } from "@/lib/links/manage";
import { PEER_HEADER, SERVER_MARKER } from "@/lib/security/address";
import { withRecipientLink } from "@/lib/recipient/handler";
import { serveZip } from "@/lib/recipient/zip";
import { DOWNLOAD_ALL } from "@/lib/recipient/policies";
import * as page from "@/app/s/[token]/route";
import * as download from "@/app/s/[token]/download/route";
import * as preview from "@/app/s/[token]/preview/route";
import * as zipRoute from "@/app/s/[token]/zip/route";
import * as h from "../support/helpers";
import { insertStorageConnection } from "../support/connection-row";
import { adminS3For, storageCases } from "../support/storages";
import type { TestStorage } from "../support/storages";

const run = promisify(execFile);
const BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
const ORIGIN = "http://127.0.0.1:3000";
const PREFIX = "projects/apollo 11/";

// Awkward relative paths: unicode, spaces, + % # ? & in folder and file names, nested three deep.
const FILES: { path: string; body: Buffer; contentType: string }[] = [
  { path: "readme.txt", body: Buffer.from("Read me first\n"), contentType: "text/plain" },
  { path: "Ünïcode café/naïve résumé 😀.txt", body: randomBytes(3_000), contentType: "text/plain" },
  { path: "a+b%20c#d?e&f/inner folder/deep & odd+%#?.bin", body: randomBytes(70_000), contentType: "application/octet-stream" },
  { path: "a+b%20c#d?e&f/photo 1.png", body: randomBytes(5_000), contentType: "image/png" },
  { path: "docs/日本語 ファイル.pdf", body: randomBytes(12_000), contentType: "application/pdf" },
];

let owner: SessionUser;
(globalThis as Record<symbol, unknown>)[SERVER_MARKER] = true;

type Handler = (request: Request, context: { params: Promise<{ token: string }> }) => Promise<Response>;

function call(handler: Handler, token: string, suffix: string, method = "GET", peer = "198.51.100.9"): Promise<Response> {
  const request = new Request(`${ORIGIN}/s/${token}${suffix}`, { method, headers: { "user-agent": BROWSER, [PEER_HEADER]: peer } });
  return handler(request, { params: Promise.resolve({ token }) });
}

/** A Download button of a share with a download limit (a form POST: only that counts there). */
const press = (handler: Handler, token: string, suffix: string) => call(handler, token, suffix, "POST");

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const pathQuery = (path: string) => `?${new URLSearchParams({ path })}`;

async function downloads(id: string): Promise<number> {
  return (await db.shareLink.findUniqueOrThrow({ where: { id }, select: { downloadCount: true } })).downloadCount;
}

async function downloadEvents(id: string) {
  await settleLinkEvents();
  return db.linkEvent.findMany({ where: { linkId: id, outcome: "download" }, orderBy: { id: "asc" }, select: { filePath: true } });
}

async function withTempDir<T>(work: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), "bs-zip-"));
  try {
    return await work(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Reads the whole response body; rejects when the server ended the transfer with an error. */
async function readAll(response: Response): Promise<Buffer> {
  return Buffer.from(await response.arrayBuffer());
}

afterAll(async () => {
  await settleLinkEvents();
  await h.deleteTestUsers(owner);
  delete (globalThis as Record<symbol, unknown>)[SERVER_MARKER];
});

beforeAll(async () => {
  owner = await h.createTestUser("recipient-files");
  await db.user.update({ where: { id: owner.id }, data: { name: "Fiona Files" } });
});

describe.each(storageCases())("on $name", (storage: TestStorage) => {
  let admin: S3Client;
  let bucket: string;
  let connectionId: string;
  const snapshot = new Map<string, { etag: string; versionId: string | null }>();

  async function put(path: string, body: Uint8Array, contentType = "application/octet-stream") {
    const result = await admin.send(new PutObjectCommand({ Bucket: bucket, Key: PREFIX + path, Body: body, ContentType: contentType }));
    return { etag: result.ETag!, versionId: result.VersionId ?? null };
  }

  type ShareOptions = {
    files?: { path: string; size: number; etag: string | null; versionId: string | null; contentType?: string; key?: string }[];
    downloadLimit?: number;
    zipAllowed?: boolean;
    title?: string;
  };

  /** A multi-file share as issuing stores it: the link row and its snapshot rows. */
  async function share(options: ShareOptions = {}): Promise<{ id: string; token: string }> {
    const files =
      options.files ?? FILES.map((file) => ({ path: file.path, size: file.body.length, contentType: file.contentType, ...snapshot.get(file.path)! }));
    const token = generateLinkToken();
    const id = newRecordId();
    const expiresAt = new Date(Date.now() + 86_400_000);
    await db.shareLink.create({
      data: {
        id,
        kind: "managed",
        target: "files",
        ownerId: owner.id,
        connectionId,
        connectionName: "Files connection",
        bucket,
        key: PREFIX,
        objectSize: BigInt(files.reduce((sum, file) => sum + file.size, 0)),
        fileCount: files.length,
        title: options.title ?? "apollo 11",
        zipAllowed: options.zipAllowed ?? true,
        requestedExpiresAt: expiresAt,
        expiresAt,
        expiresSoonAt: expiresAt,
        disposition: "attachment",
        fileName: options.title ?? "apollo 11",
        tokenHash: hashLinkToken(token),
        urlEnc: seal("shareUrl", id, `${ORIGIN}/s/${token}`, getRuntimeSecrets().encryptionKey),
        downloadLimit: options.downloadLimit ?? null,
        files: {
          create: files.map((file) => ({
            path: file.path,
            key: (file as { key?: string }).key ?? PREFIX + file.path,
            size: BigInt(file.size),
            etag: file.etag,
            versionId: file.versionId,
            contentType: file.contentType ?? "application/octet-stream",
          })),
        },
      },
    });
    return { id, token };
  }

  beforeAll(async () => {
    admin = adminS3For(storage);
    bucket = await h.createBucket(admin, "files");
    if (storage.versioning) await admin.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: "Enabled" } }));
    for (const file of FILES) snapshot.set(file.path, await put(file.path, file.body, file.contentType));
    connectionId = await insertStorageConnection(owner.id, storage, { name: `Files ${storage.name} ${h.randomSuffix()}` });
  });
  afterAll(() => admin?.destroy());

  describe("the page", () => {
    it("shows the title, total and count, top-level files and folders, Download all, and nothing of the storage", async () => {
      const link = await share();
      const response = await call(page.GET, link.token, "");
      expect(response.status).toBe(200);
      expect(response.headers.get("cache-control")).toBe("no-store");
      const body = await response.text();
      expect(body).toContain("<h1>apollo 11</h1>");
      expect(body).toContain("<dt>Files</dt><dd>5</dd>");
      expect(body).toContain(`href="/s/${link.token}/zip">Download all</a>`);
      expect(body).toContain("Downloads all files as one ZIP.");
      expect(body).toContain(`href="/s/${link.token}/download?path=readme.txt">Download<span class="sr-only"> readme.txt</span></a>`);
      for (const folder of ["Ünïcode café/", "a+b%20c#d?e&amp;f/", "docs/"]) expect(body).toContain(`>${folder}</a>`);
      // Only the top folder's own files: deeper files are behind their folder.
      expect(body).not.toContain("photo 1.png");
      expect(body).toContain('<label for="q">Filter by name</label>');
      for (const secret of [bucket, "projects/", "apollo 11/", new URL(storage.endpoint).host, "Files connection", "X-Amz-"]) {
        expect(body.replace("<h1>apollo 11</h1>", "").replace("apollo 11 · Bucketshare", ""), secret).not.toContain(secret);
      }
      expect(await downloads(link.id)).toBe(0);
    });

    it("opens a folder by ?dir with breadcrumbs, and filters by name below it", async () => {
      const link = await share();
      const folder = await (await call(page.GET, link.token, `?${new URLSearchParams({ dir: "a+b%20c#d?e&f/" })}`)).text();
      expect(folder).toContain('<span aria-current="page">a+b%20c#d?e&amp;f</span>');
      expect(folder).toContain(`<a href="/s/${link.token}">All files</a>`);
      expect(folder).toContain(">inner folder/</a>");
      expect(folder).toContain('<th scope="row">photo 1.png</th>');
      expect(folder).not.toContain("readme.txt");
      const filtered = await (await call(page.GET, link.token, `?${new URLSearchParams({ q: "ODD" })}`)).text();
      expect(filtered).toContain('<th scope="row">a+b%20c#d?e&amp;f/inner folder/deep &amp; odd+%#?.bin</th>');
      expect(filtered).not.toContain("readme.txt");
      const none = await (await call(page.GET, link.token, "?q=zzz")).text();
      expect(none).toContain("No file name contains “zzz”.");
    });

    it("previews with a forced passive type and logs each preview; HEAD gets no Location; a share with a download limit previews nothing", async () => {
      const link = await share();
      const body = await (await call(page.GET, link.token, "?dir=docs/")).text();
      expect(body).toContain('>Preview<span class="sr-only"> 日本語 ファイル.pdf</span></a>');
      const redirect = await call(preview.GET, link.token, pathQuery("docs/日本語 ファイル.pdf"));
      expect(redirect.status).toBe(302);
      const target = new URL(redirect.headers.get("location")!);
      expect(target.searchParams.get("response-content-type")).toBe("application/pdf");
      expect(target.searchParams.get("response-content-disposition")).toBe("inline");
      await settleLinkEvents(); // log rows are written in the background: one at a time keeps their order
      const head = await call(preview.HEAD, link.token, pathQuery("docs/日本語 ファイル.pdf"), "HEAD");
      expect(head.headers.get("location")).toBeNull();
      expect(await downloads(link.id)).toBe(0);
      await settleLinkEvents();
      const logged = await db.linkEvent.findMany({
        where: { linkId: link.id, reason: { in: ["preview", "head"] } },
        orderBy: { id: "asc" },
        select: { outcome: true, reason: true, filePath: true },
      });
      expect(logged).toEqual([
        { outcome: "page_view", reason: "preview", filePath: "docs/日本語 ファイル.pdf" },
        { outcome: "page_view", reason: "head", filePath: null },
      ]);
      const limited = await share({ downloadLimit: 3 });
      expect(await (await call(page.GET, limited.token, "?dir=docs/")).text()).not.toContain(">Preview<");
      for (const path of ["docs/日本語 ファイル.pdf", "a+b%20c#d?e&f/photo 1.png", "readme.txt"]) {
        const refused = await call(preview.GET, limited.token, pathQuery(path));
        expect(refused.status, path).toBe(404);
        expect(refused.headers.get("location"), path).toBeNull();
      }
      expect(await downloads(limited.id)).toBe(0);
    });

    it("pages thousands of files 100 at a time in path order", async () => {
      const many = Array.from({ length: 250 }, (_, i) => ({ path: `f${String(i).padStart(4, "0")}.txt`, size: 1, etag: '"x"', versionId: null }));
      const link = await share({ files: many, title: "many" });
      const first = await (await call(page.GET, link.token, "")).text();
      expect(first.match(/<tr><th scope="row">/g)).toHaveLength(100);
      expect(first).toContain(">f0099.txt<");
      expect(first).not.toContain(">f0100.txt<");
      const next = /href="([^"]+after=[^"]+)">Next page</.exec(first)![1]!.replaceAll("&amp;", "&");
      const second = await (await call(page.GET, link.token, next.slice(`/s/${link.token}`.length))).text();
      expect(second).toContain(">f0100.txt<");
      expect(second).toContain(">f0199.txt<");
      expect(second).not.toContain(">f0099.txt<");
      expect(second).toContain(">First page</a>");
    });
  });

  describe("Open", () => {
    it("offers Open only for passive types: shown inline with the recorded type and counted like a download; Download saves; HTML and SVG get no Open", async () => {
      const active = {
        "open/page.html": { body: Buffer.from("<!doctype html><script>alert(1)</script>"), contentType: "text/html" },
        "open/logo.svg": { body: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), contentType: "image/svg+xml" },
      };
      const files: NonNullable<ShareOptions["files"]> = [
        { path: "readme.txt", size: FILES[0]!.body.length, contentType: "text/plain", ...snapshot.get("readme.txt")! },
      ];
      for (const [path, file] of Object.entries(active)) {
        files.push({
          path: path.slice("open/".length),
          size: file.body.length,
          contentType: file.contentType,
          key: PREFIX + path,
          ...(await put(path, file.body, file.contentType)),
        });
      }
      const link = await share({ files });
      const body = await (await call(page.GET, link.token, "")).text();
      expect(body).toContain(
        `<a class="link-button" href="/s/${link.token}/download?path=readme.txt&amp;open=1" target="_blank" rel="noopener noreferrer">Open<span class="sr-only"> readme.txt</span></a>`,
      );
      expect(body).toContain('>Download<span class="sr-only"> page.html</span>');
      expect(body).toContain('>Download<span class="sr-only"> logo.svg</span>');
      expect(body).not.toContain('>Open<span class="sr-only"> page.html</span>');
      expect(body).not.toContain('>Open<span class="sr-only"> logo.svg</span>');

      // Open: inline, with the type recorded when the file was shared.
      const opened = await call(download.GET, link.token, `${pathQuery("readme.txt")}&open=1`);
      expect(opened.status).toBe(302);
      const inline = await h.fetchBytes(opened.headers.get("location")!);
      expect(inline.status).toBe(200);
      expect(inline.headers.get("content-disposition")).toMatch(/^inline; filename="readme.txt"/);
      expect(inline.headers.get("content-type")).toMatch(/^text\/plain/);
      expect(inline.body.equals(FILES[0]!.body)).toBe(true);
      expect(await downloads(link.id)).toBe(1);

      // Download: saved as an attachment.
      const saved = await h.fetchBytes((await call(download.GET, link.token, pathQuery("readme.txt"))).headers.get("location")!);
      expect(saved.headers.get("content-disposition")).toMatch(/^attachment; filename="readme.txt"/);
      expect(await downloads(link.id)).toBe(2);

      // Asking to open an active type is refused without counting; its Download still saves it.
      for (const name of ["page.html", "logo.svg"]) {
        const refused = await call(download.GET, link.token, `${pathQuery(name)}&open=1`);
        expect(refused.status, name).toBe(404);
        expect(refused.headers.get("location"), name).toBeNull();
        const attachment = await h.fetchBytes((await call(download.GET, link.token, pathQuery(name))).headers.get("location")!);
        expect(attachment.headers.get("content-disposition"), name).toMatch(/^attachment;/);
      }
      expect(await downloads(link.id)).toBe(4);
      expect(await downloadEvents(link.id)).toEqual([
        { filePath: "readme.txt" },
        { filePath: "readme.txt" },
        { filePath: "page.html" },
        { filePath: "logo.svg" },
      ]);
    });

    it("on a share with a download limit, Open is a POST button and a GET asks for it without counting", async () => {
      const link = await share({ downloadLimit: 2 });
      const body = await (await call(page.GET, link.token, "")).text();
      expect(body).toContain(
        `<form method="post" action="/s/${link.token}/download?path=readme.txt&amp;open=1" class="inline" target="_blank" rel="noopener noreferrer"><button class="link-button" type="submit">Open<span class="sr-only"> readme.txt</span></button></form>`,
      );
      const asked = await call(download.GET, link.token, `${pathQuery("readme.txt")}&open=1`);
      expect(asked.status).toBe(200);
      expect(await asked.text()).toContain('<button class="button" type="submit">Open</button>');
      expect(await downloads(link.id)).toBe(0);
      const opened = await press(download.POST, link.token, `${pathQuery("readme.txt")}&open=1`);
      expect(opened.status).toBe(302);
      expect(new URL(opened.headers.get("location")!).searchParams.get("response-content-disposition")).toMatch(/^inline;/);
      expect(await downloads(link.id)).toBe(1);

      // A file that cannot be opened: its GET with ?open=1 answers "No preview" at once, as the POST would, with no
      // button to press and nothing counted.
      const binary = FILES[2]!.path;
      const refused = await call(download.GET, link.token, `${pathQuery(binary)}&open=1`);
      expect(refused.status).toBe(404);
      const text = await refused.text();
      expect(text).toContain("No preview");
      expect(text).not.toContain("<form");
      expect(await downloads(link.id)).toBe(1);
    });
  });

  describe("snapshot semantics", () => {
    it("does not list an object added after sharing, and refuses a path that is not in the snapshot", async () => {
      const link = await share();
      await put("added later.txt", Buffer.from("new"));
      const body = await (await call(page.GET, link.token, "")).text();
      expect(body).not.toContain("added later.txt");
      const refused = await call(download.GET, link.token, pathQuery("added later.txt"));
      expect(refused.status).toBe(404);
      expect(await refused.text()).toContain("File not found in this share");
      expect(await downloads(link.id)).toBe(0);
    });

    it("marks a replaced object, refuses it without counting, and still serves the others", async () => {
      const path = "replace me.txt";
      const original = await put(path, Buffer.from("original"));
      const link = await share({
        files: [
          { path, size: 8, ...original },
          { path: "readme.txt", size: FILES[0]!.body.length, ...snapshot.get("readme.txt")! },
        ],
      });
      await put(path, Buffer.from("replaced!"));
      const refused = await call(download.GET, link.token, pathQuery(path));
      expect(refused.status).toBe(410);
      expect(await refused.text()).toContain("This file has changed since it was shared");
      expect(await downloads(link.id)).toBe(0);
      const body = await (await call(page.GET, link.token, "")).text();
      expect(body).toContain("Changed since shared");
      expect(body).toContain("1 of 2 files have changed or been deleted");
      expect(body).not.toContain(`download?path=replace`);
      const ok = await call(download.GET, link.token, pathQuery("readme.txt"));
      expect(ok.status).toBe(302);
      const fetched = await h.fetchBytes(ok.headers.get("location")!);
      expect(fetched.body.equals(FILES[0]!.body)).toBe(true);
      expect(fetched.headers.get("content-disposition")).toContain("readme.txt");
      expect(await downloads(link.id)).toBe(1);
      expect(await downloadEvents(link.id)).toEqual([{ filePath: "readme.txt" }]);
    });

    it("says clearly when every file of the share was deleted since", async () => {
      const path = "gone soon.txt";
      const object = await put(path, Buffer.from("bye"));
      const link = await share({ files: [{ path, size: 3, ...object }] });
      await admin.send(new DeleteObjectCommand({ Bucket: bucket, Key: PREFIX + path }));
      expect((await call(download.GET, link.token, pathQuery(path))).status).toBe(410);
      const response = await call(page.GET, link.token, "");
      expect(response.status).toBe(410);
      expect(await response.text()).toContain("These files no longer exist");
      const zip = await call(zipRoute.GET, link.token, "");
      expect(zip.status).toBe(410);
      expect(await downloads(link.id)).toBe(0);
    });
  });

  describe("Download all", () => {
    it("streams a ZIP of the nested awkward paths that unzip and bsdtar open, every SHA-256 matching, counted once", async () => {
      const link = await share();
      const response = await call(zipRoute.GET, link.token, "");
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe("application/zip");
      expect(response.headers.get("cache-control")).toBe("no-store");
      expect(response.headers.get("content-disposition")).toBe(`attachment; filename="apollo 11.zip"`);
      const bytes = await readAll(response);
      expect(Number(response.headers.get("content-length"))).toBe(bytes.length);
      expect(await downloads(link.id)).toBe(1);
      expect(await downloadEvents(link.id)).toEqual([{ filePath: "*" }]);
      await withTempDir(async (dir) => {
        const zipPath = join(dir, "all.zip");
        await writeFile(zipPath, bytes);
        await run("unzip", ["-t", "-qq", zipPath]);
        for (const tool of ["unzip", "bsdtar"] as const) {
          const out = join(dir, tool);
          await run("mkdir", [out]);
          if (tool === "unzip") await run("unzip", ["-qq", zipPath, "-d", out]);
          else await run("bsdtar", ["-xf", zipPath, "-C", out]);
          for (const file of FILES) expect(sha256(await readFile(join(out, file.path))), `${tool}: ${file.path}`).toBe(sha256(file.body));
        }
      });
    });

    it("writes ZIP64 records when forced, and the archive still opens", async () => {
      const link = await share();
      const forced = withRecipientLink(DOWNLOAD_ALL, (context) => serveZip(context, { forceZip64: true }));
      const bytes = await readAll(await call(forced, link.token, ""));
      // ZIP64 end of central directory record and locator signatures.
      expect(bytes.includes(Buffer.from([0x50, 0x4b, 0x06, 0x06]))).toBe(true);
      expect(bytes.includes(Buffer.from([0x50, 0x4b, 0x06, 0x07]))).toBe(true);
      await withTempDir(async (dir) => {
        const zipPath = join(dir, "zip64.zip");
        await writeFile(zipPath, bytes);
        await run("unzip", ["-t", "-qq", zipPath]);
        const { stdout } = await run("bsdtar", ["-xOf", zipPath, "a+b%20c#d?e&f/inner folder/deep & odd+%#?.bin"], { encoding: "buffer", maxBuffer: 1 << 20 });
        expect(sha256(stdout)).toBe(sha256(FILES[2]!.body));
      });
    });

    it("ends with a failed transfer, never a valid short archive, when a file is deleted midway; the file is marked", async () => {
      const path = "zz deleted midway.bin";
      const object = await put(path, randomBytes(1_000));
      const files = [
        { path: "readme.txt", size: FILES[0]!.body.length, ...snapshot.get("readme.txt")! },
        { path, size: 1_000, ...object },
      ];
      const link = await share({ files });
      await admin.send(new DeleteObjectCommand({ Bucket: bucket, Key: PREFIX + path }));
      const response = await call(zipRoute.GET, link.token, "");
      expect(response.status).toBe(200);
      await expect(readAll(response)).rejects.toThrow();
      const row = await db.shareLinkFile.findUniqueOrThrow({ where: { linkId_path: { linkId: link.id, path } }, select: { state: true } });
      expect(row.state).toBe("missing");
    });

    it("ends with a failed transfer when storage fails midway (the bucket is unreachable)", async () => {
      const files = [
        { path: "readme.txt", size: FILES[0]!.body.length, ...snapshot.get("readme.txt")! },
        { path: "elsewhere.bin", size: 10, etag: '"x"', versionId: null, key: "x" },
      ];
      const link = await share({ files });
      // The second entry's key lives in the link's bucket, which is then switched to one that does not exist.
      await db.shareLink.update({ where: { id: link.id }, data: { bucket: `missing-${h.randomSuffix()}` } });
      const response = await call(zipRoute.GET, link.token, "");
      await expect(readAll(response)).rejects.toThrow();
    });

    it("the owner's access log names the file of each download, and Download all", async () => {
      const link = await share();
      expect((await call(download.GET, link.token, pathQuery("docs/日本語 ファイル.pdf"))).status).toBe(302);
      await readAll(await call(zipRoute.GET, link.token, ""));
      await settleLinkEvents();
      const { rows } = await listAccessLog(soleOwner(owner.id), link.id);
      expect(rows.map((row) => describeEvent(row).action)).toEqual(["Downloaded all files (ZIP)", "Downloaded docs/日本語 ファイル.pdf"]);
    });

    it("a limit of 1 allows one file or one ZIP, not both", async () => {
      const first = await share({ downloadLimit: 1 });
      expect((await press(download.POST, first.token, pathQuery("readme.txt"))).status).toBe(302);
      const refused = await press(zipRoute.POST, first.token, "");
      expect(refused.status).toBe(410);
      expect(await refused.text()).toContain("Download limit reached");
      const second = await share({ downloadLimit: 1 });
      const zip = await press(zipRoute.POST, second.token, "");
      expect(zip.status).toBe(200);
      await readAll(zip);
      expect((await press(download.POST, second.token, pathQuery("readme.txt"))).status).toBe(410);
      expect(await downloads(first.id)).toBe(1);
      expect(await downloads(second.id)).toBe(1);
    });

    it("on a share with a download limit, a GET of a file or of Download all counts nothing and answers the Download button", async () => {
      const link = await share({ downloadLimit: 1 });
      const page1 = await (await call(page.GET, link.token, "")).text();
      expect(page1).toContain(
        `<form method="post" action="/s/${link.token}/zip" class="inline"><button class="button" type="submit">Download all</button></form>`,
      );
      expect(page1).toContain(
        `<form method="post" action="/s/${link.token}/download?path=readme.txt" class="inline"><button class="link-button" type="submit">Download<span class="sr-only"> readme.txt</span></button></form>`,
      );
      for (const [handler, suffix, action] of [
        [download.GET, `/download${pathQuery("readme.txt")}`, `/s/${link.token}/download?path=readme.txt`],
        [zipRoute.GET, "/zip", `/s/${link.token}/zip`],
      ] as const) {
        const scanned = await call(handler, link.token, suffix);
        expect(scanned.status).toBe(200);
        expect(scanned.headers.get("content-type")).toBe("text/html; charset=utf-8");
        expect(await scanned.text()).toContain(
          `<form method="post" action="${action}" class="inline"><button class="button" type="submit">Download</button></form>`,
        );
      }
      expect(await downloads(link.id)).toBe(0);
      const zip = await press(zipRoute.POST, link.token, "");
      expect(zip.headers.get("content-type")).toBe("application/zip");
      await readAll(zip);
      expect(await downloads(link.id)).toBe(1);
    });

    it("names awkward keys safely and keeps every file: drive letters, backslashes, doubled slashes (checked before counting)", async () => {
      const bodies = [randomBytes(1_000), randomBytes(1_001), randomBytes(1_002), randomBytes(1_003)];
      const paths = ["C:/Users/ann/report.pdf", "docs\\report.pdf", "docs//report.pdf", "docs/report.pdf"];
      const files = [];
      for (const [i, path] of paths.entries())
        files.push({ path, size: bodies[i]!.length, ...(await put(`awkward-${i}.bin`, bodies[i]!)), key: `${PREFIX}awkward-${i}.bin` });
      const link = await share({ files, title: "awkward" });
      const response = await call(zipRoute.GET, link.token, "");
      expect(response.status).toBe(200);
      const bytes = await readAll(response);
      expect(await downloads(link.id)).toBe(1);
      await withTempDir(async (dir) => {
        const zipPath = join(dir, "awkward.zip");
        await writeFile(zipPath, bytes);
        await run("unzip", ["-t", "-qq", zipPath]);
        const out = join(dir, "out");
        await run("mkdir", [out]);
        await run("unzip", ["-qq", zipPath, "-d", out]);
        // Which of the colliding paths gets the plain name follows the share's path order; every file is there once.
        const names = ["C_/Users/ann/report.pdf", "docs/report.pdf", "docs/report (2).pdf", "docs/report (3).pdf"];
        const found = await Promise.all(names.map(async (name) => sha256(await readFile(join(out, name)))));
        expect(found.sort()).toEqual(bodies.map(sha256).sort());
        expect(sha256(await readFile(join(out, names[0]!)))).toBe(sha256(bodies[0]!));
      });
    });

    it("is cut when the link is revoked mid-stream", async () => {
      const big = [randomBytes(2 << 20), randomBytes(2 << 20)];
      const files = [];
      for (const [i, body] of big.entries()) files.push({ path: `big ${i}.bin`, size: body.length, ...(await put(`big ${i}.bin`, body)) });
      const link = await share({ files });
      const response = await call(zipRoute.GET, link.token, "");
      const reader = response.body!.getReader();
      expect((await reader.read()).done).toBe(false);
      await db.shareLink.update({ where: { id: link.id }, data: { revokedAt: new Date() } });
      let received = 0;
      const drain = async () => {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return;
          received += value.length;
        }
      };
      await expect(drain()).rejects.toThrow();
      expect(received).toBeLessThan(big[0]!.length + big[1]!.length);
      await settleLinkEvents();
      const refused = await db.linkEvent.findMany({ where: { linkId: link.id, outcome: "refused" }, select: { reason: true, filePath: true } });
      expect(refused).toEqual([{ reason: "revoked", filePath: "*" }]);
    });

    it("is cut within one large file when the link expires mid-stream (the periodic re-check)", async () => {
      const body = randomBytes(4 << 20);
      const link = await share({ files: [{ path: "one big.bin", size: body.length, ...(await put("one big.bin", body)) }] });
      const quickCheck = withRecipientLink(DOWNLOAD_ALL, (context) => serveZip(context, { recheckMs: 100 }));
      const reader = (await call(quickCheck, link.token, "")).body!.getReader();
      // Well into the file's data (its entry was opened while the link was still valid).
      for (let received = 0; received < 1 << 20; ) {
        const { done, value } = await reader.read();
        expect(done).toBe(false);
        received += value!.length;
      }
      await db.shareLink.update({ where: { id: link.id }, data: { expiresAt: new Date(Date.now() - 1_000) } });
      await h.sleep(400);
      const drain = async () => {
        for (;;) if ((await reader.read()).done) return;
      };
      await expect(drain()).rejects.toThrow();
    });

    it("runs at most 3 at once per address and 10 per link (429, nothing counted); a finished one frees its place", async () => {
      const body = randomBytes(4 << 20);
      const link = await share({ files: [{ path: "one big.bin", size: body.length, ...(await put("one big.bin", body)) }] });
      const open = async (peer: string) => call(zipRoute.GET, link.token, "", "GET", peer);
      const running: Response[] = [];
      for (let i = 0; i < 3; i++) running.push(await open("198.51.100.20"));
      expect(running.map((r) => r.status)).toEqual([200, 200, 200]);
      const busy = await open("198.51.100.20");
      expect(busy.status).toBe(429);
      expect(busy.headers.get("content-type")).toBe("text/html; charset=utf-8");
      expect(await busy.text()).toContain("Wait for the running download to finish");
      expect(await downloads(link.id)).toBe(3);
      // Other addresses, up to 10 streams on the link.
      for (let i = 0; i < 7; i++) running.push(await open(`203.0.113.${i + 1}`));
      expect(running.every((r) => r.status === 200)).toBe(true);
      expect((await open("203.0.113.99")).status).toBe(429);
      expect(await downloads(link.id)).toBe(10);
      // One ends (the client goes away): its place is free again.
      await running.shift()!.body!.cancel();
      await expect.poll(async () => (await open("198.51.100.20")).status, { timeout: 5_000 }).toBe(200);
      for (const response of running) await response.body!.cancel();
    });

    it("is cut when it runs longer than its time limit, and frees its place", async () => {
      const body = randomBytes(4 << 20);
      const link = await share({ files: [{ path: "one big.bin", size: body.length, ...(await put("one big.bin", body)) }] });
      const short = withRecipientLink(DOWNLOAD_ALL, (context) => serveZip(context, { maxMs: 300 }));
      const reader = (await call(short, link.token, "")).body!.getReader();
      expect((await reader.read()).done).toBe(false);
      await h.sleep(600);
      const drain = async () => {
        for (;;) if ((await reader.read()).done) return;
      };
      await expect(drain()).rejects.toThrow();
      const rows = () => db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM zip_streams WHERE link_id = ${link.id}`;
      await expect.poll(async () => (await rows())[0]!.n, { timeout: 5_000 }).toBe(0);
    });

    it("counts the 3 per address by network: fresh addresses of one IPv6 /48 get no more streams", async () => {
      const body = randomBytes(1 << 20);
      const link = await share({ files: [{ path: "one.bin", size: body.length, ...(await put("one.bin", body)) }] });
      const open = async (peer: string) => call(zipRoute.GET, link.token, "", "GET", peer);
      const running: Response[] = [];
      for (const peer of ["2001:db8:7:1::1", "2001:db8:7:2::1", "2001:db8:7:3::1"]) running.push(await open(peer));
      expect(running.map((r) => r.status)).toEqual([200, 200, 200]);
      const busy = await open("2001:db8:7:ffff::9");
      expect(busy.status).toBe(429);
      expect(await busy.text()).toContain("Wait for the running download to finish");
      // Another /48 is another address.
      const other = await open("2001:db8:8::1");
      expect(other.status).toBe(200);
      running.push(other);
      expect(await downloads(link.id)).toBe(4);
      for (const response of running) await response.body!.cancel();
    });

    it("is cut when the client stops reading for a while, and frees its place; a slow but steady reader is not cut", async () => {
      const body = randomBytes(4 << 20);
      const link = await share({ files: [{ path: "one big.bin", size: body.length, ...(await put("one big.bin", body)) }] });
      const impatient = withRecipientLink(DOWNLOAD_ALL, (context) => serveZip(context, { idleMs: 400 }));
      const rows = () => db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM zip_streams WHERE link_id = ${link.id}`;

      // Slow: a pause shorter than the idle limit between reads, for longer than the limit in all.
      const steady = (await call(impatient, link.token, "")).body!.getReader();
      const started = Date.now();
      let received = 0;
      for (;;) {
        const { done, value } = await steady.read();
        if (done) break;
        received += value.length;
        if (Date.now() - started < 1_200) await h.sleep(100);
      }
      expect(received).toBeGreaterThan(body.length);
      expect(Date.now() - started).toBeGreaterThan(1_000);

      // Stalled: one chunk, then nothing.
      const stalled = (await call(impatient, link.token, "")).body!.getReader();
      expect((await stalled.read()).done).toBe(false);
      await expect.poll(async () => (await rows())[0]!.n, { timeout: 5_000 }).toBe(0);
      const drain = async () => {
        for (;;) if ((await stalled.read()).done) return;
      };
      await expect(drain()).rejects.toThrow();
    });

    it("is not offered when the owner turned it off", async () => {
      const link = await share({ zipAllowed: false });
      expect(await (await call(page.GET, link.token, "")).text()).not.toContain("Download all");
      const response = await call(zipRoute.GET, link.token, "");
      expect(response.status).toBe(404);
      expect(await downloads(link.id)).toBe(0);
    });

    it("says nothing about ZIP to someone the link refuses (outside its networks)", async () => {
      const link = await share({ zipAllowed: false });
      await db.shareLink.update({ where: { id: link.id }, data: { allowedNetworks: ["203.0.113.0/24"] } });
      const response = await call(zipRoute.GET, link.token, "");
      expect(response.status).toBe(403);
      expect(await response.text()).not.toMatch(/Download all/i);
    });
  });
});
