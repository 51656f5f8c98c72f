import { describe, expect, it } from "vitest";
import { cleanDetails } from "@/lib/audit/details";
import { AUDIT_KINDS, isAuditKind, KINDS, kindLabel } from "@/lib/audit/kinds";

describe("audit kinds", () => {
  it("every kind once, each with its own label; the invite and member kinds are there", () => {
    expect(new Set(AUDIT_KINDS).size).toBe(KINDS.length);
    expect(new Set(KINDS.map((k) => k.label)).size).toBe(KINDS.length);
    for (const kind of ["invite.sent", "invite.accepted", "invite.revoked", "member.removed", "member.role_changed", "member.grants_changed"]) {
      expect(isAuditKind(kind)).toBe(true);
    }
    expect(kindLabel("link.revoked")).toBe("Link revoked");
    expect(kindLabel("something.new")).toBe("something.new");
  });

  it("details never keep a key named like a secret", () => {
    expect(
      cleanDetails({ password: "x", newPassword: "y", token: "t", secretAccessKey: "s", webhookUrl: "u", tokenHash: "h", setting: "webhook", gone: undefined }),
    ).toEqual({ setting: "webhook" });
  });
});
