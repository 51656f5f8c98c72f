import { createCipheriv, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { DecryptionError, decrypt, decryptLegacyV1, encrypt, envelopeVersion, keyId, newRecordId } from "@/lib/crypto";
import { boundTo, seal, unseal } from "@/lib/storage/sealed";

/** An envelope in the old v1 format, as the previous release wrote it. */
function legacyV1(plaintext: string, key: Buffer, associatedData: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(associatedData, "utf8"));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return ["v1", keyId(key), iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), ciphertext.toString("base64url")].join(".");
}

describe("encrypt / decrypt", () => {
  const key = randomBytes(32);

  it("round-trips in the v2 format and never contains the plaintext", () => {
    const sealed = encrypt("wJalrXUtnFEMI/K7MDENG", key, "purpose");
    expect(sealed).not.toContain("wJalrXUtnFEMI");
    expect(sealed.startsWith(`v2.${keyId(key)}.`)).toBe(true);
    expect(envelopeVersion(sealed)).toBe("v2");
    expect(decrypt(sealed, key, "purpose")).toBe("wJalrXUtnFEMI/K7MDENG");
  });

  it("uses a fresh nonce each time", () => {
    expect(encrypt("same", key, "a")).not.toBe(encrypt("same", key, "a"));
  });

  it("refuses a tampered value, another key, or other associated data", () => {
    const sealed = encrypt("secret", key, "a");
    const parts = sealed.split(".");
    parts[4] = Buffer.from("XXXXXX").toString("base64url");
    expect(() => decrypt(parts.join("."), key, "a")).toThrow(DecryptionError);
    expect(() => decrypt(sealed, randomBytes(32), "a")).toThrow(/no encryption key with id/);
    expect(() => decrypt(sealed, key, "b")).toThrow(DecryptionError);
  });

  it("pins the tag to 16 bytes: a truncated tag is refused, not checked on fewer bytes", () => {
    const sealed = encrypt("secret", key, "a");
    const parts = sealed.split(".");
    const tag = Buffer.from(parts[3]!, "base64url");
    expect(tag).toHaveLength(16);
    for (const length of [4, 8, 12, 15]) {
      parts[3] = tag.subarray(0, length).toString("base64url");
      expect(() => decrypt(parts.join("."), key, "a")).toThrow(/16-byte tag/);
    }
  });

  it("picks the right key from several (rotation)", () => {
    const old = randomBytes(32);
    expect(decrypt(encrypt("x", old, "a"), [key, old], "a")).toBe("x");
  });

  it("refuses old v1 envelopes except for the one-time re-seal", () => {
    const old = legacyV1("old secret", key, "share_links.url");
    expect(envelopeVersion(old)).toBe("v1");
    expect(() => decrypt(old, key, "share_links.url")).toThrow(/old format \(v1\).*re-seal/);
    expect(decryptLegacyV1(old, key, "share_links.url")).toBe("old secret");
    expect(() => decryptLegacyV1(encrypt("x", key, "a"), key, "a")).toThrow(/not an encrypted value/);
  });

  it("makes cuid-shaped record ids", () => {
    const ids = new Set(Array.from({ length: 1000 }, newRecordId));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(/^c[0-9a-z]{24}$/);
  });
});

describe("values bound to their rows (lib/storage/sealed)", () => {
  const key = randomBytes(32);

  it("names the table, column and row in the associated data", () => {
    expect(boundTo("shareUrl", "clink1")).toBe("share_links.url_enc:clink1");
    expect(boundTo("secretAccessKey", "cconn1")).toBe("storage_connections.secret_access_key_enc:cconn1");
    expect(boundTo("sessionToken", "cconn1")).toBe("storage_connections.session_token_enc:cconn1");
    expect(() => boundTo("shareUrl", "")).toThrow(/needs its row id/);
  });

  it("opens a value in its own row", () => {
    const sealed = seal("shareUrl", "clink1", "https://s3.example/a?X-Amz-Signature=abc", key);
    expect(unseal("shareUrl", "clink1", sealed, key)).toBe("https://s3.example/a?X-Amz-Signature=abc");
  });

  it("refuses a value copied to another row, with a clear error", () => {
    const sealed = seal("shareUrl", "clink1", "https://s3.example/a", key);
    expect(() => unseal("shareUrl", "clink2", sealed, key)).toThrow(
      "share_links.url_enc of row clink2 cannot be decrypted: the value was sealed for another row (copied from elsewhere?) or is corrupted",
    );
  });

  it("refuses a value copied to another column of the same row", () => {
    const secret = seal("secretAccessKey", "cconn1", "wJalr", key);
    expect(() => unseal("sessionToken", "cconn1", secret, key)).toThrow(/storage_connections\.session_token_enc of row cconn1/);
  });
});
