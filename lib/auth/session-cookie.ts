import { decode, encode, type JWT } from "next-auth/jwt";
import { SESSION_MAX_AGE_SECONDS } from "@/lib/auth/config";

/**
 * Reading the Auth.js session cookie (a JWE keyed by AUTH_SECRET), for proxy.ts and the server's
 * session check. What proxy.ts also needs: is there a valid session, and should its
 * cookie be renewed (sliding expiry, at most once a day, so that requests in flight while the
 * owner signs out cannot put a fresh cookie back).
 */

export const SESSION_COOKIES = ["__Secure-authjs.session-token", "authjs.session-token"] as const;
export const RENEW_AFTER_SECONDS = 24 * 60 * 60;

export type SessionCheck = { valid: false } | { valid: true; userId: string; renewal?: { name: string; value: string; secure: boolean } };

export async function checkSessionCookie(cookies: { get(name: string): { value: string } | undefined }, secret: string, now = Date.now()): Promise<SessionCheck> {
  for (const name of SESSION_COOKIES) {
    const value = cookies.get(name)?.value;
    if (!value) continue;
    let token: JWT | null = null;
    try {
      token = await decode({ token: value, secret, salt: name });
    } catch {
      token = null;
    }
    const nowSeconds = Math.floor(now / 1000);
    if (!token?.sub || typeof token.exp !== "number" || token.exp <= nowSeconds) return { valid: false };
    if (typeof token.iat === "number" && nowSeconds - token.iat < RENEW_AFTER_SECONDS) return { valid: true, userId: token.sub };
    const { iat: _iat, exp: _exp, jti: _jti, ...claims } = token;
    const renewed = await encode({ token: claims, secret, salt: name, maxAge: SESSION_MAX_AGE_SECONDS });
    return { valid: true, userId: token.sub, renewal: { name, value: renewed, secure: name.startsWith("__Secure-") } };
  }
  return { valid: false };
}
