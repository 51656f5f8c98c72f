import { describe, expect, it, vi } from "vitest";

vi.mock("server-only", () => ({}));
const { abortUploadsRule, abortsIncompleteUploads, ABORT_AFTER_DAYS, LIFECYCLE_RULE_ID } = await import("@/lib/uploads/lifecycle");

describe("whether a lifecycle rule aborts every incomplete upload of a bucket", () => {
  const abort = { AbortIncompleteMultipartUpload: { DaysAfterInitiation: 3 } };
  it("counts an enabled rule over the whole bucket, with or without an empty filter", () => {
    expect(abortsIncompleteUploads({ Status: "Enabled", ...abort })).toBe(3);
    expect(abortsIncompleteUploads({ Status: "Enabled", Filter: {}, ...abort })).toBe(3);
    expect(abortsIncompleteUploads({ Status: "Enabled", Filter: { Prefix: "" }, ...abort })).toBe(3);
    expect(abortsIncompleteUploads({ Status: "Enabled", Prefix: "", ...abort })).toBe(3);
  });
  it("does not count a disabled rule, one on a prefix or a tag, or one that only expires objects", () => {
    expect(abortsIncompleteUploads({ Status: "Disabled", ...abort })).toBeNull();
    expect(abortsIncompleteUploads({ Status: "Enabled", Filter: { Prefix: "uploads/" }, ...abort })).toBeNull();
    expect(abortsIncompleteUploads({ Status: "Enabled", Prefix: "tmp/", ...abort })).toBeNull();
    expect(abortsIncompleteUploads({ Status: "Enabled", Filter: { Tag: { Key: "a", Value: "b" } }, ...abort })).toBeNull();
    expect(abortsIncompleteUploads({ Status: "Enabled", Filter: { ObjectSizeGreaterThan: 1 }, ...abort })).toBeNull();
    expect(abortsIncompleteUploads({ Status: "Enabled", Expiration: { Days: 30 } })).toBeNull();
  });
  it("adds a rule of its own ID over the whole bucket, which counts", () => {
    const rule = abortUploadsRule();
    expect(rule).toEqual({
      ID: LIFECYCLE_RULE_ID,
      Status: "Enabled",
      Filter: { Prefix: "" },
      AbortIncompleteMultipartUpload: { DaysAfterInitiation: ABORT_AFTER_DAYS },
    });
    expect(abortsIncompleteUploads(rule)).toBe(ABORT_AFTER_DAYS);
  });
});
