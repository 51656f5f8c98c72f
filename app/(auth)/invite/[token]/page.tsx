import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { connection } from "next/server";
import { AuthCard } from "@/components/auth/auth-card";
import { SsoSignIn } from "@/components/auth/sso-sign-in";
import { AcceptInviteForm } from "@/components/members/accept-invite-form";
import { getSessionUser } from "@/lib/auth/session";
import { ssoSettings } from "@/lib/env";
import { findInvite } from "@/lib/members/store";

export const metadata: Metadata = { title: "Invite", referrer: "no-referrer" };

const ROLE_WORDS = { owner: "the Owner", admin: "an Admin", member: "a Member" } as const;

const GONE = {
  unknown: { title: "This invite link does not work", intro: "It is not a valid invite link. Check that it was copied whole, or ask for a new invite." },
  expired: { title: "This invite has expired", intro: "Invites can be accepted for 7 days. Ask whoever invited you for a new one." },
  used: { title: "This invite has already been used", intro: "Each invite works once. If it was you, sign in; otherwise ask for a new invite." },
  revoked: { title: "This invite was revoked", intro: "It can no longer be used. Ask whoever invited you for a new one." },
} as const;

/** The invite link: who invited whom to what, and a form for name and password; a plain page once it cannot be used. */
export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  await connection();
  const { token } = await params;
  const invite = await findInvite(token);
  if (invite.status !== "open") {
    // Just accepted: the action signed them in and the page is rendered again before the browser follows on.
    if (invite.status === "used" && (await getSessionUser())) redirect("/buckets");
    const gone = GONE[invite.status];
    return (
      <AuthCard title={gone.title} intro={gone.intro}>
        <p className="text-sm">
          <a href="/sign-in" className="font-medium text-sky-700 underline dark:text-sky-400">
            Go to sign-in
          </a>
        </p>
      </AuthCard>
    );
  }
  const invited = `${invite.invitedBy ?? "Someone"} invited you to join ${invite.teamName}’s Bucketshare as ${ROLE_WORDS[invite.role]}.`;
  const sso = ssoSettings();
  // Single sign-on accepts the invite too (lib/auth/sso.ts); with OIDC_ONLY it is the only way.
  if (sso?.only) {
    return (
      <AuthCard title="Join Bucketshare" intro={`${invited} Sign in with ${sso.name} as ${invite.email} to join.`}>
        <SsoSignIn providerName={sso.name} primary />
      </AuthCard>
    );
  }
  return (
    <AuthCard title="Join Bucketshare" intro={`${invited} Choose your name and a password.`}>
      <div className="space-y-4">
        {sso ? (
          <>
            <SsoSignIn providerName={sso.name} primary={false} />
            <p className="text-center text-xs text-zinc-600 uppercase dark:text-zinc-400">or with a password</p>
          </>
        ) : null}
        <AcceptInviteForm token={token} email={invite.email} />
      </div>
    </AuthCard>
  );
}
