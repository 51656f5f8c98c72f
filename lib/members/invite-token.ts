import { createHash, randomBytes } from "node:crypto";

/**
 * Invite tokens: 24 random bytes (192 bits) as 32 base64url characters, sent once as /invite/<token>.
 * Only the SHA-256 of a token is stored (invites.token_hash).
 */

const TOKEN_PATTERN = /^[A-Za-z0-9_-]{32}$/;

/** How long an invite can be accepted. */
export const INVITE_VALID_MS = 7 * 24 * 60 * 60 * 1000;

export function generateInviteToken(): string {
  return randomBytes(24).toString("base64url");
}

/** True when the text has the shape of a token (checked before any database look-up). */
export function isWellFormedInviteToken(token: string): boolean {
  return TOKEN_PATTERN.test(token);
}

export function hashInviteToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}
