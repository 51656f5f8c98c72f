import { describe, expect, it } from "vitest";
import { addressAllowed, networkPart, parseAddress, parseRange, parseRangeList } from "@/lib/security/cidr";
import { generateLinkToken, hashLinkToken, isWellFormedToken, TOKEN_LENGTH } from "@/lib/links/token";

describe("link tokens", () => {
  it("are 192 random bits, URL-safe, and never repeat", () => {
    const tokens = new Set(Array.from({ length: 2000 }, generateLinkToken));
    expect(tokens.size).toBe(2000);
    for (const token of tokens) {
      expect(token).toHaveLength(TOKEN_LENGTH);
      expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(isWellFormedToken(token)).toBe(true);
    }
  });

  it("are stored as a SHA-256 hash that differs from the token", () => {
    const token = generateLinkToken();
    expect(hashLinkToken(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashLinkToken(token)).not.toContain(token);
    expect(hashLinkToken(token)).toBe(hashLinkToken(token));
  });

  it("refuses malformed and over-long tokens before any look-up", () => {
    for (const bad of ["", "short", "a".repeat(33), `${"a".repeat(31)}/`, `${"a".repeat(31)}.`, "../../etc/passwd"]) {
      expect(isWellFormedToken(bad)).toBe(false);
    }
  });
});

describe("CIDR ranges", () => {
  it("matches IPv4 ranges and bare addresses", () => {
    expect(addressAllowed("203.0.113.9", ["203.0.113.0/24"])).toBe(true);
    expect(addressAllowed("203.0.114.9", ["203.0.113.0/24"])).toBe(false);
    expect(addressAllowed("10.1.2.3", ["10.1.2.3/32"])).toBe(true);
    expect(addressAllowed("10.1.2.4", ["10.1.2.3/32"])).toBe(false);
  });

  it("matches IPv6 ranges and never mixes families", () => {
    expect(addressAllowed("2001:db8:1::5", ["2001:db8::/32"])).toBe(true);
    expect(addressAllowed("2001:db9::5", ["2001:db8::/32"])).toBe(false);
    expect(addressAllowed("203.0.113.9", ["2001:db8::/32"])).toBe(false);
    expect(addressAllowed("::1", ["127.0.0.0/8"])).toBe(false);
  });

  it("treats IPv4-mapped IPv6 addresses as IPv4, in addresses and in ranges", () => {
    expect(addressAllowed("::ffff:203.0.113.9", ["203.0.113.0/24"])).toBe(true);
    expect(addressAllowed("203.0.113.9", ["::ffff:203.0.113.0/120"])).toBe(true);
    expect(parseAddress("::ffff:127.0.0.1")?.toString()).toBe("127.0.0.1");
  });

  it("allows everyone with an empty list and no one with an unparseable address", () => {
    expect(addressAllowed("198.51.100.1", [])).toBe(true);
    expect(addressAllowed("unknown", ["0.0.0.0/0"])).toBe(false);
  });

  it("canonicalises ranges and names the entries that do not parse", () => {
    expect(parseRange("203.0.113.77/24")?.text).toBe("203.0.113.0/24");
    expect(parseRange("2001:DB8::1/32")?.text).toBe("2001:db8::/32");
    expect(parseRangeList("203.0.113.0/24, 2001:db8::/32\n10.0.0.1")).toEqual({ ok: true, ranges: ["203.0.113.0/24", "2001:db8::/32", "10.0.0.1/32"] });
    expect(parseRangeList("203.0.113.0/33 banana 10.0.0.0/8")).toEqual({ ok: false, invalid: ["203.0.113.0/33", "banana"] });
    expect(parseRange("1.2.3.4/-1")).toBeNull();
    expect(parseRange("999.1.1.1")).toBeNull();
    // Loose IPv4 forms that ipaddr.js alone would accept are refused.
    expect(parseRange("1.2.3")).toBeNull();
    expect(parseRange("3232235777")).toBeNull();
    expect(parseRange("10.1/16")).toBeNull();
    expect(parseAddress("0x7f.1")).toBeNull();
  });

  it("keeps only the network part for privacy", () => {
    expect(networkPart("203.0.113.77")).toBe("203.0.113.0/24");
    expect(networkPart("2001:db8:abcd:12::5")).toBe("2001:db8:abcd::/48");
    expect(networkPart("::ffff:198.51.100.7")).toBe("198.51.100.0/24");
  });
});
