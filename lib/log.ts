/**
 * Structured logging: one JSON line per event, secrets redacted. Signed URLs carry bearer
 * credentials in their query string, so every string that passes through here is scrubbed.
 */

type Level = "debug" | "info" | "warn" | "error";
const order: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

const SECRET_FIELD = /pass(word)?|secret|token|authorization|cookie|signature|credential|encryption.?key|^url(enc)?$/i;
const SIGNED_PARAM = /(X-Amz-(?:Signature|Credential|Security-Token)=)[^&\s"']*/gi;
const USERINFO = /(\b[a-z][a-z0-9+.-]*:\/\/[^:/\s@]*:)[^@\s/]*@/gi;

/** Removes signatures, credentials and URL passwords from free text. */
export function redactText(text: string): string {
  return text.replace(SIGNED_PARAM, "$1[redacted]").replace(USERINFO, "$1[redacted]@");
}

/** Deep copy of a value with secret fields and signed-URL parameters redacted. */
export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return redactText(value);
  if (value instanceof Error) {
    return { name: value.name, message: redactText(value.message), code: (value as { code?: unknown }).code };
  }
  if (depth > 6 || value === null || typeof value !== "object") {
    return typeof value === "bigint" ? value.toString() : value;
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
