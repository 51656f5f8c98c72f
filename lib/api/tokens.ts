import { createHash, randomBytes } from "node:crypto";

/**
 * Personal access tokens: "bks_" + 32 base64url characters (192 random bits). The prefix makes a
 * leaked token recognisable (log redaction, secret scanners); only the SHA-256 of the whole text
 * is stored (api_tokens.token_hash), and the owner sees the token once.
 */

export const API_SCOPES = ["objects:read", "links:read", "links:write"] as const;
export type ApiScope = (typeof API_SCOPES)[number];

export const API_SCOPE_LABELS: Record<ApiScope, string> = {
  "objects:read": "List connections, buckets and objects",
  "links:read": "Read links and their access logs",
  "links:write": "Create, change and revoke links",
};

export const API_TOKEN_PREFIX = "bks_";
const TOKEN_PATTERN = /^bks_[A-Za-z0-9_-]{32}$/;
/** Characters of the token kept in the list ("bks_AbCd") so tokens can be told apart. */
export const SHOWN_PREFIX_LENGTH = 8;

export function generateApiToken(): string {
  return `${API_TOKEN_PREFIX}${randomBytes(24).toString("base64url")}`;
}

/** True when the text has the shape of a token (checked before any database look-up). */
export function isWellFormedApiToken(token: string): boolean {
  return TOKEN_PATTERN.test(token);
}

export function hashApiToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

export function shownPrefix(token: string): string {
  return token.slice(0, SHOWN_PREFIX_LENGTH);
}
