import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { DecryptionError, decrypt, encrypt, keyId } from "@/lib/crypto";

describe("encrypt / decrypt", () => {
  const key = randomBytes(32);

  it("round-trips and never contains the plaintext", () => {
    const sealed = encrypt("wJalrXUtnFEMI/K7MDENG", key, "purpose");
    expect(sealed).not.toContain("wJalrXUtnFEMI");
    expect(sealed.startsWith(`v1.${keyId(key)}.`)).toBe(true);
    expect(decrypt(sealed, key, "purpose")).toBe("wJalrXUtnFEMI/K7MDENG");
  });

  it("uses a fresh nonce each time", () => {
    expect(encrypt("same", key)).not.toBe(encrypt("same", key));
  });

  it("refuses a tampered value, another key, or another purpose", () => {
    const sealed = encrypt("secret", key, "a");
    const parts = sealed.split(".");
    parts[4] = Buffer.from("XXXXXX").toString("base64url");
    expect(() => decrypt(parts.join("."), key, "a")).toThrow(DecryptionError);
    expect(() => decrypt(sealed, randomBytes(32), "a")).toThrow(/no encryption key with id/);
    expect(() => decrypt(sealed, key, "b")).toThrow(DecryptionError);
  });

  it("picks the right key from several (rotation)", () => {
    const old = randomBytes(32);
    expect(decrypt(encrypt("x", old), [key, old])).toBe("x");
  });
});
