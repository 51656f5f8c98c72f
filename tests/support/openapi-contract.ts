/**
 * The API's contract check, on its own: given the OpenAPI 3.1 document the server serves, says
 * whether one response is the documented one. No test runner, no database: the integration
 * harness (api-contract.ts, route handlers called directly) and the e2e specs
 * (documented-api.ts, the production server over HTTP) both check every response with it.
 *
 *   const contract = createOpenApiContract(document);
 *   const matched = contract.matchPath("/links/abc");          // { template: "/links/{id}", params }
 *   contract.assertDocumented({ method: "GET", template: matched.template, pathname: "/api/v1/links/abc" }, { status, headers, text });
 *
 * A response departs from the document when: the path has no operation for the method (unless it
 * is the wrapper's 405 problem with an Allow header naming exactly the documented methods, or its
 * 204 answer to OPTIONS with that Allow and no body), the status is not listed, the media type is
 * another, the body does not match the schema (Ajv, JSON Schema 2020-12, formats checked), the
 * X-Request-Id or a required header is missing, a header does not match its schema, or an API
 * header (Retry-After, RateLimit-*, ETag, …) is sent that the document does not name for that
 * status. Problem bodies must also carry the response's status, path and request id.
 */
import { compileErrors, validate as validateOpenApiDocument } from "@readme/openapi-parser";
import Ajv2020, { type ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

export const API_PREFIX = "/api/v1";

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

/** The call a response answered: its method, the path template it matched, and the path asked for. */
export type ContractCall = { method: string; template: string; pathname: string; search?: string };
/** What the check reads of a response (the body as text, already read: HEAD has none). */
export type ContractResponse = { status: number; headers: Headers; text: string };

export type OpenApiContract = {
  document: OpenApiDocument;
  /** The document's path template that a path under /api/v1 ("/links/abc") matches, with its params. */
  matchPath(relative: string): PathMatch | null;
  /** Every way the response departs from the document ([] when none), and its parsed JSON body. */
  check(call: ContractCall, response: ContractResponse): { json: unknown; failures: string[] };
  /** Returns the parsed JSON body (undefined when there is none), or throws naming every departure. */
  assertDocumented(call: ContractCall, response: ContractResponse): unknown;
};

export type PathMatch = { template: string; params: Record<string, string> };

const OPERATION_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;
/** Headers that carry API meaning: when a response sends one, the document must name it for that status. */
const API_HEADERS = ["www-authenticate", "retry-after", "ratelimit-limit", "ratelimit-remaining", "ratelimit-reset", "etag", "location", "idempotent-replayed"];
const COMPONENTS_ID = "urn:bucketshare:test:openapi-components";

/**
 * Headers the server sends that the document (lib/api/openapi.ts) does not list yet: let through for
 * these statuses only. When the document lists one of them, building a contract fails until its
 * entry is removed here, so this list can only shrink.
 */
const KNOWN_GAPS: { headers: string[]; statuses: string[] }[] = [];

function knownGap(header: string, status: string): boolean {
  return KNOWN_GAPS.some((gap) => gap.headers.includes(header) && gap.statuses.includes(status));
}

/** Throws unless the document is a valid OpenAPI 3.1 document (schema and semantic rules). */
export async function assertValidOpenApi31(document: OpenApiDocument): Promise<void> {
  if (!/^3\.1\.\d+$/.test(document.openapi)) throw new Error(`The document says openapi ${document.openapi}, not 3.1.x`);
  // validate() dereferences in place: give it a copy.
  const result = await validateOpenApiDocument(structuredClone(document) as Parameters<typeof validateOpenApiDocument>[0]);
  if (!result.valid) throw new Error(`The served document is not valid OpenAPI 3.1:\n${compileErrors(result)}`);
}

/** The media type of a Content-Type header ("application/json; charset=utf-8" → "application/json"). */
export function mediaType(contentType: string | null): string {
  return (contentType ?? "").split(";")[0]!.trim().toLowerCase();
}

/**
 * The template among `templates` ("/links/{id}") that a path matches, static segments before
 * dynamic ones (as Next matches routes); `{name}` matches one non-empty segment, decoded.
 */
export function matchPathTemplate(templates: readonly string[], relative: string): PathMatch | null {
  const dynamicCount = (template: string) => template.split("/").filter((s) => s.startsWith("{")).length;
  const parts = relative.split("/").slice(1);
  for (const template of [...templates].sort((a, b) => dynamicCount(a) - dynamicCount(b))) {
    const segments = template.split("/").slice(1);
    if (segments.length !== parts.length) continue;
    const params: Record<string, string> = {};
    const matches = segments.every((segment, i) => {
      const part = parts[i]!;
      if (segment.startsWith("{")) {
        if (part === "") return false;
        params[segment.slice(1, -1)] = decodeURIComponent(part);
        return true;
      }
      return segment === part;
    });
    if (matches) return { template, params };
  }
  return null;
}

/** The contract of one document: Ajv with its component schemas, validators compiled once each. */
export function createOpenApiContract(document: OpenApiDocument): OpenApiContract {
  assertGapsStillOpen(document);
  const ajv = schemaValidator(document);
  const validators = new Map<string, ValidateFunction>();
  const c: Checker = {
    document,
    validate(key, schema, value, what, failures) {
      let validator = validators.get(key);
      if (!validator) {
        validator = ajv.compile(rewriteRefs(schema) as object);
        validators.set(key, validator);
      }
      if (validator(value)) return;
      for (const error of validator.errors ?? []) {
        failures.push(
          `${what}${error.instancePath || ""}: ${error.message}${error.params && Object.keys(error.params).length ? ` ${JSON.stringify(error.params)}` : ""}`,
        );
      }
    },
  };
  const templates = Object.keys(document.paths);
  const check = (call: ContractCall, response: ContractResponse) => {
    const failures: string[] = [];
    const json = checkResponse(c, call, response, failures);
    return { json, failures };
  };
  return {
    document,
    matchPath: (relative) => matchPathTemplate(templates, relative),
    check,
    assertDocumented(call, response) {
      const { json, failures } = check(call, response);
      if (failures.length === 0) return json;
      const { text } = response;
      throw new Error(
        [
          `The response to ${call.method.toUpperCase()} ${call.pathname}${call.search ?? ""} (${call.template}) is not the documented one:`,
          ...failures.map((f) => `  - ${f}`),
          `  status ${response.status}, Content-Type ${response.headers.get("content-type") ?? "(none)"}`,
          `  body: ${text.length > 2_000 ? `${text.slice(0, 2_000)}…` : text || "(empty)"}`,
        ].join("\n"),
      );
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The document's schemas

type Checker = {
  document: OpenApiDocument;
  validate(key: string, schema: object, value: unknown, what: string, failures: string[]): void;
};

function assertGapsStillOpen(document: OpenApiDocument): void {
  for (const [template, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        for (const name of Object.keys(deref(document, response).headers ?? {})) {
          if (knownGap(name.toLowerCase(), status)) {
            throw new Error(
              `The document now lists ${name} for ${method.toUpperCase()} ${template} ${status}: remove it from KNOWN_GAPS in tests/support/openapi-contract.ts`,
            );
          }
        }
      }
    }
  }
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
  if (Array.isArray(value)) {
    for (const v of value) collectKeys(v, visit);
  } else if (value && typeof value === "object") {
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
      if (!v.startsWith("#/components/schemas/")) throw new Error(`The contract does not follow the schema $ref ${v}`);
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

// ---------------------------------------------------------------------------------------------
// One response

/** The documented methods plus what HTTP gives with them: HEAD with GET, and OPTIONS. */
function withImplicit(documented: string[]): string[] {
  return [...documented, ...(documented.includes("GET") ? ["HEAD"] : []), "OPTIONS"];
}

function documentedMethods(document: OpenApiDocument, template: string): string[] {
  const item = document.paths[template] ?? {};
  return OPERATION_METHODS.filter((m) => item[m]).map((m) => m.toUpperCase());
}

function allowOf(headers: Headers): string[] {
  return (headers.get("allow") ?? "")
    .split(",")
    .map((m) => m.trim())
    .filter(Boolean)
    .sort();
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

function checkResponse(c: Checker, call: ContractCall, response: ContractResponse, failures: string[]): unknown {
  const { document } = c;
  const method = call.method.toUpperCase();
  const { text } = response;
  const status = String(response.status);
  const type = mediaType(response.headers.get("content-type"));
  const json = parseJson(text, type, failures);
  const requestId = response.headers.get("x-request-id");

  if (!document.paths[call.template]) {
    failures.push(`the document has no path ${call.template}, yet app/api/v1 serves it`);
    return json;
  }
  const documented = documentedMethods(document, call.template);
  const operation = document.paths[call.template]![method === "HEAD" ? "get" : method.toLowerCase()];

  if (!operation) {
    const allow = allowOf(response.headers);
    if (method === "OPTIONS") {
      // The wrapper's answer (no CORS here): 204 and exactly the methods there are in Allow, no body.
      if (response.status !== 204) failures.push(`OPTIONS answered ${status}, expected 204`);
      if (text !== "") failures.push("OPTIONS answered with a body");
      if (allow.join(", ") !== withImplicit(documented).sort().join(", "))
        failures.push(`OPTIONS: Allow is "${allow.join(", ")}", the document lists ${documented.join(", ")}`);
      return json;
    }
    // Any other method the document does not list: the wrapper's 405 problem.
    if (response.status !== 405)
      failures.push(`${method} is not documented for ${call.template} (documented: ${documented.join(", ")}), and the answer is ${status}, not 405`);
    if (!requestId) failures.push("no X-Request-Id header");
    if (allow.join(", ") !== withImplicit(documented).sort().join(", "))
      failures.push(`Allow is "${allow.join(", ")}", the document lists ${documented.join(", ")}`);
    if (type !== "application/problem+json") failures.push(`a 405 must be application/problem+json, not ${type || "(none)"}`);
    else c.validate("#problem", { $ref: "#/components/schemas/Problem" }, json, "body", failures);
    checkProblem(json, response.status, call.pathname, requestId, failures);
    return json;
  }

  const statuses = Object.keys(operation.responses);
  const specRef = operation.responses[status] ?? operation.responses[`${status[0]}XX`] ?? operation.responses.default;
  if (!specRef) {
    failures.push(`status ${status} is not documented for ${method} ${call.template} (documented: ${statuses.join(", ")})`);
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
    if (header.schema) c.validate(`header ${name} ${JSON.stringify(header.schema)}`, header.schema, value, `header ${name}`, failures);
  }
  for (const name of API_HEADERS) {
    if (response.headers.has(name) && !documentedHeaders.has(name) && !knownGap(name, status))
      failures.push(`the response sends ${name}, which the document does not list for ${status}`);
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
  if (method === "HEAD") return json;
  if (text === "") {
    failures.push(`status ${status} is documented with a ${media} body, and the response has none`);
    return json;
  }
  const schema = spec.content[media]!.schema;
  if (schema) c.validate(`${method} ${call.template} ${status} ${media}`, schema, json, "body", failures);
  if (media === "application/problem+json") checkProblem(json, response.status, call.pathname, requestId, failures);
  return json;
}

/** What the Problem schema's descriptions promise beyond its shape. */
function checkProblem(json: unknown, status: number, pathname: string, requestId: string | null, failures: string[]): void {
  if (!json || typeof json !== "object") return;
  const problem = json as { status?: unknown; instance?: unknown; requestId?: unknown };
  if (problem.status !== status) failures.push(`problem.status is ${String(problem.status)}, the response's status ${status}`);
  if (problem.instance !== pathname) failures.push(`problem.instance is ${String(problem.instance)}, not the request path ${pathname}`);
  if (requestId && problem.requestId !== requestId) failures.push(`problem.requestId ${String(problem.requestId)} differs from X-Request-Id ${requestId}`);
}
