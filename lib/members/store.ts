import "server-only";
import { recordAudit } from "@/lib/audit/record";
import { hashPassword } from "@/lib/auth/password";
import { type Actor, type Grant, type Role, assignableRoles, can, canHandOwnership, canManageMember } from "@/lib/auth/permissions";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { Prisma } from "@/lib/generated/prisma/client";
import { generateInviteToken, hashInviteToken, INVITE_VALID_MS, isWellFormedInviteToken } from "@/lib/members/invite-token";
import type { GrantInput } from "@/lib/validation/members";

/**
 * Settings → Members: the people of a team, its pending invites, and the changes to them. Every
 * function takes the acting person and asks lib/auth/permissions.ts; every query is bound to their team.
 */

export type MemberStatus = "active" | "removed";

export type MemberView = {
  id: string;
  name: string;
  email: string;
  role: Role;
  status: MemberStatus;
  lastSignInAt: Date | null;
  grants: Grant[];
  /** Whether the viewer may change or remove them. */
  manageable: boolean;
  /** Whether the viewer (the Owner) may hand them the Owner role. */
  mayBecomeOwner: boolean;
};

export type InviteView = { id: string; email: string; role: Role; invitedBy: string | null; expiresAt: Date; createdAt: Date };

export type TeamConnection = { id: string; name: string };

function refuse(): AppError {
  return new AppError("not_found", "There is no such member.", { reason: "not_found" });
}

function requireManager(actor: Actor): void {
  if (!can(actor, "members.manage")) throw new AppError("forbidden", "Only Admins and the Owner manage members and invites.");
}

/** The team's people (Owner first, then by name), with their last sign-in (the latest session seen). */
export async function listMembers(actor: Actor): Promise<MemberView[]> {
  requireManager(actor);
  const rows = await db.user.findMany({
    where: { OR: [{ id: actor.teamId }, { teamId: actor.teamId }] },
    select: {
      id: true,
      name: true,
      email: true,
      role: true,
      teamId: true,
      removedAt: true,
      createdAt: true,
      grants: { orderBy: { connectionId: "asc" } },
      sessions: { select: { lastSeenAt: true }, orderBy: { lastSeenAt: "desc" }, take: 1 },
    },
  });
  const order: Record<string, number> = { owner: 0, admin: 1, member: 2 };
  return rows
    .map((row) => {
      const role = row.role as Role;
      const session = row.sessions[0];
      const subject = { id: row.id, teamId: row.teamId ?? row.id, role, removed: row.removedAt !== null };
      return {
        id: row.id,
        name: row.name,
        email: row.email,
        role,
        status: (row.removedAt ? "removed" : "active") as MemberStatus,
        lastSignInAt: session?.lastSeenAt ?? null,
        grants: row.grants.map(({ userId: _, ...g }) => ({ ...g, linkTypes: g.linkTypes as Grant["linkTypes"] })),
        manageable: canManageMember(actor, subject),
        mayBecomeOwner: canHandOwnership(actor, subject),
      };
    })
    .sort((a, b) => Number(a.status === "removed") - Number(b.status === "removed") || order[a.role]! - order[b.role]! || a.name.localeCompare(b.name));
}

/** Invites not yet accepted, revoked or expired, newest first. */
export async function listPendingInvites(actor: Actor, now = new Date()): Promise<InviteView[]> {
  requireManager(actor);
  const rows = await db.invite.findMany({
    where: { teamId: actor.teamId, acceptedAt: null, revokedAt: null, expiresAt: { gt: now } },
    orderBy: { createdAt: "desc" },
    select: { id: true, email: true, role: true, expiresAt: true, createdAt: true, invitedBy: { select: { name: true } } },
  });
  return rows.map((r) => ({
    id: r.id,
    email: r.email,
    role: r.role as Role,
    invitedBy: r.invitedBy?.name ?? null,
    expiresAt: r.expiresAt,
    createdAt: r.createdAt,
  }));
}

/** The team's connections, for the grant fields (names only: a member never sees a connection's settings). */
export async function listTeamConnections(actor: Actor): Promise<TeamConnection[]> {
  requireManager(actor);
  return db.storageConnection.findMany({ where: { ownerId: actor.teamId }, orderBy: { name: "asc" }, select: { id: true, name: true } });
}

function roleRefusal(actor: Actor, role: Role): AppError | null {
  if (assignableRoles(actor).includes(role)) return null;
  const message = "An invite or a change of role can make an Admin or a Member. Only the Owner can hand over the Owner role.";
  return new AppError("invalid", message, { fieldErrors: { role: [message] } });
}

/** Grants kept for a Member: only the team's connections, only those giving some right. */
async function grantRows(client: Prisma.TransactionClient | typeof db, teamId: string, grants: GrantInput[]) {
  const wanted = grants.filter((g) => g.canBrowse || g.canShare || g.canUpload || g.canRequest);
  if (wanted.length === 0) return [];
  const known = await client.storageConnection.findMany({ where: { ownerId: teamId, id: { in: wanted.map((g) => g.connectionId) } }, select: { id: true } });
  const ids = new Set(known.map((c) => c.id));
  const unknown = wanted.find((g) => !ids.has(g.connectionId));
  if (unknown) throw new AppError("not_found", "One of these connections no longer exists. Reload the page and try again.", { reason: "no_such_connection" });
  return wanted;
}

/** A member_grants row of a person from a validated grant (an invite's stored grants may predate "Bucket"). */
function grantData(userId: string, g: GrantInput) {
  const { connectionId, canBrowse, canShare, bucket, folder, linkTypes, longestExpirySeconds } = g;
  return {
    userId,
    connectionId,
    canBrowse,
    canShare,
    canUpload: g.canUpload ?? false,
    canRequest: g.canRequest ?? false,
    bucket: bucket ?? null,
    folder,
    linkTypes,
    longestExpirySeconds,
  };
}

/** "Invite member": a one-time link bound to the email, valid 7 days; returns the token (shown once). */
export async function createInvite(
  actor: Actor,
  input: { email: string; role: Role; grants: GrantInput[] },
  now = new Date(),
): Promise<{ id: string; token: string; expiresAt: Date }> {
  requireManager(actor);
  const refusal = roleRefusal(actor, input.role);
  if (refusal) throw refusal;
  if (await db.user.findUnique({ where: { email: input.email }, select: { id: true } })) {
    const message = "Someone with this email already has an account.";
    throw new AppError("invalid", message, { fieldErrors: { email: [message] } });
  }
  const grants = input.role === "member" ? await grantRows(db, actor.teamId, input.grants) : [];
  const token = generateInviteToken();
  const invite = await db.$transaction(async (tx) => {
    const created = await tx.invite.create({
      data: {
        teamId: actor.teamId,
        email: input.email,
        role: input.role,
        grants: grants as unknown as Prisma.InputJsonValue,
        tokenHash: hashInviteToken(token),
        invitedById: actor.id,
        expiresAt: new Date(now.getTime() + INVITE_VALID_MS),
        createdAt: now,
      },
      select: { id: true, expiresAt: true },
    });
    await recordAudit(tx, { actor, kind: "invite.sent", subject: input.email, subjectId: created.id, details: { role: input.role } });
    return created;
  });
  return { id: invite.id, token, expiresAt: invite.expiresAt };
}

/** "Revoke invite": the link stops working. */
export async function revokeInvite(actor: Actor, id: string, now = new Date()): Promise<{ email: string } | null> {
  requireManager(actor);
  const invite = await db.invite.findFirst({ where: { id, teamId: actor.teamId }, select: { email: true } });
  if (!invite) return null;
  const { count } = await db.invite.updateMany({ where: { id, teamId: actor.teamId, acceptedAt: null, revokedAt: null }, data: { revokedAt: now } });
  if (count === 1) await recordAudit(db, { actor, kind: "invite.revoked", subject: invite.email, subjectId: id });
  return invite;
}

export type InviteState =
  | { status: "open"; id: string; email: string; role: Role; teamName: string; invitedBy: string | null; expiresAt: Date }
  | { status: "unknown" | "expired" | "used" | "revoked" };

/** What /invite/<token> shows: the invite when it can still be accepted, else why not. */
export async function findInvite(token: string, now = new Date()): Promise<InviteState> {
  if (!isWellFormedInviteToken(token)) return { status: "unknown" };
  const invite = await db.invite.findUnique({
    where: { tokenHash: hashInviteToken(token) },
    select: { id: true, teamId: true, email: true, role: true, expiresAt: true, acceptedAt: true, revokedAt: true, invitedBy: { select: { name: true } } },
  });
  if (!invite) return { status: "unknown" };
  if (invite.acceptedAt) return { status: "used" };
  if (invite.revokedAt) return { status: "revoked" };
  if (invite.expiresAt <= now) return { status: "expired" };
  const team = await db.user.findUnique({ where: { id: invite.teamId }, select: { name: true } });
  if (!team) return { status: "unknown" };
  return {
    status: "open",
    id: invite.id,
    email: invite.email,
    role: invite.role as Role,
    teamName: team.name,
    invitedBy: invite.invitedBy?.name ?? null,
    expiresAt: invite.expiresAt,
  };
}

export const INVITE_GONE_MESSAGE = "This invite can no longer be used: it was used, revoked or has expired. Ask for a new one.";

/**
 * Accepting an invite: the person (name, password), their role, team and grants, and the invite marked
 * used, in one transaction. The mark is a conditional update, so of two simultaneous acceptances only
 * one finds the invite still open; the other changes nothing.
 */
export async function acceptInvite(token: string, input: { name: string; password: string }, now = new Date()): Promise<{ userId: string; email: string }> {
  const gone = () => new AppError("conflict", INVITE_GONE_MESSAGE, { fieldErrors: { form: [INVITE_GONE_MESSAGE] } });
  if (!isWellFormedInviteToken(token)) throw gone();
  const tokenHash = hashInviteToken(token);
  if (!(await db.invite.findUnique({ where: { tokenHash }, select: { id: true } }))) throw gone();
  const passwordHash = await hashPassword(input.password);
  try {
    return await db.$transaction(async (tx) => {
      const claimed = await tx.invite.updateManyAndReturn({
        where: { tokenHash, acceptedAt: null, revokedAt: null, expiresAt: { gt: now } },
        data: { acceptedAt: now },
        select: { id: true, teamId: true, email: true, role: true, grants: true },
      });
      const invite = claimed[0];
      if (!invite) throw gone();
      return joinFromInvite(tx, invite, { name: input.name, passwordHash });
    });
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
      const message = "Someone with this email already has an account. Sign in instead.";
      throw new AppError("invalid", message, { fieldErrors: { form: [message] } });
    }
    throw error;
  }
}

/**
 * The person an invite (already marked used in `tx`) brings in: their account with the invite's role and
 * team, its grants (on connections that still exist) and the "invite accepted" audit row. Used by the invite
 * page and by single sign-on (lib/auth/sso.ts), whose accounts have an unusable random password.
 */
export async function joinFromInvite(
  tx: Prisma.TransactionClient,
  invite: { id: string; teamId: string; email: string; role: string; grants: Prisma.JsonValue },
  person: { name: string; passwordHash: string },
): Promise<{ userId: string; email: string }> {
  const user = await tx.user.create({
    data: { name: person.name, email: invite.email, passwordHash: person.passwordHash, role: invite.role, teamId: invite.teamId },
    select: { id: true, email: true },
  });
  if (invite.role === "member") {
    const grants = (invite.grants as unknown as GrantInput[]) ?? [];
    // Connections deleted since the invite was sent are left out.
    const existing = await tx.storageConnection.findMany({
      where: { ownerId: invite.teamId, id: { in: grants.map((g) => g.connectionId) } },
      select: { id: true },
    });
    const ids = new Set(existing.map((c) => c.id));
    await tx.memberGrant.createMany({
      data: grants.filter((g) => ids.has(g.connectionId)).map((g) => grantData(user.id, g)),
    });
  }
  await recordAudit(tx, { actor: { id: user.id }, kind: "invite.accepted", subject: invite.email, subjectId: invite.id, details: { role: invite.role } });
  return { userId: user.id, email: user.email };
}

async function manageableMember(actor: Actor, id: string) {
  requireManager(actor);
  const row = await db.user.findFirst({
    where: { id, OR: [{ id: actor.teamId }, { teamId: actor.teamId }] },
    select: { id: true, name: true, role: true, teamId: true, removedAt: true },
  });
  if (!row || !canManageMember(actor, { id: row.id, teamId: row.teamId ?? row.id, role: row.role as Role, removed: row.removedAt !== null })) throw refuse();
  return row;
}

/** A member's new role and grants (a Member's grants replace their old ones; an Admin needs none). */
export async function changeMember(actor: Actor, input: { id: string; role: Role; grants: GrantInput[] }): Promise<{ name: string }> {
  const member = await manageableMember(actor, input.id);
  const refusal = roleRefusal(actor, input.role);
  if (refusal) throw refusal;
  await db.$transaction(async (tx) => {
    const grants = input.role === "member" ? await grantRows(tx, actor.teamId, input.grants) : [];
    // The role read above must still hold: a "Make Owner" in between must not be undone or removed.
    const updated = await tx.user.updateMany({
      where: { id: member.id, teamId: actor.teamId, role: member.role, removedAt: null },
      data: { role: input.role },
    });
    if (updated.count !== 1) throw refuse();
    // An Admin made a Member can no longer invite: the invites they sent stop working too.
    if (member.role === "admin" && input.role !== "admin") {
      await tx.invite.updateMany({ where: { invitedById: member.id, acceptedAt: null, revokedAt: null }, data: { revokedAt: new Date() } });
    }
    await tx.memberGrant.deleteMany({ where: { userId: member.id } });
    await tx.memberGrant.createMany({
      data: grants.map((g) => grantData(member.id, g)),
    });
    const roleChanged = member.role !== input.role;
    await recordAudit(tx, {
      actor,
      kind: roleChanged ? "member.role_changed" : "member.grants_changed",
      subject: member.name,
      subjectId: member.id,
      details: roleChanged ? { from: member.role, to: input.role, grants: grants.length } : { grants: grants.length },
    });
  });
  return { name: member.name };
}

/**
 * "Remove member": marks them removed, ends every session and deletes every API token of theirs (their
 * next request anywhere is refused), and revokes their active managed links when asked — in one transaction.
 */
export async function removeMember(
  actor: Actor,
  input: { id: string; links: "keep" | "revoke" },
  now = new Date(),
): Promise<{ name: string; revokedLinks: number }> {
  const member = await manageableMember(actor, input.id);
  return db.$transaction(async (tx) => {
    const updated = await tx.user.updateMany({ where: { id: member.id, teamId: actor.teamId, role: member.role, removedAt: null }, data: { removedAt: now } });
    if (updated.count !== 1) throw refuse();
    await tx.session.deleteMany({ where: { userId: member.id } });
    await tx.apiToken.deleteMany({ where: { ownerId: member.id } });
    // Invites they sent go with them: nobody gets in on the word of someone removed.
    await tx.invite.updateMany({ where: { invitedById: member.id, acceptedAt: null, revokedAt: null }, data: { revokedAt: now } });
    let revokedLinks = 0;
    if (input.links === "revoke") {
      const revoked = await tx.shareLink.updateMany({
        where: {
          ownerId: actor.teamId,
          issuedById: member.id,
          kind: "managed",
          revokedAt: null,
          deletedAt: null,
          OR: [{ neverExpires: true }, { expiresAt: { gt: now } }],
        },
        data: { revokedAt: now },
      });
      revokedLinks = revoked.count;
    }
    await recordAudit(tx, { actor, kind: "member.removed", subject: member.name, subjectId: member.id, details: { links: input.links, revokedLinks } });
    return { name: member.name, revokedLinks };
  });
}

/**
 * "Make Owner": the Owner hands the role to an Admin and becomes an Admin. The team keeps its id, so its
 * connections, links and settings stay where they are; both people's rights change on their next request.
 */
export async function handOwnership(actor: Actor, input: { id: string }): Promise<{ name: string }> {
  const refused = () => new AppError("forbidden", "Only the Owner can hand over the Owner role, and only to an Admin of the team.", { reason: "forbidden" });
  if (!can(actor, "owner.transfer")) throw refused();
  return db.$transaction(async (tx) => {
    // Both rows locked, in one order, so two hand-overs at once cannot make two Owners or none.
    const rows = await tx.$queryRaw<{ id: string; name: string; role: Role; teamId: string | null; removedAt: Date | null }[]>`
      SELECT id, name, role, team_id AS "teamId", removed_at AS "removedAt" FROM users
       WHERE id IN (${actor.id}, ${input.id}) ORDER BY id FOR UPDATE`;
    const me = rows.find((r) => r.id === actor.id);
    const heir = rows.find((r) => r.id === input.id);
    if (me?.role !== "owner" || me.removedAt) throw refused();
    if (!heir || !canHandOwnership(actor, { id: heir.id, teamId: heir.teamId ?? heir.id, role: heir.role, removed: heir.removedAt !== null })) throw refuse();
    // First the Owner steps down (one Owner per team, enforced by a unique index), then the Admin steps up.
    await tx.user.update({ where: { id: actor.id }, data: { role: "admin", teamId: actor.teamId } });
    await tx.user.update({ where: { id: heir.id }, data: { role: "owner" } });
    await tx.memberGrant.deleteMany({ where: { userId: { in: [actor.id, heir.id] } } });
    await recordAudit(tx, { actor, kind: "owner.transferred", subject: heir.name, subjectId: heir.id, details: { from: actor.id, to: heir.id } });
    return { name: heir.name };
  });
}
