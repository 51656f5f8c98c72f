import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from "node:dns";
import { isIP } from "node:net";
import ipaddr from "ipaddr.js";
import { addressAllowed } from "@/lib/security/cidr";

/**
 * Where a webhook may not be sent unless WEBHOOK_ALLOW_PRIVATE=true: link-local addresses and the
 * cloud metadata services reachable from a server (AWS/Azure/GCP 169.254.169.254, AWS IPv6
 * fd00:ec2::254, GCP IPv6 fd20:ce::254, Alibaba 100.100.100.200, metadata.google.internal), which hand out the machine's
 * own credentials. A receiver on loopback or a private network stays allowed (self-hosted
 * services). The URL is checked when it is saved, and the address actually connected to is
 * checked at every delivery, so a host name that resolves there later is refused too.
 */

const BLOCKED_RANGES = ["169.254.0.0/16", "fe80::/10", "fd00:ec2::254/128", "fd20:ce::254/128", "100.100.100.200/32"];

/**
 * IPv6 prefixes whose last 32 bits are an IPv4 address that the network (NAT64, SIIT) or the
 * operating system may connect to: NAT64 64:ff9b::/96, IPv4-compatible ::/96, IPv4-mapped
 * ::ffff:0:0/96 and IPv4-translated ::ffff:0:0:0/96. Such an address is checked as its IPv4 too.
 */
const EMBEDDING_PREFIXES = [
  ipaddr.parseCIDR("64:ff9b::/96"),
  ipaddr.parseCIDR("::/96"),
  ipaddr.parseCIDR("::ffff:0:0/96"),
  ipaddr.parseCIDR("::ffff:0:0:0/96"),
];

function embeddedIPv4(address: string): string | null {
  if (!address.includes(":") || !ipaddr.IPv6.isValid(address)) return null;
  const parsed = ipaddr.IPv6.parse(address);
  if (!EMBEDDING_PREFIXES.some((prefix) => parsed.match(prefix))) return null;
  return ipaddr.fromByteArray(parsed.toByteArray().slice(12)).toString();
}
const BLOCKED_HOSTS = new Set(["metadata.google.internal", "metadata.goog", "metadata"]);

export const BLOCKED_TARGET_MESSAGE =
  "Webhooks cannot go to link-local or cloud metadata addresses (they hand out this server's own credentials). Set WEBHOOK_ALLOW_PRIVATE=true to allow them.";

/** An address (v4, v6, v4-mapped v6) in a blocked range. */
export function isBlockedAddress(address: string): boolean {
  const embedded = embeddedIPv4(address.replace(/^\[|\]$/g, ""));
  return BLOCKED_RANGES.some((range) => addressAllowed(address, [range]) || (embedded !== null && addressAllowed(embedded, [range])));
}

/** Why this URL's host may not receive webhooks, or null. */
export function webhookTargetProblem(url: string, allowPrivate: boolean): string | null {
  if (allowPrivate) return null;
  let host: string;
  try {
    host = new URL(url).hostname
      .replace(/^\[|\]$/g, "")
      .replace(/\.$/, "")
      .toLowerCase();
  } catch {
    return null;
  }
  if (BLOCKED_HOSTS.has(host)) return BLOCKED_TARGET_MESSAGE;
  if (isIP(host) && isBlockedAddress(host)) return BLOCKED_TARGET_MESSAGE;
  return null;
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** dns.lookup for http.request that fails when the name resolves to a blocked address. */
export function guardedLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, []);
    const list = addresses as LookupAddress[];
    if (list.some((a) => isBlockedAddress(a.address))) {
      const refused: NodeJS.ErrnoException = new Error(`${hostname} resolves to a link-local or cloud metadata address`);
      refused.code = "EBLOCKEDTARGET";
      return callback(refused, []);
    }
    if (options.all) return callback(null, list);
    const first = list[0];
    if (!first) return callback(Object.assign(new Error(`${hostname} has no address`), { code: "ENOTFOUND" }), []);
    callback(null, first.address, first.family);
  });
}
