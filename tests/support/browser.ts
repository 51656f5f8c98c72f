/**
 * A browser stand-in for integration tests that need the real session code: Next's request
 * context (`next/headers`) is served from a cookie jar, so Auth.js signIn/signOut, the session
 * cookie and the server-side session check all run for real. Switch `browser.current` to act as
 * another browser (a copied cookie, a second device). Use in a test file:
 *
 *   import { Browser, browser } from "../support/browser";
 *   vi.mock("next/headers", async () => (await import("../support/browser")).headersModule);
 */

type CookieOptions = { maxAge?: number; expires?: Date | number; httpOnly?: boolean; sameSite?: string | boolean; path?: string; secure?: boolean };
type StoredCookie = { name: string; value: string; options: CookieOptions };

export class Browser {
  readonly cookies = new Map<string, StoredCookie>();

  /** More request headers, e.g. what the app's server and a trusted proxy add for a request that came over https. */
  readonly requestHeaders: Record<string, string> = {};

  constructor(readonly userAgent = "IntegrationTest/1.0") {}

  /** A second browser holding copies of this one's cookies (what a thief would do). */
  copy(userAgent = "CopiedCookies/1.0"): Browser {
    const other = new Browser(userAgent);
    for (const [name, cookie] of this.cookies) other.cookies.set(name, { ...cookie });
    return other;
  }

  cookieHeader(): string {
    return [...this.cookies.values()].map((c) => `${c.name}=${c.value}`).join("; ");
  }

  set(name: string, value: string, options: CookieOptions = {}): void {
    const expired = options.maxAge !== undefined ? options.maxAge <= 0 : options.expires !== undefined && new Date(options.expires).getTime() <= Date.now();
    if (expired || value === "") this.cookies.delete(name);
    else this.cookies.set(name, { name, value, options });
  }
}

export const browser: { current: Browser } = { current: new Browser() };

function jar() {
  const b = browser.current;
  return {
    get: (name: string) => {
      const c = b.cookies.get(name);
      return c ? { name: c.name, value: c.value } : undefined;
    },
    getAll: () => [...b.cookies.values()].map((c) => ({ name: c.name, value: c.value })),
    has: (name: string) => b.cookies.has(name),
    set: (nameOrCookie: string | (StoredCookie["options"] & { name: string; value: string }), value?: string, options?: CookieOptions) => {
      if (typeof nameOrCookie === "string") b.set(nameOrCookie, value ?? "", options);
      else b.set(nameOrCookie.name, nameOrCookie.value, nameOrCookie);
    },
    delete: (name: string) => b.cookies.delete(name),
  };
}

export const headersModule = {
  cookies: async () => jar(),
  headers: async () =>
    new Headers({
      host: "127.0.0.1:3000",
      "x-forwarded-proto": "http",
      "user-agent": browser.current.userAgent,
      ...(browser.current.cookies.size ? { cookie: browser.current.cookieHeader() } : {}),
      ...browser.current.requestHeaders,
    }),
};
