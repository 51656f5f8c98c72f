import { encode } from "next-auth/jwt";
import { NextRequest } from "next/server";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { isPublicPath } from "@/lib/auth/config";
import { PEER_HEADER, SERVER_MARKER } from "@/lib/security/address";

// The storage origins come from the database; proxy.ts itself needs none.
// Uploads may go to storage from the bucket browser's pages only (the real look-up also asks the person's rights).
vi.mock("@/lib/security/storage-origins", () => ({
  cspOriginsFor: async (_userId: string, pathname: string) => ({
    storageOrigins: ["https://storage.example.com"],
    uploadOrigins: pathname.startsWith("/buckets/") ? ["https://upload.example.com"] : [],
  }),
}));

const secret = "a-unit-test-secret-that-is-long-enough-0123456789";
const DAY = 86_400;

let proxy: typeof import("@/proxy")["proxy"];

beforeAll(async () => {
  process.env.AUTH_SECRET = secret;
  process.env.ENCRYPTION_KEY = Buffer.alloc(32, 7).toString("base64");
  process.env.DATABASE_URL = "postgresql://unused@127.0.0.1:9/unused";
  (process.env as Record<string, string>).NODE_ENV = "production";
  // One reverse proxy on loopback: its X-Forwarded-Proto says whether the browser came over https.
  process.env.TRUSTED_PROXIES = "1";
  (globalThis as Record<symbol, unknown>)[SERVER_MARKER] = true;
  ({ proxy } = await import("@/proxy"));
});

afterEach(() => {
  vi.useRealTimers();
});

afterAll(() => {
  delete (globalThis as Record<symbol, unknown>)[SERVER_MARKER];
  delete process.env.TRUSTED_PROXIES;
});

/** As the app's server hands it a request its proxy received over https. */
const OVER_HTTPS = { [PEER_HEADER]: "127.0.0.1", "x-forwarded-proto": "https" };

async function sessionCookie(name = "authjs.session-token", claims: Record<string, unknown> = {}) {
  const sx = Math.floor(Date.now() / 1000) + 30 * DAY;
  const value = await encode({ token: { sub: "user-1", sid: "s".repeat(43), sx, ...claims }, secret, salt: name, maxAge: 7 * DAY });
  return `${name}=${value}`;
}

function request(path: string, headers: Record<string, string> = {}) {
  return new NextRequest(new URL(path, "http://127.0.0.1:3000"), { headers });
}

describe("proxy", () => {
  it("answers /api/* without a session with a 401 problem (docs/errors.md), not a redirect", async () => {
    const response = await proxy(request("/api/v1/anything"));
    expect(response.status).toBe(401);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(response.headers.get("cache-control")).toBe("no-store");
    const body = await response.json();
    expect(body).toEqual({
      type: "urn:bucketshare:problem:sign-in-required",
      title: "Sign in first",
      status: 401,
      detail: "Sign in first.",
      instance: "/api/v1/anything",
      requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    expect(response.headers.get("x-request-id")).toBe(body.requestId);
  });

  it("sends a page request without a session to sign-in, keeping where it was going", async () => {
    const response = await proxy(request("/links?q=report"));
    expect(response.status).toBe(307);
    expect(new URL(response.headers.get("location")!).pathname + new URL(response.headers.get("location")!).search).toBe(
      "/sign-in?callbackUrl=%2Flinks%3Fq%3Dreport",
    );
  });

  it("treats a cookie without a session id (made before server-side sessions) as no session", async () => {
    const old = await encode({ token: { sub: "user-1" }, secret, salt: "authjs.session-token", maxAge: 7 * DAY });
    const response = await proxy(request("/buckets", { cookie: `authjs.session-token=${old}` }));
    expect(response.status).toBe(307);
    expect(response.headers.get("location")).toMatch(/\/sign-in\?callbackUrl=%2Fbuckets$/);
  });

  it("lets server actions through to answer for themselves", async () => {
    const response = await proxy(request("/settings", { "next-action": "abc123" }));
    expect(response.status).toBe(200);
    expect(response.headers.get("location")).toBeNull();
  });

  it("puts a fresh nonce into the CSP header and hands the same one to the page as x-nonce", async () => {
    const first = await proxy(request("/sign-in"));
    const second = await proxy(request("/sign-in"));
    const nonces = [first, second].map((response) => {
      const csp = response.headers.get("content-security-policy") ?? "";
      const scriptSrc = csp
        .split(";")
        .map((d) => d.trim())
        .find((d) => d.startsWith("script-src "));
      expect(scriptSrc).toBeDefined();
      expect(scriptSrc).not.toContain("'unsafe-inline'");
      const nonce = /'nonce-([A-Za-z0-9+/=]+)'/.exec(scriptSrc!)?.[1];
      expect(nonce).toBeTruthy();
      // Next.js passes request-header overrides to the page through these response headers.
      expect(response.headers.get("x-middleware-request-x-nonce")).toBe(nonce);
      expect(response.headers.get("x-middleware-request-content-security-policy")).toBe(csp);
      return nonce;
    });
    expect(Buffer.from(nonces[0]!, "base64")).toHaveLength(16);
    expect(nonces[0]).not.toBe(nonces[1]);
  });

  it("lets a bucket browser page, and no other, send upload parts to storage (connect-src)", async () => {
    const cookie = await sessionCookie();
    const connectSrc = async (path: string) =>
      ((await proxy(request(path, { cookie }))).headers.get("content-security-policy") ?? "")
        .split(";")
        .map((d) => d.trim())
        .find((d) => d.startsWith("connect-src "));
    expect(await connectSrc("/buckets/c1/photos/2026")).toBe("connect-src 'self' https://upload.example.com");
    expect(await connectSrc("/links")).toBe("connect-src 'self'");
    expect(await connectSrc("/settings")).toBe("connect-src 'self'");
  });

  it("does not renew a cookie issued less than a day ago", async () => {
    const response = await proxy(request("/buckets", { cookie: await sessionCookie() }));
    expect(response.status).toBe(200);
    expect(response.headers.get("set-cookie")).toBeNull();
  });

  it("renews a day-old cookie: httpOnly, SameSite=Lax, path /, 7 days", async () => {
    const cookie = await sessionCookie();
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 2 * DAY * 1000 });
    const response = await proxy(request("/buckets", { cookie }));
    const setCookie = response.headers.get("set-cookie") ?? "";
    expect(setCookie).toMatch(/^authjs\.session-token=[^;]+;/);
    expect(setCookie).toMatch(/; Path=\/(;|$)/);
    expect(setCookie).toMatch(/; HttpOnly(;|$)/);
    expect(setCookie).toMatch(/; SameSite=lax(;|$)/i);
    expect(setCookie).not.toMatch(/; Secure/i);
    expect(Number(/Max-Age=(\d+)/.exec(setCookie)?.[1])).toBe(7 * DAY);
  });

  it("over https renews the __Host- cookie, Secure", async () => {
    const cookie = await sessionCookie("__Host-authjs.session-token");
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 2 * DAY * 1000 });
    const response = await proxy(request("/buckets", { cookie, ...OVER_HTTPS }));
    const setCookie = response.headers.get("set-cookie") ?? "";
    expect(setCookie).toMatch(/^__Host-authjs\.session-token=/);
    expect(setCookie).toMatch(/; Secure(;|$)/);
    expect(setCookie).toMatch(/; HttpOnly(;|$)/);
    expect(setCookie).toMatch(/; SameSite=lax(;|$)/i);
    expect(setCookie).toMatch(/; Path=\/(;|$)/);
  });

  it("over https reads only the __Host- cookie; over http only the plain one", async () => {
    const plain = await sessionCookie("authjs.session-token");
    const prefixed = await sessionCookie("__Host-authjs.session-token");
    const legacy = await sessionCookie("__Secure-authjs.session-token");
    expect((await proxy(request("/buckets", { cookie: prefixed, ...OVER_HTTPS }))).status).toBe(200);
    // A cookie without the prefix may have been planted over plain http or by a sibling subdomain.
    expect((await proxy(request("/buckets", { cookie: plain, ...OVER_HTTPS }))).status).toBe(307);
    expect((await proxy(request("/buckets", { cookie: legacy, ...OVER_HTTPS }))).status).toBe(307);
    expect((await proxy(request("/buckets", { cookie: prefixed }))).status).toBe(307);
    expect((await proxy(request("/buckets", { cookie: plain }))).status).toBe(200);
    // A client's own X-Forwarded-Proto, not from the trusted proxy, is not https.
    expect((await proxy(request("/buckets", { cookie: prefixed, [PEER_HEADER]: "203.0.113.9", "x-forwarded-proto": "https" }))).status).toBe(307);
  });

  it("an undecodable cookie does not end the check: the session cookie after it is still read", async () => {
    const session = await sessionCookie("authjs.session-token");
    expect((await proxy(request("/buckets", { cookie: `theme=%E0%A4%A; broken=%; ${session}; after=%ZZ` }))).status).toBe(200);
  });

  it("never renews a cookie beyond the session's absolute end", async () => {
    // Signed in 22 days ago (8 days left), cookie last renewed 2 days ago: renewed for 6 days, not 7.
    const end = Math.floor(Date.now() / 1000) + 8 * DAY;
    const cookie = await sessionCookie("authjs.session-token", { sx: end });
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 2 * DAY * 1000 });
    const response = await proxy(request("/buckets", { cookie }));
    const maxAge = Number(/Max-Age=(\d+)/.exec(response.headers.get("set-cookie") ?? "")?.[1]);
    expect(maxAge).toBeGreaterThan(6 * DAY - 5);
    expect(maxAge).toBeLessThanOrEqual(6 * DAY);
  });

  it("refuses a cookie past the session's absolute end even before the cookie expires", async () => {
    const end = Math.floor(Date.now() / 1000) + DAY;
    const cookie = await sessionCookie("authjs.session-token", { sx: end });
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 2 * DAY * 1000 });
    const response = await proxy(request("/api/v1/anything", { cookie }));
    expect(response.status).toBe(401);
  });
});

describe("which paths need no session", () => {
  const logo = `/brand/logo/${"0a".repeat(32)}.png`;
  const others = ["/brand", "/brand/", "/brand/logo", `/brand/logo/${"0a".repeat(32)}.svg`, `${logo}/x`, "/brand/settings", "/branding"];

  it("runs the proxy for everything but static files, recipient links, appearance logos, the API and the storage hook", async () => {
    const { unstable_doesMiddlewareMatch } = await import("next/experimental/testing/server");
    const { config } = await import("@/proxy");
    const runs = (url: string) => unstable_doesMiddlewareMatch({ config, url });
    expect([logo, "/s/abc", "/api/v1/buckets", "/hooks/storage/cm0abcdefghijklmnopqrstu"].filter(runs)).toEqual([]);
    expect([...others, "/hooks", "/hooks/other"].filter((url) => !runs(url))).toEqual([]);
  });

  it("opens only the logo route under /brand without a session", async () => {
    expect(isPublicPath(logo)).toBe(true);
    expect(others.filter(isPublicPath)).toEqual([]);
    const response = await proxy(request("/brand/anything"));
    expect(response.status).toBe(307);
  });
});

describe("storage events hooks", () => {
  it("let a provider post to /hooks/storage/<connection id> without a session (its proof is checked by the route), nothing else under /hooks", async () => {
    const hook = "/hooks/storage/cl0000000000000000000000a";
    expect(isPublicPath(hook)).toBe(true);
    expect(
      ["/hooks", "/hooks/", "/hooks/storage", "/hooks/storage/", `${hook}/x`, "/hooks/other/x", `/hooks/storage/${"a".repeat(65)}`].filter(isPublicPath),
    ).toEqual([]);
    expect((await proxy(request(hook))).status).not.toBe(307);
    expect((await proxy(request("/hooks/storage"))).status).toBe(307);
  });
});
