import { S3RequestPresigner } from "@aws-sdk/s3-request-presigner";
import { HttpRequest } from "@smithy/core/protocols";
import { Hash } from "@smithy/core/serde";

/**
 * Presigned S3 GET URLs, fast: one `S3RequestPresigner` per connection signs a hand-built
 * request, instead of running a `GetObjectCommand` through the whole client middleware stack
 * for every link (~10× cheaper, see tests/bench/presign.ts).
 *
 * The URL is byte for byte what `aws s3 presign` (botocore) produces for the same inputs:
 * - the path is the key's UTF-8 bytes percent-encoded except `A-Za-z0-9-._~` and `/`
 *   (a key's slashes, double and leading ones included, are kept);
 * - query: `response-content-disposition`, `response-content-type` (when given), then
 *   `X-Amz-Algorithm`, `X-Amz-Credential`, `X-Amz-Date`, `X-Amz-Expires`, `X-Amz-SignedHeaders`,
 *   `X-Amz-Security-Token` (with a session token), `X-Amz-Signature`. Nothing else.
 * `getSignedUrl(client, new GetObjectCommand(...))` differs: it adds `x-id=GetObject` and a
 * signed `X-Amz-Content-Sha256=UNSIGNED-PAYLOAD` query parameter and sorts the parameters. Both
 * kinds are valid; ours are shorter and match the CLI's.
 *
 * Addressing follows the SDK's endpoint rules: virtual-hosted (`https://bucket.host/key`) unless
 * `forcePathStyle`, the endpoint's host is an IP address, or the bucket is not a valid lowercase
 * DNS label without dots (then path-style `https://host/bucket/key`). An endpoint's port and path
 * prefix are kept.
 */

export type PresignCredentials = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };

export type PresignTarget = {
  endpoint: string;
  region: string;
  forcePathStyle: boolean;
  credentials: PresignCredentials;
};

export type PresignGetInput = {
  bucket: string;
  key: string;
  expiresInSeconds: number;
  responseContentDisposition?: string;
  responseContentType?: string;
  /** A version of the object (versioned buckets): the `versionId` query parameter. */
  versionId?: string;
  /** Defaults to now. The URL is valid from this instant for `expiresInSeconds`. */
  signingDate?: Date;
};

export type UrlPresigner = { presignGet(input: PresignGetInput): Promise<string> };

/** SigV4's limit: a signing key lives 7 days. */
export const MAX_PRESIGN_SECONDS = 604_800;
/** The presigner accepts 1 s and more; the app's own minimum lives in lib/links/expiry.ts. */
export const MIN_PRESIGN_SECONDS = 1;

// The presigner always sets `X-Amz-Content-Sha256: UNSIGNED-PAYLOAD` (the payload hash the
// signature uses, as botocore does). Keeping it out of the query and out of the signed headers
// gives botocore's URL: the payload hash is UNSIGNED-PAYLOAD either way.
const CONTENT_SHA256 = "x-amz-content-sha256";

/** RFC 3986 unreserved characters stay, everything else is percent-encoded (UTF-8 bytes). */
function escapeUri(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
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

const IPV4 = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]\d|\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]\d|\d)){3}$/;
const HOST_LABEL = /^(?!.*-$)(?!-)[a-z0-9-]{3,63}$/;

/** The SDK's `isVirtualHostableS3Bucket(bucket, false)`: one lowercase DNS label, not an IP. */
function isVirtualHostableBucket(bucket: string): boolean {
  return HOST_LABEL.test(bucket) && !IPV4.test(bucket);
}

function isIpHost(hostname: string): boolean {
  return IPV4.test(hostname) || (hostname.startsWith("[") && hostname.endsWith("]"));
}

function checkExpiry(seconds: number): void {
  if (!Number.isInteger(seconds) || seconds < MIN_PRESIGN_SECONDS || seconds > MAX_PRESIGN_SECONDS) {
    throw new RangeError(`expiresInSeconds must be a whole number from ${MIN_PRESIGN_SECONDS} to ${MAX_PRESIGN_SECONDS} (got ${seconds}).`);
  }
}

function queryValue(query: Record<string, string | string[] | null>, name: string): string {
  const value = query[name];
  if (typeof value !== "string") throw new Error(`The signer returned no ${name}.`);
  return value;
}

export function createUrlPresigner(target: PresignTarget): UrlPresigner {
  const endpoint = new URL(target.endpoint);
  if (endpoint.protocol !== "https:" && endpoint.protocol !== "http:") {
    throw new TypeError(`The endpoint must be an http(s) URL (got ${endpoint.protocol}).`);
  }
  const protocol = endpoint.protocol;
  const hostname = endpoint.hostname;
  // URL drops default ports (443 for https, 80 for http), as both signers do in the host header.
  const port = endpoint.port === "" ? undefined : Number(endpoint.port);
  const basePath = endpoint.pathname.replace(/\/+$/, "");
  const pathStyleOnly = target.forcePathStyle || isIpHost(hostname);

  const { accessKeyId, secretAccessKey, sessionToken } = target.credentials;
  const presigner = new S3RequestPresigner({
    credentials: sessionToken ? { accessKeyId, secretAccessKey, sessionToken } : { accessKeyId, secretAccessKey },
    region: target.region,
    sha256: Hash.bind(null, "sha256"),
  });

  return {
    async presignGet(input) {
      checkExpiry(input.expiresInSeconds);
      if (input.bucket === "") throw new RangeError("The bucket name is empty.");
      if (input.key === "") throw new RangeError("The object key is empty.");

      const virtual = !pathStyleOnly && isVirtualHostableBucket(input.bucket);
      const host = virtual ? `${input.bucket}.${hostname}` : hostname;
      const path = virtual ? `${basePath}/${encodeKeyPath(input.key)}` : `${basePath}/${escapeUri(input.bucket)}/${encodeKeyPath(input.key)}`;

      const operationParams: [string, string][] = [];
      if (input.responseContentDisposition !== undefined) {
        operationParams.push(["response-content-disposition", input.responseContentDisposition]);
      }
      if (input.responseContentType !== undefined) {
        operationParams.push(["response-content-type", input.responseContentType]);
      }
      if (input.versionId !== undefined) operationParams.push(["versionId", input.versionId]);

      const request = new HttpRequest({
        method: "GET",
        protocol,
        hostname: host,
        port,
        path,
        query: Object.fromEntries(operationParams),
        headers: { host: port === undefined ? host : `${host}:${port}` },
      });
      const signed = await presigner.presign(request, {
        expiresIn: input.expiresInSeconds,
        signingDate: input.signingDate ?? new Date(),
        unhoistableHeaders: new Set([CONTENT_SHA256]),
        unsignableHeaders: new Set([CONTENT_SHA256]),
      });

      const q = signed.query ?? {};
      const params: [string, string][] = [
        ...operationParams,
        ["X-Amz-Algorithm", queryValue(q, "X-Amz-Algorithm")],
        ["X-Amz-Credential", queryValue(q, "X-Amz-Credential")],
        ["X-Amz-Date", queryValue(q, "X-Amz-Date")],
        ["X-Amz-Expires", queryValue(q, "X-Amz-Expires")],
        ["X-Amz-SignedHeaders", queryValue(q, "X-Amz-SignedHeaders")],
      ];
      if (sessionToken) params.push(["X-Amz-Security-Token", queryValue(q, "X-Amz-Security-Token")]);
      params.push(["X-Amz-Signature", queryValue(q, "X-Amz-Signature")]);
      // Every parameter that was signed must be in the URL, and only those.
      if (Object.keys(q).length !== params.length) {
        throw new Error(`The signer returned unexpected query parameters: ${Object.keys(q).join(", ")}.`);
      }

      const authority = port === undefined ? host : `${host}:${port}`;
      const search = params.map(([k, v]) => `${k}=${escapeUri(v)}`).join("&");
      return `${protocol}//${authority}${path}?${search}`;
    },
  };
}
