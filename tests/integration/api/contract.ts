/**
 * The contract harness of the API's integration tests: every response a test sees is checked
 * against the OpenAPI document the server serves (app/api/v1/openapi.json), so the document
 * describes exactly what the server does. Not a test file (vitest only collects *.test.ts).
 *
 *   const { callApi, createTestToken, createOwnerWithConnection } = await import("./api/contract");
 *   const { owner, connectionId } = await createOwnerWithConnection("links", storage);
 *   const { token } = await createTestToken(owner.id, { scopes: ["objects:read"] });
 *   const res = await callApi({ method: "GET", path: `/connections/${connectionId}/buckets`, token });
 *   expect(res.status).toBe(200); // the body already matched the documented schema
 *
 * callApi finds the route module for the path (app/api/v1/** /route.ts, `[id]` segments become
 * params), calls its handler with a real Request (methods the module does not export are answered
 * as Next answers them: OPTIONS and HEAD made automatically, the rest 405), and fails the test with
 * a clear message when the response is not documented: no operation for (method, path template)
 * (unless it is the 405 the wrapper gives, with an Allow header naming exactly the documented
 * methods), a status the operation does not list, another media type, a body that does not match
 * the schema (Ajv, JSON Schema 2020-12, formats checked), a missing X-Request-Id or required
 * header, or an API header (Retry-After, RateLimit-*, ETag, …) the document does not name for that
 * status. Problem bodies must also carry the response's status, path and request id.
 *
 * The document itself is checked once to be a valid OpenAPI 3.1 document (@readme/openapi-parser).
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { compileErrors, validate as validateOpenApiDocument } from "@readme/openapi-parser";
import Ajv2020, { type ValidateFunction } from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { autoImplementMethods } from "next/dist/server/route-modules/app-route/helpers/auto-implement-methods";
import type { SessionUser } from "@/lib/auth/session";
import { createApiToken } from "@/lib/api/token-store";
import type { ApiScope } from "@/lib/api/tokens";
import { newRecordId } from "@/lib/crypto";
import { db } from "@/lib/db";
import { getRuntimeSecrets } from "@/lib/env";
import { seal } from "@/lib/storage/sealed";
import * as h from "../helpers";

/** The origin requests are made on (the test app server's address; nothing listens there). */
export const API_ORIGIN = "http://127.0.0.1:3000";
export const API_PREFIX = "/api/v1";

// ---------------------------------------------------------------------------------------------
// The document

type HeaderObject = { required?: boolean; schema?: object; $ref?: string };
type MediaTypeObject = { schema?: object };
type ResponseObject = { description?: string; headers?: Record<string, HeaderObject>; content?: Record<string, MediaTypeObject>; $ref?: string };
type OperationObject = { operationId?: string; responses: Record<string, ResponseObject> };
export type OpenApiDocument = {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, OperationObject>>;
  components?: { schemas?: Record<string, object>; [section: string]: unknown };
  [field: string]: unknown;
};

const OPERATION_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;
/** Headers that carry API meaning: when a response sends one, the document must name it for that status. */
const API_HEADERS = ["www-authenticate", "retry-after", "ratelimit-limit", "ratelimit-remaining", "ratelimit-reset", "etag", "location", "idempotent-replayed"];
const COMPONENTS_ID = "urn:bucketshare:test:openapi-components";

/**
 * Headers the server sends that the document (lib/api/openapi.ts) does not list yet: let through for
 * these statuses only. When the document lists one of them, loading the contract fails until its
 * entry is removed here, so this list can only shrink.
 */
const KNOWN_GAPS: { headers: string[]; statuses: string[] }[] = [];

function knownGap(header: string, status: string): boolean {
  return KNOWN_GAPS.some((gap) => gap.headers.includes(header) && gap.statuses.includes(status));
}

function assertGapsStillOpen(document: OpenApiDocument): void {
  for (const [template, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        for (const name of Object.keys(deref(document, response).headers ?? {})) {
          if (knownGap(name.toLowerCase(), status)) {
            throw new Error(`The document now lists ${name} for ${method.toUpperCase()} ${template} ${status}: remove it from KNOWN_GAPS in tests/integration/api/contract.ts`);
          }
        }
      }
    }
  }
}

/** The documented methods plus what HTTP gives with them: HEAD with GET, and OPTIONS. */
function withImplicit(documented: string[]): string[] {
  return [...documented, ...(documented.includes("GET") ? ["HEAD"] : []), "OPTIONS"];
}

type Contract = {
  document: OpenApiDocument;
  ajv: InstanceType<typeof Ajv2020>;
  validators: Map<string, ValidateFunction>;
};

let contract: Promise<Contract> | undefined;

/** The served OpenAPI document (fetched once per test file, checked to be valid OpenAPI 3.1). */
export async function openApiDocument(): Promise<OpenApiDocument> {
  return (await loadContract()).document;
}

function loadContract(): Promise<Contract> {
  contract ??= (async () => {
    const { GET } = await import("@/app/api/v1/openapi.json/route");
    const response = await (GET as (request: Request) => Promise<Response>)(new Request(`${API_ORIGIN}${API_PREFIX}/openapi.json`));
    if (response.status !== 200) throw new Error(`GET ${API_PREFIX}/openapi.json answered ${response.status}`);
    if (mediaType(response.headers.get("content-type")) !== "application/json") {
      throw new Error(`GET ${API_PREFIX}/openapi.json answered Content-Type ${response.headers.get("content-type")}`);
    }
    const document = (await response.json()) as OpenApiDocument;
    await assertValidOpenApi31(document);
    assertGapsStillOpen(document);
    return { document, ajv: schemaValidator(document), validators: new Map() };
  })();
  contract.catch(() => (contract = undefined));
  return contract;
}

/** Throws unless the document is a valid OpenAPI 3.1 document (schema and semantic rules). */
export async function assertValidOpenApi31(document: OpenApiDocument): Promise<void> {
  if (!/^3\.1\.\d+$/.test(document.openapi)) throw new Error(`The document says openapi ${document.openapi}, not 3.1.x`);
  // validate() dereferences in place: give it a copy.
  const result = await validateOpenApiDocument(structuredClone(document) as Parameters<typeof validateOpenApiDocument>[0]);
  if (!result.valid) throw new Error(`The served document is not valid OpenAPI 3.1:\n${compileErrors(result)}`);
}

function schemaValidator(document: OpenApiDocument) {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  addFormats(ajv);
  // OpenAPI's own annotation keywords, and x- extensions, are allowed in its schemas.
  const extensions = new Set<string>(["example", "discriminator", "xml", "externalDocs"]);
  collectKeys(document.components?.schemas, (key) => key.startsWith("x-") && extensions.add(key));
  ajv.addVocabulary([...extensions]);
  ajv.addSchema({ $id: COMPONENTS_ID, $defs: rewriteRefs(document.components?.schemas ?? {}) });
  return ajv;
}

function collectKeys(value: unknown, visit: (key: string) => unknown): void {
  if (Array.isArray(value)) value.forEach((v) => collectKeys(v, visit));
  else if (value && typeof value === "object") {
    for (const [key, v] of Object.entries(value)) {
      visit(key);
      collectKeys(v, visit);
    }
  }
}

/** `#/components/schemas/X` → the components schema registered with Ajv. */
function rewriteRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rewriteRefs);
  if (!value || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (key === "$ref" && typeof v === "string") {
      if (!v.startsWith("#/components/schemas/")) throw new Error(`The harness does not follow the schema $ref ${v}`);
      out[key] = `${COMPONENTS_ID}#/$defs/${v.slice("#/components/schemas/".length)}`;
    } else {
      out[key] = rewriteRefs(v);
    }
  }
  return out;
}

/** A `$ref` to another part of the document (#/components/responses/X, #/components/headers/X), followed. */
function deref<T extends { $ref?: string }>(document: OpenApiDocument, value: T): T {
  let current: T = value;
  for (let hops = 0; current.$ref; hops++) {
    if (hops > 10 || !current.$ref.startsWith("#/")) throw new Error(`Cannot follow $ref ${current.$ref}`);
    let target: unknown = document;
    for (const part of current.$ref.slice(2).split("/")) {
      target = (target as Record<string, unknown> | undefined)?.[part.replace(/~1/g, "/").replace(/~0/g, "~")];
    }
    if (!target || typeof target !== "object") throw new Error(`$ref ${current.$ref} points at nothing`);
    current = target as T;
  }
  return current;
}

function validatorFor(c: Contract, key: string, schema: object): ValidateFunction {
  let validator = c.validators.get(key);
  if (!validator) {
    validator = c.ajv.compile(rewriteRefs(schema) as object);
    c.validators.set(key, validator);
  }
  return validator;
}

// ---------------------------------------------------------------------------------------------
// Routes

type RouteEntry = { template: string; segments: string[]; file: string };

const API_DIR = fileURLToPath(new URL("../../../app/api/v1/", import.meta.url));
let routes: RouteEntry[] | undefined;

/** Every route.ts under app/api/v1 with its OpenAPI path template ("/connections/{id}/buckets"). */
export function apiRouteFiles(): { template: string; file: string }[] {
  routes ??= findRoutes(API_DIR, []).sort(
    // Static segments before dynamic ones, as Next matches them.
    (a, b) => a.segments.filter((s) => s.startsWith("{")).length - b.segments.filter((s) => s.startsWith("{")).length,
  );
  return routes.map(({ template, file }) => ({ template, file }));
}

function findRoutes(dir: string, segments: string[]): RouteEntry[] {
  const found: RouteEntry[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isFile() && entry.name === "route.ts") found.push({ template: `/${segments.join("/")}`, segments, file: path.join(dir, entry.name) });
    if (!entry.isDirectory()) continue;
    if (/^\(.*\)$/.test(entry.name)) {
      found.push(...findRoutes(path.join(dir, entry.name), segments)); // route group: no segment
      continue;
    }
    const dynamic = /^\[([A-Za-z0-9_]+)\]$/.exec(entry.name);
    if (entry.name.startsWith("[") && !dynamic) throw new Error(`The harness does not map the route segment ${entry.name}`);
    found.push(...findRoutes(path.join(dir, entry.name), [...segments, dynamic ? `{${dynamic[1]}}` : entry.name]));
  }
  return found;
}

function matchRoute(pathname: string): { route: RouteEntry; params: Record<string, string> } | null {
  apiRouteFiles();
  const parts = pathname.split("/").slice(1);
  for (const route of routes!) {
    if (route.segments.length !== parts.length) continue;
    const params: Record<string, string> = {};
    const matches = route.segments.every((segment, i) => {
      const part = parts[i]!;
      if (segment.startsWith("{")) {
        if (part === "") return false;
        params[segment.slice(1, -1)] = decodeURIComponent(part);
        return true;
      }
      return segment === part;
    });
    if (matches) return { route, params };
  }
  return null;
}

type RouteModule = Record<string, unknown>;
const modules = new Map<string, Promise<RouteModule>>();

function routeModule(file: string): Promise<RouteModule> {
  let loaded = modules.get(file);
  if (!loaded) {
    loaded = import(/* @vite-ignore */ file) as Promise<RouteModule>;
    modules.set(file, loaded);
  }
  return loaded;
}

// ---------------------------------------------------------------------------------------------
// Calls

export type ApiCall = {
  method: string;
  /** Under /api/v1 ("/objects?connection=…"); a leading /api/v1 is accepted too. */
  path: string;
  /** Sent as `Authorization: Bearer <token>` (unless headers name an Authorization). */
  token?: string;
  /** Sent as JSON with Content-Type: application/json (unless headers name a Content-Type). */
  body?: unknown;
  /** Sent as it is, with only the headers given. */
  rawBody?: string | Uint8Array | ReadableStream<Uint8Array>;
  headers?: Record<string, string>;
};

/** The body is whatever the document allowed, so tests read it freely. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ApiJson = any;

export type ApiResponse = {
  status: number;
  headers: Headers;
  /** The parsed JSON body (undefined when there is none). */
  json: ApiJson;
};

/** Calls the API's route handler for the path and fails unless the response is the documented one. */
export async function callApi(call: ApiCall): Promise<ApiResponse> {
  await loadContract();
  const method = call.method.toUpperCase();
  const relative = call.path.startsWith(`${API_PREFIX}/`) ? call.path.slice(API_PREFIX.length) : call.path;
  if (!relative.startsWith("/")) throw new Error(`callApi: the path must start with "/" (got ${call.path})`);
  const url = new URL(`${API_PREFIX}${relative}`, API_ORIGIN);
  const matched = matchRoute(url.pathname.slice(API_PREFIX.length));
  if (!matched) throw new Error(`callApi: no app/api/v1/**/route.ts serves ${url.pathname}`);

  const headers = new Headers(call.headers);
  if (call.token !== undefined && !headers.has("authorization")) headers.set("authorization", `Bearer ${call.token}`);
  let body: BodyInit | undefined;
  if (call.body !== undefined) {
    if (!headers.has("content-type")) headers.set("content-type", "application/json");
    body = JSON.stringify(call.body);
  } else if (call.rawBody !== undefined) {
    body = call.rawBody as BodyInit;
  }
  const request = new Request(url, { method, headers, body, ...(body instanceof ReadableStream ? { duplex: "half" } : {}) } as RequestInit);

  const handlers = autoImplementMethods((await routeModule(matched.route.file)) as Parameters<typeof autoImplementMethods>[0]);
  const handler = handlers[method as keyof typeof handlers] as ((request: Request, context: unknown) => Promise<Response> | Response) | undefined;
  if (!handler) throw new Error(`callApi: Next has no handling for the method ${method}`);
  const response = await handler(request, { params: Promise.resolve(matched.params) });
  return documentedResponse(method, url, response);
}

/**
 * Checks one response against the document (what callApi does with every response); usable on a
 * response from a running server too: `await documentedResponse("GET", url, await fetch(url))`.
 */
export async function documentedResponse(method: string, url: URL | string, response: Response): Promise<ApiResponse> {
  const c = await loadContract();
  const where = new URL(url, API_ORIGIN);
  const upper = method.toUpperCase();
  const matched = where.pathname.startsWith(`${API_PREFIX}/`) ? matchRoute(where.pathname.slice(API_PREFIX.length)) : null;
  if (!matched) throw new Error(`No app/api/v1/**/route.ts serves ${where.pathname}`);
  const text = upper === "HEAD" ? "" : await response.text();
  const failures: string[] = [];
  const json = checkResponse(c, { method: upper, template: matched.route.template, pathname: where.pathname }, response, text, failures);
  if (failures.length > 0) {
    throw new Error(
      [
        `The response to ${upper} ${where.pathname}${where.search} (${matched.route.template}) is not the documented one:`,
        ...failures.map((f) => `  - ${f}`),
        `  status ${response.status}, Content-Type ${response.headers.get("content-type") ?? "(none)"}`,
        `  body: ${text.length > 2_000 ? `${text.slice(0, 2_000)}…` : text || "(empty)"}`,
      ].join("\n"),
    );
  }
  return { status: response.status, headers: response.headers, json };
}

function mediaType(contentType: string | null): string {
  return (contentType ?? "").split(";")[0]!.trim().toLowerCase();
}

function documentedMethods(document: OpenApiDocument, template: string): string[] {
  const item = document.paths[template] ?? {};
  return OPERATION_METHODS.filter((m) => item[m]).map((m) => m.toUpperCase());
}

function parseJson(text: string, type: string, failures: string[]): unknown {
  if (text === "") return undefined;
  if (type !== "application/json" && !type.endsWith("+json")) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    failures.push(`the body is not valid JSON although the Content-Type is ${type}`);
    return undefined;
  }
}

function checkResponse(
  c: Contract,
  call: { method: string; template: string; pathname: string },
  response: Response,
  text: string,
  failures: string[],
): unknown {
  const { document } = c;
  const status = String(response.status);
  const type = mediaType(response.headers.get("content-type"));
  const json = parseJson(text, type, failures);
  const requestId = response.headers.get("x-request-id");

  if (!document.paths[call.template]) {
    failures.push(`the document has no path ${call.template}, yet app/api/v1 serves it`);
    return json;
  }
  const documented = documentedMethods(document, call.template);
  const operationMethod = call.method === "HEAD" ? "get" : call.method.toLowerCase();
  const operation = document.paths[call.template]![operationMethod];

  if (!operation) {
    if (call.method === "OPTIONS") {
      // The wrapper's answer (no CORS here): 204 and exactly the methods there are in Allow, no body.
      if (response.status !== 204) failures.push(`OPTIONS answered ${status}, expected 204`);
      if (text !== "") failures.push("OPTIONS answered with a body");
      const allow = (response.headers.get("allow") ?? "").split(",").map((m) => m.trim()).filter(Boolean).sort();
      if (allow.join(", ") !== withImplicit(documented).sort().join(", ")) failures.push(`OPTIONS: Allow is "${allow.join(", ")}", the document lists ${documented.join(", ")}`);
      return json;
    }
    // Any other method the document does not list: the wrapper's 405 problem.
    if (response.status !== 405) failures.push(`${call.method} is not documented for ${call.template} (documented: ${documented.join(", ")}), and the answer is ${status}, not 405`);
    if (!requestId) failures.push("no X-Request-Id header");
    const allow = (response.headers.get("allow") ?? "").split(",").map((m) => m.trim()).filter(Boolean).sort();
    if (allow.join(", ") !== withImplicit(documented).sort().join(", ")) failures.push(`Allow is "${allow.join(", ")}", the document lists ${documented.join(", ")}`);
    if (type !== "application/problem+json") failures.push(`a 405 must be application/problem+json, not ${type || "(none)"}`);
    else validateBody(c, `#problem`, { $ref: "#/components/schemas/Problem" }, json, failures);
    checkProblem(json, response.status, call.pathname, requestId, failures);
    return json;
  }

  const statuses = Object.keys(operation.responses);
  const specRef = operation.responses[status] ?? operation.responses[`${status[0]}XX`] ?? operation.responses.default;
  if (!specRef) {
    failures.push(`status ${status} is not documented for ${call.method} ${call.template} (documented: ${statuses.join(", ")})`);
    return json;
  }
  const spec = deref(document, specRef);

  // Headers: X-Request-Id always, required ones, and no API header the document does not name.
  if (!requestId) failures.push("no X-Request-Id header");
  const documentedHeaders = new Map(Object.entries(spec.headers ?? {}).map(([name, header]) => [name.toLowerCase(), deref(document, header)]));
  if (!documentedHeaders.has("x-request-id")) failures.push(`the document does not list X-Request-Id for ${status}`);
  for (const [name, header] of documentedHeaders) {
    const value = response.headers.get(name);
    if (value === null) {
      if (header.required) failures.push(`the required header ${name} is missing`);
      continue;
    }
    if (header.schema) validateValue(c, `header ${name} ${JSON.stringify(header.schema)}`, header.schema, value, `header ${name}`, failures);
  }
  for (const name of API_HEADERS) {
    if (response.headers.has(name) && !documentedHeaders.has(name) && !knownGap(name, status)) failures.push(`the response sends ${name}, which the document does not list for ${status}`);
  }

  // Body: the documented media type and schema, or none.
  if (!spec.content || Object.keys(spec.content).length === 0) {
    if (text !== "") failures.push(`status ${status} is documented without a body, yet the response has one`);
    return json;
  }
  const media = Object.keys(spec.content).find((m) => m.toLowerCase() === type);
  if (!media) {
    failures.push(`Content-Type ${type || "(none)"} is not documented for ${status} (documented: ${Object.keys(spec.content).join(", ")})`);
    return json;
  }
  if (call.method === "HEAD") return json;
  if (text === "") {
    failures.push(`status ${status} is documented with a ${media} body, and the response has none`);
    return json;
  }
  const schema = spec.content[media]!.schema;
  if (schema) validateBody(c, `${call.method} ${call.template} ${status} ${media}`, schema, json, failures);
  if (media === "application/problem+json") checkProblem(json, response.status, call.pathname, requestId, failures);
  return json;
}

function validateBody(c: Contract, key: string, schema: object, value: unknown, failures: string[]): void {
  validateValue(c, key, schema, value, "body", failures);
}

function validateValue(c: Contract, key: string, schema: object, value: unknown, what: string, failures: string[]): void {
  const validator = validatorFor(c, key, schema);
  if (validator(value)) return;
  for (const error of validator.errors ?? []) {
    failures.push(`${what}${error.instancePath || ""}: ${error.message}${error.params && Object.keys(error.params).length ? ` ${JSON.stringify(error.params)}` : ""}`);
  }
}

/** What the Problem schema's descriptions promise beyond its shape. */
function checkProblem(json: unknown, status: number, pathname: string, requestId: string | null, failures: string[]): void {
  if (!json || typeof json !== "object") return;
  const problem = json as { status?: unknown; instance?: unknown; requestId?: unknown };
  if (problem.status !== status) failures.push(`problem.status is ${String(problem.status)}, the response's status ${status}`);
  if (problem.instance !== pathname) failures.push(`problem.instance is ${String(problem.instance)}, not the request path ${pathname}`);
  if (requestId && problem.requestId !== requestId) failures.push(`problem.requestId ${String(problem.requestId)} differs from X-Request-Id ${requestId}`);
}

// ---------------------------------------------------------------------------------------------
// Arranging: owners, connections, tokens

export type TestTokenOptions = {
  scopes: readonly ApiScope[];
  expiresAt?: Date | null;
  revoked?: boolean;
  /** Requests per minute (the column's default is 600). */
  rateLimit?: number;
  name?: string;
};

/** A personal access token of the owner, made as Settings makes one, then adjusted in the database. */
export async function createTestToken(ownerId: string, options: TestTokenOptions): Promise<{ token: string; id: string }> {
  const { token, row } = await createApiToken(ownerId, {
    name: options.name ?? `Test token ${h.randomSuffix()}`,
    scopes: options.scopes,
    expiresAt: options.expiresAt ?? null,
  });
  if (options.revoked || options.rateLimit !== undefined) {
    await db.apiToken.update({
      where: { id: row.id },
      data: { ...(options.revoked ? { revokedAt: new Date() } : {}), ...(options.rateLimit !== undefined ? { rateLimit: options.rateLimit } : {}) },
    });
  }
  return { token, id: row.id };
}

export type StorageAccess = { endpoint: string; region: string; accessKeyId: string; secretAccessKey: string };

/** A connection of the owner to a storage server, stored as Settings stores it (secret sealed to the row). */
export async function createTestConnection(ownerId: string, storage: StorageAccess, options: { name?: string; buckets?: string[] } = {}): Promise<string> {
  const id = newRecordId();
  await db.storageConnection.create({
    data: {
      id,
      ownerId,
      name: options.name ?? `API ${h.randomSuffix()}`,
      provider: "custom",
      endpoint: storage.endpoint,
      region: storage.region,
      forcePathStyle: true,
      accessKeyId: storage.accessKeyId,
      secretAccessKeyEnc: seal("secretAccessKey", id, storage.secretAccessKey, getRuntimeSecrets().encryptionKey),
      buckets: options.buckets ?? [],
    },
  });
  return id;
}

/** A new owner (unique email) with one connection to `storage`. Remove with h.deleteTestUsers(owner). */
export async function createOwnerWithConnection(label: string, storage: StorageAccess, options: { name?: string; buckets?: string[] } = {}): Promise<{ owner: SessionUser; connectionId: string }> {
  const owner = await h.createTestUser(label);
  const connectionId = await createTestConnection(owner.id, storage, options);
  return { owner, connectionId };
}

// ---------------------------------------------------------------------------------------------
// Logs

export type LogCapture = {
  /** Every line written to stdout/stderr since the capture began. */
  lines: () => string[];
  /** The lines that are JSON log entries (lib/log), parsed. */
  entries: () => Record<string, unknown>[];
  /** Restores stdout/stderr and LOG_LEVEL. */
  stop: () => void;
};

/** Records what lib/log writes (at LOG_LEVEL=info), instead of printing it. */
export function captureLogs(): LogCapture {
  const written: string[] = [];
  const out = process.stdout.write;
  const err = process.stderr.write;
  const level = process.env.LOG_LEVEL;
  process.env.LOG_LEVEL = "info";
  const record = (chunk: unknown, ...rest: unknown[]) => {
    written.push(typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString("utf8"));
    const callback = rest.find((r) => typeof r === "function") as (() => void) | undefined;
    callback?.();
    return true;
  };
  process.stdout.write = record as typeof process.stdout.write;
  process.stderr.write = record as typeof process.stderr.write;
  const lines = () => written.join("").split("\n").filter((line) => line !== "");
  return {
    lines,
    entries: () =>
      lines().flatMap((line) => {
        try {
          const parsed: unknown = JSON.parse(line);
          return parsed && typeof parsed === "object" ? [parsed as Record<string, unknown>] : [];
        } catch {
          return [];
        }
      }),
    stop: () => {
      process.stdout.write = out;
      process.stderr.write = err;
      if (level === undefined) delete process.env.LOG_LEVEL;
      else process.env.LOG_LEVEL = level;
    },
  };
}
