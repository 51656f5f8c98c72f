import { PROBLEM_URN_PREFIX, type FieldProblem } from "@/lib/api/problem";
import type { AppErrorCode } from "@/lib/errors";

/**
 * Every JSON error Bucketshare answers outside the API (the proxy's "sign in first", the history
 * export, the manifest) is an RFC 9457 problem, in the very shape the API uses (docs/errors.md):
 * `application/problem+json` with `type`, `title`, `status`, `detail`, `instance`, `requestId`
 * and, for input errors, `errors` naming each field. A page's script reads `detail`; a client
 * switches on `type`. One format, so a client of both sides needs one parser.
 */

export const PAGE_PROBLEM_TYPES = {
  "invalid-request": { status: 400, title: "The request is not valid" },
  "sign-in-required": { status: 401, title: "Sign in first" },
  forbidden: { status: 403, title: "Not allowed" },
  "not-found": { status: 404, title: "Not found" },
  conflict: { status: 409, title: "The request conflicts with the resource's state" },
  "rate-limited": { status: 429, title: "Too many requests" },
  internal: { status: 500, title: "Something went wrong on the server" },
  "storage-error": { status: 502, title: "The storage service refused or failed" },
  unavailable: { status: 503, title: "A service Bucketshare needs is not answering" },
} as const satisfies Record<string, { status: number; title: string }>;

export type PageProblemType = keyof typeof PAGE_PROBLEM_TYPES;

export const PROBLEM_CONTENT_TYPE = "application/problem+json";

/** What each AppError code answers with (its message becomes the detail). */
export const PROBLEM_OF_APP_ERROR: Record<AppErrorCode, PageProblemType> = {
  invalid: "invalid-request",
  unauthorized: "sign-in-required",
  forbidden: "forbidden",
  not_found: "not-found",
  conflict: "conflict",
  rate_limited: "rate-limited",
  storage: "storage-error",
  unavailable: "unavailable",
  internal: "internal",
};

export type PageProblem = {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  requestId: string;
  errors?: FieldProblem[];
};

export function pageProblemBody(type: PageProblemType, detail: string, context: { instance: string; requestId: string; errors?: FieldProblem[] }): PageProblem {
  return {
    type: `${PROBLEM_URN_PREFIX}${type}`,
    title: PAGE_PROBLEM_TYPES[type].title,
    status: PAGE_PROBLEM_TYPES[type].status,
    detail,
    instance: context.instance,
    requestId: context.requestId,
    ...(context.errors?.length ? { errors: context.errors } : {}),
  };
}

/** The answer itself: never cached, the request id also in X-Request-Id (and in the server log). */
export function problemResponse(
  type: PageProblemType,
  detail: string,
  context: { instance: string; requestId?: string; errors?: FieldProblem[]; headers?: Record<string, string> },
): Response {
  const requestId = context.requestId ?? crypto.randomUUID();
  const body = pageProblemBody(type, detail, { instance: context.instance, requestId, errors: context.errors });
  const retry: Record<string, string> = type === "unavailable" || type === "rate-limited" ? { "Retry-After": "5" } : {};
  return new Response(JSON.stringify(body), {
    status: body.status,
    headers: { "Content-Type": PROBLEM_CONTENT_TYPE, "Cache-Control": "no-store", "X-Request-Id": requestId, ...retry, ...context.headers },
  });
}

export const SIGN_IN_FIRST = "Sign in first.";
