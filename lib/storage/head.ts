import "server-only";
import { Agent as HttpAgent, type IncomingMessage, request as httpRequest } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { StorageTimeoutError } from "@/lib/storage/deadline";
import type { UrlPresigner } from "@/lib/storage/presign";

/**
 * HeadObject without the AWS SDK: a HEAD of a URL from the one signer (lib/storage/presign-batch.ts, operation
 * "HeadObject"), sent with node:http on kept-alive sockets. The pin check of every download of a pinned link makes
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
export class HeadObjectError extends Error {
  readonly $metadata: { httpStatusCode: number };
  constructor(
    readonly status: number,
    readonly Code: string | null,
  ) {
    super(`HeadObject answered ${status}${Code ? ` ${Code}` : ""}`);
    this.name = Code ?? (status === 403 ? "AccessDenied" : "StorageError");
    this.$metadata = { httpStatusCode: status };
  }
}

/** A URL lives this long; it is used at once (a minute covers a clock a little apart from storage's). */
const HEAD_URL_SECONDS = 60;
// The SDK's default of 50 sockets per host, kept alive.
const agentOptions = { keepAlive: true, maxSockets: 50 };
const agents = { http: new HttpAgent(agentOptions), https: new HttpsAgent(agentOptions) };

function header(response: IncomingMessage, name: string): string | null {
  const value = response.headers[name];
  return typeof value === "string" && value !== "" ? value : null;
}

/**
 * One HEAD. `signal` and `deadlineAt` (a Date.now() time) end it with their reason: the request is destroyed by hand
 * rather than handed the signal (node:http wires a signal through a stream end-of-life watcher per request, which cost
 * more CPU than a download's own checks, `npm run bench:redirect`).
 */
function headOnce(url: string, signal: AbortSignal | null, deadline: { at: number; error: () => Error } | null): Promise<HeadAnswer> {
  return new Promise((resolve, reject) => {
    const secure = url.startsWith("https:");
    const send = secure ? httpsRequest : httpRequest;
    const request = send(url, { method: "HEAD", agent: secure ? agents.https : agents.http }, (response) => {
      done();
      response.resume();
      const status = response.statusCode ?? 0;
      if (status >= 200 && status < 300) {
        const size = Number(header(response, "content-length") ?? Number.NaN);
        resolve({ found: true, etag: header(response, "etag"), versionId: header(response, "x-amz-version-id"), size: Number.isFinite(size) ? size : null });
      } else resolve({ found: false, status, code: header(response, "x-amz-error-code") });
    });
    const stop = (error: Error) => {
      done();
      request.destroy(error);
      reject(error);
    };
    const onAbort = () => stop(signal!.reason instanceof Error ? signal!.reason : new Error("aborted"));
    const timer = deadline ? setTimeout(() => stop(deadline.error()), Math.max(0, deadline.at - Date.now())) : undefined;
    if (signal) {
      if (signal.aborted) onAbort();
      else signal.addEventListener("abort", onAbort, { once: true });
    }
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    }
    request.on("error", (error) => {
      done();
      reject(error);
    });
    request.end();
  });
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
  const deadline = ms === undefined ? null : { at: Date.now() + ms, error: () => new StorageTimeoutError(ms) };
  for (let attempt = 1; ; attempt++) {
    const url = presigner.presignOperation({ operation: "HeadObject", bucket, key, expiresInSeconds: HEAD_URL_SECONDS });
    try {
      const answer = await headOnce(url, signal, deadline);
      if (answer.found || (answer.status < 500 && answer.status !== 429) || attempt >= attempts) return answer;
    } catch (error) {
      if (signal?.aborted || error instanceof StorageTimeoutError || attempt >= attempts) throw error;
    }
  }
}
