import { NextResponse, type NextRequest } from "next/server";
import { isPublicPath } from "@/lib/auth/config";
import { checkSessionCookie } from "@/lib/auth/session-cookie";
import { getEnv, getRuntimeSecrets } from "@/lib/env";
import { problemResponse, SIGN_IN_FIRST } from "@/lib/http/problem";
import { isHttpsRequest } from "@/lib/security/client-address";
import { contentSecurityPolicy } from "@/lib/security/csp";
import { cspOriginsFor } from "@/lib/security/storage-origins";
import { uploadPageGate, uploadPageToken } from "@/lib/upload-requests/public";

/**
 * Runs before every request: sends visitors without a session to sign-in (an optimistic check;
 * pages, route handlers and actions check the session on the server) and sets a per-request CSP
 * nonce. No database here: the session row is checked on the server (lib/auth/session.ts). The
 * cookie is renewed at most once a day (sliding 7 days, never beyond the session's absolute end).
 */
export async function proxy(request: NextRequest) {
  const session = await checkSessionCookie(request.cookies, getRuntimeSecrets().authSecret, Date.now(), { https: isHttpsRequest(request.headers) });
  const { pathname, search } = request.nextUrl;
  // Server actions answer for themselves (lib/actions/safe-action.ts), so they are never redirected.
  if (!session.valid && !isPublicPath(pathname) && !request.headers.has("next-action")) {
    if (pathname.startsWith("/api/")) return problemResponse("sign-in-required", SIGN_IN_FIRST, { instance: pathname });
    const signIn = new URL("/sign-in", request.nextUrl);
    if (pathname !== "/") signIn.searchParams.set("callbackUrl", `${pathname}${search}`);
    return NextResponse.redirect(signIn);
  }

  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
  // Only documents need the storage origins (previews): skip the query for RSC fetches and prefetches.
  const isDocument = !request.headers.has("rsc") && !request.headers.has("next-action");
  // On the bucket browser's pages, also the storage that uploads go to (connect-src), for who may upload there.
  let origins = session.valid && isDocument ? await cspOriginsFor(session.userId, pathname) : { storageOrigins: [], uploadOrigins: [] };
  // An upload request's page (/u/<token>): a refused token gets its plain page here (404, 410, 403); an open one
  // lets the page send parts to that request's storage (connect-src), on this page only.
  const requestToken = uploadPageToken(pathname);
  if (requestToken !== null && (request.method === "GET" || request.method === "HEAD")) {
    const gate = await uploadPageGate(request, requestToken);
    if ("refused" in gate) return gate.refused;
    origins = { storageOrigins: [], uploadOrigins: gate.uploadOrigins };
  }
  const csp = contentSecurityPolicy({ nonce, dev: getEnv().NODE_ENV === "development", ...origins });
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("content-security-policy", csp);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("content-security-policy", csp);
  if (session.valid && session.renewal && !request.headers.has("next-action")) {
    response.cookies.set(session.renewal.name, session.renewal.value, {
      httpOnly: true,
      sameSite: "lax",
      path: "/",
      secure: session.renewal.secure,
      maxAge: session.renewal.maxAge,
    });
  }
  return response;
}

export const config = {
  // /s/… (what recipients of managed links see) sets its own headers and CSP (lib/recipient/respond.ts) and needs no session.
  // /brand/logo/<64 hex>.png (appearance logos, lib/appearance/logo-route.ts) is public and sets its own headers;
  // nothing else under /brand is.
  // /api/v1/… is the API: bearer tokens, checked by each route (lib/api/endpoint.ts), never cookies.
  // /hooks/storage/… is posted to by storage servers (lib/storage-events/receive.ts checks their proof): left out so Next
  // streams the body to the route's 256 KiB cap instead of buffering up to 10 MiB of it for the proxy first.
  matcher: ["/((?!_next/static|_next/image|favicon.ico|icon.svg|s/|brand/logo/[0-9a-f]{64}\\.png$|api/v1/|hooks/storage/).*)"],
};
