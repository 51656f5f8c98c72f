import { describe, expect, it } from "vitest";
import type { Actor } from "@/lib/auth/permissions";
import { AppError } from "@/lib/errors";
import {
  assertExpiryAllowed,
  assertLinkKindAllowed,
  assertMayShareFolder,
  assertMayShareKeys,
  durationText,
  MANAGED_ONLY_GRANT_MESSAGE,
  shareLimitsFor,
} from "@/lib/links/grant-limits";

const owner: Actor = { id: "o", teamId: "o", role: "owner", grants: [] };
const ana: Actor = {
  id: "a",
  teamId: "o",
  role: "member",
  grants: [
    {
      connectionId: "c1",
      canBrowse: true,
      canShare: true,
      canUpload: false,
      bucket: null,
      folder: "press/",
      linkTypes: "managed",
      longestExpirySeconds: 30 * 86_400,
    },
  ],
};
const cleo: Actor = {
  id: "c",
  teamId: "o",
  role: "member",
  grants: [{ connectionId: "c1", canBrowse: true, canShare: false, canUpload: false, bucket: null, folder: "", linkTypes: "both", longestExpirySeconds: null }],
};

function refusal(run: () => void): { reason: string; field?: string; message: string } | null {
  try {
    run();
    return null;
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return { reason: error.reason, ...(error.field ? { field: error.field } : {}), message: error.message };
  }
}

describe("grant limits on issuing links", () => {
  it("says durations in the largest whole unit", () => {
    expect(durationText(30 * 86_400)).toBe("30 days");
    expect(durationText(86_400)).toBe("1 day");
    expect(durationText(12 * 3_600)).toBe("12 hours");
    expect(durationText(90 * 60)).toBe("90 minutes");
  });

  it("an Owner may do everything: no limits", () => {
    expect(shareLimitsFor(owner, "c1")).toEqual({ kinds: ["managed", "direct"], longestExpirySeconds: null });
    expect(refusal(() => assertMayShareFolder(owner, "c1", "acme", ""))).toBeNull();
    expect(refusal(() => assertLinkKindAllowed(owner, "c1", "direct"))).toBeNull();
    expect(refusal(() => assertExpiryAllowed(owner, "c1", { seconds: 0, neverExpires: true }))).toBeNull();
  });

  it("a folder grant: keys and folders inside it only (press/ never gives press-old/, no dot segments)", () => {
    expect(refusal(() => assertMayShareKeys(ana, "c1", "acme", ["press/a.pdf", "press/x/y.txt"]))).toBeNull();
    for (const key of ["press-old/a.pdf", "press", "a/../press/x", "press/../secret/x", "secret/x"]) {
      expect(
        refusal(() => assertMayShareKeys(ana, "c1", "acme", ["press/a.pdf", key])),
        key,
      ).toMatchObject({ reason: "no_such_object" });
    }
    expect(refusal(() => assertMayShareKeys(ana, "c2", "acme", ["press/a.pdf"]))).toMatchObject({ reason: "no_such_object" });
    expect(refusal(() => assertMayShareFolder(ana, "c1", "acme", "press/sub/"))).toBeNull();
    for (const prefix of ["", "press-old/", "pre"])
      expect(
        refusal(() => assertMayShareFolder(ana, "c1", "acme", prefix)),
        prefix,
      ).toMatchObject({ reason: "no_such_object" });
  });

  it("browse without share: refused as not granted, not as missing", () => {
    expect(shareLimitsFor(cleo, "c1")).toBeNull();
    expect(refusal(() => assertMayShareKeys(cleo, "c1", "acme", ["a.txt"]))).toMatchObject({ reason: "not_granted" });
    expect(refusal(() => assertMayShareFolder(cleo, "c1", "acme", ""))).toMatchObject({ reason: "not_granted" });
  });

  it("managed only and a longest expiry: field errors on linkType and expiresIn", () => {
    expect(shareLimitsFor(ana, "c1")).toEqual({ kinds: ["managed"], longestExpirySeconds: 30 * 86_400 });
    expect(refusal(() => assertLinkKindAllowed(ana, "c1", "direct"))).toEqual({
      reason: "link_type_not_granted",
      field: "linkType",
      message: MANAGED_ONLY_GRANT_MESSAGE,
    });
    expect(refusal(() => assertLinkKindAllowed(ana, "c1", "managed"))).toBeNull();
    expect(refusal(() => assertExpiryAllowed(ana, "c1", { seconds: 30 * 86_400, neverExpires: false }))).toBeNull();
    const tooLong = { reason: "invalid_expiry", field: "expiresIn", message: "Your access allows links of at most 30 days. Choose a shorter expiry." };
    expect(refusal(() => assertExpiryAllowed(ana, "c1", { seconds: 30 * 86_400 + 1, neverExpires: false }))).toEqual(tooLong);
    expect(refusal(() => assertExpiryAllowed(ana, "c1", { seconds: 0, neverExpires: true }))).toEqual(tooLong);
  });
});
