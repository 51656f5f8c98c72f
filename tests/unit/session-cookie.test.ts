import { decode, encode } from "next-auth/jwt";
import { describe, expect, it, vi } from "vitest";
import { RENEW_AFTER_SECONDS, checkSessionCookie, newSessionClaims } from "@/lib/auth/session-cookie";

// The real decoder, counted.
vi.mock("next-auth/jwt", async (original) => {
  const actual = await original<typeof import("next-auth/jwt")>();
  return { ...actual, decode: vi.fn(actual.decode) };
});

const secret = "a-test-secret-that-is-long-enough-0123456789";
const NAME = "authjs.session-token";
const SID = "x".repeat(43);
const DAY = 86_400;

async function jar(claims: Record<string, unknown>, maxAge = 7 * DAY) {
  const value = await encode({ token: { sub: "user-1", ...newSessionClaims(SID), ...claims }, secret, salt: NAME, maxAge });
  return { get: (name: string) => (name === NAME ? { value } : undefined) };
}

describe("checkSessionCookie", () => {
  it("accepts a fresh session without renewing it", async () => {
    expect(await checkSessionCookie(await jar({}), secret)).toEqual({ valid: true, userId: "user-1", sessionId: SID });
  });

  it("renews a session older than a day (sliding expiry) for 7 days", async () => {
    const now = Date.now() + (RENEW_AFTER_SECONDS + 60) * 1000;
    const result = await checkSessionCookie(await jar({}), secret, now);
    expect(result.valid && result.renewal).toMatchObject({ name: NAME, secure: false, maxAge: 7 * DAY });
  });

  it("renews at most until the session's absolute end, and refuses it after that end", async () => {
    const sx = Math.floor(Date.now() / 1000) + 3 * DAY;
    const cookies = await jar({ sx });
    const twoDaysLater = Date.now() + 2 * DAY * 1000;
    const renewed = await checkSessionCookie(cookies, secret, twoDaysLater);
    // The cookie already lives beyond the end (7 days from now): nothing to renew.
    expect(renewed).toEqual({ valid: true, userId: "user-1", sessionId: SID });
    expect(await checkSessionCookie(cookies, secret, Date.now() + 3 * DAY * 1000 + 1000)).toEqual({ valid: false });
  });

  it("skips renewal when asked to (the server's own check)", async () => {
    const now = Date.now() + (RENEW_AFTER_SECONDS + 60) * 1000;
    expect(await checkSessionCookie(await jar({}), secret, now, { renew: false })).toEqual({ valid: true, userId: "user-1", sessionId: SID });
  });

  it("skips a value that does not decode instead of ending the check (a browser may send the name twice)", async () => {
    const good = (await jar({})).get(NAME)!.value;
    const both = { get: () => ({ value: "not-a-jwe" }), getAll: () => [{ value: "not-a-jwe" }, { value: "%E0%A4%A" }, { value: good }] };
    expect(await checkSessionCookie(both, secret)).toEqual({ valid: true, userId: "user-1", sessionId: SID });
  });

  it("over https reads only the __Host- cookie, and renews it Secure", async () => {
    const value = await encode({ token: { sub: "user-1", ...newSessionClaims(SID) }, secret, salt: "__Host-authjs.session-token", maxAge: 7 * DAY });
    const hostJar = { get: (name: string) => (name === "__Host-authjs.session-token" ? { value } : undefined) };
    expect(await checkSessionCookie(hostJar, secret, Date.now(), { https: true })).toMatchObject({ valid: true, userId: "user-1" });
    expect(await checkSessionCookie(hostJar, secret, Date.now(), { https: false })).toEqual({ valid: false });
    expect(await checkSessionCookie(await jar({}), secret, Date.now(), { https: true })).toEqual({ valid: false });
    const later = Date.now() + (RENEW_AFTER_SECONDS + 60) * 1000;
    const renewed = await checkSessionCookie(hostJar, secret, later, { https: true });
    expect(renewed.valid && renewed.renewal).toMatchObject({ name: "__Host-authjs.session-token", secure: true });
  });

  it("refuses an expired, tampered, foreign, session-less or missing cookie", async () => {
    expect(await checkSessionCookie(await jar({}, 1), secret, Date.now() + 5_000)).toEqual({ valid: false });
    const good = await jar({});
    const tampered = { get: () => ({ value: `${good.get(NAME)!.value.slice(0, -4)}AAAA` }) };
    expect(await checkSessionCookie(tampered, secret)).toEqual({ valid: false });
    expect(await checkSessionCookie(good, "another-secret-that-is-long-enough-987654")).toEqual({ valid: false });
    expect(await checkSessionCookie(await jar({ sid: undefined }), secret)).toEqual({ valid: false });
    expect(await checkSessionCookie(await jar({ sx: undefined }), secret)).toEqual({ valid: false });
    expect(await checkSessionCookie({ get: () => undefined }, secret)).toEqual({ valid: false });
  });

  it("decodes a cookie once however often a request reads it, and still refuses it once it expired", async () => {
    const cookies = await jar({}, 60);
    const calls = vi.mocked(decode).mock.calls.length;
    for (let read = 0; read < 3; read++) {
      expect(await checkSessionCookie(cookies, secret, Date.now(), { renew: false })).toEqual({ valid: true, userId: "user-1", sessionId: SID });
    }
    expect(vi.mocked(decode).mock.calls.length).toBe(calls + 1);
    expect(await checkSessionCookie(cookies, secret, Date.now() + 61_000)).toEqual({ valid: false });
    // A value that does not decode is never remembered: each read tries it again…
    const value = cookies.get(NAME)!.value;
    const tampered = { get: () => ({ value: `${value.slice(0, -4)}AAAA` }) };
    expect(await checkSessionCookie(tampered, secret)).toEqual({ valid: false });
    expect(await checkSessionCookie(tampered, secret)).toEqual({ valid: false });
    expect(vi.mocked(decode).mock.calls.length).toBe(calls + 3);
    // …and one that is not even shaped like one (five base64url parts, at most 4 KiB) is not decoded at all.
    for (const garbage of ["not-a-jwe", `${value}.extra`, `${value.slice(0, 20)}!${value.slice(21)}`, `${"a".repeat(4_100)}....`]) {
      expect(await checkSessionCookie({ get: () => ({ value: garbage }) }, secret)).toEqual({ valid: false });
    }
    expect(vi.mocked(decode).mock.calls.length).toBe(calls + 3);
  });
});
