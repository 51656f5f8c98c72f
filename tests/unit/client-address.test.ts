import { describe, expect, it } from "vitest";
import { limitKey, limitKeys, normalizeAddress, resolveClientAddress, resolveForwardedHttps } from "@/lib/security/address";
import { parseEnv } from "@/lib/env";

describe("normalizeAddress", () => {
  it("writes each address one way", () => {
    expect(normalizeAddress("203.0.113.7")).toBe("203.0.113.7");
    expect(normalizeAddress("::ffff:203.0.113.7")).toBe("203.0.113.7");
    expect(normalizeAddress("::FFFF:cb00:7107")).toBe("203.0.113.7");
    expect(normalizeAddress("2001:DB8:0:0:0:0:0:1")).toBe("2001:db8::1");
    expect(normalizeAddress("[2001:db8::1]:443")).toBe("2001:db8::1");
    expect(normalizeAddress("203.0.113.7:51234")).toBe("203.0.113.7");
    expect(normalizeAddress("fe80::1%eth0")).toBe("fe80::1");
    expect(normalizeAddress(" ::1 ")).toBe("::1");
  });

  it("refuses what is not an address", () => {
    for (const bad of [
      "",
      "unknown",
      "3232235777",
      "0x7f.0.0.1",
      "10.1",
      "fe80::1%eth0%x",
      "evil.example",
      "1.2.3",
      "999.1.1.1",
      "1.2.3.4, 5.6.7.8",
      "<script>",
      undefined,
      null,
      "1".repeat(200),
    ]) {
      expect(normalizeAddress(bad), String(bad)).toBeNull();
    }
  });
});

/** An operator's list that trusts proxies on loopback and private networks. */
const PROXIES_ON_PRIVATE_NETWORKS = ["127.0.0.0/8", "::1/128", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7", "fe80::/10"];

describe("resolveClientAddress", () => {
  const peer = "198.51.100.20";
  const proxies = PROXIES_ON_PRIVATE_NETWORKS;

  it("with no trusted proxy takes the TCP peer and ignores X-Forwarded-For, however it is spoofed", () => {
    for (const forwardedFor of [undefined, "", "1.1.1.1", "1.1.1.1, 2.2.2.2", "unknown", "10.0.0.1, 198.51.100.99"]) {
      expect(resolveClientAddress({ trustedProxies: 0, trustedNetworks: proxies, peer, forwardedFor })).toBe(peer);
    }
    expect(resolveClientAddress({ trustedProxies: 0, trustedNetworks: proxies, peer: "::ffff:198.51.100.20", forwardedFor: "9.9.9.9" })).toBe(peer);
    expect(resolveClientAddress({ trustedProxies: 0, trustedNetworks: proxies, peer: undefined, forwardedFor: "9.9.9.9" })).toBe("unknown");
  });

  it("with one proxy takes the right-most entry, the one the proxy appended", () => {
    // The client wrote "6.6.6.6" itself; the proxy appended the address it saw.
    expect(resolveClientAddress({ trustedProxies: 1, trustedNetworks: proxies, peer: "10.0.0.2", forwardedFor: "6.6.6.6, 203.0.113.7" })).toBe("203.0.113.7");
    expect(resolveClientAddress({ trustedProxies: 1, trustedNetworks: proxies, peer: "10.0.0.2", forwardedFor: "203.0.113.7" })).toBe("203.0.113.7");
    expect(resolveClientAddress({ trustedProxies: 1, trustedNetworks: proxies, peer: "10.0.0.2", forwardedFor: "6.6.6.6,203.0.113.7" })).toBe("203.0.113.7");
  });

  it("with two proxies takes the second entry from the right", () => {
    // client → CDN (appends client) → load balancer (appends CDN) → app
    expect(resolveClientAddress({ trustedProxies: 2, trustedNetworks: proxies, peer: "10.0.0.3", forwardedFor: "6.6.6.6, 203.0.113.7, 10.0.0.2" })).toBe(
      "203.0.113.7",
    );
    expect(resolveClientAddress({ trustedProxies: 2, trustedNetworks: proxies, peer: "10.0.0.3", forwardedFor: "203.0.113.7, 10.0.0.2" })).toBe("203.0.113.7");
  });

  it("does not trust a header shorter than the proxy chain, nor garbage where the address should be", () => {
    expect(resolveClientAddress({ trustedProxies: 2, trustedNetworks: proxies, peer: "10.0.0.3", forwardedFor: "6.6.6.6" })).toBe("10.0.0.3");
    expect(resolveClientAddress({ trustedProxies: 1, trustedNetworks: proxies, peer: "10.0.0.3", forwardedFor: "" })).toBe("10.0.0.3");
    expect(resolveClientAddress({ trustedProxies: 1, trustedNetworks: proxies, peer: "10.0.0.3", forwardedFor: "6.6.6.6, not-an-address" })).toBe("unknown");
  });
});

describe("resolveClientAddress: only a peer inside TRUSTED_PROXY_NETWORKS may speak for the client", () => {
  const proxies = PROXIES_ON_PRIVATE_NETWORKS;

  it("ignores X-Forwarded-For from a public peer that reached the app's port directly", () => {
    for (const peer of ["203.0.113.66", "::ffff:203.0.113.66", "2001:db8:66::1", "100.64.0.1", "172.32.0.1", "192.169.0.1"]) {
      for (const forwardedFor of ["192.0.2.1", "6.6.6.6, 192.0.2.1", "10.0.0.1, 192.0.2.1, 127.0.0.1"]) {
        for (const trustedProxies of [1, 2]) {
          expect(resolveClientAddress({ trustedProxies, trustedNetworks: proxies, peer, forwardedFor }), `${peer} ${forwardedFor}`).toBe(
            normalizeAddress(peer),
          );
        }
      }
    }
  });

  it("reads X-Forwarded-For from a proxy on loopback or a private network", () => {
    for (const peer of ["127.0.0.1", "::1", "::ffff:127.0.0.1", "10.1.2.3", "172.16.0.9", "172.31.255.1", "192.168.1.1", "fd12:3456::1", "fe80::1%eth0"]) {
      expect(resolveClientAddress({ trustedProxies: 1, trustedNetworks: proxies, peer, forwardedFor: "6.6.6.6, 203.0.113.7" }), peer).toBe("203.0.113.7");
    }
  });

  it("trusts exactly the networks configured, and nobody with an empty list", () => {
    const cdn = ["198.51.100.0/24"];
    expect(resolveClientAddress({ trustedProxies: 1, trustedNetworks: cdn, peer: "198.51.100.20", forwardedFor: "203.0.113.7" })).toBe("203.0.113.7");
    expect(resolveClientAddress({ trustedProxies: 1, trustedNetworks: cdn, peer: "127.0.0.1", forwardedFor: "203.0.113.7" })).toBe("127.0.0.1");
    expect(resolveClientAddress({ trustedProxies: 1, trustedNetworks: [], peer: "127.0.0.1", forwardedFor: "203.0.113.7" })).toBe("127.0.0.1");
    // No peer known (Next run without Bucketshare's server): nothing vouches for the header.
    expect(resolveClientAddress({ trustedProxies: 1, trustedNetworks: proxies, peer: "unknown", forwardedFor: "203.0.113.7" })).toBe("unknown");
  });
});

describe("resolveForwardedHttps: X-Forwarded-Proto under the client address's trust rule", () => {
  const proxies = PROXIES_ON_PRIVATE_NETWORKS;

  it("ignores the header with no trusted proxy, from a public peer, with an empty network list or an unknown peer", () => {
    expect(resolveForwardedHttps({ trustedProxies: 0, trustedNetworks: proxies, peer: "10.0.0.2", forwardedProto: "https" })).toBe(false);
    for (const peer of ["203.0.113.66", "::ffff:203.0.113.66", "2001:db8:66::1", "unknown", undefined]) {
      expect(resolveForwardedHttps({ trustedProxies: 1, trustedNetworks: proxies, peer, forwardedProto: "https" }), String(peer)).toBe(false);
    }
    expect(resolveForwardedHttps({ trustedProxies: 1, trustedNetworks: [], peer: "127.0.0.1", forwardedProto: "https" })).toBe(false);
    expect(resolveForwardedHttps({ trustedProxies: 1, trustedNetworks: ["198.51.100.0/24"], peer: "127.0.0.1", forwardedProto: "https" })).toBe(false);
  });

  it("believes a proxy inside TRUSTED_PROXY_NETWORKS", () => {
    for (const peer of ["127.0.0.1", "::1", "10.1.2.3", "192.168.1.1", "fd12:3456::1"]) {
      expect(resolveForwardedHttps({ trustedProxies: 1, trustedNetworks: proxies, peer, forwardedProto: "https" }), peer).toBe(true);
      expect(resolveForwardedHttps({ trustedProxies: 1, trustedNetworks: proxies, peer, forwardedProto: "http" }), peer).toBe(false);
    }
    expect(resolveForwardedHttps({ trustedProxies: 1, trustedNetworks: ["198.51.100.0/24"], peer: "198.51.100.20", forwardedProto: "HTTPS" })).toBe(true);
    expect(resolveForwardedHttps({ trustedProxies: 1, trustedNetworks: proxies, peer: "10.0.0.2", forwardedProto: null })).toBe(false);
  });

  it("reads the outermost proxy's entry, not what the client wrote before it", () => {
    // The client wrote "https" itself over plain http; the proxy appended what it saw.
    expect(resolveForwardedHttps({ trustedProxies: 1, trustedNetworks: proxies, peer: "10.0.0.2", forwardedProto: "https, http" })).toBe(false);
    // client → CDN (https) → load balancer (http) → app, both appending.
    expect(resolveForwardedHttps({ trustedProxies: 2, trustedNetworks: proxies, peer: "10.0.0.3", forwardedProto: "https, http" })).toBe(true);
    expect(resolveForwardedHttps({ trustedProxies: 2, trustedNetworks: proxies, peer: "10.0.0.3", forwardedProto: "http, https, http" })).toBe(true);
    // Proxies that set the header (one entry) speak for the chain.
    expect(resolveForwardedHttps({ trustedProxies: 2, trustedNetworks: proxies, peer: "10.0.0.3", forwardedProto: "https" })).toBe(true);
  });
});

describe("limitKey", () => {
  it("counts IPv4 per address and IPv6 per /64", () => {
    expect(limitKey("203.0.113.7")).toBe("203.0.113.7");
    expect(limitKey("2001:db8:1:2::1")).toBe("2001:db8:1:2::/64");
    expect(limitKey("2001:db8:1:2:ffff:1:2:3")).toBe("2001:db8:1:2::/64");
    expect(limitKey("2001:db8:1:3::1")).not.toBe(limitKey("2001:db8:1:2::1"));
    expect(limitKey("unknown")).toBe("unknown");
  });

  it("caps IPv6 by /48: every /64 key of a /48 starts with its prefix, other /48s do not", () => {
    expect(limitKeys("203.0.113.7")).toEqual({ pair: "203.0.113.7", cap: "203.0.113.7", capPrefix: null });
    expect(limitKeys("2001:db8:1:2::1")).toEqual({ pair: "2001:db8:1:2::/64", cap: "2001:db8:1::/48", capPrefix: "2001:db8:1:" });
    expect(limitKeys("2001:db8:1:ffff::9").cap).toBe("2001:db8:1::/48");
    expect(limitKey("2001:db8:1:ffff::9").startsWith(limitKeys("2001:db8:1:2::1").capPrefix!)).toBe(true);
    expect(limitKey("2001:db8:10:2::1").startsWith(limitKeys("2001:db8:1:2::1").capPrefix!)).toBe(false);
    expect(limitKeys("2001:db8::1")).toEqual({ pair: "2001:db8:0:0::/64", cap: "2001:db8:0::/48", capPrefix: "2001:db8:0:" });
  });
});

describe("TRUSTED_PROXY_NETWORKS", () => {
  it("defaults to loopback only, takes a list of CIDRs, and names what it cannot read", () => {
    expect(parseEnv({}).TRUSTED_PROXY_NETWORKS).toEqual(["127.0.0.0/8", "::1/128"]);
    expect(parseEnv({ TRUSTED_PROXY_NETWORKS: "" }).TRUSTED_PROXY_NETWORKS).toEqual(parseEnv({}).TRUSTED_PROXY_NETWORKS);
    expect(parseEnv({ TRUSTED_PROXY_NETWORKS: "198.51.100.7/24, 2001:DB8::/32,127.0.0.1" }).TRUSTED_PROXY_NETWORKS).toEqual([
      "198.51.100.0/24",
      "2001:db8::/32",
      "127.0.0.1/32",
    ]);
    expect(() => parseEnv({ TRUSTED_PROXY_NETWORKS: "10.0.0.0/8, proxy.internal" })).toThrow(
      'Invalid TRUSTED_PROXY_NETWORKS: expected comma-separated networks such as 127.0.0.0/8, ::1/128, 10.0.0.0/8 (cannot read "proxy.internal")',
    );
    expect(() => parseEnv({ TRUSTED_PROXY_NETWORKS: " , " })).toThrow(/^Invalid TRUSTED_PROXY_NETWORKS/);
  });
});

describe("TRUSTED_PROXY_NETWORKS' default", () => {
  it("believes a proxy on loopback, and nobody on a private network (a neighbour could write their own X-Forwarded-For)", () => {
    const trustedNetworks = parseEnv({}).TRUSTED_PROXY_NETWORKS;
    expect(resolveClientAddress({ trustedProxies: 1, trustedNetworks, peer: "127.0.0.1", forwardedFor: "203.0.113.7" })).toBe("203.0.113.7");
    expect(resolveClientAddress({ trustedProxies: 1, trustedNetworks, peer: "::1", forwardedFor: "203.0.113.7" })).toBe("203.0.113.7");
    for (const peer of ["10.1.2.3", "172.16.0.9", "192.168.1.1", "fd12:3456::1", "fe80::1"]) {
      expect(resolveClientAddress({ trustedProxies: 1, trustedNetworks, peer, forwardedFor: "203.0.113.7" }), peer).toBe(peer);
      expect(resolveForwardedHttps({ trustedProxies: 1, trustedNetworks, peer, forwardedProto: "https" }), peer).toBe(false);
    }
  });
});

describe("TRUSTED_PROXIES", () => {
  it("defaults to 0 and takes a small whole number", () => {
    expect(parseEnv({}).TRUSTED_PROXIES).toBe(0);
    expect(parseEnv({ TRUSTED_PROXIES: "2" }).TRUSTED_PROXIES).toBe(2);
    for (const bad of ["-1", "1.5", "many", "11"]) {
      expect(() => parseEnv({ TRUSTED_PROXIES: bad }), bad).toThrow(/^Invalid TRUSTED_PROXIES: expected a whole number of reverse proxies \(0-10\)/);
    }
  });
});
