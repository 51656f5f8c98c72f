import { describe, expect, it } from "vitest";
import { ssoErrorMessage, ssoRefusalPath } from "@/lib/auth/sso-messages";
import { domainOf, groupsOf, roleAfterSsoSignIn, ssoDisplayName } from "@/lib/auth/sso-rules";
import { EnvError, parseEnv } from "@/lib/env";

const OIDC = { OIDC_ISSUER: "https://id.example.com/realms/acme", OIDC_CLIENT_ID: "bucketshare", OIDC_CLIENT_SECRET: "s3cret-value" };

describe("OIDC_* settings", () => {
  it("are optional; the name defaults to SSO and the lists to empty", () => {
    const env = parseEnv({ ...OIDC });
    expect(env).toMatchObject({ OIDC_NAME: "SSO", OIDC_ALLOWED_DOMAINS: [], OIDC_ADMIN_GROUPS: [], OIDC_ONLY: false });
    expect(parseEnv({}).OIDC_ISSUER).toBeUndefined();
  });

  it("read comma lists: domains lower-cased (a leading @ dropped), groups as written", () => {
    const env = parseEnv({
      ...OIDC,
      OIDC_ALLOWED_DOMAINS: " Example.com, @corp.example.org ,",
      OIDC_ADMIN_GROUPS: "Bucketshare Admins, ops",
      OIDC_ONLY: "true",
      OIDC_NAME: "Acme ID",
    });
    expect(env).toMatchObject({
      OIDC_ALLOWED_DOMAINS: ["example.com", "corp.example.org"],
      OIDC_ADMIN_GROUPS: ["Bucketshare Admins", "ops"],
      OIDC_ONLY: true,
      OIDC_NAME: "Acme ID",
    });
  });

  it("refuse half a configuration, OIDC_ONLY without a provider, a bad issuer or domain, and never repeat the secret", () => {
    expect(() => parseEnv({ OIDC_ISSUER: OIDC.OIDC_ISSUER })).toThrow("Invalid OIDC_ISSUER/OIDC_CLIENT_ID/OIDC_CLIENT_SECRET: set all three");
    expect(() => parseEnv({ OIDC_ONLY: "true" })).toThrow(EnvError);
    expect(() => parseEnv({ ...OIDC, OIDC_ISSUER: "id.example.com" })).toThrow(/^Invalid OIDC_ISSUER: expected the identity provider's issuer URL/);
    expect(() => parseEnv({ ...OIDC, OIDC_ALLOWED_DOMAINS: "example.com, not a domain" })).toThrow(
      /^Invalid OIDC_ALLOWED_DOMAINS: expected comma-separated email domains/,
    );
    try {
      parseEnv({ OIDC_CLIENT_SECRET: "x".repeat(5), PORT: "x" });
    } catch (error) {
      expect((error as Error).message).not.toContain("xxxxx");
    }
  });
});

describe("single sign-on rules", () => {
  it("OIDC_ADMIN_GROUPS decide Admin or Member at each sign-in, never for the Owner", () => {
    const admins = ["bucketshare-admins"];
    expect(roleAfterSsoSignIn("member", ["staff", "bucketshare-admins"], admins)).toBe("admin");
    expect(roleAfterSsoSignIn("admin", ["staff"], admins)).toBe("member");
    expect(roleAfterSsoSignIn("admin", [], admins)).toBe("member");
    expect(roleAfterSsoSignIn("owner", [], admins)).toBe("owner");
    expect(roleAfterSsoSignIn("owner", ["bucketshare-admins"], admins)).toBe("owner");
    // Without OIDC_ADMIN_GROUPS the role stays what an Admin gave.
    expect(roleAfterSsoSignIn("admin", [], [])).toBe("admin");
    expect(roleAfterSsoSignIn("member", ["bucketshare-admins"], [])).toBe("member");
    // Group names match exactly.
    expect(roleAfterSsoSignIn("member", ["Bucketshare-Admins", "bucketshare-admins-old"], admins)).toBe("member");
  });

  it("read the groups claim as a list and an email's domain", () => {
    expect(groupsOf(["a", 1, "b"])).toEqual(["a", "b"]);
    expect(groupsOf("a")).toEqual(["a"]);
    expect(groupsOf(undefined)).toEqual([]);
    expect(groupsOf({ a: 1 })).toEqual([]);
    expect(domainOf("Ana@Corp.Example.COM")).toBe("corp.example.com");
    expect(domainOf('"odd@name"@example.org')).toBe("example.org");
  });

  it("say why on the sign-in page, in our words only", () => {
    expect(ssoRefusalPath("not_invited", "sam@elsewhere.test")).toBe("/sign-in?error=sso_not_invited&email=sam%40elsewhere.test");
    expect(ssoErrorMessage("sso_not_invited", "sam@elsewhere.test", "Acme ID")).toBe(
      "sam@elsewhere.test is not invited to this Bucketshare. Ask an Admin for an invite.",
    );
    // Whatever is put in ?email= that is not an email is not shown.
    expect(ssoErrorMessage("sso_not_invited", "Click evil.example to win", "Acme ID")).toBe(
      "This account is not invited to this Bucketshare. Ask an Admin for an invite.",
    );
    expect(ssoErrorMessage("sso_unverified", "uma@corp.test", "Acme ID")).toContain("Acme ID has not confirmed that uma@corp.test is yours");
    expect(ssoErrorMessage("Configuration", undefined, "Acme ID")).toMatch(/^Single sign-on did not finish: the answer from Acme ID could not be verified/);
    expect(ssoErrorMessage("anything else <b>", undefined, "Acme ID")).toMatch(/^Single sign-on did not finish/);
  });
});

describe("the name an SSO account gets", () => {
  it("takes the name, else the username, never an email address (recipients see it)", () => {
    expect(ssoDisplayName({ name: " Ana Lima ", preferred_username: "ana" }, "ana@acme.test")).toBe("Ana Lima");
    expect(ssoDisplayName({ preferred_username: "ana.lima" }, "ana@acme.test")).toBe("ana.lima");
    expect(ssoDisplayName({ name: "ana@acme.test", preferred_username: "ana.lima@acme.onmicrosoft.com" }, "ana@acme.test")).toBe("ana");
    expect(ssoDisplayName({}, "bo@acme.test")).toBe("bo");
  });
});
