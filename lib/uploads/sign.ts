import { ListPartsCommand, type S3Client } from "@aws-sdk/client-s3";
import { AppError } from "@/lib/errors";
import type { UrlPresigner } from "@/lib/storage/presign";
import { MAX_SIGN_AHEAD, partLength } from "@/lib/uploads/parts";
import { onStorage } from "@/lib/uploads/storage";
import { escapeXml } from "@/lib/uploads/xml";

/**
 * The signer of browser uploads. It knows nothing of sessions or people: whoever calls it (the
 * signed-in owner's route, later an upload request's page) has already checked that the caller may
 * touch this upload; here the request Uppy wants signed is checked against the upload's own row.
 * Each UploadPart URL is signed WITH its exact Content-Length (a body of another size fails the
 * signature at the storage server) and lives 15 minutes. The URLs come from the connection's one signer
 * (lib/storage/presign-batch.ts: node:crypto, the signing key cached per connection and day), byte for byte what
 * the SDK's `getSignedUrl` gives for UploadPartCommand and ListPartsCommand, and never with an x-amz-checksum
 * parameter.
 */

/** How long a part (or ListParts) URL works. */
export const PART_URL_SECONDS = 15 * 60;

/** What the signer needs of an upload row. */
export type SignableUpload = {
  id: string;
  bucket: string;
  key: string;
  size: bigint | number;
  partCount: number;
  multipartId: string | null;
  state: string;
};

/**
 * Uppy's PresignableRequest (@uppy/aws-s3 signRequest), plus `ahead`: with a part's PUT, how many of the
 * following parts to sign as well (Uppy sends one file's parts one after another; URLs signed ahead spare
 * each part a round trip to the app). Nothing else is trusted.
 */
export type SignRequest = { method: "GET" | "PUT" | "POST" | "DELETE"; key: string; uploadId?: string; partNumber?: number; ahead?: number };

/** Uppy's PresignedResponse, plus the parts signed ahead. */
export type SignedRequest = { url: string; method?: string; headers?: Record<string, string>; next?: { partNumber: number; url: string }[] };

export function signUploadPart(
  presigner: UrlPresigner,
  input: { bucket: string; key: string; uploadId: string; partNumber: number; contentLength: number },
): string {
  return presigner.presignOperation({ operation: "UploadPart", ...input, expiresInSeconds: PART_URL_SECONDS });
}

export function signListParts(presigner: UrlPresigner, input: { bucket: string; key: string; uploadId: string }): string {
  return presigner.presignOperation({ operation: "ListParts", ...input, expiresInSeconds: PART_URL_SECONDS });
}

const refuse = (message: string) => new AppError("invalid", `${message} Nothing was signed.`);

/**
 * The app's own paths that stand in for the storage operations the server does itself. `listParts`, when given,
 * stands in for the presigned ListParts too (an upload request's page: S3's answer names the storage account's
 * owner and initiator, so the server lists the parts and answers only their numbers, ETags and sizes).
 */
export type UploadPaths = {
  create: (id: string) => string;
  complete: (id: string) => string;
  abort: (id: string) => string;
  listParts?: (id: string) => string;
};

/** The signed-in person's (app/(app)/uploads/…); an upload request's page has its own under /u/<token>. */
export const uploadPaths: UploadPaths = {
  create: (id: string) => `/uploads/${encodeURIComponent(id)}/create`,
  complete: (id: string) => `/uploads/${encodeURIComponent(id)}/complete`,
  abort: (id: string) => `/uploads/${encodeURIComponent(id)}/abort`,
};

/**
 * Answers one sign request of Uppy for this upload: a presigned UploadPart (PUT) or ListParts (GET)
 * of the row's own key and multipart upload, or the app's path for Create, Complete and Abort.
 * Anything not about this row (another key, another upload id, a part out of range, a single PUT)
 * is refused before anything is signed.
 */
export async function answerSignRequest(
  presigner: UrlPresigner,
  upload: SignableUpload,
  request: SignRequest,
  paths: UploadPaths = uploadPaths,
): Promise<SignedRequest> {
  if (upload.state !== "uploading") throw new AppError("conflict", "This upload is no longer in progress. Nothing was signed.");
  if (request.key !== upload.key) throw refuse("This request is for another object than the upload's.");
  if (request.uploadId === undefined) {
    if (request.method === "POST") return { url: paths.create(upload.id), method: "POST" };
    throw refuse(request.method === "PUT" ? "Every upload goes in parts; a single PUT is not signed." : "This request needs the upload's id.");
  }
  if (upload.multipartId === null || request.uploadId !== upload.multipartId) throw refuse("This request names another upload.");
  switch (request.method) {
    case "PUT": {
      const part = request.partNumber;
      if (part === undefined || !Number.isInteger(part) || part < 1 || part > upload.partCount) {
        throw refuse(`The part number must be from 1 to ${upload.partCount}.`);
      }
      const ahead = Math.max(0, Math.min(request.ahead ?? 0, MAX_SIGN_AHEAD, upload.partCount - part));
      const sign = (partNumber: number) =>
        signUploadPart(presigner, {
          bucket: upload.bucket,
          key: upload.key,
          uploadId: upload.multipartId!,
          partNumber,
          contentLength: partLength(Number(upload.size), partNumber),
        });
      const following = Array.from({ length: ahead }, (_, i) => part + 1 + i);
      const url = sign(part);
      return { url, method: "PUT", ...(ahead > 0 ? { next: following.map((partNumber) => ({ partNumber, url: sign(partNumber) })) } : {}) };
    }
    case "GET":
      if (paths.listParts) return { url: paths.listParts(upload.id), method: "GET" };
      return { url: signListParts(presigner, { bucket: upload.bucket, key: upload.key, uploadId: upload.multipartId }), method: "GET" };
    case "POST":
      return { url: paths.complete(upload.id), method: "POST" };
    case "DELETE":
      return { url: paths.abort(upload.id), method: "DELETE" };
  }
}

/** ListParts pages read at most (1,000 parts a page: S3's 10,000 parts of one upload). */
const LIST_PAGES = 10;

/**
 * ListParts done by the server for the browser (UploadPaths.listParts): every part the storage holds for this
 * upload, as S3's ListPartsResult XML with only PartNumber, ETag and Size (no Owner, Initiator, bucket or key; the
 * pages read here, so IsTruncated is false). @uppy/aws-s3 reads Part/PartNumber and Part/ETag of it to resume.
 */
export async function listPartsForBrowser(s3: S3Client, upload: SignableUpload): Promise<string> {
  if (upload.state !== "uploading" || upload.multipartId === null) throw new AppError("conflict", "This upload is no longer in progress.");
  const parts: { number: number; etag: string; size: number }[] = [];
  let marker: string | undefined;
  for (let page = 0; page < LIST_PAGES; page++) {
    const command = new ListPartsCommand({ Bucket: upload.bucket, Key: upload.key, UploadId: upload.multipartId, PartNumberMarker: marker });
    const answer = await onStorage((abortSignal) => s3.send(command, { abortSignal }));
    for (const part of answer.Parts ?? []) {
      if (part.PartNumber !== undefined && part.ETag) parts.push({ number: part.PartNumber, etag: part.ETag, size: part.Size ?? 0 });
    }
    if (!answer.IsTruncated || !answer.NextPartNumberMarker) break;
    marker = answer.NextPartNumberMarker;
  }
  const inner = parts.map((p) => `<Part><PartNumber>${p.number}</PartNumber><ETag>${escapeXml(p.etag)}</ETag><Size>${p.size}</Size></Part>`).join("");
  return `<?xml version="1.0" encoding="UTF-8"?>\n<ListPartsResult><IsTruncated>false</IsTruncated>${inner}</ListPartsResult>`;
}
