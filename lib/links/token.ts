import { createHash, randomBytes } from "node:crypto";

/**
 * Managed-link tokens: 24 random bytes (192 bits) as 32 base64url characters. Only the SHA-256
 * of a token is stored for look-up (`share_links.token_hash`); the link itself is kept sealed in
 * `url_enc` so the owner can copy it again.
 */

export const TOKEN_BYTES = 24;
export const TOKEN_LENGTH = 32;
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{32}$/;

export function generateLinkToken(): string {
  return randomBytes(TOKEN_BYTES).toString("base64url");
}

/** True when the text has the shape of a token (checked before any database look-up). */
export function isWellFormedToken(token: string): boolean {
  return TOKEN_PATTERN.test(token);
}

export function hashLinkToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}
