import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { ACTOR_COLUMNS } from "@/lib/auth/actor";
import { newSessionClaims } from "@/lib/auth/session-cookie";
import { db, getPool, statementName } from "@/lib/db/client";
import { PRISMA_LIKE_TYPES } from "@/lib/db/pg-types";
import { log } from "@/lib/log";
import type { SessionUser } from "@/lib/auth/session";

/**
 * Server-side sessions. The cookie carries a random session id; the sessions table stores only
 * its SHA-256, so a copy of the table cannot be turned into cookies. A session is valid while its
 * row exists and its absolute end (expires_at, 30 days after sign-in) has not passed: deleting
 * the row ends it at once, whatever cookie anyone kept.
 */

/** last_seen_at is written at most this often per session (not on every request). */
const LAST_SEEN_PRECISION_MS = 60 * 60 * 1000;

export function newSessionId(): string {
  return randomBytes(32).toString("base64url");
}

export function sessionIdHash(sessionId: string): string {
  return createHash("sha256").update(sessionId).digest("hex");
}

/** Starts a session at sign-in; returns the claims its cookie carries. Prunes ended sessions on the way. */
export async function createSession(userId: string, options: { userAgent?: string | null; now?: Date } = {}): Promise<{ sid: string; sx: number }> {
  const now = options.now ?? new Date();
  const claims = newSessionClaims(newSessionId(), now.getTime());
  await db.session.create({
    data: {
      idHash: sessionIdHash(claims.sid),
      userId,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: new Date(claims.sx * 1000),
      userAgent: options.userAgent?.slice(0, 256) || null,
    },
  });
  await pruneEndedSessions(now);
  return claims;
}

type SessionRow = SessionUser & { lastSeenAt: Date };

/**
 * The user behind a session id, in one query on the sessions primary key joined with its user;
 * null when the session ended (signed out, expired, password changed) or the user is gone.
 */
const FIND_SESSION_USER = `
    SELECT u.id, u.name, u.email, ${ACTOR_COLUMNS.text}, s.last_seen_at AS "lastSeenAt"
    FROM sessions s JOIN users u ON u.id = s.user_id
    WHERE s.id_hash = $1 AND s.user_id = $2 AND s.expires_at > $3::timestamp AND u.removed_at IS NULL`;

export async function findSessionUser(sessionId: string, userId: string, now = new Date()): Promise<SessionUser | null> {
  const idHash = sessionIdHash(sessionId);
  // Every signed-in page, action and route reads it first: a named statement through node-postgres on Prisma's pool
  // (lib/db/client.ts statementName), the time sent as the UTC wall time the column holds.
  const { rows } = await getPool().query<SessionRow>({
    name: statementName("session_user"),
    text: FIND_SESSION_USER,
    values: [idHash, userId, now.toISOString().slice(0, -1)],
    types: PRISMA_LIKE_TYPES,
  });
  const row = rows[0];
  if (!row) return null;
  if (now.getTime() - row.lastSeenAt.getTime() > LAST_SEEN_PRECISION_MS) {
    // Bookkeeping only; the request does not wait for it.
    db.session.updateMany({ where: { idHash }, data: { lastSeenAt: now } }).catch((error: unknown) => log.warn("auth.session.last_seen_failed", { error }));
  }
  return { id: row.id, name: row.name, email: row.email, role: row.role, teamId: row.teamId, grants: row.grants };
}

/** Ends one session (sign-out). */
export async function endSession(sessionId: string): Promise<void> {
  await db.session.deleteMany({ where: { idHash: sessionIdHash(sessionId) } });
}

/** Ends every session of a user, or every one but `except` (the caller's own). Returns how many ended. */
export async function endUserSessions(userId: string, options: { except?: string } = {}): Promise<number> {
  const { count } = await db.session.deleteMany({
    where: { userId, ...(options.except ? { idHash: { not: sessionIdHash(options.except) } } : {}) },
  });
  return count;
}

/** How many sessions of a user are still running (Settings). */
export async function countUserSessions(userId: string, now = new Date()): Promise<number> {
  return db.session.count({ where: { userId, expiresAt: { gt: now } } });
}

/** Deletes rows of sessions past their absolute end (sessions_expires_at_idx). */
export async function pruneEndedSessions(now = new Date()): Promise<number> {
  const { count } = await db.session.deleteMany({ where: { expiresAt: { lte: now } } });
  return count;
}
