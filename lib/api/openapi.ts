import "server-only";
import { z } from "zod";
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject, type ZodOpenApiResponsesObject } from "zod-openapi";
import { API_BASE_PATH, type AnyEndpoint } from "@/lib/api/endpoint";
import { MAX_BODY_BYTES } from "@/lib/api/body";
import { PROBLEM_TYPES, problemSchema, problemTypeUri, type ProblemType } from "@/lib/api/problem";
import { API_SCOPE_LABELS, API_SCOPES } from "@/lib/api/tokens";

/**
 * The OpenAPI 3.1 document, generated from the endpoint definitions (their zod schemas are what
 * the handlers validate with). Served at /api/v1/openapi.json; the API reference page renders it.
 */

type Header = { description: string; schema: { type: "string" } };
const header = (description: string): Header => ({ description, schema: { type: "string" } });

const COMMON_HEADERS = {
  "X-Request-Id": header("Identifies this request in the server log."),
  "RateLimit-Limit": header("Requests this token may make per minute."),
  "RateLimit-Remaining": header("Requests left in the current minute."),
  "RateLimit-Reset": header("Seconds until the current minute ends."),
};

function problemResponse(status: number, types: ProblemType[]) {
  const described = types.map((t) => `\`${problemTypeUri(t)}\`: ${PROBLEM_TYPES[t].title}.`).join(" ");
  const headers: Record<string, Header> = { "X-Request-Id": COMMON_HEADERS["X-Request-Id"] };
  // Every answer after the token was counted carries the rate-limit state (a 401 has no token to count).
  if (status !== 401) {
    for (const name of ["RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"] as const)
      headers[name] = { ...COMMON_HEADERS[name], description: `${COMMON_HEADERS[name].description} (Absent when the token was not counted.)` };
  }
  if (status === 401) headers["WWW-Authenticate"] = header("The Bearer challenge.");
  if (status === 403) headers["WWW-Authenticate"] = header('The Bearer challenge with error="insufficient_scope" and the scope needed.');
  if (status === 429 || status === 503 || status === 504) headers["Retry-After"] = header("Seconds to wait before retrying.");
  if (status === 409 && types.includes("idempotency-key-in-use")) headers["Retry-After"] = header("Seconds to wait before retrying.");
  return { description: described, headers, content: { "application/problem+json": { schema: problemSchema } } };
}

function problemsOf(endpoint: AnyEndpoint): ProblemType[] {
  const types = new Set<ProblemType>(["unauthorized", "insufficient-scope", "rate-limited", "internal", "unavailable"]);
  if (endpoint.params) types.add("not-found");
  if (endpoint.query || endpoint.body || endpoint.idempotent) types.add("invalid-request");
  if (endpoint.body) for (const t of ["malformed-json", "payload-too-large", "unsupported-media-type"] as const) types.add(t);
  if (endpoint.idempotent) for (const t of ["idempotency-key-in-use", "idempotency-key-reused"] as const) types.add(t);
  for (const t of endpoint.problems ?? []) types.add(t);
  return [...types];
}

function responsesOf(endpoint: AnyEndpoint): ZodOpenApiResponsesObject {
  const { success } = endpoint;
  const headers: Record<string, Header> = { ...COMMON_HEADERS };
  if (success.etag) headers.ETag = header("Changes whenever the representation changes; send it back in If-None-Match (304) or If-Match.");
  if (success.location) headers.Location = header("Where the created resource can be read.");
  if (endpoint.idempotent)
    headers["Idempotent-Replayed"] = header('"true" when this is the stored result of an earlier request with the same Idempotency-Key.');
  const responses: ZodOpenApiResponsesObject = {
    [String(success.status)]: { description: success.description, headers, content: { "application/json": { schema: success.schema } } },
  };
  if (success.etag && endpoint.method === "get")
    responses["304"] = { description: "Not modified: the If-None-Match ETag is current.", headers: { ...COMMON_HEADERS, ETag: headers.ETag! } };
  const byStatus = new Map<number, ProblemType[]>();
  for (const type of problemsOf(endpoint)) {
    const status = PROBLEM_TYPES[type].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), type]);
  }
  for (const [status, types] of [...byStatus].sort((a, b) => a[0] - b[0]))
    (responses as Record<string, unknown>)[String(status)] = problemResponse(status, types);
  return responses;
}

function operationOf(endpoint: AnyEndpoint): ZodOpenApiOperationObject {
  const headerParams = endpoint.idempotent
    ? z.object({
        "Idempotency-Key": z
          .string()
          .regex(/^[\x21-\x7e]{1,255}$/)
          .optional()
          .meta({
            description: "Any unique string (a UUID): retrying with the same key and body returns the first result instead of doing it again. Kept 24 hours.",
          }),
      })
    : undefined;
  const ifHeaders = !endpoint.success.etag
    ? undefined
    : endpoint.method === "get"
      ? z.object({ "If-None-Match": z.string().optional().meta({ description: "An ETag from an earlier response: 304 when it is still current." }) })
      : z.object({
          "If-Match": z.string().optional().meta({ description: "The ETag you read: the change is refused (412) when the resource changed since." }),
        });
  return {
    operationId: endpoint.operationId,
    summary: endpoint.summary,
    ...(endpoint.description ? { description: endpoint.description } : {}),
    tags: [endpoint.tag],
    security: [{ bearerAuth: [endpoint.scope] }],
    "x-required-scope": endpoint.scope,
    requestParams: {
      ...(endpoint.params ? { path: endpoint.params } : {}),
      ...(endpoint.query ? { query: endpoint.query } : {}),
      ...(headerParams || ifHeaders ? { header: headerParams && ifHeaders ? headerParams.extend(ifHeaders.shape) : (headerParams ?? ifHeaders)! } : {}),
    },
    ...(endpoint.body ? { requestBody: { required: true, content: { "application/json": { schema: endpoint.body } } } } : {}),
    responses: responsesOf(endpoint),
  } as ZodOpenApiOperationObject;
}

export function buildOpenApiDocument(endpoints: AnyEndpoint[], serverUrl: string) {
  const paths: ZodOpenApiPathsObject = {};
  for (const endpoint of endpoints) {
    (paths[endpoint.path] ??= {})[endpoint.method] = operationOf(endpoint);
  }
  return createDocument({
    openapi: "3.1.0",
    info: {
      title: "Bucketshare API",
      version: "1.0.0",
      description: [
        "Share objects from your S3-compatible storage from apps and scripts: list what is stored, create direct or managed links, read their history and access logs, change or revoke them.",
        "",
        "**Authentication.** Create a personal access token in Settings → API tokens and send it as `Authorization: Bearer <token>`. Each operation names the scope it needs (`x-required-scope`).",
        "",
        `**Errors** are RFC 9457 problem details (\`application/problem+json\`) with a stable \`type\` per kind of error; \`errors\` names each field at fault. Bodies are JSON of at most ${MAX_BODY_BYTES / 1024} KiB; unknown fields are refused.`,
        "",
        "**Limits.** Each token may make a fixed number of requests per minute (the RateLimit-* headers say how many are left); beyond that, 429 with Retry-After.",
        "",
        "**CORS** is off: call the API from servers and scripts, not from web pages on other origins.",
      ].join("\n"),
    },
    servers: [{ url: `${serverUrl}${API_BASE_PATH}` }],
    tags: [
      { name: "Storage", description: "Connections, buckets and objects (scope objects:read)." },
      { name: "Links", description: "Create, read, change and revoke share links (scopes links:read, links:write)." },
      {
        name: "Upload requests",
        description: "Links people without an account upload files through, straight into your storage (scopes links:read, links:write).",
      },
    ],
    components: {
      securitySchemes: {
        bearerAuth: {
          type: "http",
          scheme: "bearer",
          description: `A personal access token (bks_…). Scopes: ${API_SCOPES.map((s) => `\`${s}\` (${API_SCOPE_LABELS[s]})`).join(", ")}.`,
        },
      },
    },
    paths,
  });
}
