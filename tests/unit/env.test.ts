import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "@/lib/env";

describe("parseEnv", () => {
  it("starts with no configuration at all", () => {
    const env = parseEnv({});
    expect(env.PORT).toBe(3000);
    expect(env.DATA_DIR).toBe(".data");
    expect(env.DATABASE_URL).toBeUndefined();
  });

  it("names the variable and what it expects in one line", () => {
    expect(() => parseEnv({ PORT: "eighty" })).toThrow(EnvError);
    expect(() => parseEnv({ PORT: "eighty" })).toThrow('Invalid PORT: expected a port number (1-65535) (got "eighty")');
    expect(() => parseEnv({ LOG_LEVEL: "loud" })).toThrow(/^Invalid LOG_LEVEL: expected one of "debug"\|"info"\|"warn"\|"error"/);
    // One line: `$` without the m flag is the end of the whole message.
    expect(() => parseEnv({ DATABASE_URL: "mysql://x" })).toThrow(/^Invalid DATABASE_URL: expected a postgresql:\/\/ connection URL[^\n]*$/);
  });

  it("never repeats a secret or a password inside a connection URL", () => {
    /** The error message; a source that is accepted fails the test instead of passing every not.toContain. */
    const run = (source: Record<string, string>) => {
      try {
        parseEnv(source);
      } catch (error) {
        expect(error).toBeInstanceOf(EnvError);
        return (error as Error).message;
      }
      throw new Error(`parseEnv accepted ${Object.keys(source).join(", ")}`);
    };
    expect(run({ OWNER_EMAIL: "a@b.co", OWNER_PASSWORD: "hunter2hunt" })).toBe("Invalid OWNER_PASSWORD: expected at least 12 characters (got 11 characters)");
    expect(run({ ENCRYPTION_KEY: "c2VjcmV0LWtleQ==" })).not.toContain("c2VjcmV0LWtleQ");
    expect(run({ DATABASE_URL: "mysql://app:hunter2@db/x" })).not.toContain("hunter2");
  });

  it("reads WEBHOOK_TRUSTED_NETWORKS as canonical ranges, none by default, and stops on one it cannot read", () => {
    expect(parseEnv({}).WEBHOOK_TRUSTED_NETWORKS).toEqual([]);
    expect(parseEnv({ WEBHOOK_TRUSTED_NETWORKS: "10.20.3.0/16, fd12:3456::/48" }).WEBHOOK_TRUSTED_NETWORKS).toEqual(["10.20.0.0/16", "fd12:3456::/48"]);
    expect(() => parseEnv({ WEBHOOK_TRUSTED_NETWORKS: "10.20.0.0/16,office" })).toThrow(
      /^Invalid WEBHOOK_TRUSTED_NETWORKS: expected comma-separated networks .*"office"/,
    );
  });

  it("rejects an encryption key that is not 32 bytes", () => {
    expect(() => parseEnv({ ENCRYPTION_KEY: Buffer.alloc(16).toString("base64") })).toThrow(/Invalid ENCRYPTION_KEY: expected 32 random bytes/);
    expect(parseEnv({ ENCRYPTION_KEY: Buffer.alloc(32, 1).toString("base64") }).ENCRYPTION_KEY).toBeDefined();
  });

  it("treats empty values as unset", () => {
    expect(parseEnv({ DATABASE_URL: "", AUTH_SECRET: "" }).DATABASE_URL).toBeUndefined();
  });

  it("needs OWNER_EMAIL and OWNER_PASSWORD together, with a long enough password", () => {
    expect(() => parseEnv({ OWNER_EMAIL: "a@b.co" })).toThrow(/OWNER_EMAIL\/OWNER_PASSWORD/);
    expect(() => parseEnv({ OWNER_EMAIL: "a@b.co", OWNER_PASSWORD: "short" })).toThrow(/OWNER_PASSWORD: expected at least 12 characters/);
  });

  it("needs all three S3 variables for an environment connection", () => {
    expect(() => parseEnv({ S3_ENDPOINT: "https://s3.example.com" })).toThrow(/S3_ENDPOINT\/S3_ACCESS_KEY_ID\/S3_SECRET_ACCESS_KEY/);
    expect(() => parseEnv({ S3_REGION: "us east" })).toThrow(/Invalid S3_REGION/);
    expect(parseEnv({ S3_FORCE_PATH_STYLE: "true" }).S3_FORCE_PATH_STYLE).toBe(true);
    expect(() => parseEnv({ S3_FORCE_PATH_STYLE: "maybe" })).toThrow(/Invalid S3_FORCE_PATH_STYLE/);
  });
});
