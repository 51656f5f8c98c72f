import "server-only";
import { randomBytes } from "node:crypto";
import { recordAudit, recordAuditAfter } from "@/lib/audit/record";
import { hashPassword } from "@/lib/auth/password";
import type { Role } from "@/lib/auth/permissions";
import { domainOf, groupsOf, roleAfterSsoSignIn, ssoDisplayName } from "@/lib/auth/sso-rules";
import { db } from "@/lib/db/client";
import type { SsoSettings } from "@/lib/env";
import { Prisma } from "@/lib/generated/prisma/client";
import { log } from "@/lib/log";
import { joinFromInvite } from "@/lib/members/store";
import type { SsoRefusalReason } from "@/lib/auth/sso-messages";
import { emailField } from "@/lib/validation/auth";

/**
 * Who may come in through single sign-on (lib/auth/index.ts runs this in Auth.js's signIn callback, once the
 * OpenID provider's answer passed discovery, state, PKCE, nonce, issuer and audience checks):
 * - an existing, not removed account with that email;
 * - a pending invite for that email: the person joins with the invite's role and grants, the invite is used;
 * - an email in OIDC_ALLOWED_DOMAINS: the person joins the instance Owner's team as a Member with no grants.
 * In every case the provider must say the email is verified (email_verified: true). Everybody else is refused
 * and nothing is created. With OIDC_ADMIN_GROUPS, the `groups` claim decides at every
 * sign-in whether a person (never the Owner) is an Admin or a Member.
 * Accounts made here have an unusable password (the scrypt hash of random bytes nobody knows).
 */

/** What the ID token says about the person. */
export type SsoProfile = { email?: unknown; email_verified?: unknown; name?: unknown; preferred_username?: unknown; groups?: unknown };

export type SsoRefusal = SsoRefusalReason;

export type SsoAdmission =
  | { ok: true; userId: string; name: string; email: string; joined: "account" | "invite" | "domain" }
  | { ok: false; reason: SsoRefusal; email?: string };

async function unusablePasswordHash(): Promise<string> {
  return hashPassword(randomBytes(32).toString("base64url"));
}

/** The team people from an allowed domain join: the instance's first Owner's. */
async function instanceTeamId(): Promise<string | null> {
  const owner = await db.user.findFirst({ where: { role: "owner", removedAt: null }, orderBy: { createdAt: "asc" }, select: { id: true, teamId: true } });
  return owner ? (owner.teamId ?? owner.id) : null;
}

export async function admitSsoUser(
  profile: SsoProfile,
  settings: Pick<SsoSettings, "allowedDomains" | "adminGroups">,
  now = new Date(),
): Promise<SsoAdmission> {
  const parsed = emailField.safeParse(profile.email);
  if (!parsed.success) return { ok: false, reason: "no_email" };
  const email = parsed.data;
  if (profile.email_verified !== true) return { ok: false, reason: "unverified", email };
  const groups = groupsOf(profile.groups);

  const existing = await db.user.findUnique({ where: { email }, select: { id: true, name: true, role: true, removedAt: true } });
  if (existing) {
    if (existing.removedAt) return { ok: false, reason: "removed", email };
    await applyGroups({ id: existing.id, name: existing.name, role: existing.role as Role }, groups, settings.adminGroups);
    return { ok: true, userId: existing.id, name: existing.name, email, joined: "account" };
  }

  const name = ssoDisplayName(profile, email);
  const passwordHash = await unusablePasswordHash();
  try {
    const joined = await db.$transaction(async (tx) => {
      const invite = await tx.invite.findFirst({
        where: { email, acceptedAt: null, revokedAt: null, expiresAt: { gt: now } },
        orderBy: { createdAt: "desc" },
        select: { id: true },
      });
      if (invite) {
        // The same conditional claim as the invite page: of two simultaneous acceptances only one finds it open.
        const claimed = await tx.invite.updateManyAndReturn({
          where: { id: invite.id, acceptedAt: null, revokedAt: null, expiresAt: { gt: now } },
          data: { acceptedAt: now },
          select: { id: true, teamId: true, email: true, role: true, grants: true },
        });
        if (claimed[0]) return { ...(await joinFromInvite(tx, claimed[0], { name, passwordHash })), via: "invite" as const };
      }
      if (!settings.allowedDomains.includes(domainOf(email))) return null;
      const teamId = await instanceTeamId();
      if (!teamId) return null;
      const user = await tx.user.create({ data: { name, email, passwordHash, role: "member", teamId }, select: { id: true, email: true } });
      return { userId: user.id, email: user.email, via: "domain" as const };
    });
    if (!joined) {
      // The invite was taken meanwhile by a second sign-in of the same person, whose account now exists.
      if (await db.user.findUnique({ where: { email }, select: { id: true } })) return admitSsoUser(profile, settings, now);
      return { ok: false, reason: "not_invited", email };
    }
    log.info("auth.sso.joined", { userId: joined.userId, via: joined.via });
    const role = (await db.user.findUniqueOrThrow({ where: { id: joined.userId }, select: { role: true } })).role as Role;
    await applyGroups({ id: joined.userId, name, role }, groups, settings.adminGroups);
    return { ok: true, userId: joined.userId, name, email, joined: joined.via };
  } catch (error) {
    // Someone with this email was created meanwhile (a second tab): sign in as them on the next try.
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") return admitSsoUser(profile, settings, now);
    throw error;
  }
}

/** OIDC_ADMIN_GROUPS, re-applied at each sign-in (the Owner's role is never touched). */
async function applyGroups(person: { id: string; name: string; role: Role }, groups: string[], adminGroups: string[]): Promise<void> {
  const role = roleAfterSsoSignIn(person.role, groups, adminGroups);
  if (role === person.role) return;
  await db.$transaction(async (tx) => {
    const { count } = await tx.user.updateMany({ where: { id: person.id, role: person.role, removedAt: null }, data: { role } });
    if (count === 1) {
      await recordAudit(tx, {
        actor: { id: person.id },
        kind: "member.role_changed",
        subject: person.name,
        subjectId: person.id,
        details: { from: person.role, to: role, by: "identity provider groups" },
      });
    }
  });
  log.info("auth.sso.role_changed", { userId: person.id, from: person.role, to: role });
}

/** A refused SSO sign-in in the audit log, like a wrong password: shown to the team of the account it named. */
export async function recordSsoRefusal(email: string | undefined, reason: SsoRefusal): Promise<void> {
  const named = email ? await db.user.findUnique({ where: { email }, select: { id: true, name: true, teamId: true } }) : null;
  await recordAuditAfter({
    actor: null,
    actorName: email ?? "Single sign-on",
    teamId: named ? (named.teamId ?? named.id) : null,
    kind: "sign_in_failed",
    subject: named?.name ?? email ?? "an account without an email",
    subjectId: named?.id ?? null,
    details: { via: "sso", reason },
  });
}
