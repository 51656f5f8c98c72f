import { isIP } from "node:net";
import type ipaddr from "ipaddr.js";
import { addressAllowed, parseAddress } from "@/lib/security/cidr";

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
 * TRUSTED_PROXY_NETWORKS' default: loopback only (a proxy on the same machine). Anyone else on a shared
 * private network could otherwise write their own X-Forwarded-For; trusting private ranges is the operator's choice.
 */
export const DEFAULT_TRUSTED_PROXY_NETWORKS = ["127.0.0.0/8", "::1/128"] as const;

/**
 * One address as written in a header or by the socket, normalised: `::ffff:1.2.3.4` → `1.2.3.4`,
 * IPv6 in its compressed lower-case form (RFC 5952), a port or brackets (`[::1]:80`, `1.2.3.4:80`)
 * or a zone (`fe80::1%eth0`) dropped. Anything else is null, including the loose IPv4 spellings
 * ipaddr.js would accept (`1.2.3`, `3232235777`): only what node:net calls an address gets through.
 */
export function normalizeAddress(raw: string | null | undefined): string | null {
  if (raw === null || raw === undefined) return null;
  if (raw.length > 100) return normalizeOnce(raw);
  // Every request asks this of its peer, several times (the peer header, the client address, the https rule): the
  // answers for the last few thousand spellings are kept (at most 100 characters each; the oldest dropped first).
  const known = normalized.get(raw);
  if (known !== undefined) return known;
  const value = normalizeOnce(raw);
  if (normalized.size >= NORMALIZED_LIMIT) normalized.delete(normalized.keys().next().value!);
  normalized.set(raw, value);
  return value;
}

const NORMALIZED_LIMIT = 4_096;
const normalized = new Map<string, string | null>();

function normalizeOnce(raw: string): string | null {
  let value = raw.trim();
  if (!value || value.length > 100) return null;
  const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(value);
  if (bracketed) value = bracketed[1]!;
  else if (/^[\d.]+:\d{1,5}$/.test(value)) value = value.slice(0, value.lastIndexOf(":"));
  value = value.replace(/%[\w.-]+$/, "");
  if (value.includes("%") || isIP(value) === 0) return null;
  return parseAddress(value)?.toString() ?? null;
}

/**
 * The keys limits are counted against (lib/auth/rate-limit.ts). An IPv4 address is one client.
 * An IPv6 subscriber usually holds a whole /64, and often a /48: the back-off per (subject,
 * address) counts by /64 (`pair`), the cap per address by /48 (`cap`), so one /48 holder does not
 * get 65,536 fresh addresses against the cap. `pair` is what the failure rows store; every /64 key
 * of a /48 starts with that /48's `capPrefix` (`2001:db8:1:`).
 */
export function limitKeys(address: string): { pair: string; cap: string; capPrefix: string | null } {
  const parsed = parseAddress(address);
  if (!parsed || parsed.kind() === "ipv4") return { pair: address, cap: address, capPrefix: null };
  const hex = (parsed as ipaddr.IPv6).parts.slice(0, 4).map((w) => w.toString(16));
  return { pair: `${hex.join(":")}::/64`, cap: `${hex.slice(0, 3).join(":")}::/48`, capPrefix: `${hex.slice(0, 3).join(":")}:` };
}

/** The key a (subject, address) pair's failures are stored under: see limitKeys. */
export function limitKey(address: string): string {
  return limitKeys(address).pair;
}

/**
 * Which address sent the request. The TCP peer (what the Bucketshare server saw) is the client,
 * and nothing the client wrote counts, unless N reverse proxies stand in front (`trustedProxies`)
 * AND the peer itself lies in `trustedNetworks` (where those proxies are: a client that reaches
 * the app's port directly is not one of them, whatever it writes). Then the client is the N-th
 * entry from the right of X-Forwarded-For (each proxy appends the address it was connected from).
 * A header with fewer entries than proxies did not come through them all: the peer is used then too.
 */
export function resolveClientAddress(input: ProxyTrust & { forwardedFor: string | null | undefined }): string {
  const peer = normalizeAddress(input.peer) ?? UNKNOWN_ADDRESS;
  if (!peerIsTrustedProxy(input)) return peer;
  const entries = headerEntries(input.forwardedFor);
  if (entries.length < input.trustedProxies) return peer;
  return normalizeAddress(entries[entries.length - input.trustedProxies]) ?? UNKNOWN_ADDRESS;
}

/** What decides whether the headers reverse proxies write (X-Forwarded-*) can be believed. */
export type ProxyTrust = { trustedProxies: number; trustedNetworks: readonly string[]; peer: string | null | undefined };

/**
 * The one trust rule for every X-Forwarded-* header: proxies are configured (`trustedProxies` > 0)
 * AND the TCP peer lies in `trustedNetworks`. A client that reaches the app's port directly is not
 * a proxy, whatever it writes; an unknown peer (Next run without Bucketshare's server) vouches for
 * nothing.
 */
export function peerIsTrustedProxy(input: ProxyTrust): boolean {
  const peer = normalizeAddress(input.peer);
  if (input.trustedProxies <= 0 || peer === null) return false;
  // An empty list trusts nobody (addressAllowed would read it as "everyone").
  return input.trustedNetworks.length > 0 && addressAllowed(peer, input.trustedNetworks);
}

/**
 * Whether the client reached the outermost proxy over https, by X-Forwarded-Proto, under the same
 * rule as the client address (peerIsTrustedProxy). Proxies that append leave one entry each: the
 * N-th from the right is the outermost proxy's (what the client wrote sits further left). Proxies
 * that set the header leave fewer entries, all theirs: the left-most is then the outermost one's.
 */
export function resolveForwardedHttps(input: ProxyTrust & { forwardedProto: string | null | undefined }): boolean {
  if (!peerIsTrustedProxy(input)) return false;
  const entries = headerEntries(input.forwardedProto);
  return entries[Math.max(0, entries.length - input.trustedProxies)]?.toLowerCase() === "https";
}

function headerEntries(header: string | null | undefined): string[] {
  return (header ?? "")
    .split(",")
    .map((e) => e.trim())
    .filter((e) => e !== "");
}
