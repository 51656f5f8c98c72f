/**
 * Structured logging: one JSON line per event, secrets redacted. Signed URLs carry bearer
 * credentials in their query string, so every string that passes through here is scrubbed.
 */

type Level = "debug" | "info" | "warn" | "error";
const order: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

const SECRET_FIELD = /pass(word)?|secret|token|authorization|cookie|signature|credential|encryption.?key|^url(enc)?$/i;
/** Objects and arrays nested deeper than this are logged as "[truncated]", never as they are. */
export const MAX_DEPTH = 6;

// `=` also percent-encoded once (%3D, a signed URL inside another URL's query) or twice (%253D),
// or `:` as in a header line; the value ends at `&` (or its encodings), a space, a quote or `,`.
const SIGNED_PARAM = /(X-Amz-(?:Signature|Credential|Security-Token)(?:=|%3D|%253D|\s*:\s*))(?:(?!%26|%2526)[^&\s"'<>,;])+/gi;
// Authorization header text (`Authorization: AWS4-HMAC-SHA256 Credential=…, Signature=…`, Bearer, Basic, AWS …):
// the whole value, to the end of the line.
const AUTHORIZATION_HEADER = /(\bAuthorization\s*:\s*)[^\r\n]+/gi;
// SigV4 / SigV2 parts wherever they appear without the header name.
const SIGNATURE_PART = /(\b(?:Signature|Credential)\s*=\s*)[^,\s&"']+/gi;
// user:password@ in any URL. The password runs to the last `@` before the path, so one that
// itself contains `@` (postgresql://u:p@ss@host/db) is removed whole.
const USERINFO = /(\b[a-z][a-z0-9+.-]*:\/\/[^:/\s@]*:)[^\s/?#]*@/gi;
// Personal access tokens (lib/api/tokens.ts: "bks_" + base64url) wherever they appear, whole or cut short.
const API_TOKEN = /bks_[A-Za-z0-9_-]+/g;

/** Removes signatures, credentials, Authorization values, API tokens and URL passwords from free text. */
export function redactText(text: string): string {
  return text
    .replace(AUTHORIZATION_HEADER, "$1[redacted]")
    .replace(SIGNED_PARAM, "$1[redacted]")
    .replace(SIGNATURE_PART, "$1[redacted]")
    .replace(USERINFO, "$1[redacted]@")
    .replace(API_TOKEN, "bks_[redacted]");
}

/** Deep copy of a value with secret fields and signed-URL parameters redacted. */
export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return redactText(value);
  if (typeof value === "bigint") return value.toString();
  if (value === null || typeof value !== "object") return value;
  // A Date has no own fields: without this it would be logged as `{}`.
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? "Invalid Date" : value.toISOString();
  if (depth > MAX_DEPTH) return "[truncated]";
  if (value instanceof Error) {
    const cause = (value as { cause?: unknown }).cause;
    return {
      name: value.name,
      message: redactText(value.message),
      code: redact((value as { code?: unknown }).code, depth + 1),
      ...(cause === undefined ? {} : { cause: redact(cause, depth + 1) }),
    };
  }
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] = SECRET_FIELD.test(key) && v != null && v !== "" ? "[redacted]" : redact(v, depth + 1);
  }
  return out;
}

function threshold(): number {
  // lib/env is not imported here: logging must work even when the environment is invalid.
  const wanted = (globalThis.process?.env?.LOG_LEVEL ?? "info") as Level;
  return order[wanted] ?? order.info;
}

function write(level: Level, event: string, fields?: Record<string, unknown>): void {
  if (order[level] < threshold()) return;
  const line = JSON.stringify({ time: new Date().toISOString(), level, event, ...(redact(fields ?? {}) as object) });
  if (level === "error" || level === "warn") process.stderr.write(`${line}\n`);
  else process.stdout.write(`${line}\n`);
}

export const log = {
  debug: (event: string, fields?: Record<string, unknown>) => write("debug", event, fields),
  info: (event: string, fields?: Record<string, unknown>) => write("info", event, fields),
  warn: (event: string, fields?: Record<string, unknown>) => write("warn", event, fields),
  error: (event: string, fields?: Record<string, unknown>) => write("error", event, fields),
};
