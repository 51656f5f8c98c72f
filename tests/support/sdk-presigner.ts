import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  ListPartsCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { getSignedUrl, S3RequestPresigner } from "@aws-sdk/s3-request-presigner";
import { HttpRequest } from "@smithy/core/protocols";
import { Hash } from "@smithy/core/serde";
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
