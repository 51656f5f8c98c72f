import type { MessageKey } from "@/lib/i18n";
import { brandCssHash } from "@/lib/recipient/html/brand-style";
import { RECIPIENT_CSS_HASH } from "@/lib/recipient/html/styles";
import { type RecipientPageContext, statusPage } from "@/lib/recipient/html/templates";
import type { Refusal } from "@/lib/recipient/link";
import { recipientPageContext } from "@/lib/recipient/page-context";

/**
 * Every response to a recipient: never stored by caches, never sends a Referer onwards, kept out of
 * search engines, never framed. The pages run no script at all; their CSP allows the inline
 * stylesheet (by hash), and images and media only from this app (the /preview redirect) and this
 * link's own storage origin (where that redirect goes).
 */

export function recipientCsp(storageOrigins: readonly string[] = [], formOrigins: readonly string[] = [], styleHashes: readonly string[] = []): string {
  const storage = storageOrigins.join(" ");
  return [
    "default-src 'none'",
    `style-src ${[RECIPIENT_CSS_HASH, ...styleHashes].map((hash) => `'${hash}'`).join(" ")}`,
    `img-src 'self' ${storage}`.trim(),
    `media-src 'self' ${storage}`.trim(),
    // A Download button's POST is answered with a redirect to storage, which browsers hold to form-action too.
    `form-action 'self' ${formOrigins.join(" ")}`.trim(),
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join("; ");
}

const RECIPIENT_HEADERS = {
  "Cache-Control": "no-store",
  "Referrer-Policy": "no-referrer",
  "X-Robots-Tag": "noindex, nofollow",
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
} as const;

/**
 * The headers as a plain record, for `new Response(…, { headers })`: the Response validates them once (a Headers
 * object handed to it is validated when made, then read back and validated again: `npm run bench:redirect`).
 */
function recipientHeaderRecord(extra: Record<string, string>): Record<string, string> {
  return { ...RECIPIENT_HEADERS, ...extra };
}

export function recipientHeaders(extra: Record<string, string> = {}): Headers {
  return new Headers(recipientHeaderRecord(extra));
}

/**
 * A recipient page, rendered with `page`: its CSP allows the brand's accent stylesheet too, and it varies with
 * Accept-Language (the page is in the visitor's language; no-store already keeps it out of shared caches).
 */
export function htmlResponse(
  body: string,
  status: number,
  options: {
    page: RecipientPageContext;
    storageOrigins?: readonly string[];
    formOrigins?: readonly string[];
    headers?: Record<string, string>;
    head?: boolean;
  },
): Response {
  const brandHash = brandCssHash(options.page.brand);
  const headers = recipientHeaderRecord({
    "Content-Type": "text/html; charset=utf-8",
    "Content-Security-Policy": recipientCsp(options.storageOrigins, options.formOrigins, brandHash ? [brandHash] : []),
    "Content-Language": options.page.t.locale,
    Vary: "Accept-Language",
    ...options.headers,
  });
  return new Response(options.head ? null : body, { status, headers });
}

/** What a redirect is made of: its status and headers, as the Response would be made from them. */
export type PlainRedirect = { status: number; headers: Record<string, string> };
const PLAIN_REDIRECT = Symbol("bucketshare.plainRedirect");
type LazyRedirect = PlainRedirect & { made?: Response };

/**
 * A redirect, as a Response made only when something reads it: the download fast path
 * (lib/boot/download-fast-path.ts) writes the status and headers it came from itself (plainRedirectOf), so the
 * redirect of every download skips undici's Response and its header checks, which cost more than a download's own
 * checks (`npm run bench:redirect`). Anyone else (Next, tests) reads a real Response, made on first use.
 */
export function redirectResponse(location: string, status: 302 | 303 = 302, headers: Record<string, string> = {}): Response {
  const lazy: LazyRedirect = { status, headers: recipientHeaderRecord({ Location: location, ...headers }) };
  return new Proxy(lazy, LAZY_REDIRECT) as unknown as Response;
}

function madeFrom(lazy: LazyRedirect): Response {
  lazy.made ??= new Response(null, { status: lazy.status, headers: lazy.headers });
  return lazy.made;
}

const LAZY_REDIRECT: ProxyHandler<LazyRedirect> = {
  get(lazy, property) {
    // Once made, the Response is the answer (a caller may have changed its headers).
    if (property === PLAIN_REDIRECT) return lazy.made ? undefined : lazy;
    // Awaiting a value asks for its `then` (a Response has none): answered without making it.
    if (property === "then") return undefined;
    const made = madeFrom(lazy);
    const value: unknown = Reflect.get(made, property, made);
    return typeof value === "function" ? value.bind(made) : value;
  },
  has: (lazy, property) => Reflect.has(madeFrom(lazy), property),
  getPrototypeOf: () => Response.prototype,
};

/** The status and headers of a redirect nobody has read as a Response yet, else null. */
export function plainRedirectOf(response: Response): PlainRedirect | null {
  const lazy = (response as unknown as Record<symbol, LazyRedirect | undefined>)[PLAIN_REDIRECT];
  return lazy ? { status: lazy.status, headers: lazy.headers } : null;
}

/** The plain pages: a status and the catalogue's plain.<page>.heading / plain.<page>.message (lib/i18n/messages). */
export const PLAIN_PAGES = {
  unknown: 404,
  revoked: 410,
  expired: 410,
  limit: 410,
  network: 403,
  changed: 410,
  missing: 410,
  unavailable: 503,
  down: 503,
  error: 500,
  tooLarge: 413,
  crossSite: 403,
  ready: 200,
  noPreview: 404,
  unknownFile: 404,
  noZip: 404,
  zipBusy: 429,
  allGone: 410,
  requestClosed: 410,
  requestExpired: 410,
  requestFull: 410,
  requestNetwork: 403,
  requestUnavailable: 503,
} as const satisfies Record<string, number>;

export type PlainPage = keyof typeof PLAIN_PAGES;

export function plainPageText(page: RecipientPageContext, name: PlainPage): { heading: string; message: string } {
  return {
    heading: page.t(`plain.${name}.heading` as MessageKey),
    message: page.t(`plain.${name}.message` as MessageKey),
  };
}

/**
 * A plain page (a refusal, a fault, "no preview"…) in the language of `request` (English without one), with the
 * owner's brand. lib/errors.ts maps each AppError reason to one of these pages.
 */
export async function plainPage(name: PlainPage | Refusal, request: Request | null, options: { head?: boolean } = {}): Promise<Response> {
  const page = await recipientPageContext(request, { loadBrand: name !== "down" && name !== "error" });
  return htmlResponse(statusPage(page, plainPageText(page, name)), PLAIN_PAGES[name], { ...options, page });
}
