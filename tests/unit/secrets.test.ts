import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SecretFileError, loadOrCreateSecrets } from "@/lib/boot/secrets";

describe("secrets in the data folder", () => {
  it("creates them once with mode 0600 and keeps them", () => {
    const dir = join(mkdtempSync(join(tmpdir(), "secrets-")), "data");
    const first = loadOrCreateSecrets(dir, {});
    expect(Buffer.from(first.encryptionKey, "base64")).toHaveLength(32);
    expect(statSync(join(dir, "encryption-key")).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, "auth-secret")).mode & 0o777).toBe(0o600);
    expect(loadOrCreateSecrets(dir, {})).toEqual(first);
  });

  it("prefers the environment", () => {
    const dir = mkdtempSync(join(tmpdir(), "secrets-"));
    const key = Buffer.alloc(32, 7).toString("base64");
    expect(loadOrCreateSecrets(dir, { ENCRYPTION_KEY: key }).encryptionKey).toBe(key);
  });

  it("refuses a corrupted key instead of silently making a new one", () => {
    const dir = mkdtempSync(join(tmpdir(), "secrets-"));
    writeFileSync(join(dir, "encryption-key"), "not base64 at all!!\n", { mode: 0o600 });
    expect(() => loadOrCreateSecrets(dir, {})).toThrow(SecretFileError);
    expect(() => loadOrCreateSecrets(dir, {})).toThrow(/encryption key in .*encryption-key is corrupted/);
    expect(readFileSync(join(dir, "encryption-key"), "utf8")).toBe("not base64 at all!!\n");
  });
});
