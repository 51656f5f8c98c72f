import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

/**
 * AES-256-GCM envelopes for secrets at rest (storage secret keys, session tokens, issued links).
 * Format: `v2.<keyId>.<iv>.<tag>.<ciphertext>` (base64url parts): a 12-byte nonce, a 16-byte tag
 * (its length is checked and pinned when opening, so a truncated tag cannot lower the bar). The key
 * id is the first 8 hex characters of SHA-256(key), so a later rotation can tell which key sealed a
 * value.
 *
 * The associated data names the table, column and row a value belongs to (lib/storage/sealed.ts:
 * `share_links.url_enc:<id>`), so a value copied into another row or column fails to open.
 * Version 1 envelopes named only the column; they are opened once, by the re-seal at start-up
 * (lib/boot/reseal.ts), and refused everywhere else.
 */

export const ENVELOPE_VERSION = "v2";
const LEGACY_VERSION = "v1";
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class DecryptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DecryptionError";
  }
}

export function keyId(key: Buffer): string {
  return createHash("sha256").update(key).digest("hex").slice(0, 8);
}

/** A new record id in the shape of Prisma's cuid() ("c" + 24 base-36 characters), made before a row exists so its secrets can be bound to it. */
export function newRecordId(): string {
  const n = BigInt(`0x${randomBytes(16).toString("hex")}`);
  return `c${n.toString(36).padStart(25, "0").slice(-24)}`;
}

export function encrypt(plaintext: string, key: Buffer, associatedData: string): string {
  if (key.length !== 32) throw new Error("encryption key must be 32 bytes");
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(associatedData, "utf8"));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [ENVELOPE_VERSION, keyId(key), iv.toString("base64url"), tag.toString("base64url"), ciphertext.toString("base64url")].join(".");
}

/** "v1", "v2", or null for something that is not an envelope. */
export function envelopeVersion(envelope: string): string | null {
  const version = envelope.split(".", 1)[0];
  return version === ENVELOPE_VERSION || version === LEGACY_VERSION ? version : null;
}

function open(envelope: string, keys: Buffer | Buffer[], associatedData: string, version: string): string {
  const [found, kid, iv, tag, ciphertext, ...rest] = envelope.split(".");
  if (found === LEGACY_VERSION && version !== LEGACY_VERSION) {
    throw new DecryptionError("encrypted value is in the old format (v1) and was not re-sealed; restart Bucketshare to re-seal stored secrets");
  }
  if (found !== version || !kid || !iv || !tag || ciphertext === undefined || rest.length > 0) {
    throw new DecryptionError("not an encrypted value");
  }
  const key = (Array.isArray(keys) ? keys : [keys]).find((k) => keyId(k) === kid);
  if (!key) throw new DecryptionError(`no encryption key with id ${kid} (was ENCRYPTION_KEY changed?)`);
  const nonce = Buffer.from(iv, "base64url");
  const authTag = Buffer.from(tag, "base64url");
  if (nonce.length !== IV_BYTES || authTag.length !== TAG_BYTES) {
    throw new DecryptionError(`encrypted value is corrupted (expected a ${IV_BYTES}-byte nonce and a ${TAG_BYTES}-byte tag)`);
  }
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, nonce, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(associatedData, "utf8"));
    decipher.setAuthTag(authTag);
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]).toString("utf8");
  } catch {
    throw new DecryptionError("encrypted value is corrupted or was sealed for another record");
  }
}

/** Opens a current (v2) envelope sealed with exactly this associated data. */
export function decrypt(envelope: string, keys: Buffer | Buffer[], associatedData: string): string {
  return open(envelope, keys, associatedData, ENVELOPE_VERSION);
}

/** Opens an old (v1) envelope: only for the one-time re-seal at start-up. */
export function decryptLegacyV1(envelope: string, keys: Buffer | Buffer[], associatedData: string): string {
  return open(envelope, keys, associatedData, LEGACY_VERSION);
}
