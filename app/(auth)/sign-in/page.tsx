import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { connection } from "next/server";
import { AuthCard } from "@/components/auth/auth-card";
import { OwnerPasswordSignIn } from "@/components/auth/owner-password-sign-in";
import { SignInForm } from "@/components/auth/sign-in-form";
import { SsoSignIn } from "@/components/auth/sso-sign-in";
import { Alert } from "@/components/ui/alert";
import { ownerExists } from "@/lib/auth/owner";
import { getSessionUser } from "@/lib/auth/session";
import { ssoErrorMessage } from "@/lib/auth/sso-messages";
import { db } from "@/lib/db/client";
import { ssoSettings } from "@/lib/env";
import { safeCallbackPath } from "@/lib/validation/auth";

export const metadata: Metadata = { title: "Sign in" };

type SearchParams = { callbackUrl?: string | string[]; error?: string | string[]; email?: string | string[] };

export default async function SignInPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  await connection();
  if (!(await ownerExists(db))) redirect("/setup");
  const { callbackUrl, error, email } = await searchParams;
  const next = typeof callbackUrl === "string" ? safeCallbackPath(callbackUrl) : undefined;
  if (await getSessionUser()) redirect(next ?? "/buckets");
  const sso = ssoSettings();
  // Single sign-on that did not let the person in comes back here with ?error=… (lib/auth/sso-messages.ts).
  const ssoError = sso && typeof error === "string" ? ssoErrorMessage(error, typeof email === "string" ? email : undefined, sso.name) : undefined;
  return (
    <AuthCard title="Sign in" intro="Sign in to browse your buckets and share links.">
      <div className="space-y-4">
        {ssoError ? (
          <Alert tone="error" role="alert">
            {ssoError}
          </Alert>
        ) : null}
        {sso ? <SsoSignIn providerName={sso.name} callbackUrl={next} primary /> : null}
        {sso?.only ? (
          // OIDC_ONLY: the password is the Owner's way in when the identity provider is down (the server refuses anyone else's).
          <OwnerPasswordSignIn>
            <SignInForm callbackUrl={next} />
          </OwnerPasswordSignIn>
        ) : sso ? (
          <>
            <p className="flex items-center gap-3 text-xs text-zinc-600 uppercase dark:text-zinc-400">
              <span aria-hidden="true" className="h-px flex-1 bg-zinc-200 dark:bg-zinc-800" />
              or with a password
              <span aria-hidden="true" className="h-px flex-1 bg-zinc-200 dark:bg-zinc-800" />
            </p>
            <SignInForm callbackUrl={next} />
          </>
        ) : (
          <SignInForm callbackUrl={next} />
        )}
      </div>
    </AuthCard>
  );
}
