import "server-only";
import { z } from "zod";
import { AUDIT_KINDS } from "@/lib/audit/kinds";
import type { Actor } from "@/lib/auth/permissions";
import { db } from "@/lib/db/client";
import { Prisma } from "@/lib/generated/prisma/client";

/**
 * The Audit log page (/audit) and its CSV: the team's rows newest first, keyset-paged on
 * (created_at DESC, id DESC), optionally one person's or one kind's. Each filter has its index
 * (schema.prisma: audit_events (team_id[, actor_id | kind], created_at DESC, id DESC)), so a page is
 * one index range scan at any size of the log.
 */

export const AUDIT_PAGE_SIZE = 50;

export type AuditRow = {
  id: string;
  actorId: string | null;
  actorName: string;
  kind: string;
  subject: string;
  subjectId: string | null;
  address: string | null;
  details: Record<string, unknown>;
  createdAt: Date;
};

export type AuditCursor = { createdAt: Date; id: string };

export function encodeAuditCursor(row: AuditCursor): string {
  return Buffer.from(JSON.stringify([row.createdAt.toISOString(), row.id])).toString("base64url");
}

export function decodeAuditCursor(text: string | undefined): AuditCursor | null {
  if (!text || text.length > 200) return null;
  try {
    const [at, id] = JSON.parse(Buffer.from(text, "base64url").toString("utf8")) as unknown[];
    if (typeof at !== "string" || typeof id !== "string" || id.length > 64) return null;
    const createdAt = new Date(at);
    return Number.isNaN(createdAt.getTime()) ? null : { createdAt, id };
  } catch {
    return null;
  }
}

const optionalText = z.preprocess((v) => (Array.isArray(v) ? v[0] : v), z.string().max(200).optional().catch(undefined));

/** The page's GET parameters: unknown values fall back to "everything" rather than failing. */
export const auditFilterSchema = z
  .object({ person: optionalText, kind: optionalText, after: optionalText, before: optionalText })
  .transform(({ person, kind, after, before }) => ({
    person: person && person !== "all" ? person : undefined,
    kind: kind && (AUDIT_KINDS as string[]).includes(kind) ? kind : undefined,
    /** Older rows than this one ("Older"). */
    after: decodeAuditCursor(after) ?? undefined,
    /** Newer rows than this one ("Newer"). */
    before: after ? undefined : (decodeAuditCursor(before) ?? undefined),
  }));

export type AuditFilter = z.output<typeof auditFilterSchema>;

function filterSql(teamId: string, filter: Pick<AuditFilter, "person" | "kind">): Prisma.Sql {
  const parts = [Prisma.sql`team_id = ${teamId}`];
  if (filter.person) parts.push(Prisma.sql`actor_id = ${filter.person}`);
  if (filter.kind) parts.push(Prisma.sql`kind = ${filter.kind}`);
  return Prisma.join(parts, " AND ");
}

const COLUMNS = Prisma.sql`id, actor_id AS "actorId", actor_name AS "actorName", kind, subject, subject_id AS "subjectId", address, details, created_at AS "createdAt"`;

export type AuditPage = { rows: AuditRow[]; newer: string | null; older: string | null };

/** One page of the team's log. `newer`/`older` are the cursors of the neighbouring pages, or null at either end. */
export async function listAuditEvents(actor: Actor, filter: AuditFilter, pageSize = AUDIT_PAGE_SIZE): Promise<AuditPage> {
  const where = filterSql(actor.teamId, filter);
  if (filter.before) {
    const { createdAt, id } = filter.before;
    const rows = await db.$queryRaw<AuditRow[]>`
      SELECT ${COLUMNS} FROM audit_events WHERE ${where} AND (created_at, id) > (${createdAt}, ${id})
       ORDER BY created_at ASC, id ASC LIMIT ${pageSize + 1}`;
    const more = rows.length > pageSize;
    const page = rows.slice(0, pageSize).reverse();
    return {
      rows: page,
      newer: more && page[0] ? encodeAuditCursor(page[0]) : null,
      older: page.length > 0 ? encodeAuditCursor(page[page.length - 1]!) : null,
    };
  }
  const after = filter.after ? Prisma.sql`AND (created_at, id) < (${filter.after.createdAt}, ${filter.after.id})` : Prisma.empty;
  const rows = await db.$queryRaw<AuditRow[]>`
    SELECT ${COLUMNS} FROM audit_events WHERE ${where} ${after}
     ORDER BY created_at DESC, id DESC LIMIT ${pageSize + 1}`;
  const more = rows.length > pageSize;
  const page = rows.slice(0, pageSize);
  return {
    rows: page,
    newer: filter.after && page[0] ? encodeAuditCursor(page[0]) : null,
    older: more && page.length > 0 ? encodeAuditCursor(page[page.length - 1]!) : null,
  };
}

/** Every row the filters match, newest first, in keyset batches (the CSV export). */
export async function* iterateAuditEvents(actor: Actor, filter: Pick<AuditFilter, "person" | "kind">, batch = 1_000): AsyncGenerator<AuditRow> {
  let after: AuditCursor | undefined;
  for (;;) {
    const { rows, older } = await listAuditEvents(actor, { ...filter, after, before: undefined }, batch);
    yield* rows;
    if (!older) return;
    after = rows[rows.length - 1];
  }
}

/** The people of the team, for the "Person" filter (removed ones too: their rows stay). */
export async function listAuditPeople(actor: Actor): Promise<{ id: string; name: string; removed: boolean }[]> {
  const people = await db.user.findMany({
    where: { OR: [{ id: actor.teamId }, { teamId: actor.teamId }] },
    select: { id: true, name: true, removedAt: true },
    orderBy: { name: "asc" },
  });
  return people.map((p) => ({ id: p.id, name: p.name, removed: p.removedAt !== null }));
}
