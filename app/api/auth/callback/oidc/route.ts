import type { NextRequest } from "next/server";
import { handlers } from "@/lib/auth";
import { getEnv } from "@/lib/env";

/**
 * Where the OpenID provider sends the browser back after single sign-on (register
 * <address of Bucketshare>/api/auth/callback/oidc as the client's redirect URI). Auth.js checks state,
 * PKCE, nonce and the ID token here; lib/auth/sso.ts decides who may come in. It is the only Auth.js
 * route served: sign-in starts in a server action (lib/actions/sign-in-sso.ts).
 */
export const dynamic = "force-dynamic";

export async function GET(request: NextRequest): Promise<Response> {
  return handlers.GET(withBrowserOrigin(request));
}

/**
 * The server sees its own address (http://localhost:<port>), but the redirect URI sent with the code must be
 * the one the sign-in started with: built, as Auth.js built it then (and unless AUTH_URL names it), from the
 * address the browser used (X-Forwarded-Host or Host, X-Forwarded-Proto). A plain Request: a NextRequest
 * would put the server's own address back.
 */
function withBrowserOrigin(request: NextRequest): NextRequest {
  if (getEnv().AUTH_URL) return request;
  const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
  if (!host) return request;
  const proto = (request.headers.get("x-forwarded-proto") ?? request.nextUrl.protocol).replace(/:$/, "");
  if (proto !== "http" && proto !== "https") return request;
  let origin: string;
  try {
    origin = new URL(`${proto}://${host}`).origin;
  } catch {
    return request;
  }
  const url = new URL(request.url);
  if (origin === url.origin) return request;
  return new Request(`${origin}${url.pathname}${url.search}`, { headers: request.headers, method: "GET" }) as NextRequest;
}
