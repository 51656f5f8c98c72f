import "server-only";
import { getEnv } from "@/lib/env";
import { requestHeaders } from "@/lib/http/request-headers";
import { log } from "@/lib/log";
import { PEER_HEADER, SERVER_MARKER, UNKNOWN_ADDRESS, resolveClientAddress, resolveForwardedHttps, type ProxyTrust } from "@/lib/security/address";

let warned = false;

/**
 * The address of whoever sent the request being served, for limits and logs (rules in
 * lib/security/address.ts, TRUSTED_PROXIES and TRUSTED_PROXY_NETWORKS in the README). The TCP peer comes from the header the
 * Bucketshare server (lib/boot/server.ts) overwrites on every request; when Next runs without it,
 * that header could be the client's own words and is ignored.
 */
export async function getClientAddress(): Promise<string> {
  return clientAddressFromHeaders(await requestHeaders());
}

/** The same, from a request's headers (route handlers that are handed the Request). */
export function clientAddressFromHeaders(h: Headers): string {
  if (!behindOurServer() && !warned) {
    warned = true;
    log.warn("client_address.no_peer", {
      hint: "Next runs without Bucketshare's server (npm start): every client counts as one address for sign-in limits",
    });
  }
  return resolveClientAddress({ ...proxyTrust(h), forwardedFor: h.get("x-forwarded-for") });
}

/**
 * Whether the client reached us over https, by a trusted proxy's X-Forwarded-Proto (the same rule
 * as the client address: TRUSTED_PROXIES > 0 and the TCP peer inside TRUSTED_PROXY_NETWORKS).
 * Decides Secure cookies and the scheme of links built from the request. The request's URL is not
 * asked: the app's server speaks plain http, and Next builds that URL's scheme from whatever
 * X-Forwarded-Proto a client sends.
 */
export function isHttpsRequest(h: Headers): boolean {
  return resolveForwardedHttps({ ...proxyTrust(h), forwardedProto: h.get("x-forwarded-proto") });
}

function behindOurServer(): boolean {
  return (globalThis as Record<symbol, unknown>)[SERVER_MARKER] === true;
}

/** The TCP peer and the proxy settings; when Next runs without our server, PEER_HEADER is the client's own words. */
function proxyTrust(h: Headers): ProxyTrust {
  return {
    trustedProxies: getEnv().TRUSTED_PROXIES,
    trustedNetworks: getEnv().TRUSTED_PROXY_NETWORKS,
    peer: behindOurServer() ? h.get(PEER_HEADER) : UNKNOWN_ADDRESS,
  };
}
