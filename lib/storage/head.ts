import "server-only";
import { type ClientRequest, Agent as HttpAgent, type IncomingMessage, request as httpRequest } from "node:http";
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

function answerOf(response: IncomingMessage): HeadAnswer {
  const status = response.statusCode ?? 0;
  if (status >= 200 && status < 300) {
    const size = Number(header(response, "content-length") ?? Number.NaN);
    return { found: true, etag: header(response, "etag"), versionId: header(response, "x-amz-version-id"), size: Number.isFinite(size) ? size : null };
  }
  return { found: false, status, code: header(response, "x-amz-error-code") };
}

/** When a HEAD must have ended (a performance.now() time: monotonic), and the limit it was given (its StorageTimeoutError says it). */
type Deadline = { at: number; ms: number };

/**
 * One HEAD, settled once: by storage's answer, a network error, the caller's `signal` or the deadline. The request is
 * destroyed by hand rather than handed the signal (node:http wires a signal through a stream end-of-life watcher per
 * request, which cost more CPU than a download's own checks, `npm run bench:redirect`); the signal's listener is this
 * object (handleEvent), not a closure made per request.
 */
class HeadOnce {
  readonly answer: Promise<HeadAnswer>;
  readonly #signal: AbortSignal | null;
  #request: ClientRequest | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #reject: ((error: unknown) => void) | undefined;

  constructor(url: string, signal: AbortSignal | null, deadline: Deadline | null) {
    this.#signal = signal;
    this.answer = new Promise<HeadAnswer>((resolve, reject) => {
      this.#reject = reject;
      const secure = url.startsWith("https:");
      const send = secure ? httpsRequest : httpRequest;
      this.#request = send(url, { method: "HEAD", agent: secure ? agents.https : agents.http }, (response) => {
        this.#done();
        response.resume();
        resolve(answerOf(response));
      });
      this.#request.on("error", (error) => {
        this.#done();
        reject(error);
      });
    });
    if (deadline) this.#timer = setTimeout(() => this.#stop(new StorageTimeoutError(deadline.ms)), Math.max(0, deadline.at - performance.now()));
    if (signal?.aborted) this.handleEvent();
    else signal?.addEventListener("abort", this, { once: true });
    this.#request!.end();
  }

  /** The caller's signal aborted. */
  handleEvent(): void {
    const reason: unknown = this.#signal?.reason;
    this.#stop(reason instanceof Error ? reason : new Error("The HEAD was aborted."));
  }

  #stop(error: Error): void {
    this.#done();
    this.#request!.destroy(error);
    this.#reject!(error);
  }

  #done(): void {
    clearTimeout(this.#timer);
    this.#signal?.removeEventListener("abort", this);
  }
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
      const answer = await new HeadOnce(url, signal, deadline).answer;
      if (answer.found || (answer.status < 500 && answer.status !== 429) || attempt >= attempts) return answer;
    } catch (error) {
      if (signal?.aborted || error instanceof StorageTimeoutError || attempt >= attempts) throw error;
    }
  }
}
