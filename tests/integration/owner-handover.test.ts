/**
 * "Make Owner" (issue 16, item 1): the Owner hands the role to an Admin and becomes an Admin, against the
 * real database and the real session code. The team keeps its connections, links and settings; both
 * people's rights change on their next request; nobody else can hand the role over, nobody can receive
 * it but an Admin, and two hand-overs at the same moment leave exactly one Owner.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { Browser, browser } from "../support/browser";
import { insertStorageConnection } from "../support/connection-row";
import { formData, randomSuffix, services } from "../support/helpers";
import { changeMemberAction } from "@/lib/actions/change-member";
import { handOwnershipAction } from "@/lib/actions/hand-ownership";
import { removeMemberAction } from "@/lib/actions/remove-member";
import { signInAction } from "@/lib/actions/sign-in";
import { can } from "@/lib/auth/permissions";
import { hashPassword } from "@/lib/auth/password";
import { getSessionUser } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { listMembers } from "@/lib/members/store";
import { listConnections } from "@/lib/storage/connections";

vi.mock("next/headers", async () => (await import("../support/browser")).headersModule);

const PASSWORD = "handover-password-123";
const suffix = randomSuffix();
const idle = { status: "idle" } as const;
let teamId: string;

async function as<T>(b: Browser, run: () => Promise<T>): Promise<T> {
  browser.current = b;
  return run();
}

/** A person of the team (or its first Owner), signed in with a password in a browser of their own. */
async function person(label: string, role: "owner" | "admin" | "member"): Promise<{ id: string; browser: Browser }> {
  const row = await db.user.create({
    data: {
      name: `Person ${label}`,
      email: `${label}-${suffix}@handover.test`,
      passwordHash: await hashPassword(PASSWORD),
      role,
      teamId: role === "owner" ? null : teamId,
    },
  });
  const b = new Browser(`${label}/1.0`);
  expect(await as(b, () => signInAction(idle, formData({ email: row.email, password: PASSWORD })))).toMatchObject({ status: "success" });
  return { id: row.id, browser: b };
}

async function roles() {
  const rows = await db.user.findMany({ where: { OR: [{ id: teamId }, { teamId }] }, select: { name: true, role: true }, orderBy: { name: "asc" } });
  return Object.fromEntries(rows.map((r) => [r.name, r.role]));
}

let owner: { id: string; browser: Browser };

beforeAll(async () => {
  teamId = "pending";
  owner = await person("olga", "owner");
  teamId = owner.id;
  await insertStorageConnection(teamId, services.s3, { name: "Media" });
});

afterAll(async () => {
  await db.user.deleteMany({ where: { teamId } });
  await db.user.deleteMany({ where: { id: teamId } });
});

describe("handing over the Owner role", () => {
  it("only the Owner, only to an Admin: anyone else is refused and nothing changes", async () => {
    const admin = await person("adam", "admin");
    const member = await person("mia", "member");
    const before = await roles();
    expect(await as(admin.browser, () => handOwnershipAction(idle, { id: admin.id }))).toMatchObject({ status: "error" });
    expect(await as(member.browser, () => handOwnershipAction(idle, { id: member.id }))).toMatchObject({ status: "error" });
    expect(await as(owner.browser, () => handOwnershipAction(idle, { id: member.id }))).toMatchObject({ status: "error", message: "There is no such member." });
    expect(await as(owner.browser, () => handOwnershipAction(idle, { id: owner.id }))).toMatchObject({ status: "error" });
    expect(await as(owner.browser, () => handOwnershipAction(idle, { id: "" }))).toMatchObject({ status: "invalid" });
    expect(await roles()).toEqual(before);
    // Settings → Members offers "Make Owner" to the Owner on Admins' rows only.
    const listed = await as(owner.browser, async () => listMembers((await getSessionUser())!));
    expect(listed.filter((m) => m.mayBecomeOwner).map((m) => m.name)).toEqual(["Person adam"]);
    const asAdmin = await as(admin.browser, async () => listMembers((await getSessionUser())!));
    expect(asAdmin.filter((m) => m.mayBecomeOwner)).toEqual([]);
  });

  it("the Admin becomes the Owner and the Owner an Admin, from their next request; the team keeps everything", async () => {
    const heir = await person("hana", "admin");
    expect(await as(owner.browser, () => handOwnershipAction(idle, { id: heir.id }))).toMatchObject({
      status: "success",
      message: "Person hana is now the Owner. You are an Admin.",
    });
    const now = await as(heir.browser, () => getSessionUser());
    expect(now).toMatchObject({ id: heir.id, role: "owner", teamId });
    expect(can(now!, "instance.settings")).toBe(true);
    const former = await as(owner.browser, () => getSessionUser());
    expect(former).toMatchObject({ id: owner.id, role: "admin", teamId });
    expect(can(former!, "owner.transfer")).toBe(false);
    // The team's connection is still there for both.
    expect((await listConnections(now!)).map((c) => c.name)).toEqual(["Media"]);
    expect((await listConnections(former!)).map((c) => c.name)).toEqual(["Media"]);
    // The former Owner cannot take it back; the new Owner can manage them like any Admin.
    expect(await as(owner.browser, () => handOwnershipAction(idle, { id: owner.id }))).toMatchObject({ status: "error" });
    const demoted = formData({ id: owner.id, role: "member" });
    expect(await as(heir.browser, () => changeMemberAction(idle, demoted))).toMatchObject({ status: "success" });
    expect(await as(owner.browser, () => getSessionUser())).toMatchObject({ role: "member", teamId });
    const audit = await db.auditEvent.findFirst({ where: { teamId, kind: "owner.transferred" } });
    expect(audit).toMatchObject({ actorId: owner.id, subject: "Person hana", subjectId: heir.id });
    // Back to how the next test expects it: hana hands the role back to Olga made Admin again.
    expect(await as(heir.browser, () => changeMemberAction(idle, formData({ id: owner.id, role: "admin" })))).toMatchObject({ status: "success" });
    expect(await as(heir.browser, () => handOwnershipAction(idle, { id: owner.id }))).toMatchObject({ status: "success" });
    expect(await as(owner.browser, () => getSessionUser())).toMatchObject({ role: "owner", teamId });
  });

  it("a hand-over racing another Admin's removal or demotion of the heir still leaves one working Owner", async () => {
    const remover = await person("rita", "admin");
    for (const [i, race] of ["remove", "demote"].entries()) {
      const heir = await person(`heir${i}`, "admin");
      const by = owner.browser.copy(`Owner-race-${i}/1.0`);
      await Promise.all([
        as(by, () => handOwnershipAction(idle, { id: heir.id })),
        (async () => {
          const b = remover.browser.copy(`Rita-race-${i}/1.0`);
          return race === "remove"
            ? as(b, () => removeMemberAction(idle, { id: heir.id, links: "keep" }))
            : as(b, () => changeMemberAction(idle, formData({ id: heir.id, role: "member" })));
        })(),
      ]);
      const owners = await db.user.findMany({ where: { OR: [{ id: teamId }, { teamId }], role: "owner" }, select: { id: true, removedAt: true } });
      expect(owners, race).toHaveLength(1);
      expect(owners[0]!.removedAt, race).toBeNull();
      // Back to Olga as the Owner for what follows.
      if (owners[0]!.id !== owner.id) {
        const heirBrowser = heir.browser;
        expect(await as(heirBrowser, () => handOwnershipAction(idle, { id: owner.id }))).toMatchObject({ status: "success" });
      }
    }
  });

  it("two hand-overs at the same moment leave exactly one Owner", async () => {
    const first = await person("fay", "admin");
    const second = await person("sam", "admin");
    const results = await Promise.all([
      as(owner.browser, () => handOwnershipAction(idle, { id: first.id })),
      (async () => {
        const b = owner.browser.copy("Owner-tab-2/1.0");
        return as(b, () => handOwnershipAction(idle, { id: second.id }));
      })(),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(["error", "success"]);
    const owners = await db.user.findMany({ where: { OR: [{ id: teamId }, { teamId }], role: "owner" }, select: { id: true } });
    expect(owners).toHaveLength(1);
    expect([first.id, second.id]).toContain(owners[0]!.id);
  });
});
