import "server-only";
import NextAuth, { CredentialsSignin } from "next-auth";
import type { OIDCConfig } from "next-auth/providers";
import Credentials from "next-auth/providers/credentials";
import { headers } from "next/headers";
import { recordAuditAfter } from "@/lib/audit/record";
import { authConfig } from "@/lib/auth/config";
import { decoyHash, verifyPassword } from "@/lib/auth/password";
import { createSession } from "@/lib/auth/session-store";
import { admitSsoUser, recordSsoRefusal, type SsoProfile } from "@/lib/auth/sso";
import { ssoRefusalPath } from "@/lib/auth/sso-messages";
import { db } from "@/lib/db/client";
import { getRuntimeSecrets, type SsoSettings, ssoSettings } from "@/lib/env";
import { log } from "@/lib/log";
import { isHttpsRequest } from "@/lib/security/client-address";
import { signInSchema } from "@/lib/validation/auth";

/** The id of the single sign-on provider: its callback is <origin>/api/auth/callback/oidc. */
export const SSO_PROVIDER_ID = "oidc";

/**
 * Auth.js's OpenID Connect provider: discovery from OIDC_ISSUER (whose `issuer` must match it), the
 * authorization code flow with PKCE, state and nonce, and the ID token's signature, issuer and audience
 * checked before lib/auth/sso.ts decides who may come in.
 */
function oidcProvider(sso: SsoSettings): OIDCConfig<SsoProfile> {
  return {
    id: SSO_PROVIDER_ID,
    name: sso.name,
    type: "oidc",
    issuer: sso.issuer,
    clientId: sso.clientId,
    clientSecret: sso.clientSecret,
    checks: ["pkce", "state", "nonce"],
    // The `groups` scope is asked for only when groups matter (some providers refuse scopes they do not know).
    authorization: { params: { scope: sso.adminGroups.length > 0 ? "openid email profile groups" : "openid email profile" } },
  };
}

// Only signIn/signOut and the SSO callback are used: sessions are read from the cookie
// (lib/auth/session-cookie.ts) and checked against the sessions table (lib/auth/session-store.ts) by
// lib/auth/session.ts. app/api/auth/callback/oidc/route.ts is the only Auth.js route served.
export const { signIn, signOut, handlers } = NextAuth(async () => {
  const sso = ssoSettings();
  return {
    ...authConfig(getRuntimeSecrets().authSecret, isHttpsRequest(await headers())),
    // Errors of the SSO callback (state, nonce, issuer, audience…) come back to the sign-in page as ?error=<type>.
    pages: { signIn: "/sign-in", error: "/sign-in" },
    logger: {
      // Auth.js logs CredentialsSignin for every wrong password; our own log line covers it.
      error: (error: Error & { type?: string }) => {
        if (error.type === "CredentialsSignin") return;
        // Auth.js wraps what went wrong (a failed check, the provider's error) as the error's cause.
        const cause = (error.cause as { err?: unknown } | undefined)?.err ?? error.cause;
        const reason = cause instanceof Error ? `${cause.name}: ${cause.message}` : `${error.name}: ${error.message}`;
        log.warn("auth.sso.refused", { type: error.type ?? error.name, reason });
      },
      warn: () => undefined,
    },
    providers: [
      Credentials({
        credentials: { email: { type: "email" }, password: { type: "password" } },
        async authorize(credentials) {
          const parsed = signInSchema.pick({ email: true, password: true }).safeParse(credentials);
          if (!parsed.success) throw new CredentialsSignin();
          const user = await db.user.findUnique({ where: { email: parsed.data.email } });
          const valid = await verifyPassword(parsed.data.password, user?.passwordHash ?? (await decoyHash()));
          // A removed person is refused like a wrong password (the password check still runs: no timing difference).
          if (!user || !valid || user.removedAt) throw new CredentialsSignin();
          // OIDC_ONLY: the password is only the Owner's way in (for when the identity provider is down).
          if (sso?.only && user.role !== "owner") throw new CredentialsSignin();
          return { id: user.id, name: user.name, email: user.email };
        },
      }),
      ...(sso ? [oidcProvider(sso)] : []),
    ],
    callbacks: {
      // Single sign-on: the provider's answer passed every check; now who may come in. The user Auth.js
      // made from the profile gets our account's id, which the session below is started for.
      async signIn({ user, account, profile }) {
        if (account?.provider !== SSO_PROVIDER_ID) return true;
        if (!sso || !profile) return false;
        const admission = await admitSsoUser(profile as SsoProfile, sso);
        if (!admission.ok) {
          log.info("auth.sso.not_admitted", { reason: admission.reason });
          await recordSsoRefusal(admission.email, admission.reason);
          return ssoRefusalPath(admission.reason, admission.email);
        }
        user.id = admission.userId;
        user.name = admission.name;
        user.email = admission.email;
        return true;
      },
      // Signing in starts a server-side session; its random id (and absolute end) travel in the cookie.
      async jwt({ token, user, account, trigger }) {
        if (trigger !== "signIn" || !user?.id) return token;
        const userAgent = (await headers()).get("user-agent");
        const claims = await createSession(user.id, { userAgent });
        if (account?.provider === SSO_PROVIDER_ID) {
          await recordAuditAfter({
            actor: { id: user.id },
            kind: "sign_in",
            subject: user.name ?? user.email ?? user.id,
            subjectId: user.id,
            details: { via: "sso" },
          });
          log.info("auth.sso.signed_in", { userId: user.id });
        }
        return { ...token, sub: user.id, ...claims };
      },
    },
  };
});

export { CredentialsSignin };
