import "server-only";
import { db } from "@/lib/db/client";
import { ApiProblem } from "@/lib/api/problem";
import { hashApiToken, isWellFormedApiToken, type ApiScope } from "@/lib/api/tokens";

/**
 * Bearer-token authentication and the per-token rate limit in ONE statement: the UPDATE only
 * matches a token that exists, is not revoked and has not expired; it opens a new one-minute
 * window or counts the request in the current one, and records the last use. PostgreSQL locks the
 * row, so concurrent requests (on any instance) are counted exactly.
 */

export type ApiCaller = {
  tokenId: string;
  ownerId: string;
  scopes: ApiScope[];
  rate: { limit: number; remaining: number; resetSeconds: number };
};

const WINDOW_SECONDS = 60;
const CHALLENGE = 'Bearer realm="bucketshare"';

type TokenRow = { id: string; ownerId: string; scopes: string[]; rateLimit: number; windowCount: number; resetSeconds: number };

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
  const rows = await db.$queryRaw<TokenRow[]>`
    UPDATE api_tokens
       SET window_started_at = CASE WHEN window_started_at <= now() - make_interval(secs => ${WINDOW_SECONDS}) THEN now() ELSE window_started_at END,
           window_count      = CASE WHEN window_started_at <= now() - make_interval(secs => ${WINDOW_SECONDS}) THEN 1 ELSE window_count + 1 END,
           last_used_at      = now()
     WHERE token_hash = ${hashApiToken(token)}
       AND revoked_at IS NULL
       AND (expires_at IS NULL OR expires_at > now())
    RETURNING id, owner_id AS "ownerId", scopes, rate_limit AS "rateLimit", window_count AS "windowCount",
              GREATEST(1, CEIL(EXTRACT(EPOCH FROM (window_started_at + make_interval(secs => ${WINDOW_SECONDS}) - now()))))::int AS "resetSeconds"`;
  const row = rows[0];
  if (!row) throw invalid();
  const rate = { limit: row.rateLimit, remaining: Math.max(0, row.rateLimit - row.windowCount), resetSeconds: row.resetSeconds };
  if (row.windowCount > row.rateLimit) {
    throw new ApiProblem("rate-limited", `This token may make ${row.rateLimit} requests a minute. Wait ${rate.resetSeconds} s and try again.`, {
      headers: { "Retry-After": String(rate.resetSeconds), ...rateLimitHeaders(rate) },
    });
  }
  return { tokenId: row.id, ownerId: row.ownerId, scopes: row.scopes as ApiScope[], rate };
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
