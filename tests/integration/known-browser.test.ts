import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { Browser, browser } from "../support/browser";
import { db } from "@/lib/db/client";
import { hashPassword } from "@/lib/auth/password";
import { KNOWN_BROWSER_COOKIE, KNOWN_BROWSER_SECONDS } from "@/lib/auth/known-browser";
import { MAX_FAILURES_PER_SUBJECT } from "@/lib/auth/limits";
import { signInAction } from "@/lib/actions/sign-in";
import { signOutAction } from "@/lib/actions/sign-out";
import { getSessionUser } from "@/lib/auth/session";
import { PEER_HEADER, SERVER_MARKER } from "@/lib/security/address";
import { formData, randomSuffix, runRedirectingAction } from "../support/helpers";

// One reverse proxy in front (its X-Forwarded-Proto counts only when the app's server vouches for
// the peer): set before any module reads the environment.
vi.hoisted(() => {
  vi.stubEnv("TRUSTED_PROXIES", "1");
});

// Only Next's request context is stood in for (a cookie jar per browser); Auth.js, the sign-in
// action, the limits and the database are the real ones.
vi.mock("next/headers", async () => (await import("../support/browser")).headersModule);

const PASSWORD = "known-browser-password-1";
let email = "";

const signIn = (password = PASSWORD, as = email) => signInAction({ status: "idle" }, formData({ email: as, password }));

/** What strangers on many addresses leave behind after guessing the owner's password. */
async function spreadOutGuesses(subject: string) {
  const now = Date.now();
  await db.signInFailure.createMany({
    data: Array.from({ length: MAX_FAILURES_PER_SUBJECT }, (_, i) => ({ subject, clientAddress: `10.7.${i}.1`, createdAt: new Date(now - i * 1000) })),
  });
}

beforeAll(async () => {
  email = `known-${randomSuffix()}@integration.test`;
  await db.user.create({ data: { name: "Known Owner", email, passwordHash: await hashPassword(PASSWORD) } });
});

afterAll(async () => {
  await db.signInFailure.deleteMany({ where: { subject: { endsWith: "@integration.test", startsWith: "known-" } } });
  await db.user.deleteMany({ where: { email } });
});

describe("cookies over https", () => {
  it("behind a trusted proxy that says https: the session cookie is __Host- and Secure, only it is read, and sign-out drops it", async () => {
    const marker = globalThis as Record<symbol, unknown>;
    marker[SERVER_MARKER] = true;
    try {
      browser.current = new Browser();
      Object.assign(browser.current.requestHeaders, { [PEER_HEADER]: "127.0.0.1", "x-forwarded-proto": "https" });
      expect(await signIn()).toMatchObject({ status: "success" });
      expect([...browser.current.cookies.keys()].filter((name) => name.includes("session-token"))).toEqual(["__Host-authjs.session-token"]);
      expect(browser.current.cookies.get("__Host-authjs.session-token")?.options).toMatchObject({ secure: true, path: "/", httpOnly: true });
      expect(browser.current.cookies.get(KNOWN_BROWSER_COOKIE)?.options).toMatchObject({ secure: true });
      expect((await getSessionUser())?.email).toBe(email);

      // The same cookie under the plain name is not read over https (it could have been planted over http).
      const planted = new Browser();
      Object.assign(planted.requestHeaders, browser.current.requestHeaders);
      planted.cookies.set("authjs.session-token", { ...browser.current.cookies.get("__Host-authjs.session-token")!, name: "authjs.session-token" });
      const signedIn = browser.current;
      browser.current = planted;
      expect(await getSessionUser()).toBeNull();

      browser.current = signedIn;
      expect(await runRedirectingAction(() => signOutAction({ status: "idle" }, formData({})))).toEqual({ redirectTo: "/sign-in" });
      expect(browser.current.cookies.has("__Host-authjs.session-token")).toBe(false);
    } finally {
      delete marker[SERVER_MARKER];
      await db.signInFailure.deleteMany({ where: { subject: email } });
    }
  });
});

describe("the known-browser cookie", () => {
  it("is set by a successful sign-in: HttpOnly, SameSite=Lax, a year, and not by a failed one", async () => {
    browser.current = new Browser();
    expect(await signIn("wrong password")).toMatchObject({ status: "invalid" });
    expect(browser.current.cookies.has(KNOWN_BROWSER_COOKIE)).toBe(false);
    expect(await signIn()).toMatchObject({ status: "success" });
    const cookie = browser.current.cookies.get(KNOWN_BROWSER_COOKIE);
    expect(cookie?.value).toMatch(/^\d+\.[\w-]{43}$/);
    // Served over http here (no trusted proxy saying https): not Secure.
    expect(cookie?.options).toEqual({ httpOnly: true, sameSite: "lax", secure: false, path: "/", maxAge: KNOWN_BROWSER_SECONDS });
    await db.signInFailure.deleteMany({ where: { subject: email } });
  });

  it(`lets the owner's usual browser in while ${MAX_FAILURES_PER_SUBJECT} guesses from many addresses lock the email for every other browser`, async () => {
    browser.current = new Browser();
    expect(await signIn()).toMatchObject({ status: "success" });
    // Later: signed out (only the known-browser cookie is left), and strangers have been guessing.
    const usual = new Browser();
    usual.cookies.set(KNOWN_BROWSER_COOKIE, { ...browser.current.cookies.get(KNOWN_BROWSER_COOKIE)! });
    await spreadOutGuesses(email);

    const locked = { status: "error", message: "Too many failed attempts. Try again in 15 minutes." };
    browser.current = new Browser();
    expect(await signIn()).toEqual(locked);
    // The cookie counts for its own email only: another account's known browser is a fresh one here.
    const other = `known-other-${randomSuffix()}@integration.test`;
    await spreadOutGuesses(other);
    browser.current = usual;
    expect(await signIn(PASSWORD, other)).toEqual(locked);
    // The usual browser, right password: signed in, and the cookie renewed.
    expect(await signIn()).toMatchObject({ status: "success", reloadTo: "/buckets" });
    expect(browser.current.cookies.has("authjs.session-token")).toBe(true);
    expect(browser.current.cookies.get(KNOWN_BROWSER_COOKIE)?.value).toMatch(/^\d+\.[\w-]{43}$/);
    await db.signInFailure.deleteMany({ where: { subject: email } });
  });
});
