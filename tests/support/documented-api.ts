import { request, type APIRequestContext, type APIResponse } from "@playwright/test";
import { API_PREFIX, assertValidOpenApi31, createOpenApiContract, mediaType, type OpenApiContract, type OpenApiDocument } from "./openapi-contract";

/**
 * HTTP clients for specs that call the API of the running server: every response to a path under
 * /api/v1 is checked against the OpenAPI document that server serves (tests/support/openapi-contract.ts:
 * operation, status, media type, body schema, headers, 405/OPTIONS Allow, problem bodies) before the
 * spec sees it, so an undocumented response fails the call and the test.
 *
 *   const api = await documentedApiContext(baseURL, { baseURL: `${baseURL}/api/v1/`, extraHTTPHeaders: { authorization } });
 *   const response = await api.get("connections"); // already matched the document
 */

const contracts = new Map<string, Promise<OpenApiContract>>();

/** The contract of the server at `origin`: its /api/v1/openapi.json, fetched once and checked to be valid OpenAPI 3.1. */
export function servedContract(origin: string): Promise<OpenApiContract> {
  let contract = contracts.get(origin);
  if (!contract) {
    contract = (async () => {
      const http = await request.newContext();
      try {
        const response = await http.get(`${origin}${API_PREFIX}/openapi.json`);
        if (response.status() !== 200 || mediaType(response.headers()["content-type"] ?? null) !== "application/json") {
          throw new Error(`GET ${API_PREFIX}/openapi.json answered ${response.status()} ${response.headers()["content-type"] ?? ""}`);
        }
        const document = (await response.json()) as OpenApiDocument;
        await assertValidOpenApi31(document);
        return createOpenApiContract(document);
      } finally {
        await http.dispose();
      }
    })();
    contract.catch(() => contracts.delete(origin));
    contracts.set(origin, contract);
  }
  return contract;
}

/** Throws naming every way the response departs from the document (nothing to check outside /api/v1). */
export async function assertDocumentedResponse(contract: OpenApiContract, method: string, response: APIResponse): Promise<void> {
  const url = new URL(response.url());
  if (!url.pathname.startsWith(`${API_PREFIX}/`) || url.pathname === `${API_PREFIX}/openapi.json`) return;
  const upper = method.toUpperCase();
  const text = upper === "HEAD" ? "" : await response.text();
  const headers = new Headers();
  for (const { name, value } of response.headersArray()) headers.append(name, value);
  const matched = contract.matchPath(url.pathname.slice(API_PREFIX.length));
  if (!matched) {
    throw new Error(
      `The served document has no path for ${upper} ${url.pathname}, which answered ${response.status()} ${headers.get("content-type") ?? "(no Content-Type)"}: ${text.slice(0, 500) || "(empty)"}`,
    );
  }
  contract.assertDocumented(
    { method: upper, template: matched.template, pathname: url.pathname, search: url.search },
    { status: response.status(), headers, text },
  );
}

type RequestMethod = "get" | "post" | "put" | "patch" | "delete" | "head";
const METHODS: RequestMethod[] = ["get", "post", "put", "patch", "delete", "head"];

/**
 * A Playwright APIRequestContext (same options as `request.newContext`) whose get/post/put/patch/
 * delete/head/fetch check every API response against the document the server at `origin` serves.
 */
export async function documentedApiContext(origin: string, options: Parameters<typeof request.newContext>[0] = {}): Promise<APIRequestContext> {
  const contract = await servedContract(origin);
  const context = await request.newContext(options);
  const checked = async (method: string, response: APIResponse) => {
    await assertDocumentedResponse(contract, method, response);
    return response;
  };
  const overrides: Partial<APIRequestContext> = {
    fetch: async (urlOrRequest, fetchOptions) =>
      checked(typeof urlOrRequest === "string" ? (fetchOptions?.method ?? "GET") : urlOrRequest.method(), await context.fetch(urlOrRequest, fetchOptions)),
  };
  for (const method of METHODS) {
    overrides[method] = async (url: string, methodOptions?: object) =>
      checked(method, await (context[method] as (url: string, options?: object) => Promise<APIResponse>)(url, methodOptions));
  }
  return new Proxy(context, {
    get(target, property) {
      if (typeof property === "string" && property in overrides) return overrides[property as keyof APIRequestContext];
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
