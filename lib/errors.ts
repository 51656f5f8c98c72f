import type { ProblemType } from "@/lib/api/problem";
import type { PlainPage } from "@/lib/recipient/respond";

/**
 * One error type for everything the app chooses to show. `message` is always safe for the
 * browser; the cause (which may carry credentials or signed URLs) is only ever logged, redacted.
 */

export type AppErrorCode = "unauthorized" | "forbidden" | "not_found" | "invalid" | "conflict" | "rate_limited" | "storage" | "unavailable" | "internal";

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

/**
 * Why something was refused, for code to branch on (never the message, which is for people).
 * Each code is also a reason of its own, for refusals nothing needs to tell apart.
 */
export type AppErrorReason =
  | AppErrorCode
  /** HEAD or a listing found no such bucket / object. */
  | "no_such_bucket"
  | "no_such_object"
  | "no_such_connection"
  /** The link is not the owner's (or was removed from the history). */
  | "no_such_link"
  /** A link the actor sees but may not act on (a Member who no longer holds Can share on its object). */
  | "link_not_manageable"
  /** A conditional change found the link changed since it was read. */
  | "link_changed"
  | "revoked_cannot_change"
  | "direct_cannot_change"
  /** A managed link's option (download limit, password, networks, latest version) on a direct link. */
  | "managed_only"
  /** The expiry asked for is not allowed (too short, too long, passed, or past the credentials' end). */
  | "invalid_expiry"
  /** A key with a "." or ".." segment, which no URL can reach. */
  | "dot_segment_key"
  /** What a multi-file share would hold cannot be shared (nothing, too many files). */
  | "unusable_selection"
  /** The link no longer works (revoked or expired), so it has no URL to give. */
  | "link_not_usable"
  /** A recipient's refusals (also what the access log records as the reason). */
  | "revoked"
  | "expired"
  | "limit"
  | "network"
  | "changed"
  | "missing"
  /** A Member's grant allows browsing an object or folder, not sharing it. */
  | "not_granted"
  /** A Member's grant allows managed links only. */
  | "link_type_not_granted"
  /** Settings → Appearance: an accent colour white text cannot be read on. */
  | "accent_contrast"
  /** Settings → Appearance: a logo that is not an image this app decodes, or too large. */
  | "unusable_logo"
  /** An upload request's page (/u/<token>): closed by its owner, past its expiry, or holding every file it takes. */
  | "request_closed"
  | "request_expired"
  | "request_full"
  /** An upload request's file of a type the request does not take (said before the upload, checked again on the bytes). */
  | "type_refused";

export type ReasonAnswer = {
  /** The API's problem type. */
  problemType: ProblemType;
  /** The request field the refusal is about (the API names it in `errors[].field`); an AppError's own `field` wins. */
  field?: string;
  /** What a recipient sees when this reaches a public link's page. */
  plainPage: PlainPage;
};

/**
 * One table for every reason: the API answers with its problem type (and field), a server action
 * with a field error where the error names a field (else the form's message), a recipient with
 * the plain page. A unit test checks that every reason thrown or branched on is here.
 */
export const REASONS = {
  invalid: { problemType: "invalid-request", plainPage: "error" },
  unauthorized: { problemType: "unauthorized", plainPage: "error" },
  forbidden: { problemType: "storage-error", plainPage: "unavailable" },
  not_found: { problemType: "not-found", plainPage: "unknown" },
  conflict: { problemType: "conflict", plainPage: "error" },
  rate_limited: { problemType: "rate-limited", plainPage: "down" },
  storage: { problemType: "storage-error", plainPage: "unavailable" },
  unavailable: { problemType: "unavailable", plainPage: "down" },
  internal: { problemType: "internal", plainPage: "error" },
  no_such_bucket: { problemType: "not-found", field: "bucket", plainPage: "missing" },
  no_such_object: { problemType: "not-found", field: "key", plainPage: "missing" },
  no_such_connection: { problemType: "not-found", field: "connectionId", plainPage: "unavailable" },
  no_such_link: { problemType: "not-found", field: "id", plainPage: "unknown" },
  link_not_manageable: { problemType: "conflict", plainPage: "error" },
  link_changed: { problemType: "precondition-failed", field: "If-Match", plainPage: "error" },
  revoked_cannot_change: { problemType: "conflict", plainPage: "revoked" },
  direct_cannot_change: { problemType: "conflict", plainPage: "error" },
  managed_only: { problemType: "invalid-request", plainPage: "error" },
  invalid_expiry: { problemType: "invalid-request", field: "expiresIn", plainPage: "expired" },
  dot_segment_key: { problemType: "invalid-request", field: "key", plainPage: "unknown" },
  unusable_selection: { problemType: "invalid-request", field: "files", plainPage: "allGone" },
  link_not_usable: { problemType: "conflict", plainPage: "expired" },
  revoked: { problemType: "conflict", plainPage: "revoked" },
  expired: { problemType: "conflict", plainPage: "expired" },
  limit: { problemType: "conflict", plainPage: "limit" },
  network: { problemType: "conflict", plainPage: "network" },
  changed: { problemType: "conflict", plainPage: "changed" },
  missing: { problemType: "conflict", plainPage: "missing" },
  not_granted: { problemType: "insufficient-scope", plainPage: "error" },
  link_type_not_granted: { problemType: "invalid-request", field: "type", plainPage: "error" },
  accent_contrast: { problemType: "invalid-request", field: "accent", plainPage: "error" },
  unusable_logo: { problemType: "invalid-request", field: "logo", plainPage: "error" },
  request_closed: { problemType: "conflict", plainPage: "requestClosed" },
  request_expired: { problemType: "conflict", plainPage: "requestExpired" },
  request_full: { problemType: "conflict", plainPage: "requestFull" },
  type_refused: { problemType: "invalid-request", field: "name", plainPage: "error" },
} as const satisfies Record<AppErrorReason, ReasonAnswer>;

export type AppErrorOptions = {
  cause?: unknown;
  /** Errors per form field (several fields at once); for one field, `field` says it. */
  fieldErrors?: Record<string, string[]>;
  /** Default: the code itself. */
  reason?: AppErrorReason;
  /** The field the refusal is about, when it is not the reason's usual one. */
  field?: string;
};

export class AppError extends Error {
  readonly code: AppErrorCode;
  readonly reason: AppErrorReason;
  readonly field?: string;
  readonly fieldErrors?: Record<string, string[]>;

  constructor(code: AppErrorCode, message: string, options?: AppErrorOptions) {
    super(message, { cause: options?.cause });
    this.name = "AppError";
    this.code = code;
    this.reason = options?.reason ?? code;
    this.field = options?.field;
    this.fieldErrors = options?.fieldErrors;
  }

  get status(): number {
    return statusOf[this.code];
  }
}

/** Whether an error is an AppError with this reason (what code branches on, never the message). */
export function hasReason(error: unknown, ...reasons: AppErrorReason[]): error is AppError {
  return error instanceof AppError && reasons.includes(error.reason);
}

/** A server action's field errors for an error: its own, or its message at the field it names; none means the form's message. */
export function actionFieldErrorsOf(error: AppError): Record<string, string[]> | undefined {
  return error.fieldErrors ?? (error.field ? { [error.field]: [error.message] } : undefined);
}

/** The plain page a recipient sees when this reason ends a request to a public link. */
export function plainPageOf(reason: AppErrorReason): PlainPage {
  return REASONS[reason].plainPage;
}

/** True for errors that mean the database cannot be reached (as opposed to a bad query). */
export function isDatabaseUnavailable(error: unknown): boolean {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current && typeof current === "object" && !seen.has(current)) {
    seen.add(current);
    const { code, message, name } = current as { code?: unknown; message?: unknown; name?: unknown };
    // 57014: a statement cancelled by statement_timeout (the database too slow to answer in time).
    if (
      typeof code === "string" &&
      ([
        "ECONNREFUSED",
        "ENOTFOUND",
        "ETIMEDOUT",
        "ECONNRESET",
        "EAI_AGAIN",
        "EHOSTUNREACH",
        "ENETUNREACH",
        "EPIPE",
        "P1001",
        "P1002",
        "57P01",
        "57P02",
        "57P03",
        "57014",
        "53300",
      ].includes(code) ||
        // SQLSTATE class 08: connection exceptions (a pooler that lost its server, a protocol violation).
        /^08[0-9A-Z]{3}$/.test(code))
    ) {
      return true;
    }
    // node-postgres' own texts: a query without an answer (query_timeout), a pool with no free
    // connection in time, a connection that did not open in time or was closed under a query.
    if (
      name === "DriverAdapterError" ||
      (typeof message === "string" &&
        /ECONNREFUSED|Can't reach database|connection terminated|timeout exceeded when trying to connect|Query read timeout|timeout expired|canceling statement due to statement timeout|connection error and is not queryable/i.test(
          message,
        ))
    ) {
      return true;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
