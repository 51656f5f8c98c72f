import { describe, expect, it } from "vitest";
import { EXPIRY_MESSAGES, MANAGED_EXPIRY_PRESETS, NEVER_EXPIRES_AT, resolveExpiry } from "@/lib/links/expiry";
import { linkStatus, nextStatusChange } from "@/lib/links/status";
import { changeDownloadLimitSchema, changeExpirySchema, createShareSchema, historyFilterSchema } from "@/lib/validation/share";

const base = { connectionId: "c1", bucket: "b", key: "docs/report.pdf", expiryMode: "preset", preset: "1h" };
const NOW = new Date("2026-11-22T10:00:00Z");

function errorsOf(input: Record<string, unknown>, field: string): string[] {
  const result = createShareSchema.safeParse({ ...base, ...input });
  if (result.success) return [];
  return result.error.issues.filter((issue) => issue.path[0] === field).map((issue) => issue.message);
}

describe("Link type", () => {
  it("defaults to a direct link and accepts managed", () => {
    expect(createShareSchema.parse(base).linkType).toBe("direct");
    expect(createShareSchema.parse({ ...base, linkType: "managed" }).linkType).toBe("managed");
  });

  it("refuses anything else", () => {
    expect(errorsOf({ linkType: "forever" }, "linkType")).toEqual(["Choose Direct link or Managed link."]);
  });
});

describe("Download limit", () => {
  it("is unlimited when empty and a whole number otherwise", () => {
    expect(createShareSchema.parse({ ...base, linkType: "managed" }).downloadLimit).toBeNull();
    expect(createShareSchema.parse({ ...base, linkType: "managed", downloadLimit: "" }).downloadLimit).toBeNull();
    expect(createShareSchema.parse({ ...base, linkType: "managed", downloadLimit: " 1 " }).downloadLimit).toBe(1);
    expect(createShareSchema.parse({ ...base, linkType: "managed", downloadLimit: "250" }).downloadLimit).toBe(250);
  });

  it.each(["0", "-1", "1.5", "ten", "1e3", "0x10", "1000001"])("refuses %j at the field", (downloadLimit) => {
    expect(errorsOf({ linkType: "managed", downloadLimit }, "downloadLimit")).toEqual([
      "Enter a whole number from 1 to 1,000,000, or leave it empty for unlimited.",
    ]);
  });

  it("is refused on a direct link (Bucketshare never sees its downloads)", () => {
    expect(errorsOf({ downloadLimit: "1" }, "downloadLimit")).toEqual([expect.stringMatching(/Only managed links/)]);
  });

  it("uses the same rule when changed on the link page", () => {
    expect(changeDownloadLimitSchema.parse({ id: "l1", downloadLimit: "" }).downloadLimit).toBeNull();
    expect(changeDownloadLimitSchema.parse({ id: "l1", downloadLimit: "3" }).downloadLimit).toBe(3);
    expect(changeDownloadLimitSchema.safeParse({ id: "l1", downloadLimit: "0" }).success).toBe(false);
    expect(changeDownloadLimitSchema.safeParse({ id: "l1", downloadLimit: "-2" }).success).toBe(false);
  });
});

describe("Allowed networks", () => {
  it("stores canonical ranges, v4 and v6, without duplicates", () => {
    const parsed = createShareSchema.parse({
      ...base,
      linkType: "managed",
      allowedNetworks: "203.0.113.77/24, 2001:DB8:0:0::1/32\n198.51.100.7 203.0.113.0/24 ::ffff:192.0.2.1",
    });
    expect(parsed.allowedNetworks).toEqual(["203.0.113.0/24", "2001:db8::/32", "198.51.100.7/32", "192.0.2.1/32"]);
  });

  it("is empty (anywhere) when left blank", () => {
    expect(createShareSchema.parse({ ...base, linkType: "managed", allowedNetworks: "  " }).allowedNetworks).toEqual([]);
  });

  it("names the entries that do not parse", () => {
    const [message] = errorsOf({ linkType: "managed", allowedNetworks: "10.0.0.0/8, 10.0.0.0/33, example.com, 2001:db8::/129" }, "allowedNetworks");
    expect(message).toContain('"10.0.0.0/33"');
    expect(message).toContain('"example.com"');
    expect(message).toContain('"2001:db8::/129"');
    expect(message).not.toContain('"10.0.0.0/8"');
  });
});

describe("Password and Always the latest version", () => {
  it("needs at least 8 characters, said at the password field", () => {
    for (const password of ["x", "1234567", "sesame!"]) {
      expect(errorsOf({ linkType: "managed", password }, "password"), password).toEqual(["Use at least 8 characters, or leave it empty for no password."]);
    }
    expect(createShareSchema.parse({ ...base, linkType: "managed", password: "12345678" }).password).toBe("12345678");
    expect(createShareSchema.parse({ ...base, linkType: "managed", password: "ключ-ключ" }).password).toBe("ключ-ключ");
  });

  it("keeps a password as typed (hashed later) and treats empty as none", () => {
    expect(createShareSchema.parse({ ...base, linkType: "managed", password: " open sesame " }).password).toBe(" open sesame ");
    expect(createShareSchema.parse({ ...base, linkType: "managed", password: "" }).password).toBeUndefined();
    expect(errorsOf({ password: "x-long-password" }, "password")).toEqual([expect.stringMatching(/Only managed links/)]);
  });

  it("reads the checkbox: unchecked = pinned", () => {
    expect(createShareSchema.parse({ ...base, linkType: "managed" }).alwaysLatest).toBe(false);
    expect(createShareSchema.parse({ ...base, linkType: "managed", alwaysLatest: "on" }).alwaysLatest).toBe(true);
  });
});

describe("expiry of managed links", () => {
  it("adds 30 days, 90 days and No expiry", () => {
    expect(MANAGED_EXPIRY_PRESETS.map((p) => p.id)).toEqual(["1h", "6h", "1d", "3d", "7d", "30d", "90d"]);
    const d30 = resolveExpiry({ mode: "preset", preset: "30d" }, NOW, { kind: "managed" });
    expect(d30).toMatchObject({ ok: true, seconds: 2_592_000, expiresAt: new Date("2026-12-22T10:00:00Z") });
    const never = resolveExpiry({ mode: "preset", preset: "never" }, NOW, { kind: "managed" });
    expect(never).toMatchObject({ ok: true, neverExpires: true, expiresAt: NEVER_EXPIRES_AT });
    expect(NEVER_EXPIRES_AT.toISOString()).toBe("9999-12-31T00:00:00.000Z");
    const longCustom = resolveExpiry({ mode: "custom", amount: 400, unit: "days" }, NOW, { kind: "managed" });
    expect(longCustom).toMatchObject({ ok: true, seconds: 400 * 86_400 });
  });

  it("keeps direct links at 7 days: No expiry, 30 and 90 days are for managed links only", () => {
    expect(resolveExpiry({ mode: "preset", preset: "never" }, NOW)).toMatchObject({ ok: false, field: "preset", message: EXPIRY_MESSAGES.neverDirect });
    expect(resolveExpiry({ mode: "preset", preset: "90d" }, NOW)).toMatchObject({ ok: false, message: EXPIRY_MESSAGES.managedOnlyPreset });
    expect(resolveExpiry({ mode: "custom", amount: 8, unit: "days" }, NOW)).toMatchObject({ ok: false, field: "amount" });
    expect(errorsOf({ preset: "never" }, "expiresIn")).toEqual([expect.stringMatching(/Direct links cannot last forever/)]);
    expect(errorsOf({ preset: "30d" }, "expiresIn")).toEqual([expect.stringMatching(/at most 7 days/)]);
    expect(errorsOf({ linkType: "managed", preset: "never" }, "expiresIn")).toEqual([]);
  });

  it("changes expiry only to a listed preset or No expiry", () => {
    expect(changeExpirySchema.parse({ id: "l1", preset: "never" }).preset).toBe("never");
    expect(changeExpirySchema.parse({ id: "l1", preset: "90d" }).preset).toBe("90d");
    expect(changeExpirySchema.safeParse({ id: "l1", preset: "1y" }).success).toBe(false);
  });
});

describe("Revoked status and the Type filter", () => {
  const link = { createdAt: NOW, expiresAt: new Date(NOW.getTime() + 86_400_000) };

  it("shows a revoked link as Revoked whatever its times say, and never changes it again", () => {
    expect(linkStatus({ ...link, revokedAt: NOW }, NOW)).toBe("revoked");
    expect(linkStatus({ ...link, revokedAt: NOW }, new Date(NOW.getTime() + 2 * 86_400_000))).toBe("revoked");
    expect(linkStatus({ ...link, revokedAt: null }, NOW)).toBe("active");
    expect(nextStatusChange({ ...link, revokedAt: NOW }, NOW)).toBeNull();
  });

  it("accepts the new filters and falls back to all on anything else", () => {
    expect(historyFilterSchema.parse({ status: "revoked", type: "managed" })).toMatchObject({ status: "revoked", type: "managed" });
    expect(historyFilterSchema.parse({ status: "bogus", type: "bogus" })).toMatchObject({ status: "all", type: "all" });
  });
});

describe("PUBLIC_URL", () => {
  it("accepts an absolute http(s) URL and refuses anything else, naming the variable", async () => {
    const { parseEnv } = await import("@/lib/env");
    expect(parseEnv({ PUBLIC_URL: "https://share.example.com/" }).PUBLIC_URL).toBe("https://share.example.com/");
    expect(parseEnv({ PUBLIC_URL: "" }).PUBLIC_URL).toBeUndefined();
    expect(() => parseEnv({ PUBLIC_URL: "share.example.com" })).toThrow(/Invalid PUBLIC_URL/);
    expect(() => parseEnv({ PUBLIC_URL: "ftp://share.example.com" })).toThrow(/Invalid PUBLIC_URL/);
  });
});
