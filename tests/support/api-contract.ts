/**
 * The contract harness of the API's integration tests: every response a test sees is checked
 * against the OpenAPI document the server serves (app/api/v1/openapi.json), so the document
 * describes exactly what the server does. Not a test file (vitest only collects *.test.ts).
 *
 *   const { callApi, createTestToken, createOwnerWithConnection } = await import("./api-contract");
 *   const { owner, connectionId } = await createOwnerWithConnection("links", storage);
 *   const { token } = await createTestToken(owner.id, { scopes: ["objects:read"] });
 *   const res = await callApi({ method: "GET", path: `/connections/${connectionId}/buckets`, token });
 *   expect(res.status).toBe(200); // the body already matched the documented schema
 *
 * callApi finds the route module for the path (app/api/v1/** /route.ts, `[id]` segments become
 * params), calls its handler with a real Request (methods the module does not export are answered
 * as Next answers them: OPTIONS and HEAD made automatically, the rest 405), and fails the test with
 * a clear message when the response is not the documented one. The checks themselves (operation,
 * status, media type, body schema, headers, 405/OPTIONS Allow, problem bodies) are those of
 * tests/support/openapi-contract.ts, which the e2e specs apply to the production server too.
 *
 * The document itself is checked once to be a valid OpenAPI 3.1 document (@readme/openapi-parser).
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { autoImplementMethods } from "next/dist/server/route-modules/app-route/helpers/auto-implement-methods";
import type { SessionUser } from "@/lib/auth/session";
import { createApiToken } from "@/lib/api/token-store";
import type { ApiScope } from "@/lib/api/tokens";
import { db } from "@/lib/db/client";
import { insertStorageConnection, type StorageAccess } from "./connection-row";
import {
  API_PREFIX,
  assertValidOpenApi31,
  createOpenApiContract,
  matchPathTemplate,
  mediaType,
  type OpenApiContract,
  type OpenApiDocument,
} from "./openapi-contract";
import * as h from "./helpers";

export { API_PREFIX, assertValidOpenApi31, type OpenApiDocument, type StorageAccess };

/** The origin requests are made on (the test app server's address; nothing listens there). */
export const API_ORIGIN = "http://127.0.0.1:3000";

// ---------------------------------------------------------------------------------------------
// The document

let contract: Promise<OpenApiContract> | undefined;

/** The served OpenAPI document (fetched once per test file, checked to be valid OpenAPI 3.1). */
export async function openApiDocument(): Promise<OpenApiDocument> {
  return (await loadContract()).document;
}

function loadContract(): Promise<OpenApiContract> {
  contract ??= (async () => {
    const { GET } = await import("@/app/api/v1/openapi.json/route");
    const response = await (GET as (request: Request) => Promise<Response>)(new Request(`${API_ORIGIN}${API_PREFIX}/openapi.json`));
    if (response.status !== 200) throw new Error(`GET ${API_PREFIX}/openapi.json answered ${response.status}`);
    if (mediaType(response.headers.get("content-type")) !== "application/json") {
      throw new Error(`GET ${API_PREFIX}/openapi.json answered Content-Type ${response.headers.get("content-type")}`);
    }
    const document = (await response.json()) as OpenApiDocument;
    await assertValidOpenApi31(document);
    return createOpenApiContract(document);
  })();
  contract.catch(() => (contract = undefined));
  return contract;
}

// ---------------------------------------------------------------------------------------------
// Routes

const API_DIR = fileURLToPath(new URL("../../app/api/v1/", import.meta.url));
let routes: { template: string; file: string }[] | undefined;

/** Every route.ts under app/api/v1 with its OpenAPI path template ("/connections/{id}/buckets"). */
export function apiRouteFiles(): { template: string; file: string }[] {
  routes ??= findRoutes(API_DIR, []);
  return routes.map(({ template, file }) => ({ template, file }));
}

function findRoutes(dir: string, segments: string[]): { template: string; file: string }[] {
  const found: { template: string; file: string }[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isFile() && entry.name === "route.ts") found.push({ template: `/${segments.join("/")}`, file: path.join(dir, entry.name) });
    if (!entry.isDirectory()) continue;
    if (/^\[\[?\.\.\.[A-Za-z0-9_]+\]\]?$/.test(entry.name)) continue; // the catch-all 404 for paths no operation serves (api-core.test.ts)
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

/** The route.ts that serves a path under /api/v1 (static segments before dynamic ones, as Next matches them). */
function matchRoute(relative: string): { template: string; file: string; params: Record<string, string> } | null {
  const files = apiRouteFiles();
  const matched = matchPathTemplate(
    files.map((r) => r.template),
    relative,
  );
  return matched ? { ...matched, file: files.find((r) => r.template === matched.template)!.file } : null;
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
// biome-ignore lint/suspicious/noExplicitAny: the body is whatever the document allowed, so tests read it freely
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

  const handlers = autoImplementMethods((await routeModule(matched.file)) as Parameters<typeof autoImplementMethods>[0]);
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
  const json = c.assertDocumented(
    { method: upper, template: matched.template, pathname: where.pathname, search: where.search },
    { status: response.status, headers: response.headers, text },
  );
  return { status: response.status, headers: response.headers, json };
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

/** A connection of the owner to a storage server, stored as Settings stores it (secret sealed to the row). */
export async function createTestConnection(ownerId: string, storage: StorageAccess, options: { name?: string; buckets?: string[] } = {}): Promise<string> {
  return insertStorageConnection(ownerId, storage, { name: options.name ?? `API ${h.randomSuffix()}`, buckets: options.buckets });
}

/** A new owner (unique email) with one connection to `storage`. Remove with h.deleteTestUsers(owner). */
export async function createOwnerWithConnection(
  label: string,
  storage: StorageAccess,
  options: { name?: string; buckets?: string[] } = {},
): Promise<{ owner: SessionUser; connectionId: string }> {
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
  const lines = () =>
    written
      .join("")
      .split("\n")
      .filter((line) => line !== "");
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
