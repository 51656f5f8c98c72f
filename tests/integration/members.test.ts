/**
 * Settings → Members against the real database, with the real session code (Auth.js, the session
 * cookie, the sessions table): inviting, the invite link, accepting (once, even twice at the same
 * moment), changing a member's role and grants, and removing them — their session and API token end
 * on the next request, their managed links stay or are revoked as asked. A Member calling any of
 * these is refused and nothing changes.
 */
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { Browser, browser } from "../support/browser";
import { insertStorageConnection } from "../support/connection-row";
import { formData, randomSuffix, services } from "../support/helpers";
import { acceptInviteAction } from "@/lib/actions/accept-invite";
import { changeMemberAction } from "@/lib/actions/change-member";
import { inviteMemberAction, type CreatedInviteData } from "@/lib/actions/invite-member";
import { removeMemberAction } from "@/lib/actions/remove-member";
import { removeWebhookAction } from "@/lib/actions/remove-webhook";
import { revokeInviteAction } from "@/lib/actions/revoke-invite";
import { saveWebhookAction } from "@/lib/actions/save-webhook";
import { sendTestWebhookAction } from "@/lib/actions/send-test-webhook";
import type { ActionState } from "@/lib/actions/safe-action";
import { signInAction } from "@/lib/actions/sign-in";
import { authenticate } from "@/lib/api/auth";
import { generateApiToken, hashApiToken } from "@/lib/api/tokens";
import { loadActor } from "@/lib/auth/actor";
import { hashPassword } from "@/lib/auth/password";
import { getSessionUser } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { findInvite, listMembers } from "@/lib/members/store";

vi.mock("next/headers", async () => (await import("../support/browser")).headersModule);

const OWNER_PASSWORD = "members-owner-password-1";
const MEMBER_PASSWORD = "members-member-password-1";
const suffix = randomSuffix();
let ownerId: string;
let connectionId: string;
let otherConnectionId: string;
const ownerBrowser = new Browser("Owner/1.0");

const idle = { status: "idle" } as const;

async function as<T>(b: Browser, run: () => Promise<T>): Promise<T> {
  browser.current = b;
  return run();
}

function grantForm(fields: Record<string, string>, grants: Record<string, Record<string, string>> = {}): FormData {
  const form = formData(fields);
  for (const [id, grant] of Object.entries(grants)) {
    form.append("grants", id);
    for (const [field, value] of Object.entries(grant)) form.set(`${field}:${id}`, value);
  }
  return form;
}

async function invite(
  email: string,
  role = "member",
  grants: Record<string, Record<string, string>> = {},
  b = ownerBrowser,
): Promise<ActionState<CreatedInviteData>> {
  return as(b, () => inviteMemberAction(idle, grantForm({ email, role }, grants)));
}

async function inviteToken(email: string, role = "member", grants: Record<string, Record<string, string>> = {}): Promise<string> {
  const state = await invite(email, role, grants);
  expect(state).toMatchObject({ status: "success" });
  const path = (state as { data: CreatedInviteData }).data.path;
  expect(path).toMatch(/^\/invite\/[A-Za-z0-9_-]{32}$/);
  return path.slice("/invite/".length);
}

async function accept(token: string, b: Browser, name = "New Person", password = MEMBER_PASSWORD) {
  return as(b, () => acceptInviteAction(idle, formData({ token, name, password, confirmPassword: password })));
}

/** Invites, accepts in a browser of their own, and returns that browser (signed in) and the user id. */
async function join(label: string, role = "member", grants: Record<string, Record<string, string>> = {}) {
  const email = `${label}-${suffix}@members.test`;
  const token = await inviteToken(email, role, grants);
  const b = new Browser(`${label}/1.0`);
  expect(await accept(token, b, `Person ${label}`)).toMatchObject({ status: "success", reloadTo: "/buckets" });
  const user = await db.user.findUniqueOrThrow({ where: { email } });
  return { browser: b, id: user.id, email };
}

async function teamSnapshot() {
  const [users, grants, invites, sessions, tokens, links] = await Promise.all([
    db.user.findMany({ where: { OR: [{ id: ownerId }, { teamId: ownerId }] }, select: { id: true, role: true, removedAt: true }, orderBy: { id: "asc" } }),
    db.memberGrant.findMany({ where: { user: { teamId: ownerId } }, orderBy: [{ userId: "asc" }, { connectionId: "asc" }] }),
    db.invite.findMany({ where: { teamId: ownerId }, select: { id: true, acceptedAt: true, revokedAt: true }, orderBy: { id: "asc" } }),
    db.session.count({ where: { user: { OR: [{ id: ownerId }, { teamId: ownerId }] } } }),
    db.apiToken.count({ where: { owner: { OR: [{ id: ownerId }, { teamId: ownerId }] } } }),
    db.shareLink.findMany({ where: { ownerId }, select: { id: true, revokedAt: true }, orderBy: { id: "asc" } }),
  ]);
  return { users, grants, invites, sessions, tokens, links };
}

async function managedLink(issuedById: string, key: string): Promise<string> {
  const later = new Date(Date.now() + 86_400_000);
  const link = await db.shareLink.create({
    data: {
      ownerId,
      issuedById,
      connectionId,
      connectionName: "Media",
      bucket: "b",
      key,
      objectSize: 1n,
      requestedExpiresAt: later,
      expiresAt: later,
      expiresSoonAt: later,
      disposition: "attachment",
      fileName: key,
      urlEnc: "not-a-real-envelope",
      kind: "managed",
      tokenHash: createHash("sha256").update(`${key}-${suffix}`).digest("hex"),
    },
  });
  return link.id;
}

async function apiToken(userId: string): Promise<string> {
  const token = generateApiToken();
  await db.apiToken.create({ data: { ownerId: userId, name: "script", tokenHash: hashApiToken(token), prefix: token.slice(0, 8), scopes: ["objects:read"] } });
  return token;
}

beforeAll(async () => {
  const owner = await db.user.create({
    data: { name: "Olga Owner", email: `owner-${suffix}@members.test`, passwordHash: await hashPassword(OWNER_PASSWORD) },
  });
  ownerId = owner.id;
  connectionId = await insertStorageConnection(ownerId, services.s3, { name: "Media" });
  otherConnectionId = await insertStorageConnection(ownerId, services.s3, { name: "Archive" });
  await as(ownerBrowser, async () => {
    expect(await signInAction(idle, formData({ email: owner.email, password: OWNER_PASSWORD }))).toMatchObject({ status: "success" });
  });
});

afterAll(async () => {
  await db.invite.deleteMany({ where: { teamId: ownerId } });
  // The team's people go with their Owner (users.team_id ON DELETE CASCADE).
  await db.user.deleteMany({ where: { id: ownerId } });
});

describe("inviting", () => {
  it("stores only the hash of the token, valid 7 days, and the invite page names who invited whom", async () => {
    const email = `ana-${suffix}@members.test`;
    const before = Date.now();
    const token = await inviteToken(email, "member", {
      [connectionId]: { canBrowse: "on", canShare: "on", folder: "press/", linkTypes: "managed", longestExpiry: "2592000" },
    });
    const row = await db.invite.findFirstOrThrow({ where: { teamId: ownerId, email } });
    expect(row.tokenHash).toBe(createHash("sha256").update(token).digest("hex"));
    expect(JSON.stringify(row)).not.toContain(token);
    expect(row.expiresAt.getTime() - before).toBeGreaterThanOrEqual(7 * 86_400_000 - 1000);
    expect(row.expiresAt.getTime() - before).toBeLessThanOrEqual(7 * 86_400_000 + 5000);
    expect(await findInvite(token)).toMatchObject({ status: "open", email, role: "member", teamName: "Olga Owner", invitedBy: "Olga Owner" });
  });

  it("refuses a non-email, an email with an account, the Owner role and a folder that is not a clean prefix, changing nothing", async () => {
    const before = await teamSnapshot();
    expect(await invite("not-an-email")).toMatchObject({ status: "invalid", fieldErrors: { email: [expect.stringMatching(/valid email/)] } });
    expect(await invite(`OWNER-${suffix}@members.test`)).toMatchObject({
      status: "invalid",
      fieldErrors: { email: ["Someone with this email already has an account."] },
    });
    expect(await invite(`new-${suffix}@members.test`, "owner")).toMatchObject({
      status: "invalid",
      fieldErrors: { role: [expect.stringMatching(/Only the Owner/)] },
    });
    for (const folder of ["/press/", "press", "a/../b/", "a//b/"]) {
      const state = await invite(`new-${suffix}@members.test`, "member", { [connectionId]: { canBrowse: "on", folder } });
      expect(state, folder).toMatchObject({ status: "invalid", fieldErrors: { [`folder:${connectionId}`]: [expect.stringMatching(/folder path/)] } });
    }
    expect(await invite(`new-${suffix}@members.test`, "member", { c0000000000000000000000000: { canBrowse: "on" } })).toMatchObject({ status: "error" });
    expect(await teamSnapshot()).toEqual(before);
  });
});

describe("accepting", () => {
  it("makes the person with the invite's role, team and grants, signs them in, and uses the invite up", async () => {
    const grants: Record<string, Record<string, string>> = {
      [connectionId]: { canBrowse: "on", canShare: "on", folder: "press/", linkTypes: "managed", longestExpiry: "2592000" },
      [otherConnectionId]: {},
    };
    const { browser: b, id } = await join("bruno", "member", grants);
    const user = await as(b, () => getSessionUser());
    expect(user).toMatchObject({ id, name: "Person bruno", role: "member", teamId: ownerId });
    expect(user?.grants).toEqual([
      {
        connectionId,
        canBrowse: true,
        canShare: true,
        canUpload: false,
        canRequest: false,
        bucket: null,
        folder: "press/",
        linkTypes: "managed",
        longestExpirySeconds: 2_592_000,
      },
    ]);
    const used = await db.invite.findFirstOrThrow({ where: { email: `bruno-${suffix}@members.test` } });
    expect(used.acceptedAt).not.toBeNull();
    // The audit log has both: who sent it, and the newcomer accepting it.
    const audit = await db.auditEvent.findMany({
      where: { subjectId: used.id },
      orderBy: { createdAt: "asc" },
      select: { kind: true, actorId: true, teamId: true },
    });
    expect(audit).toEqual([
      { kind: "invite.sent", actorId: ownerId, teamId: ownerId },
      { kind: "invite.accepted", actorId: id, teamId: ownerId },
    ]);
  });

  it("an Admin invite makes an Admin, with no grants", async () => {
    const { browser: b } = await join("carla", "admin");
    expect(await as(b, () => getSessionUser())).toMatchObject({ role: "admin", teamId: ownerId, grants: [] });
  });

  it("checks the password: at least 12 characters, typed twice alike", async () => {
    const token = await inviteToken(`dora-${suffix}@members.test`);
    const b = new Browser();
    expect(await accept(token, b, "Dora", "short")).toMatchObject({ status: "invalid", fieldErrors: { password: ["Use at least 12 characters."] } });
    const mismatch = await as(b, () =>
      acceptInviteAction(idle, formData({ token, name: "Dora", password: MEMBER_PASSWORD, confirmPassword: "something-else-12" })),
    );
    expect(mismatch).toMatchObject({ status: "invalid", fieldErrors: { confirmPassword: ["The passwords do not match."] } });
    expect(await db.user.findUnique({ where: { email: `dora-${suffix}@members.test` } })).toBeNull();
  });

  it("an expired, used, revoked or tampered invite is refused on the page and by the action, and nothing is made", async () => {
    const expiredToken = await inviteToken(`exp-${suffix}@members.test`);
    await db.invite.updateMany({ where: { email: `exp-${suffix}@members.test` }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const revokedToken = await inviteToken(`rev-${suffix}@members.test`);
    const revoked = await db.invite.findFirstOrThrow({ where: { email: `rev-${suffix}@members.test` } });
    expect(await as(ownerBrowser, () => revokeInviteAction(idle, { id: revoked.id }))).toMatchObject({ status: "success" });
    const usedToken = await inviteToken(`used-${suffix}@members.test`);
    expect(await accept(usedToken, new Browser(), "First")).toMatchObject({ status: "success" });
    const goodToken = await inviteToken(`tamper-${suffix}@members.test`);
    const tampered = `${goodToken.slice(0, -1)}${goodToken.endsWith("A") ? "B" : "A"}`;

    expect(await findInvite(expiredToken)).toEqual({ status: "expired" });
    expect(await findInvite(revokedToken)).toEqual({ status: "revoked" });
    expect(await findInvite(usedToken)).toEqual({ status: "used" });
    expect(await findInvite(tampered)).toEqual({ status: "unknown" });
    expect(await findInvite("../../etc/passwd")).toEqual({ status: "unknown" });

    const before = await teamSnapshot();
    for (const token of [expiredToken, revokedToken, usedToken, tampered, "x"]) {
      const b = new Browser();
      const state = await accept(token, b, "Intruder");
      expect(state, token).toMatchObject({ status: "invalid", fieldErrors: { form: [expect.stringMatching(/can no longer be used/)] } });
      expect(b.cookies.size).toBe(0);
    }
    expect(await teamSnapshot()).toEqual(before);
  });

  it("two acceptances of one invite at the same moment: exactly one person is made", async () => {
    const email = `twice-${suffix}@members.test`;
    const token = await inviteToken(email);
    const [first, second] = [new Browser("First/1.0"), new Browser("Second/1.0")];
    const results = await Promise.all([
      as(first, () => acceptInviteAction(idle, formData({ token, name: "First", password: MEMBER_PASSWORD, confirmPassword: MEMBER_PASSWORD }))),
      as(second, () =>
        acceptInviteAction(idle, formData({ token, name: "Second", password: "another-password-123", confirmPassword: "another-password-123" })),
      ),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(["invalid", "success"]);
    expect(await db.user.count({ where: { email } })).toBe(1);
  });
});

describe("changing and removing", () => {
  it("a changed role and grants apply from the member's next request", async () => {
    const { browser: b, id } = await join("emil", "member", { [connectionId]: { canBrowse: "on" } });
    const state = await as(ownerBrowser, () =>
      changeMemberAction(
        idle,
        grantForm(
          { id, role: "member" },
          {
            [otherConnectionId]: {
              canBrowse: "on",
              canShare: "on",
              canUpload: "on",
              canRequest: "on",
              bucket: " acme-reports ",
              folder: "reports/",
              linkTypes: "both",
              longestExpiry: "86400",
            },
            [connectionId]: {},
          },
        ),
      ),
    );
    expect(state).toMatchObject({ status: "success" });
    expect((await as(b, () => getSessionUser()))?.grants).toEqual([
      {
        connectionId: otherConnectionId,
        canBrowse: true,
        canShare: true,
        canUpload: true,
        // "Can request uploads" (issue 17): the member form's checkbox.
        canRequest: true,
        bucket: "acme-reports",
        folder: "reports/",
        linkTypes: "both",
        longestExpirySeconds: 86_400,
      },
    ]);
    expect(await as(ownerBrowser, () => changeMemberAction(idle, grantForm({ id, role: "admin" })))).toMatchObject({ status: "success" });
    expect(await loadActor(id)).toMatchObject({ role: "admin", grants: [] });
    const refused = await as(ownerBrowser, () =>
      changeMemberAction(idle, grantForm({ id, role: "member" }, { [connectionId]: { canBrowse: "on", folder: "a/../" } })),
    );
    expect(refused).toMatchObject({ status: "invalid", fieldErrors: { [`folder:${connectionId}`]: [expect.any(String)] } });
    const slashed = await as(ownerBrowser, () =>
      changeMemberAction(idle, grantForm({ id, role: "member" }, { [connectionId]: { canBrowse: "on", bucket: "acme/press" } })),
    );
    expect(slashed).toMatchObject({ status: "invalid", fieldErrors: { [`bucket:${connectionId}`]: ["A bucket name has no “/” and no control characters."] } });
    expect(await loadActor(id)).toMatchObject({ role: "admin" });
  });

  it("removal ends the member's session and API token on the next request; “Keep them working” keeps their links", async () => {
    const { browser: b, id } = await join("fritz", "member", { [connectionId]: { canBrowse: "on", canShare: "on" } });
    const token = await apiToken(id);
    const link = await managedLink(id, "kept.pdf");
    expect(await as(b, () => getSessionUser())).toMatchObject({ id });
    await expect(authenticate(`Bearer ${token}`)).resolves.toMatchObject({ ownerId: id });

    const state = await as(ownerBrowser, () => removeMemberAction(idle, { id, links: "keep" }));
    expect(state).toMatchObject({ status: "success", message: expect.stringMatching(/Their links keep working/) });

    expect(await as(b, () => getSessionUser())).toBeNull();
    await expect(authenticate(`Bearer ${token}`)).rejects.toMatchObject({ status: 401 });
    expect(await db.user.findUniqueOrThrow({ where: { id } })).toMatchObject({ removedAt: expect.any(Date) });
    expect(await db.shareLink.findUniqueOrThrow({ where: { id: link } })).toMatchObject({ revokedAt: null, issuedById: id });
    // Signing in again gets them nowhere.
    const again = new Browser();
    const signIn = await as(again, () => signInAction(idle, formData({ email: `fritz-${suffix}@members.test`, password: MEMBER_PASSWORD })));
    // Refused like a wrong password: the right one tells them nothing, and no session is made.
    expect(signIn.status).not.toBe("success");
    expect(await as(again, () => getSessionUser())).toBeNull();
    const members = await as(ownerBrowser, async () => listMembers((await getSessionUser())!));
    expect(members.find((m) => m.id === id)).toMatchObject({ status: "removed", manageable: false });
  });

  it("an Admin and a Member set their own webhook, to public addresses only", async () => {
    for (const role of ["admin", "member"] as const) {
      const { browser: b, id } = await join(`hook-${role}`, role);
      const url = async () => (await db.user.findUniqueOrThrow({ where: { id }, select: { webhookUrl: true } })).webhookUrl;
      expect(await as(b, () => saveWebhookAction(idle, formData({ webhookUrl: "http://127.0.0.1:5432/" })))).toMatchObject({
        status: "invalid",
        fieldErrors: { webhookUrl: [expect.stringMatching(/^This address is private/)] },
      });
      expect(await url()).toBeNull();
      expect(await as(b, () => sendTestWebhookAction(idle, undefined))).toMatchObject({
        status: "error",
        message: expect.stringMatching(/save a webhook URL first/),
      });
      expect(await as(b, () => saveWebhookAction(idle, formData({ webhookUrl: "https://hooks.example.com/mine" })))).toMatchObject({ status: "success" });
      expect(await url()).toBe("https://hooks.example.com/mine");
      expect(await as(b, () => removeWebhookAction(idle, undefined))).toMatchObject({ status: "success" });
      expect(await url()).toBeNull();
      expect(await db.webhookDelivery.count({ where: { ownerId: id } })).toBe(0);
    }
  });

  it("an Admin's open invites stop working when the Admin is removed", async () => {
    const { browser: adminBrowser, id: adminId } = await join("ines", "admin");
    const sent = await invite(`jon-${suffix}@members.test`, "member", {}, adminBrowser);
    expect(sent).toMatchObject({ status: "success" });
    const token = (sent as { data: CreatedInviteData }).data.path.slice("/invite/".length);
    expect(await as(ownerBrowser, () => removeMemberAction(idle, { id: adminId, links: "keep" }))).toMatchObject({ status: "success" });
    expect(await findInvite(token)).toEqual({ status: "revoked" });
    expect(await accept(token, new Browser(), "Jon")).toMatchObject({ status: "invalid", message: expect.stringMatching(/can no longer be used/) });
    expect(await db.user.findUnique({ where: { email: `jon-${suffix}@members.test` } })).toBeNull();
  });

  it("“Revoke them” revokes the member's active managed links, and only theirs", async () => {
    const { id } = await join("gina", "member", { [connectionId]: { canBrowse: "on", canShare: "on" } });
    const { id: other } = await join("hugo", "member", { [connectionId]: { canBrowse: "on", canShare: "on" } });
    const theirs = await managedLink(id, "theirs.pdf");
    const someoneElses = await managedLink(other, "else.pdf");
    const state = await as(ownerBrowser, () => removeMemberAction(idle, { id, links: "revoke" }));
    expect(state).toMatchObject({ status: "success", message: expect.stringMatching(/1 managed link revoked/) });
    expect(await db.shareLink.findUniqueOrThrow({ where: { id: theirs } })).toMatchObject({ revokedAt: expect.any(Date) });
    expect(await db.shareLink.findUniqueOrThrow({ where: { id: someoneElses } })).toMatchObject({ revokedAt: null });
    expect(await db.auditEvent.findFirst({ where: { subjectId: id, kind: "member.removed" }, select: { actorId: true, details: true } })).toEqual({
      actorId: ownerId,
      details: { links: "revoke", revokedLinks: 1 },
    });
  });

  it("nobody removes or changes the Owner or themselves", async () => {
    const { browser: admin, id: adminId } = await join("ivan", "admin");
    const before = await teamSnapshot();
    expect(await as(admin, () => removeMemberAction(idle, { id: ownerId, links: "keep" }))).toMatchObject({ status: "error" });
    expect(await as(admin, () => removeMemberAction(idle, { id: adminId, links: "keep" }))).toMatchObject({ status: "error" });
    expect(await as(ownerBrowser, () => removeMemberAction(idle, { id: ownerId, links: "keep" }))).toMatchObject({ status: "error" });
    expect(await as(admin, () => changeMemberAction(idle, grantForm({ id: ownerId, role: "member" })))).toMatchObject({ status: "error" });
    expect(await as(admin, () => changeMemberAction(idle, grantForm({ id: adminId, role: "member" })))).toMatchObject({ status: "error" });
    expect(await teamSnapshot()).toEqual(before);
  });
});

describe("a Member", () => {
  it("is refused every members action, and nothing changes", async () => {
    const { browser: m } = await join("jana", "member", { [connectionId]: { canBrowse: "on", canShare: "on" } });
    const { id: victim } = await join("karl", "member", { [connectionId]: { canBrowse: "on" } });
    await inviteToken(`pending-${suffix}@members.test`);
    const pending = await db.invite.findFirstOrThrow({ where: { email: `pending-${suffix}@members.test` } });
    const link = await managedLink(victim, "victim.pdf");
    const before = await teamSnapshot();
    const refusals = [
      await invite(`sneaky-${suffix}@members.test`, "member", {}, m),
      await invite(`sneaky-${suffix}@members.test`, "admin", {}, m),
      await as(m, () => revokeInviteAction(idle, { id: pending.id })),
      await as(m, () => changeMemberAction(idle, grantForm({ id: victim, role: "admin" }))),
      await as(m, () => removeMemberAction(idle, { id: victim, links: "revoke" })),
    ];
    for (const state of refusals) expect(state).toMatchObject({ status: "error", message: "Only Admins and the Owner manage members and invites." });
    expect(await teamSnapshot()).toEqual(before);
    expect(await db.shareLink.findUniqueOrThrow({ where: { id: link } })).toMatchObject({ revokedAt: null });
  });
});
