import { createHmac, hash as oneShotHash, randomBytes } from "node:crypto";

/**
 * Bucketshare's one S3 signer: every presigned URL the app hands out (Quick Share and the multi-file dialog, the
 * API, manifests, the recipient redirects and their fast path, upload parts and the other upload operations) is
 * SigV4 query signing done here, directly with node:crypto and synchronously. Per URL it costs one canonical
 * request string, one SHA-256 and one HMAC; the signing key (four HMACs) is derived once per connection, region,
 * service and UTC day and kept in a small cache (below).
 *
 * Two URL shapes, each byte for byte what the AWS SDK's presigner gives for the same inputs and signing date
 * (tests/unit/presign-batch.test.ts compares them, and the integration tests download and upload through them):
 * - GET of an object (`createBatchPresigner`, `createUrlPresigner(...).presignGet`): botocore's shape, the one
 *   `aws s3 presign` prints and the SDK's `S3RequestPresigner` gives for a hand-built request: the operation's
 *   parameters (`response-content-disposition`, `response-content-type`, `versionId`), then `X-Amz-Algorithm`,
 *   `X-Amz-Credential`, `X-Amz-Date`, `X-Amz-Expires`, `X-Amz-SignedHeaders`, `X-Amz-Security-Token` (with a
 *   session token), `X-Amz-Signature`. Shorter than `getSignedUrl`'s and without `x-id`.
 * - The upload operations (`presignOperation`): `getSignedUrl(client, new UploadPartCommand(…))`'s shape, every
 *   parameter sorted, `X-Amz-Content-Sha256=UNSIGNED-PAYLOAD` and the SDK's `x-id` kept, and for UploadPart the
 *   part's exact `content-length` signed as a header (a body of another size fails the signature at the storage).
 *
 * Addressing follows the SDK's endpoint rules: virtual-hosted (`https://bucket.host/key`) unless `forcePathStyle`,
 * the endpoint's host is an IP address, or the bucket is not a valid lowercase DNS label without dots (then
 * path-style `https://host/bucket/key`). An endpoint's port (but a default one) and path prefix are kept. The key
 * is its UTF-8 bytes percent-encoded except `A-Za-z0-9-._~` and `/` (a key's slashes, double and leading ones
 * included, are kept).
 */

export type PresignCredentials = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };

export type PresignTarget = {
  endpoint: string;
  region: string;
  forcePathStyle: boolean;
  credentials: PresignCredentials;
};

/** SigV4's limit: a signing key lives 7 days. */
export const MAX_PRESIGN_SECONDS = 604_800;
/** The signer accepts 1 s and more; the app's own minimum lives in lib/links/expiry.ts. */
export const MIN_PRESIGN_SECONDS = 1;

const IPV4 = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]\d|\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]\d|\d)){3}$/;
const HOST_LABEL = /^(?!.*-$)(?!-)[a-z0-9-]{3,63}$/;
const ESCAPED_EXTRA = /[!'()*]/g;
const ALGORITHM = "AWS4-HMAC-SHA256";
const SERVICE = "s3";

/** RFC 3986 unreserved characters stay, everything else is percent-encoded (UTF-8 bytes). */
function escapeUri(value: string): string {
  return encodeURIComponent(value).replace(ESCAPED_EXTRA, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** A key as S3 paths carry it: like escapeUri, but its slashes are kept. */
export function encodeKeyPath(key: string): string {
  try {
    return escapeUri(key).replace(/%2F/g, "/");
  } catch {
    // encodeURIComponent throws URIError on lone surrogates: such a string is no S3 key.
    throw new RangeError("The object key is not valid Unicode text.");
  }
}

function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac("sha256", key).update(data, "utf8").digest();
}

function checkExpiry(seconds: number): void {
  if (!Number.isInteger(seconds) || seconds < MIN_PRESIGN_SECONDS || seconds > MAX_PRESIGN_SECONDS) {
    throw new RangeError(`expiresInSeconds must be a whole number from ${MIN_PRESIGN_SECONDS} to ${MAX_PRESIGN_SECONDS} (got ${seconds}).`);
  }
}

/** "20261129T110000Z" for a date (whole seconds, UTC). */
function amzDateOf(date: Date): string {
  const time = date.getTime();
  if (!Number.isFinite(time)) throw new RangeError("The signing date is not a valid date.");
  const iso = date.toISOString();
  // "2026-11-29T11:00:00.000Z": years 0000–9999 only (toISOString gives ±YYYYYY beyond).
  if (iso.length !== 24) throw new RangeError("The signing date is out of range.");
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
}

// ---------- The signing keys ----------

/** How many derived signing keys the process keeps (connections × regions × days in use at once). */
export const SIGNING_KEY_CACHE_LIMIT = 256;

/**
 * Derived signing keys by (access key id, secret, region, service, UTC day), least recently used first. A key is
 * found only with the very credentials it was derived from: the cache's own key is an HMAC of all five under a
 * random per-process secret, so it holds no secret in the clear and two connections sharing an access key id
 * with different secrets never share a key. Nothing here is exported, logged or sent anywhere.
 */
const signingKeys = new Map<string, Buffer>();
const cachePepper = randomBytes(32);

function signingKeyId(credentials: PresignCredentials, region: string, service: string, day: string): string {
  const h = createHmac("sha256", cachePepper);
  for (const part of [credentials.accessKeyId, credentials.secretAccessKey, region, service, day]) {
    h.update(`${part.length}:`, "utf8").update(part, "utf8");
  }
  return h.digest("base64");
}

/** The SigV4 signing key for these credentials, region, service and day ("20261129"), derived at most once. */
function signingKeyFor(credentials: PresignCredentials, region: string, service: string, day: string): Buffer {
  const id = signingKeyId(credentials, region, service, day);
  const hit = signingKeys.get(id);
  if (hit) {
    // Most recently used last.
    signingKeys.delete(id);
    signingKeys.set(id, hit);
    return hit;
  }
  const key = hmac(hmac(hmac(hmac(`AWS4${credentials.secretAccessKey}`, day), region), service), "aws4_request");
  signingKeys.set(id, key);
  if (signingKeys.size > SIGNING_KEY_CACHE_LIMIT) signingKeys.delete(signingKeys.keys().next().value!);
  return key;
}

/** For the tests: how many signing keys are cached (never the keys themselves). */
export function signingKeyCacheSize(): number {
  return signingKeys.size;
}

// ---------- One connection's signer ----------

/** A bucket's host, and the path its keys go under (the bucket's own path, as the SDK requests a listing). */
type Addressing = { host: string; prefix: string };

/** What every URL signed at one instant for one expiry shares. */
type Dated = {
  /** The signing instant in whole seconds since the epoch. */
  second: number;
  amzDate: string;
  expires: number;
  signingKey: Buffer;
  scope: string;
  /** The X-Amz-Credential value as it goes into a query, encoded. */
  credential: string;
  stringToSignHead: string;
  /** The GET shape: the X-Amz-* parameters of the canonical query, and of the URL (without the signature). */
  getCanonical: string;
  getQuery: string;
};

/** Bucket names remembered per connection for their host and path prefix (cleared beyond this many). */
const BUCKET_CACHE_LIMIT = 1_024;

function createSigner(target: PresignTarget) {
  const endpoint = new URL(target.endpoint);
  if (endpoint.protocol !== "https:" && endpoint.protocol !== "http:") {
    throw new TypeError(`The endpoint must be an http(s) URL (got ${endpoint.protocol}).`);
  }
  const protocol = endpoint.protocol;
  const hostname = endpoint.hostname;
  // URL drops default ports (443 for https, 80 for http), as the SDK does in the host header.
  const portSuffix = endpoint.port === "" ? "" : `:${endpoint.port}`;
  const basePath = endpoint.pathname.replace(/\/+$/, "");
  const pathStyleOnly = target.forcePathStyle || IPV4.test(hostname) || (hostname.startsWith("[") && hostname.endsWith("]"));
  const region = target.region;
  const credentials = target.credentials;
  const sessionToken = credentials.sessionToken || undefined;
  const encodedToken = sessionToken === undefined ? "" : escapeUri(sessionToken);
  const encodedAccessKeyId = escapeUri(credentials.accessKeyId);

  const buckets = new Map<string, Addressing>();
  const addressing = (bucket: string): Addressing => {
    let hit = buckets.get(bucket);
    if (!hit) {
      if (bucket === "") throw new RangeError("The bucket name is empty.");
      const virtual = !pathStyleOnly && HOST_LABEL.test(bucket) && !IPV4.test(bucket);
      hit = virtual
        ? { host: `${bucket}.${hostname}${portSuffix}`, prefix: `${basePath}/` }
        : { host: `${hostname}${portSuffix}`, prefix: `${basePath}/${escapeUri(bucket)}/` };
      if (buckets.size >= BUCKET_CACHE_LIMIT) buckets.clear();
      buckets.set(bucket, hit);
    }
    return hit;
  };

  // This connection's key of the current day, so that a URL signed on the same day skips the cache look-up.
  let keyDay = "";
  let dayKey: Buffer | null = null;
  const keyOf = (day: string): Buffer => {
    if (day !== keyDay || dayKey === null) {
      dayKey = signingKeyFor(credentials, region, SERVICE, day);
      keyDay = day;
    }
    return dayKey;
  };

  let last: Dated | null = null;
  const dated = (signingDate: Date, expires: number): Dated => {
    // URLs signed within the same second for the same expiry share everything but their own parts.
    const second = Math.floor(signingDate.getTime() / 1_000);
    if (last !== null && last.second === second && last.expires === expires) return last;
    checkExpiry(expires);
    const amzDate = amzDateOf(signingDate);
    const day = amzDate.slice(0, 8);
    const scope = `${day}/${region}/${SERVICE}/aws4_request`;
    const credential = `${encodedAccessKeyId}%2F${day}%2F${escapeUri(region)}%2F${SERVICE}%2Faws4_request`;
    // In the canonical query the X-Amz-* parameters sort (by code point) before the lower-case operation ones.
    const getCanonical =
      `X-Amz-Algorithm=${ALGORITHM}&X-Amz-Credential=${credential}&X-Amz-Date=${amzDate}&X-Amz-Expires=${expires}` +
      (sessionToken === undefined ? "" : `&X-Amz-Security-Token=${encodedToken}`) +
      "&X-Amz-SignedHeaders=host";
    // In the URL: botocore's order (Algorithm, Credential, Date, Expires, SignedHeaders, Security-Token).
    const getQuery =
      `X-Amz-Algorithm=${ALGORITHM}&X-Amz-Credential=${credential}&X-Amz-Date=${amzDate}&X-Amz-Expires=${expires}&X-Amz-SignedHeaders=host` +
      (sessionToken === undefined ? "" : `&X-Amz-Security-Token=${encodedToken}`);
    last = {
      second,
      amzDate,
      expires,
      signingKey: keyOf(day),
      scope,
      credential,
      stringToSignHead: `${ALGORITHM}\n${amzDate}\n${scope}\n`,
      getCanonical,
      getQuery,
    };
    return last;
  };

  const signature = (d: Dated, canonicalRequest: string): string =>
    createHmac("sha256", d.signingKey)
      .update(d.stringToSignHead + oneShotHash("sha256", canonicalRequest, "hex"), "utf8")
      .digest("hex");

  /** A GET of an object, botocore's shape. */
  const signGet = (d: Dated, input: GetObjectPresignInput): string => {
    if (input.key === "") throw new RangeError("The object key is empty.");
    const { host, prefix } = addressing(input.bucket);
    const path = prefix + encodeKeyPath(input.key);

    let operation = "";
    let canonicalOperation = "";
    // Already in code-point order: response-content-disposition < response-content-type < versionId.
    if (input.responseContentDisposition !== undefined) {
      const pair = `response-content-disposition=${escapeUri(input.responseContentDisposition)}`;
      operation += `${pair}&`;
      canonicalOperation += `&${pair}`;
    }
    if (input.responseContentType !== undefined) {
      const pair = `response-content-type=${escapeUri(input.responseContentType)}`;
      operation += `${pair}&`;
      canonicalOperation += `&${pair}`;
    }
    if (input.versionId !== undefined) {
      const pair = `versionId=${escapeUri(input.versionId)}`;
      operation += `${pair}&`;
      canonicalOperation += `&${pair}`;
    }

    const canonicalRequest = `GET\n${path}\n${d.getCanonical}${canonicalOperation}\nhost:${host}\n\nhost\nUNSIGNED-PAYLOAD`;
    return `${protocol}//${host}${path}?${operation}${d.getQuery}&X-Amz-Signature=${signature(d, canonicalRequest)}`;
  };

  /** An upload operation, `getSignedUrl`'s shape: every parameter in code-point order, the signature among them. */
  const signOperation = (d: Dated, input: OperationPresignInput): string => {
    if (input.key === "") throw new RangeError("The object key is empty.");
    const { host, prefix } = addressing(input.bucket);
    const path = prefix + encodeKeyPath(input.key);
    const spec: OperationSpec = OPERATIONS[input.operation];

    // The operation's own parameters, in code-point order: partNumber < uploadId < uploads < x-id.
    let operation = "";
    if (spec.partNumber) {
      const part = input.partNumber;
      if (part === undefined || !Number.isInteger(part) || part < 1 || part > 10_000) throw new RangeError("The part number must be from 1 to 10,000.");
      operation += `&partNumber=${part}`;
    }
    if (spec.uploadId) {
      if (!input.uploadId) throw new RangeError("The multipart upload's id is missing.");
      operation += `&uploadId=${escapeUri(input.uploadId)}`;
    }
    if (spec.uploads) operation += "&uploads=";
    if (spec.xId) operation += `&x-id=${spec.xId}`;

    let canonicalHeaders = `host:${host}\n`;
    let signedHeaders = "host";
    if (spec.contentLength) {
      const length = input.contentLength;
      if (length === undefined || !Number.isSafeInteger(length) || length < 0) throw new RangeError("The part's length must be a whole number of bytes.");
      canonicalHeaders = `content-length:${length}\n${canonicalHeaders}`;
      signedHeaders = "content-length%3Bhost";
    }

    const head =
      `X-Amz-Algorithm=${ALGORITHM}&X-Amz-Content-Sha256=UNSIGNED-PAYLOAD&X-Amz-Credential=${d.credential}` +
      `&X-Amz-Date=${d.amzDate}&X-Amz-Expires=${d.expires}` +
      (sessionToken === undefined ? "" : `&X-Amz-Security-Token=${encodedToken}`);
    const tail = `X-Amz-SignedHeaders=${signedHeaders}${operation}`;
    const canonicalRequest = `${spec.method}\n${path}\n${head}&${tail}\n${canonicalHeaders}\n${spec.contentLength ? "content-length;host" : "host"}\nUNSIGNED-PAYLOAD`;
    return `${protocol}//${host}${path}?${head}&X-Amz-Signature=${signature(d, canonicalRequest)}&${tail}`;
  };

  /**
   * A bucket request the app sends itself (ListObjectsV2), signed in its Authorization header as the SDK signs its own
   * calls: every storage accepts that form, where not all accept a presigned listing. The query's parameters go in
   * code-point order; the body is empty.
   */
  const signBucketRequest = (signingDate: Date, input: BucketRequestInput): SignedRequest => {
    const { host, prefix: bucketPath } = addressing(input.bucket);
    const d = dated(signingDate, HEADER_SIGNED_SECONDS);
    const query = Object.keys(input.query)
      .sort()
      .map((name) => `${escapeUri(name)}=${escapeUri(input.query[name]!)}`)
      .join("&");
    const canonicalHeaders =
      `host:${host}\nx-amz-content-sha256:${EMPTY_SHA256}\nx-amz-date:${d.amzDate}\n` +
      (sessionToken === undefined ? "" : `x-amz-security-token:${sessionToken}\n`);
    const signedHeaders = sessionToken === undefined ? "host;x-amz-content-sha256;x-amz-date" : "host;x-amz-content-sha256;x-amz-date;x-amz-security-token";
    const canonicalRequest = `${input.method}\n${bucketPath}\n${query}\n${canonicalHeaders}\n${signedHeaders}\n${EMPTY_SHA256}`;
    const headers: Record<string, string> = {
      host,
      "x-amz-content-sha256": EMPTY_SHA256,
      "x-amz-date": d.amzDate,
      authorization: `${ALGORITHM} Credential=${credentials.accessKeyId}/${d.scope}, SignedHeaders=${signedHeaders}, Signature=${signature(d, canonicalRequest)}`,
    };
    if (sessionToken !== undefined) headers["x-amz-security-token"] = sessionToken;
    return { url: `${protocol}//${host}${bucketPath}${query === "" ? "" : `?${query}`}`, headers };
  };

  return { dated, signGet, signOperation, signBucketRequest };
}

// ---------- What the app calls ----------

/** SHA-256 of an empty body, the payload hash of a request without one. */
const EMPTY_SHA256 = oneShotHash("sha256", "", "hex");
/** A header-signed request carries no expiry of its own; the signing instant's shared parts are looked up with this. */
const HEADER_SIGNED_SECONDS = 60;

/** A request to a bucket itself (its path, no key), with its query parameters. */
export type BucketRequestInput = { method: "GET"; bucket: string; query: Record<string, string> };

/** A request ready to send: its URL and the headers that carry (and were covered by) its signature. */
export type SignedRequest = { url: string; headers: Record<string, string> };

export type GetObjectPresignInput = {
  bucket: string;
  key: string;
  responseContentDisposition?: string;
  responseContentType?: string;
  /** A version of the object (versioned buckets): the `versionId` query parameter. */
  versionId?: string;
};

/** Backwards-compatible name of a manifest's input. */
export type BatchPresignInput = GetObjectPresignInput;

export type BatchPresigner = (input: GetObjectPresignInput) => string;

type OperationSpec = { method: string; uploads?: boolean; partNumber?: boolean; uploadId?: boolean; contentLength?: boolean; xId?: string };

/** The storage operations of an upload that can be presigned, with what each URL carries. */
const OPERATIONS = {
  CreateMultipartUpload: { method: "POST", uploads: true },
  UploadPart: { method: "PUT", partNumber: true, uploadId: true, contentLength: true, xId: "UploadPart" },
  ListParts: { method: "GET", uploadId: true, xId: "ListParts" },
  CompleteMultipartUpload: { method: "POST", uploadId: true },
  AbortMultipartUpload: { method: "DELETE", uploadId: true, xId: "AbortMultipartUpload" },
  PutObject: { method: "PUT", xId: "PutObject" },
  /** The link health checker's HEAD (lib/health/checker.ts), sent with node:http rather than the SDK. */
  HeadObject: { method: "HEAD" },
} as const satisfies Record<string, OperationSpec>;

export type PresignedOperation = keyof typeof OPERATIONS;

export type OperationPresignInput = {
  operation: PresignedOperation;
  bucket: string;
  key: string;
  /** UploadPart, ListParts, CompleteMultipartUpload, AbortMultipartUpload. */
  uploadId?: string;
  /** UploadPart: 1 to 10,000. */
  partNumber?: number;
  /** UploadPart: the part's exact size in bytes, signed as the Content-Length header. */
  contentLength?: number;
  expiresInSeconds: number;
  /** Defaults to now. The URL is valid from this instant for `expiresInSeconds`. */
  signingDate?: Date;
};

/** The HTTP method a presigned operation's URL must be requested with. */
export function operationMethod(operation: PresignedOperation): string {
  return OPERATIONS[operation].method;
}

/**
 * Many presigned GET URLs with one signing date and one expiry (a share's manifest). The signing key comes from
 * the cache; each URL then costs one SHA-256 and one HMAC.
 */
export function createBatchPresigner(target: PresignTarget, options: { signingDate: Date; expiresInSeconds: number }): BatchPresigner {
  const signer = createSigner(target);
  const d = signer.dated(options.signingDate, options.expiresInSeconds);
  return (input) => signer.signGet(d, input);
}

export type PresignGetInput = GetObjectPresignInput & {
  expiresInSeconds: number;
  /** Defaults to now. The URL is valid from this instant for `expiresInSeconds`. */
  signingDate?: Date;
};

/** One connection's signer, kept with its S3 client (lib/storage/client.ts). */
export type UrlPresigner = {
  /** A GET of an object (a link, a download, a preview). Async for its callers; the work is synchronous. */
  presignGet(input: PresignGetInput): Promise<string>;
  /** The same, synchronously. */
  presignGetSync(input: PresignGetInput): string;
  /** An upload operation's URL (UploadPart with its signed Content-Length, ListParts, …), synchronously. */
  presignOperation(input: OperationPresignInput): string;
  /** A bucket request signed in its headers, now or at `signingDate` (lib/storage/list-objects.ts). */
  signBucketRequest(input: BucketRequestInput, signingDate?: Date): SignedRequest;
};

export function createUrlPresigner(target: PresignTarget): UrlPresigner {
  const signer = createSigner(target);
  const presignGetSync = (input: PresignGetInput): string => signer.signGet(signer.dated(input.signingDate ?? new Date(), input.expiresInSeconds), input);
  return {
    presignGetSync,
    async presignGet(input) {
      return presignGetSync(input);
    },
    presignOperation(input) {
      return signer.signOperation(signer.dated(input.signingDate ?? new Date(), input.expiresInSeconds), input);
    },
    signBucketRequest(input, signingDate) {
      return signer.signBucketRequest(signingDate ?? new Date(), input);
    },
  };
}
