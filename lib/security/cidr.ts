import ipaddr from "ipaddr.js";

// Runs in the browser too (the Quick Share dialog checks "Allowed networks" as you type): no node: imports.

/** Strict forms only: ipaddr.js alone also reads `1.2.3` and `3232235777` as IPv4 addresses. */
function isStrictAddress(text: string): boolean {
  // A four-part decimal never holds ":"; asked of an IPv6 address (every peer of a dual-stack server, ::ffff:…),
  // ipaddr.js's IPv4 check throws and catches inside, about 50 µs per request (`npm run bench:redirect`).
  return text.includes(":") ? ipaddr.IPv6.isValid(text) : ipaddr.IPv4.isValidFourPartDecimal(text);
}

/**
 * Client addresses and network ranges ("Allowed networks" of a managed link, and the network part
 * kept in access logs). IPv4-mapped IPv6 addresses (::ffff:192.0.2.1) count as their IPv4 address.
 */

export type ParsedRange = { text: string; range: [ipaddr.IPv4 | ipaddr.IPv6, number] };

function normalise(address: ipaddr.IPv4 | ipaddr.IPv6): ipaddr.IPv4 | ipaddr.IPv6 {
  return address.kind() === "ipv6" && (address as ipaddr.IPv6).isIPv4MappedAddress() ? (address as ipaddr.IPv6).toIPv4Address() : address;
}

/** Parses an address (v4, v6, v4-mapped v6); null when it is not one. */
export function parseAddress(text: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  const trimmed = text.trim().replace(/^\[|\]$/g, "");
  if (!isStrictAddress(trimmed)) return null;
  try {
    return normalise(ipaddr.parse(trimmed));
  } catch {
    return null;
  }
}

/**
 * Parses one range: CIDR (`203.0.113.0/24`, `2001:db8::/32`) or a bare address (a /32 or /128).
 * The result's text is canonical (`203.0.113.0/24`); null when it does not parse.
 */
export function parseRange(text: string): ParsedRange | null {
  const trimmed = text.trim();
  if (!trimmed || trimmed.length > 64) return null;
  try {
    if (trimmed.includes("/")) {
      if (!ipaddr.isValidCIDR(trimmed) || !isStrictAddress(trimmed.slice(0, trimmed.indexOf("/")))) return null;
      const [address, bits] = ipaddr.parseCIDR(trimmed);
      let base = address;
      let prefix = bits;
      if (address.kind() === "ipv6" && (address as ipaddr.IPv6).isIPv4MappedAddress() && bits >= 96) {
        base = (address as ipaddr.IPv6).toIPv4Address();
        prefix = bits - 96;
      }
      const network = networkAddress(base, prefix);
      return { text: `${network.toString()}/${prefix}`, range: [network, prefix] };
    }
    const address = parseAddress(trimmed);
    if (!address) return null;
    const bits = address.kind() === "ipv4" ? 32 : 128;
    return { text: `${address.toString()}/${bits}`, range: [address, bits] };
  } catch {
    return null;
  }
}

function networkAddress(address: ipaddr.IPv4 | ipaddr.IPv6, prefix: number): ipaddr.IPv4 | ipaddr.IPv6 {
  const bytes = address.toByteArray();
  for (let i = 0; i < bytes.length; i++) {
    const keep = Math.max(0, Math.min(8, prefix - i * 8));
    bytes[i] = bytes[i]! & ((0xff << (8 - keep)) & 0xff);
  }
  return ipaddr.fromByteArray(bytes);
}

/**
 * Splits the "Allowed networks" field (commas, spaces or new lines) into canonical ranges, or
 * names the entries that do not parse.
 */
export function parseRangeList(text: string): { ok: true; ranges: string[] } | { ok: false; invalid: string[] } {
  const entries = text
    .split(/[\s,]+/)
    .map((e) => e.trim())
    .filter(Boolean);
  const ranges: string[] = [];
  const invalid: string[] = [];
  for (const entry of entries) {
    const parsed = parseRange(entry);
    if (parsed) {
      if (!ranges.includes(parsed.text)) ranges.push(parsed.text);
    } else invalid.push(entry);
  }
  return invalid.length > 0 ? { ok: false, invalid } : { ok: true, ranges };
}

/** True when the address falls in one of the ranges; an empty list allows everyone. */
export function addressAllowed(address: string, ranges: readonly string[]): boolean {
  if (ranges.length === 0) return true;
  const parsed = parseAddress(address);
  if (!parsed) return false;
  return ranges.some((text) => {
    const range = parseRange(text);
    return range !== null && range.range[0].kind() === parsed.kind() && parsed.match(range.range as [never, number]);
  });
}

/** The network part of an address for privacy-preserving logs: /24 for IPv4, /48 for IPv6. */
export function networkPart(address: string): string {
  const parsed = parseAddress(address);
  if (!parsed) return "unknown";
  const prefix = parsed.kind() === "ipv4" ? 24 : 48;
  return `${networkAddress(parsed, prefix).toString()}/${prefix}`;
}
