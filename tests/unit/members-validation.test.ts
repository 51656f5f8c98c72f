import { describe, expect, it } from "vitest";
import { changeMemberSchema } from "@/lib/validation/members";

const grant = { canBrowse: true, canShare: false, folder: "", linkTypes: "both", longestExpirySeconds: "" };

describe("a member's grants as sent", () => {
  it("accept one grant per connection", () => {
    const parsed = changeMemberSchema.safeParse({
      id: "cmember0000000000000000",
      role: "member",
      grants: [{ connectionId: "cconn00000000000000000a", ...grant }],
    });
    expect(parsed.success).toBe(true);
  });

  it("refuse the same connection twice (a forged call), with a message instead of a database error", () => {
    const twice = [
      { connectionId: "cconn00000000000000000a", ...grant },
      { connectionId: "cconn00000000000000000a", ...grant, canShare: true },
    ];
    const parsed = changeMemberSchema.safeParse({ id: "cmember0000000000000000", role: "member", grants: twice });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.message)).toContain("Each connection can be granted once.");
  });
});
