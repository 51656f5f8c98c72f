import "server-only";
import type { IncomingMessage } from "node:http";
import { StorageTimeoutError } from "@/lib/storage/deadline";
import { RequestOnce, retryable, StorageAnswerError } from "@/lib/storage/signed-request";
import type { UrlPresigner } from "@/lib/storage/presign";

/**
 * HeadObject without the AWS SDK: a HEAD of a URL from the one signer (lib/storage/presign-batch.ts, operation
 * "HeadObject"), sent with node:http on kept-alive sockets (lib/storage/signed-request.ts). The pin check of every download of a pinned link makes
 * one (lib/recipient/object.ts); the SDK's HeadObjectCommand cost more CPU than the whole rest of such a download
 * (`npm run bench:redirect`). A HEAD answer has no body, so its status and two headers are all there is to read.
 * Like the SDK's clients (maxAttempts 2), a network error or a 5xx/429 is tried once more, unless the caller asks for
 * one attempt (the link health checker: a throttle is an answer it paces itself by).
 */

/** What storage answered: the object's ETag and version id, or the status (and S3 error code, when named) of a refusal. */
export type HeadAnswer =
  | { found: true; etag: string | null; versionId: string | null; size: number | null }
  | { found: false; status: number; code: string | null };

/** A refusal that is not "no such object" (403, 5xx, …): a fault, read by describeStorageError like the SDK's. */
export class HeadObjectError extends StorageAnswerError {
  constructor(status: number, code: string | null) {
    super("HeadObject", status, code);
  }
}

/** A URL lives this long; it is used at once (a minute covers a clock a little apart from storage's). */
const HEAD_URL_SECONDS = 60;

function header(response: IncomingMessage, name: string): string | null {
  const value = response.headers[name];
  return typeof value === "string" && value !== "" ? value : null;
}

function answerOf(response: IncomingMessage): HeadAnswer {
  const status = response.statusCode ?? 0;
  if (status >= 200 && status < 300) {
    const size = Number(header(response, "content-length") ?? Number.NaN);
    return { found: true, etag: header(response, "etag"), versionId: header(response, "x-amz-version-id"), size: Number.isFinite(size) ? size : null };
  }
  return { found: false, status, code: header(response, "x-amz-error-code") };
}

/**
 * HeadObject of the current object at bucket/key: found (ETag, version id), or storage's refusal. Rejects with a
 * network error, an abort (`signal`: the caller's deadline), a StorageTimeoutError once `deadlineMs` have passed
 * (tries included), or after a second 5xx/429.
 */
export async function headObject(
  presigner: UrlPresigner,
  bucket: string,
  key: string,
  signal: AbortSignal | null,
  options: { attempts?: 1 | 2; deadlineMs?: number } = {},
): Promise<HeadAnswer> {
  const attempts = options.attempts ?? 2;
  const ms = options.deadlineMs;
  const deadline = ms === undefined ? null : { at: performance.now() + ms, ms };
  for (let attempt = 1; ; attempt++) {
    const url = presigner.presignOperation({ operation: "HeadObject", bucket, key, expiresInSeconds: HEAD_URL_SECONDS });
    try {
      const answer = await new RequestOnce("HEAD", url, undefined, signal, deadline, answerOf).answer;
      if (answer.found || !retryable(answer.status) || attempt >= attempts) return answer;
    } catch (error) {
      if (signal?.aborted || error instanceof StorageTimeoutError || attempt >= attempts) throw error;
    }
  }
}
