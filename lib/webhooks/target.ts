import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from "node:dns";
import { isIP } from "node:net";
import ipaddr from "ipaddr.js";
import { addressAllowed, parseAddress } from "@/lib/security/cidr";

/**
 * Where a webhook may be sent. Two policies (lib/auth/permissions.ts webhookMustBePublic decides which):
 *
 * - The Owner's webhook: anywhere but link-local addresses and the cloud metadata services reachable
 *   from a server (AWS/Azure/GCP 169.254.169.254, AWS IPv6 fd00:ec2::254, GCP IPv6 fd20:ce::254, Alibaba
 *   100.100.100.200, metadata.google.internal), which hand out the machine's own credentials, unless
 *   WEBHOOK_ALLOW_PRIVATE=true. A receiver on loopback or a private network stays allowed (self-hosted).
 * - Everyone else's (public only): public unicast addresses alone. Refused: loopback, private, shared
 *   (CGNAT 100.64/10), link-local, unique-local, multicast, unspecified, broadcast, reserved and
 *   documentation ranges, the metadata services, and every IPv6 form carrying such an IPv4 address
 *   (IPv4-mapped, IPv4-compatible, NAT64, SIIT); 6to4 and Teredo too. WEBHOOK_TRUSTED_NETWORKS may name
 *   private networks they may reach as well (never link-local or metadata ones).
 *
 * The URL is checked when it is saved (its name resolved too, for the public-only policy), and the
 * address actually connected to is checked at every delivery: the lookup that node:http(s) connects
 * with is this module's, so the socket goes to the very address that was checked, and a name that
 * resolves elsewhere later is refused then. Redirects are never followed (lib/webhooks/post.ts).
 */

export type TargetPolicy = {
  /** WEBHOOK_ALLOW_PRIVATE: link-local and metadata addresses too (not for a public-only webhook). */
  allowPrivate: boolean;
  /** Public addresses only (webhookMustBePublic: everyone's webhook but the Owner's). */
  publicOnly: boolean;
  /** WEBHOOK_TRUSTED_NETWORKS: private networks a public-only webhook may reach too. */
  trustedNetworks: readonly string[];
};

/** The Owner's policy (and every install before teams): private receivers allowed, metadata unless allowPrivate. */
function asPolicy(policy: TargetPolicy | boolean): TargetPolicy {
  return typeof policy === "boolean" ? { allowPrivate: policy, publicOnly: false, trustedNetworks: [] } : policy;
}

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

export const PRIVATE_TARGET_MESSAGE =
  "This address is private (loopback, a private network, link-local or cloud metadata): only the Owner's webhook may reach those. Use a public address.";

/** An address (v4, v6, v4-mapped v6) in a blocked range. */
export function isBlockedAddress(address: string): boolean {
  const embedded = embeddedIPv4(address.replace(/^\[|\]$/g, ""));
  return BLOCKED_RANGES.some((range) => addressAllowed(address, [range]) || (embedded !== null && addressAllowed(embedded, [range])));
}

/**
 * A public unicast address: ipaddr.js's "unicast" range, which excludes every special-purpose block
 * (loopback, private, carrierGradeNat, linkLocal, uniqueLocal, multicast, unspecified, broadcast,
 * reserved, 6to4, teredo…). An IPv6 address carrying an IPv4 one counts as that IPv4 address. Only
 * strict forms are addresses here (not "0x7f.1" or "2130706433", which URL parsing turns into dotted form).
 */
export function isPublicAddress(address: string): boolean {
  const parsed = parseAddress(address);
  if (!parsed) return false;
  if (parsed.kind() === "ipv6") {
    const embedded = embeddedIPv4(parsed.toString());
    if (embedded !== null) return parsed.range() !== "loopback" && parsed.range() !== "unspecified" && isPublicAddress(embedded);
  }
  return parsed.range() === "unicast" && !isBlockedAddress(parsed.toString());
}

/** Why a webhook may not connect to this address under the policy, or null. */
export function addressProblem(address: string, policy: TargetPolicy | boolean): string | null {
  const p = asPolicy(policy);
  if (p.publicOnly) {
    if (isPublicAddress(address)) return null;
    const trusted = p.trustedNetworks.length > 0 && addressAllowed(address, p.trustedNetworks) && !isBlockedAddress(address);
    return trusted ? null : PRIVATE_TARGET_MESSAGE;
  }
  return !p.allowPrivate && isBlockedAddress(address) ? BLOCKED_TARGET_MESSAGE : null;
}

function hostOf(url: string): string | null {
  try {
    return new URL(url).hostname
      .replace(/^\[|\]$/g, "")
      .replace(/\.$/, "")
      .toLowerCase();
  } catch {
    return null;
  }
}

/** Why this URL's host may not receive webhooks, as far as it can be told without a lookup, or null. */
export function webhookTargetProblem(url: string, policy: TargetPolicy | boolean): string | null {
  const p = asPolicy(policy);
  const host = hostOf(url);
  if (host === null) return null;
  if (BLOCKED_HOSTS.has(host)) return p.publicOnly ? PRIVATE_TARGET_MESSAGE : p.allowPrivate ? null : BLOCKED_TARGET_MESSAGE;
  if (p.publicOnly && (host === "localhost" || host.endsWith(".localhost"))) return PRIVATE_TARGET_MESSAGE;
  if (isIP(host)) return addressProblem(host, p);
  return null;
}

type LookupAll = (
  hostname: string,
  options: LookupOptions & { all: true },
  callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

/** The system resolver, every address at once. */
const systemLookupAll: LookupAll = (hostname, options, callback) => dnsLookup(hostname, options, callback);

/**
 * At save time: the URL's own problem, and for a public-only webhook where its name resolves to now.
 * A name that does not resolve yet is accepted (each delivery looks it up again and says why it fails).
 */
export async function resolvedTargetProblem(url: string, policy: TargetPolicy, lookup: LookupAll = systemLookupAll): Promise<string | null> {
  const problem = webhookTargetProblem(url, policy);
  const host = hostOf(url);
  if (problem || host === null || isIP(host) || !policy.publicOnly) return problem;
  const addresses = await new Promise<LookupAddress[]>((resolve) => lookup(host, { all: true }, (error, list) => resolve(error ? [] : list)));
  return addresses.map((a) => addressProblem(a.address, policy)).find((p) => p !== null) ?? null;
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;
export type GuardedLookup = (hostname: string, options: LookupOptions, callback: LookupCallback) => void;

/**
 * dns.lookup for http.request that fails when the name resolves to an address the policy refuses
 * (any of them: a name with one public and one private address is refused). http.request connects to
 * what this returns, so the connection goes to a checked address.
 */
export function guardedLookupFor(policy: TargetPolicy | boolean, lookup: LookupAll = systemLookupAll): GuardedLookup {
  const p = asPolicy(policy);
  return (hostname, options, callback) => {
    lookup(hostname, { ...options, all: true }, (error, list) => {
      if (error) return callback(error, []);
      const refusedAddress = list.find((a) => addressProblem(a.address, p) !== null);
      if (refusedAddress) {
        const refused: NodeJS.ErrnoException = p.publicOnly
          ? new Error(`This address is private: ${hostname} resolves to ${refusedAddress.address}, and only the Owner's webhook may reach private addresses.`)
          : new Error(`${hostname} resolves to a link-local or cloud metadata address`);
        refused.code = p.publicOnly ? "EPRIVATETARGET" : "EBLOCKEDTARGET";
        return callback(refused, []);
      }
      if (options.all) return callback(null, list);
      const first = list[0];
      if (!first) return callback(Object.assign(new Error(`${hostname} has no address`), { code: "ENOTFOUND" }), []);
      callback(null, first.address, first.family);
    });
  };
}

/** The Owner's guarded lookup without WEBHOOK_ALLOW_PRIVATE: link-local and metadata refused. */
export const guardedLookup: GuardedLookup = guardedLookupFor(false);
