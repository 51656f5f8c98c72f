import { z } from "zod";
import { REASONS, type AppError, type ReasonAnswer } from "@/lib/errors";

/**
 * API errors as RFC 9457 problem details (`application/problem+json`). Each kind of error has a
 * stable `type` URI (a URN: it names the error, it is not a page to fetch) that clients may switch
 * on; `title` is fixed per type, `detail` explains this occurrence, `errors` names the fields.
 */

export const PROBLEM_TYPES = {
  "invalid-request": { status: 400, title: "The request is not valid" },
  "malformed-json": { status: 400, title: "The body is not valid JSON" },
  unauthorized: { status: 401, title: "A valid API token is required" },
  "insufficient-scope": { status: 403, title: "The token lacks the scope this needs" },
  "not-found": { status: 404, title: "Not found" },
  "method-not-allowed": { status: 405, title: "Method not allowed" },
  conflict: { status: 409, title: "The request conflicts with the resource's state" },
  "idempotency-key-in-use": { status: 409, title: "A request with this Idempotency-Key is still in progress" },
  "precondition-failed": { status: 412, title: "The resource changed since you read it" },
  "payload-too-large": { status: 413, title: "The body is too large" },
  "unsupported-media-type": { status: 415, title: "Send the body as application/json" },
  "idempotency-key-reused": { status: 422, title: "This Idempotency-Key was used with another request" },
  "rate-limited": { status: 429, title: "Too many requests" },
  internal: { status: 500, title: "Something went wrong on the server" },
  "storage-error": { status: 502, title: "The storage service refused or failed" },
  unavailable: { status: 503, title: "A service Bucketshare needs is not answering" },
  "storage-timeout": { status: 504, title: "The storage service did not answer in time" },
} as const satisfies Record<string, { status: number; title: string }>;

export type ProblemType = keyof typeof PROBLEM_TYPES;
export const PROBLEM_TYPE_NAMES = Object.keys(PROBLEM_TYPES) as [ProblemType, ...ProblemType[]];

export const PROBLEM_URN_PREFIX = "urn:bucketshare:problem:";
export const problemTypeUri = (type: ProblemType) => `${PROBLEM_URN_PREFIX}${type}`;

export type FieldProblem = { in: "body" | "query" | "path" | "header"; field: string; message: string };

export const fieldProblemSchema = z
  .object({
    in: z.enum(["body", "query", "path", "header"]).meta({ description: "Where the field was sent." }),
    field: z.string().meta({ description: 'The field, dotted for nested values ("allowedNetworks.2"); empty for the whole body.' }),
    message: z.string(),
  })
  .meta({ id: "FieldProblem" });

export const problemSchema = z
  .object({
    type: z.enum(PROBLEM_TYPE_NAMES.map(problemTypeUri) as [string, ...string[]]).meta({ description: "Stable identifier of the kind of error." }),
    title: z.string(),
    status: z.int().min(100).max(599),
    detail: z.string().meta({ description: "What went wrong in this request and what to do." }),
    instance: z.string().meta({ description: "The request path." }),
    requestId: z.string().meta({ description: "Also in the X-Request-Id header and the server log." }),
    errors: z.array(fieldProblemSchema).optional(),
  })
  .meta({ id: "Problem", description: "An RFC 9457 problem details object (application/problem+json)." });

export type Problem = z.infer<typeof problemSchema>;

/** Thrown by API handlers (and the wrapper) to answer with a problem; `detail` is safe to show. */
export class ApiProblem extends Error {
  readonly type: ProblemType;
  readonly errors?: FieldProblem[];
  readonly headers?: Record<string, string>;

  constructor(type: ProblemType, detail: string, options: { errors?: FieldProblem[]; headers?: Record<string, string>; cause?: unknown } = {}) {
    super(detail, { cause: options.cause });
    this.name = "ApiProblem";
    this.type = type;
    this.errors = options.errors;
    this.headers = options.headers;
  }

  get status(): number {
    return PROBLEM_TYPES[this.type].status;
  }
}

export function problemBody(type: ProblemType, detail: string, context: { instance: string; requestId: string; errors?: FieldProblem[] }): Problem {
  return {
    type: problemTypeUri(type),
    title: PROBLEM_TYPES[type].title,
    status: PROBLEM_TYPES[type].status,
    detail,
    instance: context.instance,
    requestId: context.requestId,
    ...(context.errors?.length ? { errors: context.errors } : {}),
  };
}

/** An AppError (what lib/ throws for pages, actions and the API alike) as its reason's problem, naming the field. */
export function problemOfAppError(error: AppError): ApiProblem {
  const answer: ReasonAnswer = REASONS[error.reason];
  const field = error.field ?? answer.field;
  const where = (name: string): FieldProblem["in"] => (name === "id" ? "path" : name === "If-Match" ? "header" : "body");
  const errors: FieldProblem[] = error.fieldErrors
    ? Object.entries(error.fieldErrors).flatMap(([name, messages]) => messages.map((message) => ({ in: where(name), field: name, message })))
    : field
      ? [{ in: where(field), field, message: error.message }]
      : [];
  const type = answer.problemType;
  const headers: Record<string, string> = type === "unavailable" || type === "rate-limited" ? { "Retry-After": "5" } : {};
  return new ApiProblem(type, error.message, { errors, headers, cause: error.cause });
}
