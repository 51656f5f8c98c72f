/**
 * "Export manifest" of a multi-file share (issue 9 item 6) through the real route handler, against
 * the real database and every local S3 server: the manifest's direct URLs download the right bytes
 * (the pinned version on Ceph, whatever was written since), with the chosen expiry (X-Amz-Expires,
 * at most 7 days, never beyond temporary credentials), as a CSV or a JSON array; another owner's
 * share is 404, no session 401; no log line carries a URL. Only who is signed in is stood in for.
 */
import { createHash, randomBytes } from "node:crypto";
import { PutBucketVersioningCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { SessionUser } from "@/lib/auth/session";
import { session } from "../support/request-context";
import { db } from "@/lib/db/client";
import { saveConnectionAction } from "@/lib/actions/save-connection";
import { issueFilesShare } from "@/lib/links/issue-files";
import { createFilesShareSchema, toFilesShareRequest } from "@/lib/validation/share-files";
import { GET } from "@/app/(app)/links/[id]/manifest/route";
import * as h from "../support/helpers";
import { adminS3For, storageCases } from "../support/storages";

vi.mock("@/lib/auth/session", async () => (await import("../support/request-context")).sessionModule);

const FILES = [
  { key: "export/docs/résumé final.pdf", body: randomBytes(3_001) },
  { key: "export/docs/a+b&c#d ?=x.txt", body: randomBytes(17) },
  { key: "export/img/日本語 1.bin", body: randomBytes(70_000) },
  { key: "export/=SUM(A1).csv", body: Buffer.from("formula-looking name") },
];
const sha = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

let owner: SessionUser;
let stranger: SessionUser;
const admins: S3Client[] = [];

async function exportManifest(id: string, query: Record<string, string>, as: SessionUser | null = owner): Promise<Response> {
  session.user = as;
  try {
    const request = new Request(`http://127.0.0.1/links/${encodeURIComponent(id)}/manifest?${new URLSearchParams(query)}`);
    return await GET(request, { params: Promise.resolve({ id }) });
  } finally {
    session.user = owner;
  }
}

/** Every CSV record's fields (all quoted, CRLF-terminated, as lib/links/csv.ts writes them). */
function parseCsv(text: string): string[][] {
  expect(text.endsWith("\r\n")).toBe(true);
  return text
    .slice(0, -2)
    .split("\r\n")
    .map((line) => [...line.matchAll(/"((?:[^"]|"")*)"(?:,|$)/g)].map((m) => m[1]!.replaceAll('""', '"')));
}

beforeAll(async () => {
  owner = await h.createTestUser("manifest-owner");
  stranger = await h.createTestUser("manifest-stranger");
  session.user = owner;
});

afterAll(async () => {
  session.user = null;
  for (const admin of admins) admin.destroy();
  await h.deleteTestUsers(owner, stranger);
});

describe.each(storageCases())("manifest export on $name", (storage) => {
  let linkId: string;
  let connectionId: string;
  const versions = new Map<string, string | undefined>();

  beforeAll(async () => {
    const admin = adminS3For(storage);
    admins.push(admin);
    const bucket = await h.createBucket(admin, "manifest");
    if (storage.versioning) await admin.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: "Enabled" } }));
    for (const file of FILES) {
      const put = await admin.send(new PutObjectCommand({ Bucket: bucket, Key: file.key, Body: file.body, ContentType: "application/octet-stream" }));
      versions.set(file.key, put.VersionId);
    }
    const name = `Manifest ${storage.name} ${h.randomSuffix()}`;
    const form = h.formData({
      provider: "custom",
      name,
      endpoint: storage.endpoint,
      region: storage.region,
      forcePathStyle: "on",
      accessKeyId: storage.accessKeyId,
      secretAccessKey: storage.secretAccessKey,
    });
    expect(await h.runRedirectingAction(() => saveConnectionAction({ status: "idle" }, form))).toMatchObject({ state: { status: "success" } });
    connectionId = (await db.storageConnection.findFirstOrThrow({ where: { ownerId: owner.id, name } })).id;
    const input = toFilesShareRequest(createFilesShareSchema.parse({ connectionId, bucket, mode: "keys", keys: FILES.map((f) => f.key), preset: "30d" }));
    linkId = (await issueFilesShare(owner, input)).id;
    if (storage.versioning) {
      // Written after sharing: the manifest's URLs name the version that was shared.
      await admin.send(new PutObjectCommand({ Bucket: bucket, Key: FILES[0]!.key, Body: Buffer.from("replaced later") }));
    }
  });

  it("CSV: one quoted record per file whose direct URL downloads the shared bytes, with the chosen expiry", async () => {
    const logged: string[] = [];
    const spies = [process.stdout, process.stderr].map((stream) =>
      vi.spyOn(stream, "write").mockImplementation((chunk: string | Uint8Array) => {
        logged.push(String(chunk));
        return true;
      }),
    );
    let text: string;
    let response: Response;
    const before = Math.floor(Date.now() / 1000);
    try {
      response = await exportManifest(linkId, { format: "csv", expires: "7200" });
      text = await response.text();
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
    expect(response.status, text).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("content-disposition")).toMatch(/^attachment; filename=".* manifest\.csv"/);
    expect(response.headers.get("x-total-count")).toBe(String(FILES.length));
    expect(logged.join("")).not.toMatch(/X-Amz-Signature|X-Amz-Credential/);

    const [header, ...records] = parseCsv(text);
    expect(header).toEqual(["path", "size", "etag", "version_id", "expires_at", "url"]);
    expect(records).toHaveLength(FILES.length);
    const paths = records.map((r) => r[0]);
    expect(paths).toEqual([...paths].sort((a, b) => (a! < b! ? -1 : a! > b! ? 1 : 0)));
    const formula = records.find((r) => r[0]!.includes("SUM"));
    expect(formula?.[0]?.startsWith("'=")).toBe(true);

    for (const [path, size, etag, versionId, expiresAt, url] of records) {
      const file = FILES.find((f) => f.key.endsWith(path!.replace(/^'/, "")))!;
      expect(file, path).toBeDefined();
      expect(Number(size)).toBe(file.body.length);
      expect(etag).toMatch(/^"?[0-9a-f]{32}"?$/);
      const parsed = new URL(url!);
      expect(parsed.searchParams.get("X-Amz-Expires")).toBe("7200");
      const signedAt = parsed.searchParams.get("X-Amz-Date")!;
      const signedSeconds = Date.parse(signedAt.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, "$1-$2-$3T$4:$5:$6Z")) / 1000;
      expect(Math.abs(signedSeconds - before)).toBeLessThanOrEqual(5);
      expect(new Date(expiresAt!).getTime() / 1000).toBe(signedSeconds + 7200);
      if (storage.versioning) {
        // Ceph's version ids may start with "-": the CSV then neutralises the cell with a leading "'".
        const expectedVersion = versions.get(file.key)!;
        expect(versionId).toBe(/^[=+\-@\t\r]/.test(expectedVersion) ? `'${expectedVersion}` : expectedVersion);
        expect(parsed.searchParams.get("versionId")).toBe(versions.get(file.key));
      } else {
        expect(versionId).toBe("");
      }
      const download = await fetch(url!);
      expect(download.status, path).toBe(200);
      expect(sha(new Uint8Array(await download.arrayBuffer())), path).toBe(sha(file.body));
      expect(download.headers.get("content-disposition"), path).toMatch(/^attachment; filename=/);
    }
  });

  it("JSON: an array with the 7-day maximum, each URL working", async () => {
    const response = await exportManifest(linkId, { format: "json", expires: "604800" });
    const text = await response.text();
    expect(response.status, text).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json; charset=utf-8");
    const entries = JSON.parse(text) as { path: string; size: number; etag: string | null; versionId: string | null; expiresAt: string; url: string }[];
    expect(text.trimEnd().split("\n")).toHaveLength(FILES.length + 2);
    expect(entries).toHaveLength(FILES.length);
    for (const entry of entries.slice(0, 2)) {
      const file = FILES.find((f) => f.key.endsWith(entry.path))!;
      expect(entry.size).toBe(file.body.length);
      expect(new URL(entry.url).searchParams.get("X-Amz-Expires")).toBe("604800");
      const download = await fetch(entry.url);
      expect(sha(new Uint8Array(await download.arrayBuffer()))).toBe(sha(file.body));
    }
  });

  it("refuses an expiry over 7 days, under a minute, or an unknown format, with a message", async () => {
    for (const query of [{ expires: "604801" }, { expires: "30" }, { format: "xml" }] as Record<string, string>[]) {
      const response = await exportManifest(linkId, query);
      expect(response.status, JSON.stringify(query)).toBe(400);
      expect(response.headers.get("content-type")).toBe("application/problem+json");
      const problem = (await response.json()) as { type: string; detail: string; errors: { in: string; field: string; message: string }[] };
      expect(problem.type).toBe("urn:bucketshare:problem:invalid-request");
      expect(problem.detail).toMatch(/7 days|1 minute|CSV or JSON/);
      expect(problem.errors).toEqual([{ in: "query", field: expect.stringMatching(/^(format|expires)$/), message: problem.detail }]);
    }
  });

  it("never lasts beyond the connection's temporary credentials", async () => {
    const credentialsEnd = new Date(Date.now() + 3_600_000);
    await db.storageConnection.update({ where: { id: connectionId }, data: { sessionTokenExpiresAt: credentialsEnd } });
    try {
      const response = await exportManifest(linkId, { format: "csv", expires: "86400" });
      const records = parseCsv(await response.text()).slice(1);
      expect(response.headers.get("x-manifest-limited-by-credentials")).toBe("1");
      const seconds = Number(new URL(records[0]![5]!).searchParams.get("X-Amz-Expires"));
      expect(seconds).toBeGreaterThan(3_590);
      expect(seconds).toBeLessThanOrEqual(3_600);
      expect(new Date(records[0]![4]!).getTime()).toBeLessThanOrEqual(credentialsEnd.getTime());
    } finally {
      await db.storageConnection.update({ where: { id: connectionId }, data: { sessionTokenExpiresAt: null } });
    }
  });

  it("never outlives its share: a share ending in 10 minutes gives URLs of at most 10 minutes", async () => {
    const link = await db.shareLink.findUniqueOrThrow({ where: { id: linkId } });
    const shareEnd = new Date(Date.now() + 600_000);
    await db.shareLink.update({ where: { id: linkId }, data: { expiresAt: shareEnd } });
    try {
      const response = await exportManifest(linkId, { format: "csv", expires: "86400" });
      expect(response.status).toBe(200);
      expect(new Date(response.headers.get("x-manifest-expires-at")!).getTime()).toBeLessThanOrEqual(shareEnd.getTime());
      const records = parseCsv(await response.text()).slice(1);
      for (const record of records) {
        const seconds = Number(new URL(record[5]!).searchParams.get("X-Amz-Expires"));
        expect(seconds).toBeGreaterThan(590);
        expect(seconds).toBeLessThanOrEqual(600);
        expect(new Date(record[4]!).getTime()).toBeLessThanOrEqual(shareEnd.getTime());
      }
    } finally {
      await db.shareLink.update({ where: { id: linkId }, data: { expiresAt: link.expiresAt } });
    }
  });

  it("leaves out files marked changed or missing, and refuses a revoked or expired share", async () => {
    const marked = await db.shareLinkFile.findFirstOrThrow({ where: { linkId }, orderBy: { path: "asc" } });
    await db.shareLinkFile.update({ where: { id: marked.id }, data: { state: "missing" } });
    try {
      const response = await exportManifest(linkId, { format: "csv", expires: "3600" });
      const records = parseCsv(await response.text()).slice(1);
      expect(response.headers.get("x-total-count")).toBe(String(FILES.length - 1));
      expect(records).toHaveLength(FILES.length - 1);
      expect(records.map((r) => r[0])).not.toContain(marked.path);
    } finally {
      await db.shareLinkFile.update({ where: { id: marked.id }, data: { state: null } });
    }
    const link = await db.shareLink.findUniqueOrThrow({ where: { id: linkId } });
    await db.shareLink.update({ where: { id: linkId }, data: { revokedAt: new Date() } });
    try {
      const revoked = await exportManifest(linkId, { format: "csv" });
      expect(revoked.status).toBe(409);
      expect(await revoked.text()).toMatch(/revoked/);
    } finally {
      await db.shareLink.update({ where: { id: linkId }, data: { revokedAt: null } });
    }
    await db.shareLink.update({ where: { id: linkId }, data: { expiresAt: new Date(Date.now() - 1_000) } });
    try {
      const expired = await exportManifest(linkId, { format: "csv" });
      expect(expired.status).toBe(409);
      expect(await expired.text()).toMatch(/expired/);
    } finally {
      await db.shareLink.update({ where: { id: linkId }, data: { expiresAt: link.expiresAt } });
    }
  });

  it("another owner's share is 404, an unknown id 404, without a session 401", async () => {
    const other = await exportManifest(linkId, { format: "csv" }, stranger);
    expect(other.status).toBe(404);
    expect(await other.text()).not.toContain("X-Amz");
    const anonymous = await exportManifest(linkId, { format: "csv" }, null);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({
      type: "urn:bucketshare:problem:sign-in-required",
      status: 401,
      detail: "Sign in first.",
      instance: `/links/${linkId}/manifest`,
    });
    const unknown = await exportManifest("no-such-link", {});
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({
      type: "urn:bucketshare:problem:not-found",
      detail: "This share is not in your history, or it is not a multi-file share.",
    });
  });
});
