import { describe, expect, it } from "vitest";
import { linkRefusal, type RecipientLink } from "@/lib/recipient/link";

const now = new Date("2026-11-29T10:00:00Z");
const link: RecipientLink = {
  id: "l1",
  ownerId: "u1",
  ownerName: "Olive",
  logNetworkOnly: false,
  bucket: "b",
  key: "k",
  objectSize: 1n,
  objectEtag: '"e"',
  objectContentType: null,
  objectVersionId: null,
  pinned: true,
  objectState: null,
  expiresAt: new Date("2026-11-30T10:00:00Z"),
  neverExpires: false,
  disposition: "attachment",
  fileName: "f",
  contentTypeOverride: null,
  downloadLimit: null,
  downloadCount: 0,
  passwordHash: null,
  allowedNetworks: [],
  revokedAt: null,
  deletedAt: null,
  target: "object",
  title: null,
  fileCount: null,
  zipAllowed: true,
  connection: {
    id: "c",
    endpoint: "http://127.0.0.1:9000",
    region: "us-east-1",
    forcePathStyle: true,
    accessKeyId: "a",
    secretAccessKeyEnc: "x",
    sessionTokenEnc: null,
    updatedAt: now,
  },
};

describe("linkRefusal", () => {
  it("lets a usable link through", () => {
    expect(linkRefusal(link, now, true)).toBeNull();
    expect(linkRefusal({ ...link, downloadLimit: 2, downloadCount: 1 }, now, true)).toBeNull();
    expect(linkRefusal({ ...link, neverExpires: true, expiresAt: new Date("9999-12-31T00:00:00Z") }, now, true)).toBeNull();
  });

  it("names each reason: revoked, expired (at the exact instant), limit, file gone with its connection", () => {
    expect(linkRefusal({ ...link, revokedAt: now }, now, true)).toBe("revoked");
    expect(linkRefusal({ ...link, expiresAt: now }, now, true)).toBe("expired");
    expect(linkRefusal({ ...link, downloadLimit: 1, downloadCount: 1 }, now, true)).toBe("limit");
    expect(linkRefusal({ ...link, connection: null }, now, true)).toBe("missing");
  });

  it("tells a foreign network nothing else, and a revoked link trumps expiry and limit", () => {
    expect(linkRefusal({ ...link, revokedAt: now, downloadLimit: 1, downloadCount: 1 }, now, false)).toBe("network");
    expect(linkRefusal({ ...link, revokedAt: now, expiresAt: now, downloadLimit: 1, downloadCount: 1 }, now, true)).toBe("revoked");
  });
});
