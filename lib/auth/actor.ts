import "server-only";
import { Prisma } from "@/lib/generated/prisma/client";
import type { Actor, Grant, Role } from "@/lib/auth/permissions";
import { db } from "@/lib/db/client";

/**
 * Who is acting, as lib/auth/permissions.ts needs it: role, team and (for a Member) grants, read from
 * the database on every request, so a changed role or grant applies from the person's next request on
 * every instance, for their sessions and API tokens alike. A removed person has no actor.
 */

export type ActorRow = { role: Role; teamId: string; grants: Grant[] };

/** The columns of users `u` that make an actor (with the member's grants as one JSON array). */
export const ACTOR_COLUMNS = Prisma.sql`u.role, COALESCE(u.team_id, u.id) AS "teamId",
  CASE WHEN u.role = 'member' THEN COALESCE((
    SELECT json_agg(json_build_object('connectionId', g.connection_id, 'canBrowse', g.can_browse, 'canShare', g.can_share, 'canUpload', g.can_upload, 'canRequest', g.can_request,
      'bucket', g.bucket,
      'folder', g.folder, 'linkTypes', g.link_types, 'longestExpirySeconds', g.longest_expiry_seconds) ORDER BY g.connection_id)
    FROM member_grants g WHERE g.user_id = u.id), '[]'::json) ELSE '[]'::json END AS grants`;

export async function loadActor(userId: string): Promise<Actor | null> {
  const rows = await db.$queryRaw<({ id: string } & ActorRow)[]>`
    SELECT u.id, ${ACTOR_COLUMNS} FROM users u WHERE u.id = ${userId} AND u.removed_at IS NULL`;
  const row = rows[0];
  return row ? { id: row.id, role: row.role, teamId: row.teamId, grants: row.grants } : null;
}
