"use server";

import { z } from "zod";
import { signIn, SSO_PROVIDER_ID } from "@/lib/auth";
import { publicAction } from "@/lib/actions/safe-action";
import { ssoSettings } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { log } from "@/lib/log";
import { safeCallbackPath } from "@/lib/validation/auth";

const signInWithSsoSchema = z.object({ callbackUrl: z.string().max(2_048).optional() });

/**
 * "Sign in with <OIDC_NAME>": Auth.js fetches the provider's discovery document, sets the state, PKCE and
 * nonce cookies and gives the authorization URL, which the browser is sent to. The person comes back to
 * /api/auth/callback/oidc, then to where they were going.
 */
export const signInWithSsoAction = publicAction("signInWithSso", signInWithSsoSchema, async (input) => {
  if (!ssoSettings()) throw new AppError("not_found", "Single sign-on is not set up on this Bucketshare.");
  const redirectTo = safeCallbackPath(input.callbackUrl);
  let url: string;
  try {
    url = await signIn(SSO_PROVIDER_ID, { redirect: false, redirectTo });
  } catch (error) {
    // The discovery document could not be fetched or did not match OIDC_ISSUER: said on the sign-in page.
    log.warn("auth.sso.start_failed", { error });
    url = "/sign-in?error=Configuration";
  }
  return { redirectTo: url };
});
