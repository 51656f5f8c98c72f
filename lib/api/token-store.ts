import "server-only";
import { db } from "@/lib/db/client";
import { generateApiToken, hashApiToken, shownPrefix, type ApiScope } from "@/lib/api/tokens";

/**
 * The owner's personal access tokens, as Settings → "API tokens" manages them. Only the SHA-256 of a
 * token and its first characters are stored: the whole token leaves the server once, in the answer
 * to the action that made it. Every query has the owner's id in its WHERE.
 */

export type ApiTokenView = {
  id: string;
  name: string;
  /** "bks_AbCd": enough to tell tokens apart, far too little to use one. */
  prefix: string;
  scopes: ApiScope[];
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
};

const VIEW = {
  id: true,
  name: true,
  prefix: true,
  scopes: true,
  createdAt: true,
  expiresAt: true,
  lastUsedAt: true,
  revokedAt: true,
} as const;

export async function createApiToken(
  ownerId: string,
  input: { name: string; scopes: readonly ApiScope[]; expiresAt: Date | null },
): Promise<{ token: string; row: ApiTokenView }> {
  const token = generateApiToken();
  const row = await db.apiToken.create({
    data: { ownerId, name: input.name, tokenHash: hashApiToken(token), prefix: shownPrefix(token), scopes: [...input.scopes], expiresAt: input.expiresAt },
    select: VIEW,
  });
  return { token, row: row as ApiTokenView };
}

/** Newest first, revoked and expired ones included (they stay listed, with their status). */
export async function listApiTokens(ownerId: string): Promise<ApiTokenView[]> {
  // api_tokens (owner_id, created_at DESC) index
  const rows = await db.apiToken.findMany({ where: { ownerId }, orderBy: { createdAt: "desc" }, select: VIEW });
  return rows as ApiTokenView[];
}

export type RevokeApiTokenResult = { status: "revoked" | "already_revoked"; name: string; revokedAt: Date } | { status: "not_found" };

/**
 * Revokes one of the owner's tokens: requests with it are refused from then on. Revoking twice keeps
 * the first time; another owner's token (or none) is "not_found", exactly as a missing one.
 */
export async function revokeApiToken(ownerId: string, id: string): Promise<RevokeApiTokenResult> {
  const now = new Date();
  const { count } = await db.apiToken.updateMany({ where: { id, ownerId, revokedAt: null }, data: { revokedAt: now } });
  const row = await db.apiToken.findFirst({ where: { id, ownerId }, select: { name: true, revokedAt: true } });
  if (!row?.revokedAt) return { status: "not_found" };
  return { status: count === 1 ? "revoked" : "already_revoked", name: row.name, revokedAt: row.revokedAt };
}
