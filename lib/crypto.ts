import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

/**
 * AES-256-GCM envelopes for secrets at rest (storage secret keys, session tokens, issued links).
 * Format: `v1.<keyId>.<iv>.<tag>.<ciphertext>` (base64url parts). The key id is the first
 * 8 hex characters of SHA-256(key), so a later rotation can tell which key sealed a value.
 */

export class DecryptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DecryptionError";
  }
}

export function keyId(key: Buffer): string {
  return createHash("sha256").update(key).digest("hex").slice(0, 8);
}

export function encrypt(plaintext: string, key: Buffer, associatedData = ""): string {
  if (key.length !== 32) throw new Error("encryption key must be 32 bytes");
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(associatedData, "utf8"));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  const tag = cipher.getAuthTag();
  return ["v1", keyId(key), iv.toString("base64url"), tag.toString("base64url"), ciphertext.toString("base64url")].join(".");
}

export function decrypt(envelope: string, keys: Buffer | Buffer[], associatedData = ""): string {
  const [version, kid, iv, tag, ciphertext] = envelope.split(".");
  if (version !== "v1" || !kid || !iv || !tag || ciphertext === undefined) {
    throw new DecryptionError("not an encrypted value");
  }
  const key = (Array.isArray(keys) ? keys : [keys]).find((k) => keyId(k) === kid);
  if (!key) throw new DecryptionError(`no encryption key with id ${kid} (was ENCRYPTION_KEY changed?)`);
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
    decipher.setAAD(Buffer.from(associatedData, "utf8"));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]).toString("utf8");
  } catch {
    throw new DecryptionError("encrypted value is corrupted or was sealed for another record");
  }
}
