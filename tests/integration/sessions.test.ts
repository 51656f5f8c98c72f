import { soleOwner } from "@/lib/auth/permissions";
import { createHash } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { Browser, browser } from "../support/browser";
import { db } from "@/lib/db/client";
import { hashPassword } from "@/lib/auth/password";
import { getSessionUser } from "@/lib/auth/session";
import { pruneEndedSessions } from "@/lib/auth/session-store";
import { signInAction } from "@/lib/actions/sign-in";
import { signOutAction } from "@/lib/actions/sign-out";
import { signOutEverywhereAction } from "@/lib/actions/sign-out-everywhere";
import { changePasswordAction } from "@/lib/actions/change-password";
import { formData, randomSuffix, runRedirectingAction } from "../support/helpers";

// Only Next's request context is stood in for (a cookie jar per browser); Auth.js, the session
// cookie, the sessions table and the actions are the real ones.
vi.mock("next/headers", async () => (await import("../support/browser")).headersModule);

let PASSWORD = "sessions-password-123";
let user: { id: string; email: string };

const DAY_MS = 86_400_000;
const UNAUTHORIZED = { status: "unauthorized", message: "Your session has ended. Sign in again to continue." };

async function signInNewBrowser(userAgent?: string) {
  browser.current = new Browser(userAgent);
  const state = await signInAction({ status: "idle" }, formData({ email: user.email, password: PASSWORD }));
  expect(state).toMatchObject({ status: "success", reloadTo: "/buckets" });
  return browser.current;
}

function sessionCookieOf(b: InstanceType<typeof Browser>) {
  return b.cookies.get("authjs.session-token");
}

async function userIn(b: InstanceType<typeof Browser>) {
  browser.current = b;
  return getSessionUser();
}

beforeAll(async () => {
  const created = await db.user.create({
    data: { name: "Session Owner", email: `sessions-${randomSuffix()}@integration.test`, passwordHash: await hashPassword(PASSWORD) },
  });
  user = { id: created.id, email: created.email };
});

beforeEach(async () => {
  await db.session.deleteMany({ where: { userId: user.id } });
});

afterAll(async () => {
  await db.user.deleteMany({ where: { id: user.id } });
});

describe("server-side sessions", () => {
  it("signing in stores only the hash of the cookie's session id, ending 30 days later", async () => {
    const before = Date.now();
    const b = await signInNewBrowser("Firefox/140");
    const cookie = sessionCookieOf(b);
    expect(cookie?.options).toMatchObject({ httpOnly: true, sameSite: "lax", path: "/" });
    expect(await userIn(b)).toEqual({ ...soleOwner(user.id), name: "Session Owner", email: user.email });

    const rows = await db.session.findMany({ where: { userId: user.id } });
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(row.idHash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.userAgent).toBe("Firefox/140");
    // The absolute end is kept in whole seconds (the cookie carries it too).
    expect(row.expiresAt.getTime() - row.createdAt.getTime()).toBeGreaterThan(30 * DAY_MS - 1000);
    expect(row.expiresAt.getTime() - row.createdAt.getTime()).toBeLessThanOrEqual(30 * DAY_MS);
    expect(row.createdAt.getTime()).toBeGreaterThanOrEqual(before - 1000);

    // The cookie is sealed; its session id is found in the table only as a hash.
    const { decode } = await import("next-auth/jwt");
    const token = await decode({ token: cookie!.value, secret: process.env.AUTH_SECRET!, salt: "authjs.session-token" });
    expect(typeof token?.sid).toBe("string");
    expect(token?.sx).toBe(row.expiresAt.getTime() / 1000);
    expect(row.idHash).toBe(createHash("sha256").update(String(token!.sid)).digest("hex"));
    expect(JSON.stringify(rows)).not.toContain(String(token!.sid));
  });

  it("sign-out ends the session on the server: a copied cookie stops working at once", async () => {
    const original = await signInNewBrowser();
    const thief = original.copy();
    expect(await userIn(thief)).toMatchObject({ id: user.id });

    browser.current = original;
    expect(await runRedirectingAction(() => signOutAction({ status: "idle" }, formData({})))).toEqual({ redirectTo: "/sign-in" });
    expect(sessionCookieOf(original)).toBeUndefined();
    expect(await db.session.count({ where: { userId: user.id } })).toBe(0);

    // The copy still holds a sealed, unexpired cookie, but pages, actions and handlers refuse it.
    expect(sessionCookieOf(thief)).toBeDefined();
    expect(await userIn(thief)).toBeNull();
    expect(await signOutEverywhereAction({ status: "idle" }, formData({}))).toEqual(UNAUTHORIZED);
  });

  it("sign-out in one browser leaves the others signed in", async () => {
    const laptop = await signInNewBrowser("Laptop");
    const phone = await signInNewBrowser("Phone");
    browser.current = laptop;
    await runRedirectingAction(() => signOutAction({ status: "idle" }, formData({})));
    expect(await userIn(laptop)).toBeNull();
    expect(await userIn(phone)).toMatchObject({ id: user.id });
  });

  it("sign out everywhere ends every session, this one included", async () => {
    const laptop = await signInNewBrowser("Laptop");
    const phone = await signInNewBrowser("Phone");
    const copied = phone.copy();
    browser.current = laptop;
    expect(await runRedirectingAction(() => signOutEverywhereAction({ status: "idle" }, formData({})))).toEqual({ redirectTo: "/sign-in" });
    expect(sessionCookieOf(laptop)).toBeUndefined();
    for (const b of [laptop, phone, copied]) expect(await userIn(b)).toBeNull();
    expect(await db.session.count({ where: { userId: user.id } })).toBe(0);
  });

  it("a session ends at its absolute end however recently its cookie was renewed, and is pruned", async () => {
    const b = await signInNewBrowser();
    expect(await userIn(b)).not.toBeNull();
    // As if signed in 30 days ago: the cookie (renewed yesterday, say) is still sealed and unexpired.
    await db.session.updateMany({ where: { userId: user.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await userIn(b)).toBeNull();
    expect(await pruneEndedSessions()).toBeGreaterThanOrEqual(1);
    expect(await db.session.count({ where: { userId: user.id } })).toBe(0);
  });

  it("signing in prunes sessions past their end", async () => {
    await signInNewBrowser();
    await db.session.updateMany({ where: { userId: user.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    await signInNewBrowser();
    expect(await db.session.count({ where: { userId: user.id } })).toBe(1);
  });

  it("refuses a deleted user's still-valid cookie", async () => {
    const other = await db.user.create({
      data: { name: "Gone Soon", email: `gone-${randomSuffix()}@integration.test`, passwordHash: await hashPassword(PASSWORD) },
    });
    browser.current = new Browser();
    expect(await signInAction({ status: "idle" }, formData({ email: other.email, password: PASSWORD }))).toMatchObject({ status: "success" });
    const b = browser.current;
    expect(await userIn(b)).toMatchObject({ id: other.id });
    await db.user.delete({ where: { id: other.id } });
    expect(sessionCookieOf(b)).toBeDefined();
    expect(await userIn(b)).toBeNull();
    expect(await signOutEverywhereAction({ status: "idle" }, formData({}))).toEqual(UNAUTHORIZED);
  });

  it("refuses a cookie naming another user than its session's", async () => {
    const b = await signInNewBrowser();
    // A forged pairing (only possible with AUTH_SECRET) still needs the session row to be this user's.
    const stranger = await db.user.create({ data: { name: "Stranger", email: `stranger-${randomSuffix()}@integration.test`, passwordHash: "x" } });
    await db.session.updateMany({ where: { userId: user.id }, data: { userId: stranger.id } });
    expect(await userIn(b)).toBeNull();
    await db.user.delete({ where: { id: stranger.id } });
  });
});

describe("change password", () => {
  const change = (fields: Record<string, string>) => changePasswordAction({ status: "idle" }, formData(fields));
  const storedHash = async () => (await db.user.findUniqueOrThrow({ where: { id: user.id } })).passwordHash;

  beforeEach(async () => {
    await db.signInFailure.deleteMany({});
  });

  it("refuses a wrong current password near its field and changes nothing", async () => {
    const here = await signInNewBrowser("Here");
    const elsewhere = await signInNewBrowser("Elsewhere");
    const hash = await storedHash();
    browser.current = here;
    expect(await change({ currentPassword: "not-my-password", newPassword: "brand-new-password-1", confirmNewPassword: "brand-new-password-1" })).toMatchObject(
      {
        status: "invalid",
        fieldErrors: { currentPassword: ["Wrong current password."] },
      },
    );
    expect(await storedHash()).toBe(hash);
    expect(await userIn(elsewhere)).toMatchObject({ id: user.id });
  });

  it("refuses a short or unconfirmed new password near its field and changes nothing", async () => {
    browser.current = await signInNewBrowser();
    const hash = await storedHash();
    expect(await change({ currentPassword: PASSWORD, newPassword: "short-pass", confirmNewPassword: "short-pass" })).toMatchObject({
      status: "invalid",
      fieldErrors: { newPassword: ["Use at least 12 characters."] },
    });
    expect(await change({ currentPassword: PASSWORD, newPassword: "brand-new-password-1", confirmNewPassword: "brand-new-password-2" })).toMatchObject({
      status: "invalid",
      fieldErrors: { confirmNewPassword: ["The new passwords do not match."] },
    });
    expect(await storedHash()).toBe(hash);
  });

  it("limits guessing the current password like sign-in: after 5 wrong ones even the right one waits", async () => {
    browser.current = await signInNewBrowser();
    for (let i = 0; i < 5; i++) {
      expect(await change({ currentPassword: `wrong-${i}`, newPassword: "brand-new-password-1", confirmNewPassword: "brand-new-password-1" })).toMatchObject({
        fieldErrors: { currentPassword: ["Wrong current password."] },
      });
    }
    expect(await change({ currentPassword: PASSWORD, newPassword: "brand-new-password-1", confirmNewPassword: "brand-new-password-1" })).toMatchObject({
      status: "invalid",
      fieldErrors: { currentPassword: ["Too many failed attempts. Try again in 1 minute."] },
    });
  });

  it("ends every other session, keeps this one; the old password stops working, the new one works", async () => {
    const other = await signInNewBrowser("Other");
    const copied = other.copy();
    const here = await signInNewBrowser("Here");
    browser.current = here;
    const newPassword = "brand-new-password-1";
    expect(await change({ currentPassword: PASSWORD, newPassword, confirmNewPassword: newPassword })).toEqual({
      status: "success",
      message: "Password changed. Every other session was signed out.",
    });
    expect(await userIn(here)).toMatchObject({ id: user.id });
    expect(await userIn(other)).toBeNull();
    expect(await userIn(copied)).toBeNull();
    expect(await db.session.count({ where: { userId: user.id } })).toBe(1);

    browser.current = new Browser();
    expect(await signInAction({ status: "idle" }, formData({ email: user.email, password: PASSWORD }))).toMatchObject({
      status: "invalid",
      fieldErrors: { form: ["Wrong email or password."] },
    });
    PASSWORD = newPassword;
    await signInNewBrowser();
  });

  it("cannot be called without a session", async () => {
    browser.current = new Browser();
    expect(await change({ currentPassword: PASSWORD, newPassword: "another-password-9", confirmNewPassword: "another-password-9" })).toEqual(UNAUTHORIZED);
  });
});
