import { API_ENDPOINTS } from "@/lib/api/endpoints";
import { buildOpenApiDocument } from "@/lib/api/openapi";
import { managedLinkBase } from "@/lib/links/issue";

export const dynamic = "force-dynamic";

/** The OpenAPI 3.1 document (public: it describes the API, it grants nothing). Built once per server URL. */
const built = new Map<string, string>();

export async function GET(): Promise<Response> {
  const base = await managedLinkBase();
  let json = built.get(base);
  if (!json) {
    json = JSON.stringify(buildOpenApiDocument(API_ENDPOINTS, base));
    if (built.size >= 8) built.clear(); // the Host header picks the base when PUBLIC_URL is unset: keep a few
    built.set(base, json);
  }
  return new Response(json, { headers: { "Content-Type": "application/json", "Cache-Control": "no-cache" } });
}
