import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { getSignedUrl, S3RequestPresigner } from "@aws-sdk/s3-request-presigner";
import { HttpRequest } from "@smithy/core/protocols";
import { Hash } from "@smithy/core/serde";
import type { FinalizeRequestMiddleware, MetadataBearer } from "@smithy/types";
import type { OperationPresignInput, PresignGetInput, PresignTarget } from "@/lib/storage/presign";

/**
 * The AWS SDK's presigners, as references for the app's own signer (lib/storage/presign-batch.ts), which must give
 * the same URLs byte for byte:
 * - `sdkPresignGet`: what the app's GET URLs were made with until the SDK path was removed: the SDK's
 *   `S3RequestPresigner` signing a hand-built GET (botocore's shape, the AWS CLI's URL; no `x-id`, no
 *   `X-Amz-Content-Sha256` in the query), then the query written in botocore's order;
 * - `sdkPresignOperation`: `getSignedUrl(new S3Client(…), new UploadPartCommand(…))` and the other upload commands,
 *   exactly what lib/uploads/sign.ts handed to the browser before (UploadPart with its Content-Length signed).
 */

const CONTENT_SHA256 = "x-amz-content-sha256";
const IPV4 = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]\d|\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]\d|\d)){3}$/;
const HOST_LABEL = /^(?!.*-$)(?!-)[a-z0-9-]{3,63}$/;

function escapeUri(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function queryValue(query: Record<string, string | string[] | null>, name: string): string {
  const value = query[name];
  if (typeof value !== "string") throw new Error(`The SDK's signer returned no ${name}.`);
  return value;
}

export function sdkGetPresigner(target: PresignTarget): (input: PresignGetInput & { signingDate: Date }) => Promise<string> {
  const endpoint = new URL(target.endpoint);
  const protocol = endpoint.protocol;
  const hostname = endpoint.hostname;
  const port = endpoint.port === "" ? undefined : Number(endpoint.port);
  const basePath = endpoint.pathname.replace(/\/+$/, "");
  const pathStyleOnly = target.forcePathStyle || IPV4.test(hostname) || (hostname.startsWith("[") && hostname.endsWith("]"));
  const { accessKeyId, secretAccessKey, sessionToken } = target.credentials;
  const presigner = new S3RequestPresigner({
    credentials: sessionToken ? { accessKeyId, secretAccessKey, sessionToken } : { accessKeyId, secretAccessKey },
    region: target.region,
    sha256: Hash.bind(null, "sha256"),
  });

  return async (input) => {
    const virtual = !pathStyleOnly && HOST_LABEL.test(input.bucket) && !IPV4.test(input.bucket);
    const host = virtual ? `${input.bucket}.${hostname}` : hostname;
    const keyPath = escapeUri(input.key).replace(/%2F/g, "/");
    const path = virtual ? `${basePath}/${keyPath}` : `${basePath}/${escapeUri(input.bucket)}/${keyPath}`;
    const operationParams: [string, string][] = [];
    if (input.responseContentDisposition !== undefined) operationParams.push(["response-content-disposition", input.responseContentDisposition]);
    if (input.responseContentType !== undefined) operationParams.push(["response-content-type", input.responseContentType]);
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
      signingDate: input.signingDate,
      unhoistableHeaders: new Set([CONTENT_SHA256]),
      unsignableHeaders: new Set([CONTENT_SHA256]),
    });
    const q = signed.query ?? {};
    const params: [string, string][] = [
      ...operationParams,
      ...["X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires", "X-Amz-SignedHeaders"].map(
        (name) => [name, queryValue(q, name)] as [string, string],
      ),
    ];
    if (sessionToken) params.push(["X-Amz-Security-Token", queryValue(q, "X-Amz-Security-Token")]);
    params.push(["X-Amz-Signature", queryValue(q, "X-Amz-Signature")]);
    if (Object.keys(q).length !== params.length) throw new Error(`The SDK's signer returned other parameters: ${Object.keys(q).join(", ")}.`);
    const authority = port === undefined ? host : `${host}:${port}`;
    return `${protocol}//${authority}${path}?${params.map(([k, v]) => `${k}=${escapeUri(v)}`).join("&")}`;
  };
}

export function sdkOperationPresigner(target: PresignTarget): {
  presign: (input: OperationPresignInput & { signingDate: Date }) => Promise<string>;
  destroy: () => void;
} {
  const s3 = new S3Client({
    endpoint: target.endpoint,
    region: target.region,
    forcePathStyle: target.forcePathStyle,
    credentials: target.credentials,
    // As the app's client (lib/storage/client.ts): no checksum parameter baked into a URL.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
  const presign = (input: OperationPresignInput & { signingDate: Date }) => {
    const common = { Bucket: input.bucket, Key: input.key };
    const options = { expiresIn: input.expiresInSeconds, signingDate: input.signingDate };
    switch (input.operation) {
      case "UploadPart":
        return getSignedUrl(
          s3,
          new UploadPartCommand({ ...common, UploadId: input.uploadId, PartNumber: input.partNumber, ContentLength: input.contentLength }),
          { ...options, signableHeaders: new Set(["content-length"]) },
        );
      case "ListParts":
        return getSignedUrl(s3, new ListPartsCommand({ ...common, UploadId: input.uploadId }), options);
      case "CreateMultipartUpload":
        return getSignedUrl(s3, new CreateMultipartUploadCommand(common), options);
      case "CompleteMultipartUpload":
        return getSignedUrl(s3, new CompleteMultipartUploadCommand({ ...common, UploadId: input.uploadId }), options);
      case "AbortMultipartUpload":
        return getSignedUrl(s3, new AbortMultipartUploadCommand({ ...common, UploadId: input.uploadId }), options);
      case "PutObject":
        return getSignedUrl(s3, new PutObjectCommand(common), options);
      case "HeadObject":
        return getSignedUrl(s3, new HeadObjectCommand(common), options);
    }
  };
  return { presign, destroy: () => s3.destroy() };
}

/** What the app's listing sends: its URL and the headers its signature covers. */
type ListInput = { bucket: string; prefix: string; delimiter: string; maxKeys: number; continuationToken?: string };

/**
 * The request the SDK sends for `ListObjectsV2Command` at the current (faked) time, caught before it leaves: its URL and
 * Authorization header. The SDK's own headers that the app does not send (its invocation id, attempt count and user
 * agent) are taken off before it signs, so that both sign the same headers: host, x-amz-content-sha256, x-amz-date
 * and, with temporary credentials, x-amz-security-token.
 */
export async function sdkListObjectsRequest(target: PresignTarget, input: ListInput): Promise<{ url: string; authorization: string }> {
  let caught: HttpRequest | undefined;
  const s3 = new S3Client({
    endpoint: target.endpoint.replace(/\/+$/, ""),
    region: target.region,
    forcePathStyle: target.forcePathStyle,
    credentials: target.credentials,
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    maxAttempts: 1,
    requestHandler: {
      handle: async (request: HttpRequest) => {
        caught = request;
        throw new Error("caught before sending");
      },
    },
  });
  const onlyTheAppsHeaders: FinalizeRequestMiddleware<object, MetadataBearer> = (next) => async (args) => {
    const request = args.request as HttpRequest;
    for (const name of Object.keys(request.headers)) if (name.toLowerCase() !== "host") delete request.headers[name];
    return next(args);
  };
  s3.middlewareStack.addRelativeTo(onlyTheAppsHeaders, { relation: "before", toMiddleware: "httpSigningMiddleware", name: "onlyTheAppsHeaders" });
  try {
    await s3.send(
      new ListObjectsV2Command({
        Bucket: input.bucket,
        Prefix: input.prefix,
        Delimiter: input.delimiter,
        MaxKeys: input.maxKeys,
        ContinuationToken: input.continuationToken,
      }),
    );
  } catch {
    // Caught before sending, as intended.
  } finally {
    s3.destroy();
  }
  if (!caught) throw new Error("The SDK sent no request.");
  const query = Object.entries(caught.query)
    .map(([name, value]) => [name, String(value)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => `${escapeUri(name)}=${escapeUri(value)}`)
    .join("&");
  const authority = caught.port === undefined ? caught.hostname : `${caught.hostname}:${caught.port}`;
  return { url: `${caught.protocol}//${authority}${caught.path}${query ? `?${query}` : ""}`, authorization: String(caught.headers.authorization) };
}
