import { z } from "zod";

/**
 * What the sign-in page says after a single sign-on that did not let the person in. Auth.js sends its own
 * failures (state, PKCE, nonce, issuer, audience, a provider error) as ?error=<type>; lib/auth/sso.ts's
 * refusals come as ?error=sso_<reason>&email=<the provider's email>. Only codes are read: the words are ours.
 */

export type SsoRefusalReason = "no_email" | "unverified" | "removed" | "not_invited";

export function ssoRefusalPath(reason: SsoRefusalReason, email?: string): string {
  const params = new URLSearchParams({ error: `sso_${reason}` });
  if (email) params.set("email", email);
  return `/sign-in?${params}`;
}

const shownEmail = z.email().max(254);

export function ssoErrorMessage(error: string, email: string | undefined, providerName: string): string {
  const who = email && shownEmail.safeParse(email).success ? email : "This account";
  switch (error) {
    case "sso_not_invited":
      return `${who} is not invited to this Bucketshare. Ask an Admin for an invite.`;
    case "sso_removed":
      return `${who} was removed from this Bucketshare. Ask an Admin if this is a mistake.`;
    case "sso_unverified":
      return `${providerName} has not confirmed that ${email && who !== "This account" ? who : "this email"} is yours, so you were not signed in. Confirm it there, then try again.`;
    case "sso_no_email":
      return `${providerName} did not share your email address, so you were not signed in. Ask your administrator to release the email claim to Bucketshare.`;
    case "OAuthCallbackError":
      return `${providerName} did not sign you in (it was cancelled or refused). Try again.`;
    case "AccessDenied":
      return "You were not signed in. Try again, or ask an Admin for an invite.";
    default:
      return `Single sign-on did not finish: the answer from ${providerName} could not be verified, so you were not signed in. Try again; if it keeps happening, ask your administrator to check the server log.`;
  }
}
