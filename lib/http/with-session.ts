import "server-only";
import type { z } from "zod";
import type { FieldProblem } from "@/lib/api/problem";
import { getSessionUser, type SessionUser } from "@/lib/auth/session";
import { AppError, isDatabaseUnavailable } from "@/lib/errors";
import { pageProblemTypeOf, problemResponse, SIGN_IN_FIRST } from "@/lib/http/problem";
import { log } from "@/lib/log";

/**
 * The one wrapper of the signed-in route handlers (downloads the pages offer: the history export,
 * a share's manifest), as the action wrapper is for server actions and apiHandler for the API:
 * the session first, then the path and query through their zod schemas, then the handler, which
 * puts the user's id into every query. Every refusal and fault is a problem answer in the one
 * format of docs/errors.md; a raw error never reaches the browser.
 */

export type SessionRouteContext<P, Q> = {
  request: Request;
  user: SessionUser;
  params: P;
  query: Q;
  requestId: string;
};

type RouteContext = { params: Promise<Record<string, string | string[]>> };

export type SessionRouteOptions<P extends z.ZodType, Q extends z.ZodType> = {
  /** Names the route in the log (e.g. "links.export"). */
  name: string;
  params?: P;
  query?: Q;
  /** The detail when the path's ids do not parse: such an id names nothing of the user's. */
  notFound?: string;
  /** The detail of an unexpected fault ("… could not be made. Try again."). */
  failure: string;
};

function fieldProblems(error: z.ZodError, where: FieldProblem["in"]): FieldProblem[] {
  return error.issues.map((issue) => ({ in: where, field: issue.path.map(String).join("."), message: issue.message }));
}

export function withSession<P extends z.ZodType = z.ZodType<Record<string, never>>, Q extends z.ZodType = z.ZodType<Record<string, never>>>(
  options: SessionRouteOptions<P, Q>,
  handler: (context: SessionRouteContext<z.output<P>, z.output<Q>>) => Promise<Response>,
) {
  return async function sessionRoute(request: Request, route: RouteContext): Promise<Response> {
    const requestId = crypto.randomUUID();
    const url = new URL(request.url);
    const instance = url.pathname;
    try {
      // A change asked by another site's page (the session cookie is SameSite=Lax, a sibling host is same-site):
      // refused before anything is read. Browsers say where a request comes from; other clients have no cookie to abuse.
      const site = request.headers.get("sec-fetch-site");
      if (request.method !== "GET" && request.method !== "HEAD" && site && site !== "same-origin" && site !== "none") {
        return problemResponse("insufficient-scope", "This request came from another site. Nothing was done.", { instance, requestId });
      }
      const user = await getSessionUser();
      if (!user) return problemResponse("sign-in-required", SIGN_IN_FIRST, { instance, requestId });

      let params = {} as z.output<P>;
      if (options.params) {
        const parsed = options.params.safeParse(await route.params);
        if (!parsed.success) return problemResponse("not-found", options.notFound ?? "Nothing of yours has this id.", { instance, requestId });
        params = parsed.data;
      }
      let query = {} as z.output<Q>;
      if (options.query) {
        // Each parameter once (the first): a repeated one is not a list here.
        const raw: Record<string, string> = {};
        for (const [key, value] of url.searchParams) if (!Object.hasOwn(raw, key)) raw[key] = value;
        const parsed = options.query.safeParse(raw);
        if (!parsed.success) {
          const errors = fieldProblems(parsed.error, "query");
          return problemResponse("invalid-request", errors.map((e) => e.message).join(" "), { instance, requestId, errors });
        }
        query = parsed.data;
      }
      return await handler({ request, user, params, query, requestId });
    } catch (error) {
      if (error instanceof AppError) {
        if (error.code !== "invalid" && error.code !== "not_found")
          log.warn("session_route.refused", { route: options.name, requestId, code: error.code, cause: error.cause });
        const errors = Object.entries(error.fieldErrors ?? {}).flatMap(([field, messages]) =>
          messages.map((message) => ({ in: "query" as const, field, message })),
        );
        return problemResponse(pageProblemTypeOf(error), error.message, { instance, requestId, errors });
      }
      if (isDatabaseUnavailable(error)) {
        log.error("session_route.database_unavailable", { route: options.name, requestId, error });
        return problemResponse("unavailable", "The database is not answering. Try again in a moment.", { instance, requestId });
      }
      log.error("session_route.failed", { route: options.name, requestId, error });
      return problemResponse("internal", options.failure, { instance, requestId });
    }
  };
}
