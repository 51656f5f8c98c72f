import { PROBLEM_TYPES, PROBLEM_URN_PREFIX, type FieldProblem, type ProblemType } from "@/lib/api/problem";
import { type AppError, REASONS } from "@/lib/errors";

/**
 * Every JSON error Bucketshare answers outside the API (the proxy's "sign in first", the history
 * export, the manifest) is an RFC 9457 problem, in the very shape the API uses (docs/errors.md):
 * `application/problem+json` with `type`, `title`, `status`, `detail`, `instance`, `requestId`
 * and, for input errors, `errors` naming each field. A page's script reads `detail`; a client
 * switches on `type`. One format, so a client of both sides needs one parser.
 */

/**
 * The API's problem types (one table: lib/api/problem.ts), plus the one a signed-in page's caller
 * meets that an API client never does: its session is gone.
 */
const SIGN_IN_REQUIRED = { status: 401, title: "Sign in first" } as const;
export type PageProblemType = ProblemType | "sign-in-required";

function pageProblemType(type: PageProblemType): { status: number; title: string } {
  return type === "sign-in-required" ? SIGN_IN_REQUIRED : PROBLEM_TYPES[type];
}

export const PROBLEM_CONTENT_TYPE = "application/problem+json";

/** What an AppError answers with: its reason's problem type (lib/errors.ts REASONS); a lost session is "sign-in-required". */
export function pageProblemTypeOf(error: AppError): PageProblemType {
  const type = REASONS[error.reason].problemType;
  return type === "unauthorized" ? "sign-in-required" : type;
}

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
    title: pageProblemType(type).title,
    status: pageProblemType(type).status,
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
