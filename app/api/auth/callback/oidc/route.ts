import type { NextRequest } from "next/server";
import { handlers } from "@/lib/auth";

/**
 * Where the OpenID provider sends the browser back after single sign-on (register
 * <address of Bucketshare>/api/auth/callback/oidc as the client's redirect URI). Auth.js checks state,
 * PKCE, nonce and the ID token here; lib/auth/sso.ts decides who may come in. It is the only Auth.js
 * route served: sign-in starts in a server action (lib/actions/sign-in-sso.ts).
 */
export const dynamic = "force-dynamic";

export async function GET(request: NextRequest): Promise<Response> {
  return handlers.GET(request);
}
