import "server-only";
import { createHash, createHmac, randomUUID } from "node:crypto";
import type { z } from "zod";
import { authenticate, rateLimitHeaders, requireScope, type ApiCaller } from "@/lib/api/auth";
import { readJsonBody } from "@/lib/api/body";
import { beginIdempotentRequest, finishIdempotentRequest, abandonIdempotentRequest, IDEMPOTENCY_KEY_PATTERN } from "@/lib/api/idempotency";
import { ApiProblem, problemBody, problemOfAppError, type FieldProblem, type ProblemType } from "@/lib/api/problem";
import type { ApiScope } from "@/lib/api/tokens";
import { getRuntimeSecrets } from "@/lib/env";
import { AppError, isDatabaseUnavailable } from "@/lib/errors";
import { log } from "@/lib/log";
import { API_NUL_MESSAGE, nulCharacterPaths } from "@/lib/validation/text";

/**
 * One definition per API operation: its path, scope, zod schemas and handler. The route handlers
 * under app/api/v1 are made from these (apiRoute), and so is the OpenAPI document
 * (lib/api/openapi.ts): what is validated is what is documented.
 *
 * Order of checks, as for server actions: token (and its rate limit), scope, then input (path,
 * query, body: strict objects, unknown fields refused), then the handler, which puts the caller's
 * owner id into every query (another owner's resource is simply not found).
 */

export type HttpMethod = "get" | "post" | "patch" | "delete";

export type ApiContext<P, Q, B> = {
  caller: ApiCaller;
  params: P;
  query: Q;
  body: B;
  request: Request;
  requestId: string;
  /**
   * Call as soon as something was created (before anything else that may fail): with an
   * Idempotency-Key, a retry then gets it again instead of creating another.
   */
  created: (id: string) => Promise<void>;
};

export type ApiResult<T> = {
  status?: number;
  body: T;
  headers?: Record<string, string>;
  /** With `idempotent`: the id of what was created, kept for replays. */
  createdId?: string;
};

export type EndpointSpec<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType, R extends z.ZodType> = {
  method: HttpMethod;
  /** OpenAPI path template under /api/v1, e.g. "/links/{id}". */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  scope: ApiScope;
  params?: P;
  query?: Q;
  body?: B;
  success: { status: 200 | 201; description: string; schema: R; etag?: boolean; location?: boolean };
  /** Problems this operation may answer besides the ones every operation can (401, 403, 429, 500, 503, and 400 when it takes input). */
  problems?: ProblemType[];
  /** Accept an Idempotency-Key header: a retry with the same key and body gets the first result again (replay). */
  idempotent?: { replay: (ctx: ApiContext<z.output<P>, z.output<Q>, z.output<B>>, createdId: string) => Promise<ApiResult<z.input<R>>> };
  handler: (ctx: ApiContext<z.output<P>, z.output<Q>, z.output<B>>) => Promise<ApiResult<z.input<R>>>;
};

// biome-ignore lint/suspicious/noExplicitAny: a list of endpoints of every shape; each keeps its own types where it is defined
export type AnyEndpoint = EndpointSpec<any, any, any, any>;

export function defineEndpoint<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
  R extends z.ZodType = z.ZodType,
>(spec: EndpointSpec<P, Q, B, R>): EndpointSpec<P, Q, B, R> {
  return spec;
}

export const API_BASE_PATH = "/api/v1";

const JSON_TYPE = "application/json";
const PROBLEM_TYPE = "application/problem+json";

function fieldProblems(error: z.ZodError, where: FieldProblem["in"]): FieldProblem[] {
  const out: FieldProblem[] = [];
  for (const issue of error.issues) {
    const base = issue.path.map(String).join(".");
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) out.push({ in: where, field: base ? `${base}.${key}` : key, message: "Unknown field: this operation does not take it." });
    } else {
      out.push({ in: where, field: base, message: issue.message });
    }
  }
  return out;
}

function parseOrThrow<S extends z.ZodType>(schema: S | undefined, value: unknown, where: FieldProblem["in"]): z.output<S> {
  if (!schema) return undefined as z.output<S>;
  const parsed = schema.safeParse(value);
  // Checked once the schema accepted the value (so every field is a known one), on what was sent:
  // the same rule as server actions, passwords exempt.
  const nul = parsed.success ? (nulCharacterPaths(value)[0] ?? null) : null;
  if (parsed.success && nul === null) return parsed.data;
  const errors = parsed.success ? [{ in: where, field: nul!, message: API_NUL_MESSAGE }] : fieldProblems(parsed.error, where);
  if (where === "path") throw new ApiProblem("not-found", "Nothing has this id.", { errors });
  const names = [...new Set(errors.map((e) => e.field || "(body)"))].join(", ");
  throw new ApiProblem("invalid-request", `Check ${names}: see errors for each field. Nothing was changed.`, { errors });
}

function queryObject(url: URL): Record<string, string | string[]> {
  // A Map, then own properties: a parameter named __proto__ or constructor is just an unknown parameter.
  const out = new Map<string, string | string[]>();
  for (const [key, value] of url.searchParams) {
    const existing = out.get(key);
    out.set(key, existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value]);
  }
  return Object.fromEntries(out);
}

export function etagOf(json: string): string {
  return `"${createHash("sha256").update(json).digest("base64url").slice(0, 27)}"`;
}

/**
 * True when an If-None-Match / If-Match list names the tag: weak comparison for If-None-Match,
 * strong (a W/ tag never matches) for If-Match, as RFC 9110 asks.
 */
export function etagMatches(header: string | null, etag: string, options: { strong?: boolean } = {}): boolean {
  if (!header) return false;
  if (header.trim() === "*") return true;
  if (options.strong) return header.split(",").some((candidate) => candidate.trim() === etag);
  const bare = etag.replace(/^W\//, "");
  return header.split(",").some((candidate) => candidate.trim().replace(/^W\//, "") === bare);
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (value && typeof value === "object") {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}

/** An endpoint's answer: its status, headers and JSON text (null: no body). */
export type ApiAnswer = { status: number; headers: Record<string, string>; body: string | null };

/** A Next route handler for one endpoint. */
export function apiHandler(endpoint: AnyEndpoint) {
  const answer = answerEndpoint(endpoint);
  return async (request: Request, context: { params: Promise<Record<string, string | string[]>> }): Promise<Response> => {
    const { status, headers, body } = await answer(request, await context.params);
    return new Response(body, { status, headers });
  };
}

/**
 * One endpoint's whole work on a request (token, scope, input, handler, problems, the log line), answered as plain
 * text and headers: apiHandler makes Next's Response of it, the server's API fast path (lib/boot/api-fast-path.ts)
 * writes it to the socket itself (a web Response and reading it back cost more CPU than the JSON).
 */
export function answerEndpoint(endpoint: AnyEndpoint) {
  return async (request: Request, pathParams: Record<string, string | string[]>): Promise<ApiAnswer> => {
    const requestId = randomUUID();
    const started = performance.now();
    const url = new URL(request.url);
    const baseHeaders: Record<string, string> = { "X-Request-Id": requestId, "Cache-Control": "no-store" };
    let caller: ApiCaller | null = null;
    let idempotency: { tokenId: string; key: string } | null = null;
    let status = 500;
    try {
      caller = await authenticate(request.headers.get("authorization"));
      Object.assign(baseHeaders, rateLimitHeaders(caller.rate));
      requireScope(caller, endpoint.scope);
      const params = parseOrThrow(endpoint.params, pathParams, "path");
      const query = parseOrThrow(endpoint.query, queryObject(url), "query");
      let rawBody: unknown;
      if (endpoint.body) {
        const contentType = (request.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
        if (contentType !== JSON_TYPE) throw new ApiProblem("unsupported-media-type", `Send the body as JSON with Content-Type: ${JSON_TYPE}.`);
        rawBody = await readJsonBody(request);
      }
      const body = parseOrThrow(endpoint.body, rawBody, "body");
      let recorded: string | null = null;
      const ctx: ApiContext<unknown, unknown, unknown> = { caller, params, query, body, request, requestId, created: async () => undefined };

      let result: ApiResult<unknown>;
      let replayed = false;
      const key = endpoint.idempotent ? request.headers.get("idempotency-key") : null;
      if (endpoint.idempotent && key !== null) {
        if (!IDEMPOTENCY_KEY_PATTERN.test(key)) {
          throw new ApiProblem("invalid-request", "Idempotency-Key must be 1 to 255 visible ASCII characters, such as a UUID.", {
            errors: [{ in: "header", field: "Idempotency-Key", message: "Use 1 to 255 visible ASCII characters." }],
          });
        }
        // Keyed: the body may hold a link's password, which a plain hash would let anyone who reads the table test guesses against.
        const requestHash = createHmac("sha256", getRuntimeSecrets().authSecret)
          .update(`api-idempotency\n${endpoint.operationId}\n${stableJson(rawBody)}`)
          .digest("hex");
        const begun = await beginIdempotentRequest(caller.tokenId, key, requestHash);
        if (begun.kind === "replay") {
          result = await endpoint.idempotent.replay(ctx, begun.createdId);
          replayed = true;
        } else {
          idempotency = { tokenId: caller.tokenId, key };
          const tokenId = caller.tokenId;
          ctx.created = async (id) => {
            await finishIdempotentRequest(tokenId, key, id);
            recorded = id;
          };
          result = await endpoint.handler(ctx);
          if (result.createdId && recorded !== result.createdId) await ctx.created(result.createdId);
          else if (!result.createdId && recorded === null) await abandonIdempotentRequest(caller.tokenId, key);
          idempotency = null;
        }
      } else {
        result = await endpoint.handler(ctx);
      }

      status = result.status ?? endpoint.success.status;
      const json = JSON.stringify(result.body);
      const headers: Record<string, string> = { ...baseHeaders, "Content-Type": JSON_TYPE, ...result.headers };
      if (replayed) headers["Idempotent-Replayed"] = "true";
      if (endpoint.success.etag) {
        const etag = etagOf(json);
        headers.ETag = etag;
        if (request.method === "GET" && etagMatches(request.headers.get("if-none-match"), etag)) {
          status = 304;
          delete headers["Content-Type"];
          return { status, headers, body: null };
        }
      }
      return { status, headers, body: json };
    } catch (error) {
      if (idempotency) await abandonIdempotentRequest(idempotency.tokenId, idempotency.key).catch(() => undefined);
      const problem = toProblem(error, endpoint.operationId, requestId);
      status = problem.status;
      return {
        status,
        headers: { ...baseHeaders, "Content-Type": PROBLEM_TYPE, ...problem.headers },
        body: JSON.stringify(problemBody(problem.type, problem.message, { instance: url.pathname, requestId, errors: problem.errors })),
      };
    } finally {
      log.info("api.request", {
        requestId,
        method: request.method,
        path: url.pathname,
        operation: endpoint.operationId,
        status,
        ms: Math.round(performance.now() - started),
        client: caller?.tokenId ?? null,
      });
    }
  };
}

function toProblem(error: unknown, operation: string, requestId: string): ApiProblem {
  if (error instanceof ApiProblem) {
    if (error.status >= 500) log.warn("api.refused", { requestId, operation, type: error.type, cause: error.cause });
    return error;
  }
  if (error instanceof AppError) {
    if (error.code !== "invalid" && error.code !== "not_found")
      log.warn("api.refused", { requestId, operation, code: error.code, reason: error.reason, cause: error.cause });
    return problemOfAppError(error);
  }
  if (isDatabaseUnavailable(error)) {
    log.error("api.database_unavailable", { requestId, operation, error });
    return new ApiProblem("unavailable", "The database is not answering, so nothing was changed. Try again in a moment.", { headers: { "Retry-After": "5" } });
  }
  log.error("api.failed", { requestId, operation, error });
  return new ApiProblem(
    "internal",
    `Something went wrong and nothing was changed. Quote request id ${requestId} when you report it; the server log has the details.`,
  );
}

/** A problem answer outside any endpoint (unsupported method), with the same headers. */
export function methodNotAllowed(request: Request, allowed: string[]): Response {
  const requestId = randomUUID();
  const path = new URL(request.url).pathname;
  const body = problemBody("method-not-allowed", `${request.method} is not supported here. Use ${allowed.join(" or ")}.`, { instance: path, requestId });
  log.info("api.request", { requestId, method: request.method, path, operation: null, status: 405, ms: 0, client: null });
  return new Response(JSON.stringify(body), {
    status: 405,
    headers: { "Content-Type": PROBLEM_TYPE, "X-Request-Id": requestId, Allow: allowed.join(", "), "Cache-Control": "no-store" },
  });
}

type RouteHandler = ReturnType<typeof apiHandler>;
type Routes = Record<"GET" | "POST" | "PATCH" | "PUT" | "DELETE" | "OPTIONS", RouteHandler>;

/**
 * Everything a route.ts exports for one path: its operations, 405 for other methods, and OPTIONS
 * naming the methods there are. No Access-Control-* header is ever sent: CORS is off, so browsers
 * keep other origins' pages from calling the API with a token they may hold.
 */
export function apiRoutes(...endpoints: AnyEndpoint[]): Routes {
  const methods = endpoints.map((e) => e.method.toUpperCase());
  const allowed = [...methods, ...(methods.includes("GET") ? ["HEAD"] : []), "OPTIONS"];
  const refuse: RouteHandler = async (request) => methodNotAllowed(request, allowed);
  const options: RouteHandler = async () =>
    new Response(null, { status: 204, headers: { Allow: allowed.join(", "), "X-Request-Id": randomUUID(), "Cache-Control": "no-store" } });
  const routes = { GET: refuse, POST: refuse, PATCH: refuse, PUT: refuse, DELETE: refuse, OPTIONS: options } as Routes;
  for (const endpoint of endpoints) routes[endpoint.method.toUpperCase() as keyof Routes] = apiHandler(endpoint);
  return routes;
}
