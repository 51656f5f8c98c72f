/**
 * The API's operations (/api/v1/…), answered by lib/boot/server.ts before Next's router: Next's
 * request handling cost more CPU than an API request's own work (`npm run bench:api`). It calls
 * the very handlers of app/api/v1/…/route.ts (answerEndpoint, the core of apiHandler, of each operation in
 * API_ENDPOINTS: the same token check, zod input, rights and answers) with a web Request built from the
 * node request, and writes the answer (its JSON text and headers, no web Response) with the headers
 * next.config.js adds to every path, as Next would.
 * It takes only an operation's own method on its exact path (ids of letters, digits, - and _);
 * anything else (OPTIONS, HEAD, another method or path, a trailing slash, an encoded id) goes to
 * Next, which answers it as before. Loaded only by `npm start` (production), with the download fast
 * path (whose copy of lib/ and Prisma client it shares).
 *
 * next/headers has no request here: the request's headers go into the server's per-request state
 * (lib/http/request-headers.ts), where the client address (audit rows) and a managed link's base
 * URL are read from.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { answerEndpoint, API_BASE_PATH } from "@/lib/api/endpoint";
import { API_ENDPOINTS } from "@/lib/api/endpoints";
import { problemBody } from "@/lib/api/problem";
import { keepOwnClientSlot } from "@/lib/db/client";
import { requestStateStorage } from "@/lib/http/request-state";
import { log } from "@/lib/log";

// This copy of lib/ is not Next's: its own Prisma client (the download fast path's), never the one Next's bundle made.
keepOwnClientSlot("bucketshareDirectDb");

type HeaderRule = { source: string; headers: { key: string; value: string }[] };
type Route = { method: string; path: RegExp; params: string[]; handle: ReturnType<typeof answerEndpoint> };

/** An operation's path template ("/links/{id}") as a pattern of the whole request target (query string allowed). */
function pathPattern(template: string): { path: RegExp; params: string[] } {
  const params: string[] = [];
  const source = template
    .split("/")
    .map((segment) => {
      const name = /^\{(\w+)\}$/.exec(segment)?.[1];
      if (!name) return segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      params.push(name);
      return "([A-Za-z0-9_-]{1,100})";
    })
    .join("/");
  return { path: new RegExp(`^${API_BASE_PATH}${source}(?:\\?[^#]*)?$`), params };
}

const byLowerCase = (a: string, b: string) => (a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0);

/** Returns the request listener's step: true when it took the request (and will answer it). */
export async function createApiFastPath(): Promise<(req: IncomingMessage, res: ServerResponse) => boolean> {
  const config = ((await import(new URL("../../next.config.js", import.meta.url).href)) as { default: { headers?: () => Promise<HeaderRule[]> } }).default;
  const rules = (await config.headers?.()) ?? [];
  const configHeaders = rules.filter((rule) => rule.source === "/:path*").flatMap((rule) => rule.headers);
  const routes: Route[] = API_ENDPOINTS.map((endpoint) => ({
    method: endpoint.method.toUpperCase(),
    ...pathPattern(endpoint.path),
    handle: answerEndpoint(endpoint),
  }));

  async function answer(req: IncomingMessage, route: Route, match: RegExpExecArray, res: ServerResponse): Promise<void> {
    // The headers as Node gives them to Next (req.headers: the first of a repeated Authorization or User-Agent,
    // others joined), so a request reads the same here and through Next; lib/boot/server.ts put the socket's
    // address in the peer header.
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
    }
    const state = requestStateStorage()?.getStore();
    if (state) state.headers = headers;
    const hasBody = req.method !== "GET" && req.method !== "DELETE";
    // A fixed origin: the Host header cannot change the path or query the handler reads (links are built from
    // PUBLIC_URL or the checked Host in the request's state, never from this URL).
    const request = new Request(`http://localhost${req.url}`, {
      method: req.method,
      headers,
      ...(hasBody ? { body: Readable.toWeb(req) as ReadableStream<Uint8Array>, duplex: "half" } : {}),
    } as RequestInit);
    const params = Object.fromEntries(route.params.map((name, i) => [name, match[i + 1]!]));
    const answer = await route.handle(request, params);
    res.statusCode = answer.status;
    for (const { key, value } of configHeaders) res.setHeader(key, value);
    // As a web Response gives them to Next: lower-case names in order.
    for (const name of Object.keys(answer.headers).sort(byLowerCase)) res.setHeader(name.toLowerCase(), answer.headers[name]!);
    res.setHeader("x-bucketshare-path", "direct");
    res.end(answer.body ?? undefined);
  }

  return (req, res) => {
    const target = req.url ?? "";
    if (!target.startsWith(`${API_BASE_PATH}/`)) return false;
    for (const route of routes) {
      if (route.method !== req.method) continue;
      const match = route.path.exec(target);
      if (!match) continue;
      answer(req, route, match, res).catch((error: unknown) => {
        // apiHandler answers its own faults as problems; this is the request itself failing (e.g. a bad Host).
        log.error("api.request_failed", { path: route.path.source, direct: true, error });
        if (res.headersSent) res.destroy();
        else {
          const requestId = randomUUID();
          res.statusCode = 500;
          for (const { key, value } of configHeaders) res.setHeader(key, value);
          res.setHeader("content-type", "application/problem+json");
          res.setHeader("cache-control", "no-store");
          res.setHeader("x-request-id", requestId);
          res.end(
            JSON.stringify(
              problemBody("internal", "Something went wrong and nothing was changed. The server log has the details.", {
                instance: target.split("?")[0]!,
                requestId,
              }),
            ),
          );
        }
      });
      return true;
    }
    return false;
  };
}
