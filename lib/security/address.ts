import { isIPv4, isIPv6 } from "node:net";

/**
 * Client addresses: which one to believe, and how to write it down. Pure functions (no request,
 * no environment) so they are unit-tested directly; lib/security/client-address.ts applies them
 * to the request Next is serving.
 */

/** Request header the Bucketshare server (lib/boot/server.ts) sets to the TCP peer's address. */
export const PEER_HEADER = "x-bucketshare-peer";

/** Written down when no address can be trusted (for example `next start` run by hand). */
export const UNKNOWN_ADDRESS = "unknown";

/** Marker the Bucketshare server sets on globalThis: only then is PEER_HEADER its own. */
export const SERVER_MARKER = Symbol.for("bucketshare.peer-header");

/**
 * One address as written in a header or by the socket, normalised: `::ffff:1.2.3.4` → `1.2.3.4`,
 * IPv6 in its compressed lower-case form, a port or brackets (`[::1]:80`, `1.2.3.4:80`) or a zone
 * (`fe80::1%eth0`) dropped. Anything else is null.
 */
export function normalizeAddress(raw: string | null | undefined): string | null {
  let value = raw?.trim();
  if (!value || value.length > 100) return null;
  const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(value);
  if (bracketed) value = bracketed[1]!;
  else if (/^[\d.]+:\d{1,5}$/.test(value)) value = value.slice(0, value.lastIndexOf(":"));
  value = value.replace(/%[\w.-]+$/, "");
  if (isIPv4(value)) return value;
  if (!isIPv6(value)) return null;
  const words = expandIPv6(value);
  if (words.slice(0, 5).every((w) => w === 0) && words[5] === 0xffff) {
    return [words[6]! >> 8, words[6]! & 0xff, words[7]! >> 8, words[7]! & 0xff].join(".");
  }
  // URL's host serialiser gives the canonical compressed form (RFC 5952).
  return new URL(`http://[${value}]/`).hostname.slice(1, -1);
}

/** The eight 16-bit words of a valid IPv6 address (with an optional dotted IPv4 tail). */
function expandIPv6(address: string): number[] {
  let text = address.toLowerCase();
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes("::") ? text.split("::") : [text, undefined];
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const fill = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill("0");
  return [...left, ...fill, ...right].map((w) => parseInt(w, 16));
}

/**
 * The address limits are counted against: an IPv4 address as is, an IPv6 address by its /64
 * network (one subscriber usually holds a whole /64, so counting single addresses would bind nobody).
 */
export function limitKey(address: string): string {
  if (!address.includes(":")) return address;
  const words = expandIPv6(address).slice(0, 4);
  return `${words.map((w) => w.toString(16)).join(":")}::/64`;
}

/**
 * Which address sent the request. With `trustedProxies` = 0 the TCP peer (what the Bucketshare
 * server saw) and nothing the client wrote; with N reverse proxies in front, the N-th entry from
 * the right of X-Forwarded-For (each proxy appends the address it was connected from). A header
 * with fewer entries than proxies did not come through them all: the peer is used then too.
 */
export function resolveClientAddress(input: {
  trustedProxies: number;
  peer: string | null | undefined;
  forwardedFor: string | null | undefined;
}): string {
  const peer = normalizeAddress(input.peer) ?? UNKNOWN_ADDRESS;
  if (input.trustedProxies <= 0) return peer;
  const entries = (input.forwardedFor ?? "")
    .split(",")
    .map((e) => e.trim())
    .filter((e) => e !== "");
  if (entries.length < input.trustedProxies) return peer;
  return normalizeAddress(entries[entries.length - input.trustedProxies]) ?? UNKNOWN_ADDRESS;
}
