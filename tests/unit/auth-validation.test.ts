import { describe, expect, it } from "vitest";
import { changePasswordSchema, ownerSchema, safeCallbackPath, signInSchema } from "@/lib/validation/auth";
import { retryMessage } from "@/lib/auth/limits";

describe("owner setup input", () => {
  const valid = { setupCode: "7K2Q-M9XD-4RTA-ZP3E", name: "Ada", email: " Ada@Example.com ", password: "a-long-password", confirmPassword: "a-long-password" };

  it("normalises the email", () => {
    expect(ownerSchema.parse(valid).email).toBe("ada@example.com");
  });

  it("explains each bad field", () => {
    const result = ownerSchema.safeParse({ setupCode: " ", name: " ", email: "nope", password: "short", confirmPassword: "other" });
    expect(result.success).toBe(false);
    const fields = result.error!.issues.map((i) => `${String(i.path[0])}: ${i.message}`);
    expect(fields).toEqual(
      expect.arrayContaining([
        "setupCode: Enter the setup code.",
        "name: Enter your name.",
        "email: Enter a valid email address, like you@example.com.",
        "password: Use at least 12 characters.",
      ]),
    );
    expect(ownerSchema.safeParse({ ...valid, confirmPassword: "a-long-passworD" }).error?.issues[0]?.message).toBe("The passwords do not match.");
  });

  it("accepts exactly 12 characters", () => {
    expect(ownerSchema.safeParse({ ...valid, password: "123456789012", confirmPassword: "123456789012" }).success).toBe(true);
    expect(ownerSchema.safeParse({ ...valid, password: "12345678901", confirmPassword: "12345678901" }).success).toBe(false);
  });
});

describe("change password input", () => {
  const valid = { currentPassword: "the-old-password", newPassword: "a-new-long-password", confirmNewPassword: "a-new-long-password" };
  const messages = (input: Record<string, string>) =>
    changePasswordSchema.safeParse(input).error?.issues.map((i) => `${String(i.path[0])}: ${i.message}`) ?? [];

  it("accepts a confirmed new password of 12 characters or more", () => {
    expect(changePasswordSchema.safeParse(valid).success).toBe(true);
    expect(changePasswordSchema.safeParse({ ...valid, newPassword: "123456789012", confirmNewPassword: "123456789012" }).success).toBe(true);
  });

  it("explains a short, unconfirmed, unchanged or missing password", () => {
    expect(messages({ ...valid, newPassword: "12345678901", confirmNewPassword: "12345678901" })).toEqual(["newPassword: Use at least 12 characters."]);
    expect(messages({ ...valid, confirmNewPassword: "a-new-long-passworD" })).toEqual(["confirmNewPassword: The new passwords do not match."]);
    expect(messages({ ...valid, newPassword: valid.currentPassword, confirmNewPassword: valid.currentPassword })).toEqual([
      "newPassword: Choose a password other than your current one.",
    ]);
    expect(messages({ ...valid, currentPassword: "" })).toEqual(["currentPassword: Enter your current password."]);
  });
});

describe("sign-in input", () => {
  it("asks for both fields", () => {
    expect(signInSchema.safeParse({ email: "", password: "" }).success).toBe(false);
  });
});

describe("safeCallbackPath", () => {
  it("keeps same-site paths and refuses others", () => {
    expect(safeCallbackPath("/links?status=active")).toBe("/links?status=active");
    expect(safeCallbackPath("https://evil.example")).toBe("/buckets");
    expect(safeCallbackPath("//evil.example")).toBe("/buckets");
    expect(safeCallbackPath("/\\evil.example")).toBe("/buckets");
    expect(safeCallbackPath(undefined)).toBe("/buckets");
  });
});

describe("retryMessage", () => {
  it("says when to try again", () => {
    const now = new Date("2026-11-22T10:00:00Z");
    expect(retryMessage(new Date("2026-11-22T10:14:01Z"), now)).toBe("Too many failed attempts. Try again in 15 minutes.");
    expect(retryMessage(new Date("2026-11-22T10:00:20Z"), now)).toBe("Too many failed attempts. Try again in 1 minute.");
  });
});

describe("safeCallbackPath against browser URL quirks", () => {
  it.each(["/\t/evil.example", "/\n/evil.example", "/%09/evil.example".replace("%09", "\t"), "/\\\\evil.example", " /x", "/\u0000x"])("refuses %j", (value) => {
    expect(safeCallbackPath(value)).toBe("/buckets");
  });

  it("keeps query and hash of a same-site path", () => {
    expect(safeCallbackPath("/buckets/c/b/photos?q=a#top")).toBe("/buckets/c/b/photos?q=a#top");
  });
});
