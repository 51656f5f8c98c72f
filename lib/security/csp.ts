import { prefixFromSegments } from "@/lib/paths";
import { parseEndpoint } from "@/lib/validation/endpoint";

/**
 * The Content-Security-Policy: scripts only from this origin with the request's nonce, no
 * framing in either direction, no plugins, forms only to this origin. `storageOrigins` are the
 * endpoints image and media previews load from (short-lived presigned URLs); they come from
 * `storageSourcesFor` and are checked
 * again here, so no text from a connection can add a directive or a keyword.
 */

/** A CSP host-source this policy accepts for storage: scheme, host (or `*.` + host), optional port. */
const STORAGE_SOURCE = /^https?:\/\/(?:\*\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*(?::\d{1,5})?$/;
const NONCE = /^[A-Za-z0-9+/]{16,}={0,2}$/;

/**
 * The sources a connection's previews load from, built from the parsed endpoint (never the raw
 * text): `scheme://host[:port]`, and for a host name `scheme://*.host[:port]` (virtual-hosted
 * buckets). An endpoint that does not parse gives none; so does an IPv6 endpoint (CSP host
 * sources cannot name IPv6 addresses, so its previews do not load).
 */
export function storageSourcesFor(endpoint: string): string[] {
  const check = parseEndpoint(endpoint);
  if (!check.ok || check.endpoint.hostKind === "ipv6") return [];
  const { protocol, hostname, port, hostKind } = check.endpoint;
  const suffix = port === null ? "" : `:${port}`;
  const sources = [`${protocol}//${hostname}${suffix}`];
  if (hostKind === "name") sources.push(`${protocol}//*.${hostname}${suffix}`);
  return sources.filter((source) => STORAGE_SOURCE.test(source));
}

/**
 * The place a bucket browser page shows, from its path: `/buckets/<connection>[/<bucket>[/<folder…>]]` (each
 * segment percent-decoded, the folder as lib/paths.ts writes it); null for any other page.
 */
export function bucketPlaceFromPath(pathname: string): { connectionId: string; bucket?: string; prefix: string } | null {
  const segments = pathname.split("/").filter(Boolean);
  if (segments[0] !== "buckets" || segments.length < 2) return null;
  try {
    const [connectionId, bucket, ...rest] = segments.slice(1).map((segment) => decodeURIComponent(segment));
    return { connectionId: connectionId!, ...(bucket === undefined ? {} : { bucket }), prefix: prefixFromSegments(rest) };
  } catch {
    return null;
  }
}

function sourcesOf(origins: string[] | undefined): string {
  return [...new Set((origins ?? []).filter((source) => STORAGE_SOURCE.test(source)))].join(" ");
}

/**
 * `uploadOrigins`: the storage a bucket browser page may send upload parts to (connect-src), only on that
 * page and only for who may upload there (lib/security/storage-origins.ts).
 */
export function contentSecurityPolicy(options: { nonce: string; dev?: boolean; storageOrigins?: string[]; uploadOrigins?: string[] }): string {
  if (!NONCE.test(options.nonce)) throw new Error("The CSP nonce must be base64 text of at least 16 characters.");
  const storage = sourcesOf(options.storageOrigins);
  const upload = sourcesOf(options.uploadOrigins);
  const directives: Record<string, string> = {
    "default-src": "'self'",
    "script-src": `'self' 'nonce-${options.nonce}' 'strict-dynamic'${options.dev ? " 'unsafe-eval'" : ""}`,
    "style-src": "'self' 'unsafe-inline'",
    "img-src": `'self' data: blob: ${storage}`.trim(),
    "media-src": `'self' ${storage}`.trim(),
    // Previews are never framed (a PDF preview opens in its own tab): nothing may be.
    "frame-src": "'none'",
    "connect-src": `'self'${options.dev ? " ws: wss:" : ""} ${upload}`.trim(),
    "font-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
  };
  return Object.entries(directives)
    .map(([name, value]) => `${name} ${value}`)
    .join("; ");
}
