import { parseAddress } from "@/lib/security/cidr";

/**
 * Ranges where a storage endpoint is reachable only from this machine or its own network, as
 * ipaddr.js names them: loopback (127.0.0.0/8, ::1), private (10/8, 172.16/12, 192.168/16),
 * uniqueLocal (fc00::/7), linkLocal (169.254/16, fe80::/10) and unspecified (0.0.0.0, ::).
 */
const LOCAL_RANGES = new Set(["loopback", "private", "uniqueLocal", "linkLocal", "unspecified"]);

/**
 * The host of a storage endpoint when a direct link to it works only here (the Quick Share dialog
 * says so), else null. Only what is certain counts: a literal loopback or private address, and
 * `localhost` / `*.localhost` (which always mean this machine). A dotless name such as `minio` is
 * not flagged: it may be a Docker service name, but also an intranet name a recipient can resolve,
 * and guessing wrong would warn on every link of a working setup.
 */
export function privateEndpointHost(endpoint: string): string | null {
  let host: string;
  try {
    host = new URL(endpoint).hostname.toLowerCase();
  } catch {
    return null;
  }
  if (!host) return null;
  const name = host.replace(/\.$/, "");
  if (name === "localhost" || name.endsWith(".localhost")) return name;
  const address = parseAddress(name);
  if (!address) return null;
  return LOCAL_RANGES.has(address.range()) ? address.toString() : null;
}
