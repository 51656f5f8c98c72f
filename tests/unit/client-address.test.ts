import { describe, expect, it } from "vitest";
import { limitKey, normalizeAddress, resolveClientAddress } from "@/lib/security/address";
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
    for (const bad of ["", "unknown", "evil.example", "1.2.3", "999.1.1.1", "1.2.3.4, 5.6.7.8", "<script>", undefined, null, "1".repeat(200)]) {
      expect(normalizeAddress(bad), String(bad)).toBeNull();
    }
  });
});

describe("resolveClientAddress", () => {
  const peer = "198.51.100.20";

  it("with no trusted proxy takes the TCP peer and ignores X-Forwarded-For, however it is spoofed", () => {
    for (const forwardedFor of [undefined, "", "1.1.1.1", "1.1.1.1, 2.2.2.2", "unknown", "10.0.0.1, 198.51.100.99"]) {
      expect(resolveClientAddress({ trustedProxies: 0, peer, forwardedFor })).toBe(peer);
    }
    expect(resolveClientAddress({ trustedProxies: 0, peer: "::ffff:198.51.100.20", forwardedFor: "9.9.9.9" })).toBe(peer);
    expect(resolveClientAddress({ trustedProxies: 0, peer: undefined, forwardedFor: "9.9.9.9" })).toBe("unknown");
  });

  it("with one proxy takes the right-most entry, the one the proxy appended", () => {
    // The client wrote "6.6.6.6" itself; the proxy appended the address it saw.
    expect(resolveClientAddress({ trustedProxies: 1, peer: "10.0.0.2", forwardedFor: "6.6.6.6, 203.0.113.7" })).toBe("203.0.113.7");
    expect(resolveClientAddress({ trustedProxies: 1, peer: "10.0.0.2", forwardedFor: "203.0.113.7" })).toBe("203.0.113.7");
    expect(resolveClientAddress({ trustedProxies: 1, peer: "10.0.0.2", forwardedFor: "6.6.6.6,203.0.113.7" })).toBe("203.0.113.7");
  });

  it("with two proxies takes the second entry from the right", () => {
    // client → CDN (appends client) → load balancer (appends CDN) → app
    expect(resolveClientAddress({ trustedProxies: 2, peer: "10.0.0.3", forwardedFor: "6.6.6.6, 203.0.113.7, 10.0.0.2" })).toBe("203.0.113.7");
    expect(resolveClientAddress({ trustedProxies: 2, peer: "10.0.0.3", forwardedFor: "203.0.113.7, 10.0.0.2" })).toBe("203.0.113.7");
  });

  it("does not trust a header shorter than the proxy chain, nor garbage where the address should be", () => {
    expect(resolveClientAddress({ trustedProxies: 2, peer: "10.0.0.3", forwardedFor: "6.6.6.6" })).toBe("10.0.0.3");
    expect(resolveClientAddress({ trustedProxies: 1, peer: "10.0.0.3", forwardedFor: "" })).toBe("10.0.0.3");
    expect(resolveClientAddress({ trustedProxies: 1, peer: "10.0.0.3", forwardedFor: "6.6.6.6, not-an-address" })).toBe("unknown");
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
