import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { redactText } from "@/lib/log";
import { BLOCKED_TARGET_MESSAGE, type GuardedLookup, guardedLookupFor, type TargetPolicy, webhookTargetProblem } from "@/lib/webhooks/target";

/**
 * One HTTP POST of a webhook delivery. Bounded: AbortSignal.timeout ends the whole exchange
 * (connect, TLS, headers) after `timeoutMs`; redirects are not followed (a 3xx is a failure the
 * owner sees); the response body is never read. What comes back is safe to store and show.
 */

export type PostOutcome = { ok: boolean; status: number | null; error: string | null; durationMs: number };

export const DELIVERY_TIMEOUT_MS = 5_000;
const MAX_ERROR_LENGTH = 200;

function errorCode(error: unknown): string | undefined {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current && typeof current === "object" && !seen.has(current)) {
    seen.add(current);
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** A short, credential-free description of why the POST did not get an answer. */
export function describeFailure(error: unknown, timeoutMs: number): string {
  const name = (error as { name?: unknown } | null)?.name;
  if (name === "TimeoutError" || name === "AbortError") return `No answer within ${timeoutMs / 1000} s`;
  const code = errorCode(error);
  const known: Record<string, string> = {
    ECONNREFUSED: "Connection refused",
    ENOTFOUND: "Host not found",
    EAI_AGAIN: "Host name could not be resolved",
    ECONNRESET: "Connection reset by the receiver",
    EBLOCKEDTARGET: BLOCKED_TARGET_MESSAGE,
    EHOSTUNREACH: "Host unreachable",
    ENETUNREACH: "Network unreachable",
    UND_ERR_SOCKET: "Connection closed by the receiver",
  };
  if (code === "EBLOCKEDTARGET") return BLOCKED_TARGET_MESSAGE;
  // Says which name resolved where (the person's own URL), so they can see why their receiver got nothing.
  if (code === "EPRIVATETARGET") return shorten(error instanceof Error ? error.message : String(error));
  if (code && known[code]) return `${known[code]} (${code})`;
  if (code && /CERT|SSL|TLS|SELF_SIGNED|VERIFY/i.test(code)) return `TLS certificate not accepted (${code})`;
  const message = error instanceof Error ? error.message : String(error);
  return shorten(code ? `${message} (${code})` : message);
}

export function shorten(text: string): string {
  const clean = redactText(text).replace(/\s+/g, " ").trim();
  return clean.length > MAX_ERROR_LENGTH ? `${clean.slice(0, MAX_ERROR_LENGTH - 1)}…` : clean;
}

/** The POST itself, on node:http(s) without a connection pool, so nothing outlives it (fetch's pool reconnects after an abort). */
export function postWebhook(
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs = DELIVERY_TIMEOUT_MS,
  /**
   * Where it may go (lib/webhooks/target.ts): `true`/`false` is the Owner's policy with or without
   * WEBHOOK_ALLOW_PRIVATE; a public-only policy for everyone else's webhook.
   */
  policy: TargetPolicy | boolean = false,
  /** Resolves the host and checks every address (a stand-in resolver in tests); guardedLookupFor(policy) by default. */
  lookup: GuardedLookup = guardedLookupFor(policy),
): Promise<PostOutcome> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  return new Promise<PostOutcome>((resolve) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch (error) {
      resolve({ ok: false, status: null, error: describeFailure(error, timeoutMs), durationMs: 0 });
      return;
    }
    // A literal address is never looked up: it is checked here; a name is checked once resolved.
    const problem = webhookTargetProblem(target.href, policy);
    if (problem) {
      resolve({ ok: false, status: null, error: problem, durationMs: 0 });
      return;
    }
    const send = target.protocol === "https:" ? httpsRequest : httpRequest;
    const request = send(
      target,
      {
        method: "POST",
        headers: { ...headers, "Content-Length": String(Buffer.byteLength(body)) },
        agent: false,
        // Always the guarded lookup: the socket connects to the address it checked (a literal address is not looked up).
        lookup,
        signal: AbortSignal.timeout(timeoutMs),
      },
      (response) => {
        // The answer's body is not needed: the status says it all, and closing here frees the socket.
        const status = response.statusCode ?? 0;
        response.destroy();
        if (status >= 200 && status < 300) return resolve({ ok: true, status, error: null, durationMs: elapsed() });
        const error = status >= 300 && status < 400 ? `Redirect (HTTP ${status}) not followed: use the final URL` : `HTTP ${status}`;
        resolve({ ok: false, status, error, durationMs: elapsed() });
      },
    );
    request.on("error", (error) => resolve({ ok: false, status: null, error: describeFailure(error, timeoutMs), durationMs: elapsed() }));
    request.end(body);
  });
}
