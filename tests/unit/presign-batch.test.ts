import { inspect } from "node:util";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { contentDisposition } from "@/lib/links/content-disposition";
import { SIGNING_KEY_CACHE_LIMIT, signingKeyCacheSize } from "@/lib/storage/presign-batch";
import { createBatchPresigner, createUrlPresigner, type OperationPresignInput, type PresignTarget } from "@/lib/storage/presign";
import { sdkGetPresigner, sdkListObjectsRequest, sdkOperationPresigner } from "@/tests/support/sdk-presigner";

/**
 * The app's one signer (lib/storage/presign-batch.ts: node:crypto, its signing key cached per connection and day)
 * gives every URL byte for byte as the AWS SDK's presigners do for the same inputs and signing date: the GETs of
 * links, downloads, previews and manifests as the SDK's S3RequestPresigner (botocore's shape), the upload
 * operations as `getSignedUrl` with the SDK's commands (tests/support/sdk-presigner.ts).
 */

const credentials = { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" };
const targets: [string, PresignTarget][] = [
  ["path-style with a port", { endpoint: "http://127.0.0.1:9000", region: "us-east-1", forcePathStyle: true, credentials }],
  ["virtual-hosted", { endpoint: "https://s3.eu-west-3.amazonaws.com", region: "eu-west-3", forcePathStyle: false, credentials }],
  [
    "a path prefix and a session token",
    {
      endpoint: "https://gw.example.com:8443/s3/",
      region: "auto",
      forcePathStyle: false,
      credentials: { ...credentials, sessionToken: "FwoGZXIvYXdzE+/a=b&c" },
    },
  ],
  [
    "an account:user key (Swift)",
    { endpoint: "http://localhost:8080", region: "us-east-1", forcePathStyle: true, credentials: { accessKeyId: "test:tester", secretAccessKey: "testing" } },
  ],
];
const keys = [
  "report.pdf",
  "a/b/résumé final.docx",
  "日本語/ファイル.txt",
  "+%#?&=;/ weird 'name' (1)!*.csv",
  "//double//slash",
  "dir/emoji 😀.png",
  "~tilde_-.x",
];
const buckets = ["bucket-one", "Bucket.With.Dots", "ab"];
const signingDate = new Date("2026-11-29T10:59:07Z");
const UPLOAD_ID = "2~VwXb+/=Ab_c-d.e";

/** Every upload operation the signer knows, as Uppy's requests and the upload pages need them. */
function operations(bucket: string, key: string): (OperationPresignInput & { signingDate: Date })[] {
  const common = { bucket, key, expiresInSeconds: 900, signingDate };
  return [
    { ...common, operation: "UploadPart", uploadId: UPLOAD_ID, partNumber: 1, contentLength: 8 * 1024 * 1024 },
    { ...common, operation: "UploadPart", uploadId: UPLOAD_ID, partNumber: 10_000, contentLength: 5 },
    { ...common, operation: "UploadPart", uploadId: UPLOAD_ID, partNumber: 37, contentLength: 0, expiresInSeconds: 604_800 },
    { ...common, operation: "ListParts", uploadId: UPLOAD_ID },
    { ...common, operation: "CreateMultipartUpload" },
    { ...common, operation: "CompleteMultipartUpload", uploadId: UPLOAD_ID },
    { ...common, operation: "AbortMultipartUpload", uploadId: UPLOAD_ID },
    { ...common, operation: "PutObject", expiresInSeconds: 1 },
    { ...common, operation: "HeadObject", expiresInSeconds: 60 },
  ];
}

describe("createBatchPresigner", () => {
  describe.each(targets)("%s", (_name, target) => {
    const reference = sdkGetPresigner(target);
    const batch = createBatchPresigner(target, { signingDate, expiresInSeconds: 604_800 });
    const app = createUrlPresigner(target);
    for (const bucket of buckets) {
      it.each(keys)(`gives the SDK presigner's URL for bucket ${bucket}, key %s`, async (key) => {
        const input = { bucket, key, responseContentDisposition: contentDisposition("attachment", key.split("/").at(-1) || "x") };
        const expected = await reference({ ...input, expiresInSeconds: 604_800, signingDate });
        expect(batch(input)).toBe(expected);
        expect(await app.presignGet({ ...input, expiresInSeconds: 604_800, signingDate })).toBe(expected);
        const versioned = {
          ...input,
          versionId: "3/L4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY+MTRCxf3vjVBH40Nr8X8gdRQBpUMLUo",
          responseContentType: "text/plain; charset=utf-8",
        };
        const expectedVersioned = await reference({ ...versioned, expiresInSeconds: 604_800, signingDate });
        expect(batch(versioned)).toBe(expectedVersioned);
        expect(app.presignGetSync({ ...versioned, expiresInSeconds: 604_800, signingDate })).toBe(expectedVersioned);
        // A recipient's 60-second URL, signed at another instant by the same connection's signer.
        const later = new Date(signingDate.getTime() + 61_000);
        expect(await app.presignGet({ ...input, expiresInSeconds: 60, signingDate: later })).toBe(
          await reference({ ...input, expiresInSeconds: 60, signingDate: later }),
        );
      });
    }
  });

  it("refuses an expiry over 7 days or under 1 second, and empty names", () => {
    const target = targets[0]![1];
    expect(() => createBatchPresigner(target, { signingDate, expiresInSeconds: 604_801 })).toThrow(RangeError);
    expect(() => createBatchPresigner(target, { signingDate, expiresInSeconds: 0 })).toThrow(RangeError);
    const batch = createBatchPresigner(target, { signingDate, expiresInSeconds: 60 });
    expect(() => batch({ bucket: "b-1", key: "" })).toThrow(RangeError);
    expect(() => batch({ bucket: "", key: "k" })).toThrow(RangeError);
  });
});

describe("presignOperation: upload parts and the other upload operations", () => {
  describe.each(targets)("%s", (_name, target) => {
    // Stored endpoints carry no trailing slash (lib/validation/endpoint.ts); the SDK would add a second one.
    const sdk = sdkOperationPresigner({ ...target, endpoint: target.endpoint.replace(/\/+$/, "") });
    afterAll(() => sdk.destroy());
    const app = createUrlPresigner(target);
    for (const bucket of buckets) {
      it.each(keys)(`gives getSignedUrl's URLs for bucket ${bucket}, key %s`, async (key) => {
        for (const input of operations(bucket, key)) {
          expect(app.presignOperation(input), `${input.operation} ${input.partNumber ?? ""}`).toBe(await sdk.presign(input));
        }
      });
    }
  });

  it("signs UploadPart with its exact Content-Length, its part number and upload id", () => {
    const url = new URL(
      createUrlPresigner(targets[1]![1]).presignOperation({
        operation: "UploadPart",
        bucket: "media",
        key: "inbox/a.bin",
        uploadId: "mp-1",
        partNumber: 3,
        contentLength: 5_242_880,
        expiresInSeconds: 900,
        signingDate,
      }),
    );
    expect(url.host).toBe("media.s3.eu-west-3.amazonaws.com");
    expect(url.searchParams.get("X-Amz-SignedHeaders")).toBe("content-length;host");
    expect(url.searchParams.get("partNumber")).toBe("3");
    expect(url.searchParams.get("uploadId")).toBe("mp-1");
    expect(url.searchParams.get("X-Amz-Expires")).toBe("900");
  });

  it("refuses what is not a valid operation, signing nothing", () => {
    const app = createUrlPresigner(targets[0]![1]);
    const base = { bucket: "b-1", key: "k", expiresInSeconds: 900, signingDate } as const;
    const refusals: OperationPresignInput[] = [
      { ...base, operation: "UploadPart", uploadId: "u", partNumber: 0, contentLength: 1 },
      { ...base, operation: "UploadPart", uploadId: "u", partNumber: 10_001, contentLength: 1 },
      { ...base, operation: "UploadPart", uploadId: "u", partNumber: 1 },
      { ...base, operation: "UploadPart", uploadId: "u", partNumber: 1, contentLength: -1 },
      { ...base, operation: "UploadPart", partNumber: 1, contentLength: 1 },
      { ...base, operation: "ListParts" },
      { ...base, operation: "ListParts", uploadId: "u", expiresInSeconds: 604_801 },
      { ...base, operation: "PutObject", key: "" },
    ];
    for (const input of refusals) expect(() => app.presignOperation(input), JSON.stringify(input)).toThrow(RangeError);
  });
});

describe("signBucketRequest: a folder's listing, signed in its headers", () => {
  afterEach(() => vi.useRealTimers());
  const listings = [
    { prefix: "", delimiter: "/", maxKeys: 100 },
    { prefix: "a/b/résumé final +&=;/", delimiter: "/", maxKeys: 1 },
    { prefix: "日本語/f", delimiter: "/", maxKeys: 1_000, continuationToken: "1/ab+c==~x" },
  ];
  describe.each(targets)("%s", (_name, target) => {
    const app = createUrlPresigner(target);
    it.each(buckets)("sends the SDK's ListObjectsV2 request for bucket %s: same URL, same Authorization", async (bucket) => {
      vi.useFakeTimers({ toFake: ["Date"], now: signingDate });
      for (const listing of listings) {
        const query: Record<string, string> = { "list-type": "2", prefix: listing.prefix, delimiter: listing.delimiter, "max-keys": String(listing.maxKeys) };
        if (listing.continuationToken) query["continuation-token"] = listing.continuationToken;
        const signed = app.signBucketRequest({ method: "GET", bucket, query }, signingDate);
        const sdk = await sdkListObjectsRequest(target, { bucket, ...listing });
        expect(signed.url, listing.prefix).toBe(sdk.url);
        expect(signed.headers.authorization, listing.prefix).toBe(sdk.authorization);
        expect(signed.headers["x-amz-security-token"]).toBe(target.credentials.sessionToken);
      }
    });
  });
});

describe("the signing key cache", () => {
  const fresh = (secret: string, sessionToken?: string): PresignTarget => ({
    endpoint: "http://127.0.0.1:9000",
    region: "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId: "AKIDCACHETEST", secretAccessKey: secret, ...(sessionToken ? { sessionToken } : {}) },
  });

  it("derives a key once per connection and UTC day, and signs across midnight as the SDK does", async () => {
    const target = fresh(`secret-${Math.random()}`);
    const app = createUrlPresigner(target);
    const reference = sdkGetPresigner(target);
    const before = signingKeyCacheSize();
    const lastSecond = new Date("2026-11-29T23:59:59Z");
    for (let i = 0; i < 50; i++) app.presignGetSync({ bucket: "b-1", key: `k${i}`, expiresInSeconds: 60, signingDate: lastSecond });
    expect(signingKeyCacheSize()).toBe(before + 1);
    // Another connection object with the same credentials finds the same key.
    createBatchPresigner(target, { signingDate: lastSecond, expiresInSeconds: 60 })({ bucket: "b-1", key: "k" });
    expect(signingKeyCacheSize()).toBe(before + 1);
    const midnight = new Date("2026-11-30T00:00:00Z");
    for (const date of [lastSecond, midnight, lastSecond]) {
      expect(await app.presignGet({ bucket: "b-1", key: "k", expiresInSeconds: 60, signingDate: date })).toBe(
        await reference({ bucket: "b-1", key: "k", expiresInSeconds: 60, signingDate: date }),
      );
    }
    expect(signingKeyCacheSize()).toBe(before + 2);
  });

  it("never shares a key across credentials: same access key id, another secret; temporary credentials", async () => {
    const input = { bucket: "b-1", key: "report.pdf", expiresInSeconds: 60, signingDate };
    const one = fresh("first-secret");
    const two = fresh("second-secret");
    const temporary = fresh("first-secret", "IQoJb3JpZ2luX2VjEXAMPLE+/=token");
    const urls = await Promise.all([one, two, temporary, one].map((t) => createUrlPresigner(t).presignGet(input)));
    for (const [i, target] of [one, two, temporary, one].entries()) expect(urls[i]).toBe(await sdkGetPresigner(target)(input));
    expect(new Set(urls.slice(0, 3)).size).toBe(3);
    expect(new URL(urls[2]!).searchParams.get("X-Amz-Security-Token")).toBe("IQoJb3JpZ2luX2VjEXAMPLE+/=token");
    const part = {
      operation: "UploadPart",
      bucket: "b-1",
      key: "a",
      uploadId: "u",
      partNumber: 1,
      contentLength: 9,
      expiresInSeconds: 900,
      signingDate,
    } as const;
    const sdk = sdkOperationPresigner(temporary);
    expect(createUrlPresigner(temporary).presignOperation(part)).toBe(await sdk.presign(part));
    sdk.destroy();
  });

  it("stays bounded, and a connection whose key was evicted still signs correctly", async () => {
    const first = fresh("evicted-secret");
    const input = { bucket: "b-1", key: "k", expiresInSeconds: 60, signingDate };
    createUrlPresigner(first).presignGetSync(input);
    for (let i = 0; i < SIGNING_KEY_CACHE_LIMIT + 50; i++) createUrlPresigner(fresh(`s-${i}`)).presignGetSync(input);
    expect(signingKeyCacheSize()).toBe(SIGNING_KEY_CACHE_LIMIT);
    expect(createUrlPresigner(first).presignGetSync(input)).toBe(await sdkGetPresigner(first)(input));
  });

  it("shows neither the secret nor a derived key when a signer is inspected or logged", () => {
    const target = fresh("very-secret-value");
    const app = createUrlPresigner(target);
    app.presignGetSync({ bucket: "b-1", key: "k", expiresInSeconds: 60, signingDate });
    const shown = `${inspect(app, { depth: 10, showHidden: true })} ${JSON.stringify(app)}`;
    expect(shown).not.toContain("very-secret-value");
    expect(shown).not.toMatch(/[0-9a-f]{64}|Buffer/);
  });
});
