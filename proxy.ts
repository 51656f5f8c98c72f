import NextAuth from "next-auth";
import { NextResponse } from "next/server";
import { authConfig, isPublicPath } from "@/lib/auth/config";
import { getEnv, getRuntimeSecrets } from "@/lib/env";
import { contentSecurityPolicy } from "@/lib/security/csp";
import { storageOriginsForCsp } from "@/lib/security/storage-origins";

/**
 * Runs before every page: sets a per-request CSP nonce and sends visitors without a session to
 * sign-in. This redirect is only optimistic; pages and actions check the session on the server.
 */

const { auth } = NextAuth(() => authConfig(getRuntimeSecrets().authSecret));

export default auth(async (request) => {
  const { pathname, search } = request.nextUrl;
  if (!request.auth && !isPublicPath(pathname)) {
    if (pathname.startsWith("/api/")) {
      return NextResponse.json({ error: "Sign in first." }, { status: 401 });
    }
    const signIn = new URL("/sign-in", request.nextUrl);
    if (pathname !== "/") signIn.searchParams.set("callbackUrl", `${pathname}${search}`);
    return NextResponse.redirect(signIn);
  }

  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
  const storageOrigins = request.auth ? await storageOriginsForCsp() : [];
  const csp = contentSecurityPolicy({ nonce, dev: getEnv().NODE_ENV === "development", storageOrigins });
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("content-security-policy", csp);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("content-security-policy", csp);
  return response;
});

export const config = {
  matcher: ["/((?!_next/static|_next/image|favicon.ico|icon.svg).*)"],
};
