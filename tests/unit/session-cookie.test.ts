import { encode } from "next-auth/jwt";
import { describe, expect, it } from "vitest";
import { RENEW_AFTER_SECONDS, checkSessionCookie } from "@/lib/auth/session-cookie";

const secret = "a-test-secret-that-is-long-enough-0123456789";
const NAME = "authjs.session-token";

async function jar(claims: Record<string, unknown>, maxAge = 7 * 86_400) {
  const value = await encode({ token: { sub: "user-1", ...claims }, secret, salt: NAME, maxAge });
  return { get: (name: string) => (name === NAME ? { value } : undefined) };
}

describe("checkSessionCookie", () => {
  it("accepts a fresh session without renewing it", async () => {
    expect(await checkSessionCookie(await jar({}), secret)).toEqual({ valid: true, userId: "user-1" });
  });

  it("renews a session older than a day (sliding expiry)", async () => {
    const now = Date.now() + (RENEW_AFTER_SECONDS + 60) * 1000;
    const result = await checkSessionCookie(await jar({}), secret, now);
    expect(result.valid && result.renewal?.name).toBe(NAME);
  });

  it("refuses an expired, tampered, foreign or missing session", async () => {
    expect(await checkSessionCookie(await jar({}, 1), secret, Date.now() + 5_000)).toEqual({ valid: false });
    const good = await jar({});
    const tampered = { get: () => ({ value: `${good.get(NAME)!.value.slice(0, -4)}AAAA` }) };
    expect(await checkSessionCookie(tampered, secret)).toEqual({ valid: false });
    expect(await checkSessionCookie(good, "another-secret-that-is-long-enough-987654")).toEqual({ valid: false });
    expect(await checkSessionCookie({ get: () => undefined }, secret)).toEqual({ valid: false });
  });
});
