import type { IncomingMessage, ServerResponse } from "node:http";
import { PEER_HEADER, UNKNOWN_ADDRESS, normalizeAddress, resolveForwardedHttps } from "@/lib/security/address";

/**
 * Browsers that reached us over https keep to https for a year, on this host only: Bucketshare
 * often runs on a subdomain of a domain whose other hosts it does not speak for.
 */
export const STRICT_TRANSPORT_SECURITY = "max-age=31536000";

export type ProxySettings = { trustedProxies: number; trustedNetworks: readonly string[] };

/**
 * What the server does to every request before anyone answers it (pages, actions, the API, the
 * recipient routes and the download fast path alike):
 * - the TCP peer's address goes into PEER_HEADER, any copy the client sent dropped first;
 * - a client that came over https (a trusted proxy's X-Forwarded-Proto, the rule of the Secure
 *   cookies) gets Strict-Transport-Security on the answer, so its browser never tries plain http again.
 */
export function stampRequest(req: IncomingMessage, res: ServerResponse, proxies: ProxySettings): void {
  for (let i = req.rawHeaders.length - 2; i >= 0; i -= 2) {
    if (req.rawHeaders[i]!.toLowerCase() === PEER_HEADER) req.rawHeaders.splice(i, 2);
  }
  const peer = normalizeAddress(req.socket.remoteAddress) ?? UNKNOWN_ADDRESS;
  req.headers[PEER_HEADER] = peer;
  const proto = req.headers["x-forwarded-proto"];
  const forwardedProto = Array.isArray(proto) ? proto.join(",") : proto;
  if (resolveForwardedHttps({ ...proxies, peer, forwardedProto })) res.setHeader("Strict-Transport-Security", STRICT_TRANSPORT_SECURITY);
}
