import { RECIPIENT_CSS_HASH } from "@/lib/recipient/html/styles";
import { statusPage } from "@/lib/recipient/html/templates";
import type { Refusal } from "@/lib/recipient/link";

/**
 * Every response to a recipient: never stored by caches, never sends a Referer onwards, kept out of
 * search engines, never framed. The pages run no script at all; their CSP allows the inline
 * stylesheet (by hash), and images and media only from this app (the /preview redirect) and this
 * link's own storage origin (where that redirect goes).
 */

export function recipientCsp(storageOrigins: readonly string[] = [], formOrigins: readonly string[] = []): string {
  const storage = storageOrigins.join(" ");
  return [
    "default-src 'none'",
    `style-src '${RECIPIENT_CSS_HASH}'`,
    `img-src 'self' ${storage}`.trim(),
    `media-src 'self' ${storage}`.trim(),
    // A Download button's POST is answered with a redirect to storage, which browsers hold to form-action too.
    `form-action 'self' ${formOrigins.join(" ")}`.trim(),
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join("; ");
}

export function recipientHeaders(extra: Record<string, string> = {}): Headers {
  const headers = new Headers({
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex, nofollow",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    ...extra,
  });
  return headers;
}

export function htmlResponse(
  body: string,
  status: number,
  options: { storageOrigins?: readonly string[]; formOrigins?: readonly string[]; headers?: Record<string, string>; head?: boolean } = {},
): Response {
  const headers = recipientHeaders({
    "Content-Type": "text/html; charset=utf-8",
    "Content-Security-Policy": recipientCsp(options.storageOrigins, options.formOrigins),
    ...options.headers,
  });
  return new Response(options.head ? null : body, { status, headers });
}

export function redirectResponse(location: string, status: 302 | 303 = 302, headers: Record<string, string> = {}): Response {
  return new Response(null, { status, headers: recipientHeaders({ Location: location, ...headers }) });
}

type Plain = { status: number; heading: string; message: string };

export const PLAIN_PAGES = {
  unknown: {
    status: 404,
    heading: "Link not found",
    message: "This link does not exist. Check that it was copied completely, or ask the person who shared it for a new one.",
  },
  revoked: {
    status: 410,
    heading: "This link was revoked",
    message: "The person who shared this file has withdrawn the link. Ask them for a new one if you still need the file.",
  },
  expired: { status: 410, heading: "This link has expired", message: "The link is no longer valid. Ask the person who shared the file for a new one." },
  limit: {
    status: 410,
    heading: "Download limit reached",
    message: "This link has been used as many times as the person who shared it allowed. Ask them for a new one.",
  },
  network: {
    status: 403,
    heading: "Not available from your network",
    message: "The person who shared this file allowed it only from certain networks, and your connection is not one of them.",
  },
  changed: {
    status: 410,
    heading: "This file has changed since it was shared",
    message: "The file was replaced after the link was made, so the link no longer gives it. Ask the person who shared it for a new link.",
  },
  missing: {
    status: 410,
    heading: "This file no longer exists",
    message: "The file was deleted after the link was made. Ask the person who shared it whether it is still available.",
  },
  unavailable: {
    status: 503,
    heading: "The file cannot be reached right now",
    message: "The storage that holds this file did not answer. Nothing was counted; try again in a few minutes.",
  },
  down: {
    status: 503,
    heading: "This link cannot be opened right now",
    message: "The service is briefly unavailable. Nothing was counted; try again in a few minutes.",
  },
  error: { status: 500, heading: "Something went wrong", message: "This link could not be opened just now. Nothing was counted; try again in a moment." },
  tooLarge: {
    status: 413,
    heading: "Request too large",
    message: "This address takes only the password form of the link. Open the link you were sent and enter the password there.",
  },
  crossSite: {
    status: 403,
    heading: "Open the link itself",
    message: "The password can only be entered on the page of the link. Open the link you were sent and enter it there.",
  },
  ready: { status: 200, heading: "Ready to download", message: "A GET request to this address downloads the file." },
  noPreview: { status: 404, heading: "No preview", message: "This file has no preview. Use Download to get it." },
  unknownFile: {
    status: 404,
    heading: "File not found in this share",
    message: "This share has no file at that path. Go back to the list of files and choose one there.",
  },
  noZip: {
    status: 404,
    heading: "Download all is not available",
    message: "The person who shared these files turned off downloading them as one ZIP. Download the files one by one from the list.",
  },
  zipBusy: {
    status: 429,
    heading: "A download of these files is already running",
    message:
      "Your earlier Download all of these files is still running, or too many are running at once. Wait for the running download to finish, then try again. Nothing was counted.",
  },
  allGone: {
    status: 410,
    heading: "These files no longer exist",
    message:
      "Every file in this share was deleted or replaced after the link was made, so there is nothing left to download. Ask the person who shared them for a new link.",
  },
} as const satisfies Record<string, Plain>;

export type PlainPage = keyof typeof PLAIN_PAGES;

export function plainPage(page: PlainPage | Refusal, options: { head?: boolean } = {}): Response {
  const { status, heading, message } = PLAIN_PAGES[page];
  return htmlResponse(statusPage({ heading, message }), status, options);
}
