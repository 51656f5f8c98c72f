import { randomUUID } from "node:crypto";
import { problemBody } from "@/lib/api/problem";
import { log } from "@/lib/log";

/**
 * Any path under /api/v1 that no operation serves: a 404 problem (JSON, like every API answer)
 * rather than the app's HTML page. It needs no token: it says only that nothing is here.
 */
function notHere(request: Request): Response {
  const requestId = randomUUID();
  const path = new URL(request.url).pathname;
  log.info("api.request", { requestId, method: request.method, path, operation: null, status: 404, ms: 0, client: null });
  const body = problemBody("not-found", "No API operation has this path. The operations are listed in /api/v1/openapi.json.", { instance: path, requestId });
  return new Response(JSON.stringify(body), {
    status: 404,
    headers: { "Content-Type": "application/problem+json", "X-Request-Id": requestId, "Cache-Control": "no-store" },
  });
}

export const GET = notHere;
export const POST = notHere;
export const PATCH = notHere;
export const PUT = notHere;
export const DELETE = notHere;
export const OPTIONS = notHere;
