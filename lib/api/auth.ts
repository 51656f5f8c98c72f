import "server-only";
import { getPool, statementName } from "@/lib/db/client";
import { PRISMA_LIKE_TYPES } from "@/lib/db/pg-types";
import { ApiProblem } from "@/lib/api/problem";
import { ACTOR_COLUMNS, type ActorRow } from "@/lib/auth/actor";
import type { SessionUser } from "@/lib/auth/session";
import { hashApiToken, isWellFormedApiToken, type ApiScope } from "@/lib/api/tokens";

/**
 * Bearer-token authentication and the per-token rate limit in ONE statement: the UPDATE only
 * matches a token that exists, is not revoked and has not expired; it opens a new one-minute
 * window or counts the request in the current one, and records the last use. PostgreSQL locks the
 * row, so concurrent requests (on any instance) are counted exactly. The token's person (name, role,
 * team and a Member's grants, as lib/auth/actor.ts reads them) comes back from the same statement: their
 * rights as they are now, on every request, without a round trip of its own.
 */

export type ApiCaller = {
  tokenId: string;
  ownerId: string;
  scopes: ApiScope[];
  rate: { limit: number; remaining: number; resetSeconds: number };
  /** The token's person with their rights now; null once they were removed from the team (tokenUser refuses then). */
  user: SessionUser | null;
};

const WINDOW_SECONDS = 60;
const CHALLENGE = 'Bearer realm="bucketshare"';

type TokenRow = { id: string; ownerId: string; scopes: string[]; rateLimit: number; windowCount: number; resetSeconds: number } & {
  userId: string | null;
  name: string | null;
  email: string | null;
} & Partial<ActorRow>;

/**
 * Sent with node-postgres on Prisma's pool (getPool()): it runs before every API request, and Prisma's per-query work cost
 * more than the statement. A named statement, prepared once per connection (lib/recipient/link.ts says why).
 */
const AUTHENTICATE = `
  WITH t AS (
    UPDATE api_tokens
       SET window_started_at = CASE WHEN window_started_at <= now() - make_interval(secs => ${WINDOW_SECONDS}) THEN now() ELSE window_started_at END,
           window_count      = CASE WHEN window_started_at <= now() - make_interval(secs => ${WINDOW_SECONDS}) THEN 1 ELSE window_count + 1 END,
           last_used_at      = now()
     WHERE token_hash = $1
       AND revoked_at IS NULL
       AND (expires_at IS NULL OR expires_at > now())
    RETURNING id, owner_id, scopes, rate_limit, window_count, window_started_at)
  SELECT t.id, t.owner_id AS "ownerId", t.scopes, t.rate_limit AS "rateLimit", t.window_count AS "windowCount",
         GREATEST(1, CEIL(EXTRACT(EPOCH FROM (t.window_started_at + make_interval(secs => ${WINDOW_SECONDS}) - now()))))::int AS "resetSeconds",
         u.id AS "userId", u.name, u.email, ${ACTOR_COLUMNS.text}
    FROM t LEFT JOIN users u ON u.id = t.owner_id AND u.removed_at IS NULL`;

function unauthorized(detail: string, error?: "invalid_token"): ApiProblem {
  return new ApiProblem("unauthorized", detail, { headers: { "WWW-Authenticate": error ? `${CHALLENGE}, error="${error}"` : CHALLENGE } });
}

/** The token in `Authorization: Bearer <token>`, or a 401 problem. */
export function bearerToken(header: string | null): string {
  if (!header) throw unauthorized("Send a personal access token as `Authorization: Bearer <token>`. Create one in Settings → API tokens.");
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
  if (!match) throw unauthorized("Use the Bearer scheme: `Authorization: Bearer <token>`.", "invalid_token");
  return match[1]!;
}

export async function authenticate(authorization: string | null): Promise<ApiCaller> {
  const token = bearerToken(authorization);
  const invalid = () => unauthorized("This token is unknown, revoked or expired. Create a new one in Settings → API tokens.", "invalid_token");
  if (!isWellFormedApiToken(token)) throw invalid();
  const { rows } = await getPool().query<TokenRow>({
    name: statementName("api_authenticate"),
    text: AUTHENTICATE,
    values: [hashApiToken(token)],
    types: PRISMA_LIKE_TYPES,
  });
  const row = rows[0];
  if (!row) throw invalid();
  const rate = { limit: row.rateLimit, remaining: Math.max(0, row.rateLimit - row.windowCount), resetSeconds: row.resetSeconds };
  if (row.windowCount > row.rateLimit) {
    throw new ApiProblem("rate-limited", `This token may make ${row.rateLimit} requests a minute. Wait ${rate.resetSeconds} s and try again.`, {
      headers: { "Retry-After": String(rate.resetSeconds), ...rateLimitHeaders(rate) },
    });
  }
  const user: SessionUser | null =
    row.userId && row.role && row.teamId
      ? { id: row.userId, role: row.role, teamId: row.teamId, grants: row.grants ?? [], name: row.name ?? "", email: row.email ?? "" }
      : null;
  return { tokenId: row.id, ownerId: row.ownerId, scopes: row.scopes as ApiScope[], rate, user };
}

/** The token's person as the signed-in user (an Actor) every link read or change takes; a removed person's token is refused. */
export function tokenUser(caller: ApiCaller): SessionUser {
  if (!caller.user) throw new ApiProblem("unauthorized", "This token's owner no longer exists.");
  return caller.user;
}

/** IETF RateLimit header fields (draft-ietf-httpapi-ratelimit-headers) in their widely used form. */
export function rateLimitHeaders(rate: ApiCaller["rate"]): Record<string, string> {
  return {
    "RateLimit-Limit": String(rate.limit),
    "RateLimit-Remaining": String(rate.remaining),
    "RateLimit-Reset": String(rate.resetSeconds),
  };
}

export function requireScope(caller: ApiCaller, scope: ApiScope): void {
  if (!caller.scopes.includes(scope)) {
    throw new ApiProblem("insufficient-scope", `This token does not have the ${scope} scope. Create a token with it in Settings → API tokens.`, {
      headers: { "WWW-Authenticate": `${CHALLENGE}, error="insufficient_scope", scope="${scope}"` },
    });
  }
}
