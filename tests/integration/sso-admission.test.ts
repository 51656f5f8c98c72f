/**
 * Who single sign-on lets in (lib/auth/sso.ts), on the real database: the answers of a real OpenID provider
 * reach this only once Auth.js checked them (tests/e2e/29-sso.spec.ts drives that in Chromium). An invited
 * email joins with the invite's role and grants (once, even when two sign-ins race); an allowed domain joins
 * as a Member with no grants; OIDC_ADMIN_GROUPS make and unmake Admins but never touch the Owner; an
 * unverified email, a removed person, an expired or revoked invite and a stranger are refused, nothing created.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertStorageConnection } from "../support/connection-row";
import { createTestUser, deleteTestUsers, randomSuffix, services } from "../support/helpers";
import { verifyPassword } from "@/lib/auth/password";
import type { SessionUser } from "@/lib/auth/session";
import { admitSsoUser } from "@/lib/auth/sso";
import { db } from "@/lib/db/client";

const suffix = randomSuffix();
const NO_GROUPS = { allowedDomains: [] as string[], adminGroups: [] as string[] };
let owner: SessionUser;
let connectionId: string;

async function inviteFor(email: string, options: { role?: string; expiresAt?: Date; revokedAt?: Date } = {}) {
  return db.invite.create({
    data: {
      teamId: owner.id,
      email,
      role: options.role ?? "member",
      grants: [{ connectionId, canBrowse: true, canShare: false, folder: "press/", linkTypes: "managed", longestExpirySeconds: 86_400 }],
      tokenHash: randomBytes(32).toString("hex"),
      invitedById: owner.id,
      expiresAt: options.expiresAt ?? new Date(Date.now() + 86_400_000),
      revokedAt: options.revokedAt ?? null,
    },
  });
}

const verified = (email: string, extra: Record<string, unknown> = {}) => ({ email, email_verified: true, name: "Sso Person", ...extra });

beforeAll(async () => {
  owner = await createTestUser("sso-owner");
  connectionId = await insertStorageConnection(owner.id, services.s3, { name: "Media" });
});

afterAll(async () => {
  await db.user.deleteMany({ where: { email: { endsWith: `-${suffix}@sso.test` } } });
  await db.user.deleteMany({ where: { email: { endsWith: `@${suffix}.sso-corp.test` } } });
  await deleteTestUsers(owner);
});

describe("single sign-on admission", () => {
  it("an invited email joins with the invite's role and grants, the invite used once even when two sign-ins race", async () => {
    const email = `ivy-${suffix}@sso.test`;
    const invite = await inviteFor(email);
    const [a, b] = await Promise.all([admitSsoUser(verified(email), NO_GROUPS), admitSsoUser(verified(email), NO_GROUPS)]);
    expect(a).toMatchObject({ ok: true, email });
    expect(b).toMatchObject({ ok: true, email });
    const users = await db.user.findMany({ where: { email }, include: { grants: true } });
    expect(users).toHaveLength(1);
    const user = users[0]!;
    expect(user).toMatchObject({ role: "member", teamId: owner.id, name: "Sso Person" });
    expect(user.grants).toEqual([expect.objectContaining({ connectionId, canBrowse: true, canShare: false, folder: "press/", linkTypes: "managed" })]);
    expect((await db.invite.findUniqueOrThrow({ where: { id: invite.id } })).acceptedAt).not.toBeNull();
    const audit = await db.auditEvent.findMany({ where: { actorId: user.id } });
    expect(audit.map((r) => r.kind)).toEqual(["invite.accepted"]);
    // The account has no password anyone knows.
    expect(user.passwordHash).toMatch(/^scrypt\$/);
    expect(await verifyPassword("", user.passwordHash)).toBe(false);
  });

  it("an expired or revoked invite, a stranger and a missing email are refused, and nothing is created", async () => {
    const expired = `old-${suffix}@sso.test`;
    const revoked = `gone-${suffix}@sso.test`;
    await inviteFor(expired, { expiresAt: new Date(Date.now() - 1000) });
    await inviteFor(revoked, { revokedAt: new Date() });
    const before = await db.user.count();
    expect(await admitSsoUser(verified(expired), NO_GROUPS)).toEqual({ ok: false, reason: "not_invited", email: expired });
    expect(await admitSsoUser(verified(revoked), NO_GROUPS)).toEqual({ ok: false, reason: "not_invited", email: revoked });
    const stranger = `sam-${suffix}@sso.test`;
    expect(await admitSsoUser(verified(stranger), { allowedDomains: ["elsewhere.test"], adminGroups: [] })).toEqual({
      ok: false,
      reason: "not_invited",
      email: stranger,
    });
    expect(await admitSsoUser({ email_verified: true, name: "No Email" }, NO_GROUPS)).toEqual({ ok: false, reason: "no_email" });
    expect(await admitSsoUser(verified("not an email"), NO_GROUPS)).toEqual({ ok: false, reason: "no_email" });
    expect(await db.user.count()).toBe(before);
  });

  it("an email the provider has not verified is refused, for an invite and for an existing account alike", async () => {
    const email = `una-${suffix}@sso.test`;
    await inviteFor(email);
    expect(await admitSsoUser({ email, name: "Una" }, NO_GROUPS)).toEqual({ ok: false, reason: "unverified", email });
    expect(await admitSsoUser({ email, email_verified: "true", name: "Una" }, NO_GROUPS)).toEqual({ ok: false, reason: "unverified", email });
    expect(await admitSsoUser({ email: owner.email, email_verified: false }, NO_GROUPS)).toEqual({ ok: false, reason: "unverified", email: owner.email });
    expect(await db.user.count({ where: { email } })).toBe(0);
  });

  it("an allowed domain joins the instance Owner's team as a Member with no grants; a removed person is refused", async () => {
    const email = `Dana@${suffix}.SSO-corp.test`;
    const result = await admitSsoUser(verified(email, { name: undefined }), { allowedDomains: [`${suffix}.sso-corp.test`], adminGroups: [] });
    expect(result).toMatchObject({ ok: true, email: email.toLowerCase(), joined: "domain", name: "dana" });
    const first = await db.user.findFirstOrThrow({ where: { role: "owner", removedAt: null }, orderBy: { createdAt: "asc" } });
    const user = await db.user.findUniqueOrThrow({ where: { email: email.toLowerCase() }, include: { grants: true } });
    expect(user).toMatchObject({ role: "member", teamId: first.teamId ?? first.id, grants: [] });

    await db.user.update({ where: { id: user.id }, data: { removedAt: new Date() } });
    expect(await admitSsoUser(verified(email), { allowedDomains: [`${suffix}.sso-corp.test`], adminGroups: [] })).toEqual({
      ok: false,
      reason: "removed",
      email: email.toLowerCase(),
    });
  });

  it("OIDC_ADMIN_GROUPS make an Admin, and a Member again once out of the group; the Owner is never touched", async () => {
    const email = `adam-${suffix}@sso.test`;
    await inviteFor(email);
    const settings = { allowedDomains: [], adminGroups: ["bucketshare-admins"] };
    const joined = await admitSsoUser(verified(email, { groups: ["staff", "bucketshare-admins"] }), settings);
    expect(joined).toMatchObject({ ok: true, joined: "invite" });
    const id = (joined as { userId: string }).userId;
    expect((await db.user.findUniqueOrThrow({ where: { id } })).role).toBe("admin");
    expect(await admitSsoUser(verified(email, { groups: ["staff"] }), settings)).toMatchObject({ ok: true, joined: "account" });
    expect((await db.user.findUniqueOrThrow({ where: { id } })).role).toBe("member");
    const changes = await db.auditEvent.findMany({ where: { subjectId: id, kind: "member.role_changed" }, orderBy: { createdAt: "asc" } });
    expect(changes.map((r) => r.details)).toEqual([
      expect.objectContaining({ from: "member", to: "admin" }),
      expect.objectContaining({ from: "admin", to: "member" }),
    ]);

    expect(await admitSsoUser({ email: owner.email, email_verified: true, groups: [] }, settings)).toMatchObject({ ok: true, userId: owner.id });
    expect((await db.user.findUniqueOrThrow({ where: { id: owner.id } })).role).toBe("owner");
  });
});
