/**
 * One error type for everything the app chooses to show. `message` is always safe for the
 * browser; the cause (which may carry credentials or signed URLs) is only ever logged, redacted.
 */

export type AppErrorCode =
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "invalid"
  | "conflict"
  | "rate_limited"
  | "storage"
  | "unavailable"
  | "internal";

const statusOf: Record<AppErrorCode, number> = {
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  invalid: 400,
  conflict: 409,
  rate_limited: 429,
  storage: 502,
  unavailable: 503,
  internal: 500,
};

export class AppError extends Error {
  readonly code: AppErrorCode;
  readonly fieldErrors?: Record<string, string[]>;

  constructor(code: AppErrorCode, message: string, options?: { cause?: unknown; fieldErrors?: Record<string, string[]> }) {
    super(message, { cause: options?.cause });
    this.name = "AppError";
    this.code = code;
    this.fieldErrors = options?.fieldErrors;
  }

  get status(): number {
    return statusOf[this.code];
  }
}

/** True for errors that mean the database cannot be reached (as opposed to a bad query). */
export function isDatabaseUnavailable(error: unknown): boolean {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current && typeof current === "object" && !seen.has(current)) {
    seen.add(current);
    const { code, message, name } = current as { code?: unknown; message?: unknown; name?: unknown };
    // 57014: a statement cancelled by statement_timeout (the database too slow to answer in time).
    if (typeof code === "string" && ["ECONNREFUSED", "ENOTFOUND", "ETIMEDOUT", "ECONNRESET", "P1001", "P1002", "57P01", "57P03", "57014", "53300"].includes(code)) {
      return true;
    }
    // node-postgres' own texts: a query without an answer (query_timeout), a pool with no free
    // connection in time, a connection that did not open in time or was closed under a query.
    if (
      name === "DriverAdapterError" ||
      (typeof message === "string" &&
        /ECONNREFUSED|Can't reach database|connection terminated|timeout exceeded when trying to connect|Query read timeout|timeout expired|canceling statement due to statement timeout/i.test(message))
    ) {
      return true;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
