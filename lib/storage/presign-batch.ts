import { createHmac, hash as oneShotHash } from "node:crypto";
import { encodeKeyPath, MAX_PRESIGN_SECONDS, MIN_PRESIGN_SECONDS, type PresignTarget } from "@/lib/storage/presign";

/**
 * Many presigned GET URLs with one signing date and one expiry (a share's manifest): SigV4 query
 * signing done directly with node:crypto, synchronously. The signing key (four HMACs) is derived
 * once per batch; each URL then costs one SHA-256 and one HMAC. That is several times faster than
 * `createUrlPresigner(...).presignGet`, whose async path through the SDK's signer costs
 * ~0.07–0.12 ms per URL here (tests/bench/manifest.ts: the manifest needs ≥ 20,000 URLs/s).
 *
 * The URLs are byte for byte those of lib/storage/presign.ts for the same inputs and signing
 * date (same addressing, parameter order and encoding): tests/unit/presign-batch.test.ts checks
 * it against that presigner, and the manifest's integration test downloads through them.
 */

export type BatchPresignInput = {
  bucket: string;
  key: string;
  responseContentDisposition?: string;
  responseContentType?: string;
  versionId?: string;
};

export type BatchPresigner = (input: BatchPresignInput) => string;

const IPV4 = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]\d|\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]\d|\d)){3}$/;
const HOST_LABEL = /^(?!.*-$)(?!-)[a-z0-9-]{3,63}$/;
const ESCAPED_EXTRA = /[!'()*]/g;

/** RFC 3986 unreserved characters stay, everything else is percent-encoded (UTF-8 bytes). */
function escapeUri(value: string): string {
  return encodeURIComponent(value).replace(ESCAPED_EXTRA, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac("sha256", key).update(data, "utf8").digest();
}

/** "20261129T110000Z" and "20261129" for a date (whole seconds, UTC). */
function amzDates(date: Date): { amzDate: string; shortDate: string } {
  const iso = date
    .toISOString()
    .replace(/\.\d{3}Z$/, "Z")
    .replace(/[-:]/g, "");
  return { amzDate: iso, shortDate: iso.slice(0, 8) };
}

export function createBatchPresigner(target: PresignTarget, options: { signingDate: Date; expiresInSeconds: number }): BatchPresigner {
  const expires = options.expiresInSeconds;
  if (!Number.isInteger(expires) || expires < MIN_PRESIGN_SECONDS || expires > MAX_PRESIGN_SECONDS) {
    throw new RangeError(`expiresInSeconds must be a whole number from ${MIN_PRESIGN_SECONDS} to ${MAX_PRESIGN_SECONDS} (got ${expires}).`);
  }
  const endpoint = new URL(target.endpoint);
  if (endpoint.protocol !== "https:" && endpoint.protocol !== "http:") {
    throw new TypeError(`The endpoint must be an http(s) URL (got ${endpoint.protocol}).`);
  }
  const protocol = endpoint.protocol;
  const hostname = endpoint.hostname;
  const portSuffix = endpoint.port === "" ? "" : `:${endpoint.port}`;
  const basePath = endpoint.pathname.replace(/\/+$/, "");
  const pathStyleOnly = target.forcePathStyle || IPV4.test(hostname) || (hostname.startsWith("[") && hostname.endsWith("]"));

  const { accessKeyId, secretAccessKey, sessionToken } = target.credentials;
  const { amzDate, shortDate } = amzDates(options.signingDate);
  const scope = `${shortDate}/${target.region}/s3/aws4_request`;
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, shortDate), target.region), "s3"), "aws4_request");

  // The X-Amz-* parameters, the same for every URL of the batch. In the canonical query they
  // sort (by code point) before the lower-case operation parameters.
  const amzCanonical = [
    ["X-Amz-Algorithm", "AWS4-HMAC-SHA256"],
    ["X-Amz-Credential", `${accessKeyId}/${scope}`],
    ["X-Amz-Date", amzDate],
    ["X-Amz-Expires", String(expires)],
    ...(sessionToken ? [["X-Amz-Security-Token", sessionToken]] : []),
    ["X-Amz-SignedHeaders", "host"],
  ]
    .map(([k, v]) => `${k}=${escapeUri(v!)}`)
    .join("&");
  // In the URL: presign.ts's order (Algorithm, Credential, Date, Expires, SignedHeaders, Security-Token).
  const amzQuery =
    `X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=${escapeUri(`${accessKeyId}/${scope}`)}` +
    `&X-Amz-Date=${amzDate}&X-Amz-Expires=${expires}&X-Amz-SignedHeaders=host` +
    (sessionToken ? `&X-Amz-Security-Token=${escapeUri(sessionToken)}` : "");
  const stringToSignHead = `AWS4-HMAC-SHA256\n${amzDate}\n${scope}\n`;

  const bucketCache = new Map<string, { host: string; prefix: string }>();
  const addressing = (bucket: string) => {
    let hit = bucketCache.get(bucket);
    if (!hit) {
      if (bucket === "") throw new RangeError("The bucket name is empty.");
      const virtual = !pathStyleOnly && HOST_LABEL.test(bucket) && !IPV4.test(bucket);
      hit = virtual
        ? { host: `${bucket}.${hostname}${portSuffix}`, prefix: `${basePath}/` }
        : { host: `${hostname}${portSuffix}`, prefix: `${basePath}/${escapeUri(bucket)}/` };
      bucketCache.set(bucket, hit);
    }
    return hit;
  };

  return (input) => {
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

    const canonicalRequest = `GET\n${path}\n${amzCanonical}${canonicalOperation}\nhost:${host}\n\nhost\nUNSIGNED-PAYLOAD`;
    const hash = oneShotHash("sha256", canonicalRequest, "hex");
    const signature = createHmac("sha256", signingKey)
      .update(stringToSignHead + hash, "utf8")
      .digest("hex");
    return `${protocol}//${host}${path}?${operation}${amzQuery}&X-Amz-Signature=${signature}`;
  };
}
