/**
 * The test infrastructure itself: both local S3 servers check signatures like a real provider,
 * Ceph keeps versions (so version pins can be tested there), and nginx spreads requests over two
 * instances with the client's address in X-Forwarded-For.
 */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GetObjectCommand, PutBucketVersioningCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startNginx, type NginxServer } from "../support/nginx";
import { createBucket, fetchBytes } from "../support/helpers";
import { adminS3For, storageCases } from "../support/storages";

describe.each(storageCases())("the $name S3 server", (storage) => {
  const s3 = adminS3For(storage);
  let bucket: string;

  beforeAll(async () => {
    bucket = await createBucket(s3, "servers");
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "report.txt", Body: "the real bytes", ContentType: "text/plain" }));
  });
  afterAll(() => s3.destroy());

  it("serves a presigned URL and refuses it once its signature or a signed parameter is altered (403)", async () => {
    const url = new URL(
      await getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: "report.txt", ResponseContentDisposition: 'attachment; filename="report.txt"' }), {
        expiresIn: 60,
      }),
    );
    const good = await fetchBytes(url.toString());
    expect(good.status).toBe(200);
    expect(good.body.toString()).toBe("the real bytes");
    expect(good.headers.get("content-disposition")).toBe('attachment; filename="report.txt"');

    const signature = url.searchParams.get("X-Amz-Signature")!;
    const tampered = new URL(url);
    tampered.searchParams.set("X-Amz-Signature", `${signature.slice(0, -1)}${signature.endsWith("0") ? "1" : "0"}`);
    const forged = await fetchBytes(tampered.toString());
    expect(forged.status).toBe(403);
    expect(forged.body.toString()).not.toContain("the real bytes");

    const longer = new URL(url);
    longer.searchParams.set("X-Amz-Expires", "604800");
    expect((await fetchBytes(longer.toString())).status).toBe(403);

    const inline = new URL(url);
    inline.searchParams.set("response-content-disposition", "inline");
    expect((await fetchBytes(inline.toString())).status).toBe(403);
  });

  it("gives no version id for objects in a bucket without versioning", async () => {
    const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "plain.txt", Body: "plain" }));
    expect(put.ETag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(put.VersionId ?? "null").toBe("null");
  });
});

describe.each(storageCases({ versioning: true }))("bucket versioning on $name", (storage) => {
  const s3 = adminS3For(storage);
  afterAll(() => s3.destroy());

  it("returns a VersionId once versioning is enabled, and serves each version's own bytes", async () => {
    const bucket = await createBucket(s3, "versions");
    await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: "Enabled" } }));
    const first = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "contract.pdf", Body: "first draft" }));
    const second = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "contract.pdf", Body: "second draft" }));
    expect(first.VersionId).toMatch(/\S/);
    expect(first.VersionId).not.toBe("null");
    expect(second.VersionId).toMatch(/\S/);
    expect(second.VersionId).not.toBe(first.VersionId);

    const pinned = await getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: "contract.pdf", VersionId: first.VersionId }), { expiresIn: 60 });
    const old = await fetchBytes(pinned);
    expect(old.status).toBe(200);
    expect(old.body.toString()).toBe("first draft");
    const latest = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: "contract.pdf" }));
    expect(await latest.Body!.transformToString()).toBe("second draft");
    expect(latest.VersionId).toBe(second.VersionId);
  });
});

describe("nginx in front of two instances", () => {
  type Seen = { instance: string; headers: IncomingHttpHeaders };
  const seen: Seen[] = [];
  const instances: Server[] = [];
  let nginx: NginxServer;
  let dir: string;

  beforeAll(async () => {
    const upstreams = await Promise.all(
      ["one", "two"].map(
        (instance) =>
          new Promise<string>((resolve) => {
            const server = createServer((req, res) => {
              seen.push({ instance, headers: req.headers });
              res.setHeader("content-type", "text/plain");
              res.end(instance);
            });
            instances.push(server);
            server.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
          }),
      ),
    );
    dir = await mkdtemp(join(tmpdir(), "bucketshare-nginx-test-"));
    nginx = await startNginx({ dir, upstreams });
  });

  afterAll(async () => {
    await nginx?.stop();
    await Promise.all(instances.map((server) => new Promise((resolve) => server.close(resolve))));
    await rm(dir, { recursive: true, force: true });
  });

  it("spreads requests over both instances, one each in turn", async () => {
    const answers: string[] = [];
    for (let i = 0; i < 10; i++) answers.push(await (await fetch(`${nginx.url}/s/token-${i}`)).text());
    expect(answers.filter((a) => a === "one")).toHaveLength(5);
    expect(answers.filter((a) => a === "two")).toHaveLength(5);
    for (let i = 1; i < answers.length; i++) expect(answers[i]).not.toBe(answers[i - 1]);
  });

  it("under 200 concurrent requests, both instances serve and every request is answered once", async () => {
    seen.length = 0;
    const answers = await Promise.all(Array.from({ length: 200 }, async () => (await fetch(`${nginx.url}/download`)).text()));
    expect(answers.filter((a) => a === "one")).toHaveLength(100);
    expect(answers.filter((a) => a === "two")).toHaveLength(100);
    expect(seen).toHaveLength(200);
  });

  it("passes the client address in X-Forwarded-For, after any address the client claimed", async () => {
    seen.length = 0;
    await fetch(`${nginx.url}/whoami`, { headers: { "X-Forwarded-For": "203.0.113.9" } });
    await fetch(`${nginx.url}/whoami`);
    expect(seen.map((s) => s.headers["x-forwarded-for"])).toEqual(["203.0.113.9, 127.0.0.1", "127.0.0.1"]);
    expect(seen[0]!.headers.host).toBe(new URL(nginx.url).host);
    expect(seen[0]!.headers["x-forwarded-proto"]).toBe("http");
  });

  it("stops: nothing answers on its address afterwards", async () => {
    const extra = await startNginx({ dir: join(dir, "extra"), upstreams: [nginx.url] });
    expect((await fetch(`${extra.url}/x`)).status).toBe(200);
    await extra.stop();
    await expect(fetch(`${extra.url}/x`)).rejects.toThrow();
  });
});
