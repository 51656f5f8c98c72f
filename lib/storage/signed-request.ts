import "server-only";
import { type ClientRequest, Agent as HttpAgent, type IncomingMessage, request as httpRequest } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { StorageTimeoutError } from "@/lib/storage/deadline";

/**
 * One storage request the app signs itself (lib/storage/presign-batch.ts) and sends with node:http on kept-alive
 * sockets, without the AWS SDK: the HEAD of a pin or health check (lib/storage/head.ts) and a folder's listing
 * (lib/storage/list-objects.ts). On those paths the SDK's middleware cost more CPU than the app's own work
 * (`npm run bench:redirect`, `npm run bench:list`).
 */

// The SDK's default of 50 sockets per host, kept alive.
const agentOptions = { keepAlive: true, maxSockets: 50 };
const agents = { http: new HttpAgent(agentOptions), https: new HttpsAgent(agentOptions) };

/** A body larger than this is not an answer the app reads (a listing of 1,000 keys is well under 1 MiB). */
export const MAX_ANSWER_BYTES = 8 * 1024 * 1024;

/** When a request must have ended (a performance.now() time: monotonic), and the limit it was given (its StorageTimeoutError says it). */
export type Deadline = { at: number; ms: number };

/** What an S3 error code looks like ("NoSuchBucket", "SignatureDoesNotMatch"); anything else from storage is not kept. */
const ERROR_CODE = /^[A-Za-z0-9.]{1,64}$/;

/** A refusal that is not an answer the caller reads (403, 5xx, …): a fault, read by describeStorageError like the SDK's. */
export class StorageAnswerError extends Error {
  readonly $metadata: { httpStatusCode: number };
  readonly Code: string | null;
  constructor(
    operation: string,
    readonly status: number,
    code: string | null,
  ) {
    // The code comes from storage's answer: only a code's shape is kept (never a long or odd text into a log line).
    const Code = code !== null && ERROR_CODE.test(code) ? code : null;
    super(`${operation} answered ${status}${Code ? ` ${Code}` : ""}`);
    this.Code = Code;
    this.name = Code ?? (status === 403 ? "AccessDenied" : "StorageError");
    this.$metadata = { httpStatusCode: status };
  }
}

/**
 * One request, settled once: by storage's answer (`read` turns the response, and for a GET its whole body, into the
 * result), a network error, the caller's `signal` or the deadline. The request is destroyed by hand rather than handed
 * the signal (node:http wires a signal through a stream end-of-life watcher per request, which cost more CPU than a
 * download's own checks, `npm run bench:redirect`); the signal's listener is this object (handleEvent), not a closure
 * made per request.
 */
export class RequestOnce<T> {
  readonly answer: Promise<T>;
  readonly #signal: AbortSignal | null;
  #request: ClientRequest | undefined;
  /** Settled (answered, failed, stopped): nothing after that is read. */
  #settled = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #reject: ((error: unknown) => void) | undefined;

  constructor(
    method: "HEAD" | "GET",
    url: string,
    headers: Record<string, string> | undefined,
    signal: AbortSignal | null,
    deadline: Deadline | null,
    read: (response: IncomingMessage, body: Buffer | null) => T,
  ) {
    this.#signal = signal;
    this.answer = new Promise<T>((resolve, reject) => {
      this.#reject = reject;
      const secure = url.startsWith("https:");
      const send = secure ? httpsRequest : httpRequest;
      const onResponse = (response: IncomingMessage) => {
        if (this.#settled) return;
        if (method === "HEAD") {
          this.#done();
          response.resume();
          resolve(read(response, null));
          return;
        }
        const length = Number(response.headers["content-length"]);
        if (length > MAX_ANSWER_BYTES) {
          this.#stop(new StorageAnswerError("The storage request", response.statusCode ?? 0, "AnswerTooLarge"));
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        response.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_ANSWER_BYTES) this.#stop(new StorageAnswerError("The storage request", response.statusCode ?? 0, "AnswerTooLarge"));
          else chunks.push(chunk);
        });
        response.on("end", () => {
          if (this.#settled) return;
          this.#done();
          try {
            resolve(read(response, Buffer.concat(chunks, size)));
          } catch (error) {
            reject(error);
          }
        });
        response.on("error", (error) => {
          this.#done();
          reject(error);
        });
      };
      try {
        this.#request = send(url, { method, headers, agent: secure ? agents.https : agents.http }, onResponse);
      } catch (error) {
        // A header node:http refuses (a credential with a character no header may carry): nothing was sent.
        this.#settled = true;
        reject(error);
        return;
      }
      this.#request.on("error", (error) => {
        this.#done();
        reject(error);
      });
    });
    const request = this.#request;
    if (request === undefined) return;
    if (deadline) this.#timer = setTimeout(() => this.#stop(new StorageTimeoutError(deadline.ms)), Math.max(0, deadline.at - performance.now()));
    if (signal?.aborted) this.handleEvent();
    else signal?.addEventListener("abort", this, { once: true });
    request.end();
  }

  /** The caller's signal aborted. */
  handleEvent(): void {
    const reason: unknown = this.#signal?.reason;
    this.#stop(reason instanceof Error ? reason : new Error("The storage request was aborted."));
  }

  #stop(error: Error): void {
    this.#done();
    this.#request?.destroy(error);
    this.#reject!(error);
  }

  #done(): void {
    this.#settled = true;
    clearTimeout(this.#timer);
    this.#signal?.removeEventListener("abort", this);
  }
}

/** Worth one more try, as the SDK's clients (maxAttempts 2) would: a 5xx or a throttle. */
export function retryable(status: number): boolean {
  return status >= 500 || status === 429;
}
