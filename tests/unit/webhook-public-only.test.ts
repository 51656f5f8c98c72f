import type { LookupAddress } from "node:dns";
import { describe, expect, it } from "vitest";
import { describeFailure } from "@/lib/webhooks/post";
import {
  PRIVATE_TARGET_MESSAGE,
  type TargetPolicy,
  addressProblem,
  guardedLookupFor,
  isPublicAddress,
  resolvedTargetProblem,
  webhookTargetProblem,
} from "@/lib/webhooks/target";

/** An Admin's or a Member's webhook (webhookMustBePublic). */
const publicOnly: TargetPolicy = { allowPrivate: false, publicOnly: true, trustedNetworks: [] };

/** A resolver that answers from a table, as a changed DNS record would. */
function resolver(table: Record<string, string[]>) {
  return (hostname: string, _options: unknown, callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => {
    const addresses = table[hostname];
    if (!addresses) return callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" }), []);
    callback(
      null,
      addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 })),
    );
  };
}

describe("a public-only webhook (an Admin's or a Member's)", () => {
  const refused = [
    // loopback, in every spelling a URL parser turns into it
    "http://127.0.0.1/in",
    "http://127.1.2.3:8080/in",
    "http://0x7f.1/in",
    "http://2130706433/in",
    "http://017700000001/in",
    "http://[::1]/in",
    "http://[::ffff:127.0.0.1]/in",
    "http://[::ffff:7f00:1]/in",
    "http://[::127.0.0.1]/in",
    // unspecified
    "http://0.0.0.0/in",
    "http://[::]/in",
    // private, shared (CGNAT), unique-local
    "http://10.1.2.3/in",
    "http://172.16.0.1/in",
    "http://192.168.1.10/in",
    "http://[::ffff:192.168.1.10]/in",
    "http://100.64.0.1/in",
    "http://100.127.255.254/in",
    "http://[fd12:3456::1]/in",
    "http://[fc00::1]/in",
    // link-local and the cloud metadata services
    "http://169.254.169.254/latest/meta-data/",
    "http://[::ffff:169.254.169.254]/in",
    "http://[fe80::1]/in",
    "http://[fd00:ec2::254]/in",
    "http://100.100.100.200/in",
    "http://metadata.google.internal/computeMetadata/v1/",
    // multicast and broadcast
    "http://224.0.0.1/in",
    "http://[ff02::1]/in",
    "http://255.255.255.255/in",
    // IPv6 forms carrying a private IPv4 address: NAT64, SIIT, 6to4
    "http://[64:ff9b::a00:1]/in",
    "http://[::ffff:0:a00:1]/in",
    "http://[2002:7f00:1::1]/in",
    // names that are loopback by definition
    "http://localhost:3000/in",
    "http://hooks.localhost/in",
  ];
  for (const url of refused) {
    it(`refuses ${url}`, () => {
      expect(webhookTargetProblem(url, publicOnly)).toBe(PRIVATE_TARGET_MESSAGE);
    });
  }

  it("says why, near the field", () => {
    expect(PRIVATE_TARGET_MESSAGE).toMatch(/^This address is private/);
    expect(PRIVATE_TARGET_MESSAGE.length).toBeLessThanOrEqual(200);
  });

  it("allows public addresses and names (names are checked once resolved)", () => {
    for (const url of ["https://93.184.215.14/in", "https://[2606:4700::1111]/in", "https://[::ffff:8.8.8.8]/in", "https://hooks.example.com/in"]) {
      expect(webhookTargetProblem(url, publicOnly), url).toBeNull();
    }
    for (const address of ["8.8.8.8", "1.1.1.1", "2606:4700::1111", "::ffff:8.8.8.8"]) expect(isPublicAddress(address), address).toBe(true);
  });

  it("reads only strict address forms as addresses", () => {
    for (const text of ["0x7f.1", "127.1", "2130706433", "not an address", ""]) expect(isPublicAddress(text), text).toBe(false);
  });

  it("reaches a network named in WEBHOOK_TRUSTED_NETWORKS, never a metadata address inside it", () => {
    const trusting: TargetPolicy = { ...publicOnly, trustedNetworks: ["10.20.0.0/16", "169.254.0.0/16"] };
    expect(addressProblem("10.20.3.4", trusting)).toBeNull();
    expect(addressProblem("10.21.3.4", trusting)).toBe(PRIVATE_TARGET_MESSAGE);
    expect(addressProblem("169.254.169.254", trusting)).toBe(PRIVATE_TARGET_MESSAGE);
  });

  it("keeps the Owner's policy as it was: private receivers allowed, metadata refused", () => {
    expect(webhookTargetProblem("http://127.0.0.1:9000/in", false)).toBeNull();
    expect(webhookTargetProblem("http://192.168.1.10/in", false)).toBeNull();
    expect(webhookTargetProblem("http://169.254.169.254/in", false)).toMatch(/link-local or cloud metadata/);
  });

  it("checks at save time where a name resolves now", async () => {
    const dns = resolver({ "hooks.example.com": ["93.184.215.14"], "inside.example.com": ["10.0.0.5"], "both.example.com": ["93.184.215.14", "127.0.0.1"] });
    expect(await resolvedTargetProblem("https://hooks.example.com/in", publicOnly, dns)).toBeNull();
    expect(await resolvedTargetProblem("https://inside.example.com/in", publicOnly, dns)).toBe(PRIVATE_TARGET_MESSAGE);
    expect(await resolvedTargetProblem("https://both.example.com/in", publicOnly, dns)).toBe(PRIVATE_TARGET_MESSAGE);
    // Not resolvable yet: accepted; each delivery looks it up again.
    expect(await resolvedTargetProblem("https://later.example.com/in", publicOnly, dns)).toBeNull();
    // The Owner's webhook is not held to public addresses.
    expect(await resolvedTargetProblem("https://inside.example.com/in", { ...publicOnly, publicOnly: false }, dns)).toBeNull();
  });

  it("refuses at connection time a name that resolves to a private address (any of its addresses), with a clear error", async () => {
    const dns = resolver({
      "hooks.example.com": ["93.184.215.14"],
      "moved.example.com": ["::ffff:127.0.0.1"],
      "both.example.com": ["93.184.215.14", "192.168.0.2"],
    });
    const lookup = guardedLookupFor(publicOnly, dns);
    const ask = (host: string) =>
      new Promise<{ error: NodeJS.ErrnoException | null; address: unknown }>((resolve) => lookup(host, {}, (error, address) => resolve({ error, address })));
    expect(await ask("hooks.example.com")).toEqual({ error: null, address: "93.184.215.14" });
    for (const host of ["moved.example.com", "both.example.com"]) {
      const { error } = await ask(host);
      expect(error?.code, host).toBe("EPRIVATETARGET");
      expect(describeFailure(error, 5000)).toMatch(new RegExp(`^This address is private: ${host.replace(/\./g, "\\.")} resolves to `));
    }
  });
});
