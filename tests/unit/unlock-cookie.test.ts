import { describe, expect, it } from "vitest";
import { UNLOCK_SECONDS, cookieValues, signUnlock, unlockCookieHeader, verifyUnlock } from "@/lib/recipient/unlock-cookie";

const authSecret = "an-auth-secret-for-unit-tests-0123456789abcdef";
const link = { linkId: "clink0000000000000000001", passwordHash: "scrypt$32768$8$1$salt$hash", authSecret };
const now = new Date("2026-11-29T10:00:00Z");
const later = (seconds: number) => new Date(now.getTime() + seconds * 1000);

describe("unlock cookie", () => {
  it("unlocks its link for 15 minutes, then no more", () => {
    const { value, expires } = signUnlock({ ...link, now });
    expect(expires).toBe(now.getTime() / 1000 + UNLOCK_SECONDS);
    expect(verifyUnlock(value, { ...link, now })).toBe(true);
    expect(verifyUnlock(value, { ...link, now: later(UNLOCK_SECONDS - 1) })).toBe(true);
    expect(verifyUnlock(value, { ...link, now: later(UNLOCK_SECONDS) })).toBe(false);
  });

  it("opens no other link, and stops when the link's password or the secret changes", () => {
    const { value } = signUnlock({ ...link, now });
    expect(verifyUnlock(value, { ...link, linkId: "clink0000000000000000002", now })).toBe(false);
    expect(verifyUnlock(value, { ...link, passwordHash: "scrypt$32768$8$1$salt$other", now })).toBe(false);
    expect(verifyUnlock(value, { ...link, authSecret: `${authSecret}x`, now })).toBe(false);
  });

  it("refuses tampered values: a stretched expiry, a changed signature, garbage", () => {
    const { value } = signUnlock({ ...link, now });
    const [expires, signature] = value.split(".") as [string, string];
    expect(verifyUnlock(`${Number(expires) + 3600}.${signature}`, { ...link, now })).toBe(false);
    const flipped = signature.slice(0, -2) + (signature.at(-2) === "A" ? "B" : "A") + signature.at(-1);
    expect(verifyUnlock(`${expires}.${flipped}`, { ...link, now })).toBe(false);
    for (const bad of ["", "x", `${expires}.`, `.${signature}`, `${expires}.${signature}.x`, null, undefined]) {
      expect(verifyUnlock(bad, { ...link, now })).toBe(false);
    }
  });

  it("is HttpOnly, SameSite=Lax, scoped to the link's path, Secure over https", () => {
    const header = unlockCookieHeader({ token: "T".repeat(32), value: "1.x", secure: true });
    expect(header).toBe(`bs_unlock=1.x; Path=/s/${"T".repeat(32)}; Max-Age=900; HttpOnly; SameSite=Lax; Secure`);
    expect(unlockCookieHeader({ token: "T".repeat(32), value: "1.x", secure: false })).not.toMatch(/Secure/);
  });

  it("reads every value of the cookie from a Cookie header", () => {
    expect(cookieValues("a=1; bs_unlock=one; b=2; bs_unlock=two", "bs_unlock")).toEqual(["one", "two"]);
    expect(cookieValues(null, "bs_unlock")).toEqual([]);
  });
});
