import "server-only";
import { newRecordId } from "@/lib/crypto";
import { db, getPool } from "@/lib/db/client";
import { Prisma, type PrismaClient } from "@/lib/generated/prisma/client";
import { cleanDetails } from "@/lib/audit/details";
import type { AuditKind } from "@/lib/audit/kinds";
import { log } from "@/lib/log";
import { getClientAddress } from "@/lib/security/client-address";
import { networkPart } from "@/lib/security/cidr";

/**
 * Writes one audit-log row (audit_events): who (the actor's team and name are read in the same
 * statement, so callers that know only an id need nothing more), what, to what, from which address.
 * The address is the request's client address (lib/security/client-address.ts), kept whole or as its
 * network part as the team's Owner chose for the access log ("log network only"). Pass a transaction
 * to write the row with the change itself.
 *
 * `details` must never hold secrets: no passwords, tokens, keys or link URLs (keys named like one are
 * dropped here as a last guard).
 */

export type AuditActor = { id: string } | null;

export type AuditRecord = {
  /** The signed-in person (a SessionUser, or just an id); null for a stranger (a failed sign-in). */
  actor: AuditActor;
  kind: AuditKind;
  /** What it was done to, in words. */
  subject: string;
  subjectId?: string | null;
  details?: Record<string, unknown>;
  /** The request's client address; read from the request when left out (null outside one). */
  address?: string | null;
  /** A stranger's row: the team it concerns (a failed sign-in of a known email) and the name to show. */
  teamId?: string | null;
  actorName?: string;
};

type Client = PrismaClient | Prisma.TransactionClient;

async function requestAddress(): Promise<string | null> {
  try {
    return await getClientAddress();
  } catch {
    return null; // no request (a script, a test without one)
  }
}

/** The INSERT of one audit row. */
async function auditStatement(entry: AuditRecord): Promise<Prisma.Sql> {
  const address = entry.address === undefined ? await requestAddress() : entry.address;
  const network = address ? networkPart(address) : null;
  const details = JSON.stringify(cleanDetails(entry.details));
  const subject = entry.subject.slice(0, 1_000);
  const id = newRecordId();
  if (entry.actor) {
    return Prisma.sql`
      INSERT INTO audit_events (id, team_id, actor_id, actor_name, kind, subject, subject_id, address, details)
      SELECT ${id}, COALESCE(u.team_id, u.id), u.id, u.name, ${entry.kind}, ${subject}, ${entry.subjectId ?? null},
             CASE WHEN o.log_network_only THEN ${network} ELSE ${address} END, ${details}::jsonb
        FROM users u JOIN users o ON o.id = COALESCE(u.team_id, u.id)
       WHERE u.id = ${entry.actor.id}`;
  }
  return Prisma.sql`
    INSERT INTO audit_events (id, team_id, actor_id, actor_name, kind, subject, subject_id, address, details)
    VALUES (${id}, ${entry.teamId ?? null}, NULL, ${entry.actorName ?? "Someone"}, ${entry.kind}, ${subject}, ${entry.subjectId ?? null},
            CASE WHEN (SELECT log_network_only FROM users WHERE id = ${entry.teamId ?? null}) THEN ${network} ELSE ${address} END,
            ${details}::jsonb)`;
}

export async function recordAudit(client: Client, entry: AuditRecord): Promise<void> {
  await client.$executeRaw(await auditStatement(entry));
}

/**
 * The same, for changes made outside a transaction: after the change succeeded; a failure is only logged. The
 * statement goes through node-postgres on Prisma's pool (getPool()): Quick Share and the API's POST /links write one
 * per link, and Prisma's per-query work cost more than the INSERT (`npm run bench:api`).
 */
export async function recordAuditAfter(entry: AuditRecord): Promise<void> {
  try {
    const statement = await auditStatement(entry);
    await getPool().query({ text: statement.text, values: statement.values });
  } catch (error) {
    log.error("audit.not_recorded", { kind: entry.kind, error });
  }
}

/**
 * A change to a link, after it succeeded: the subject is the link's title or bucket/key, read in the
 * same statement (never its URL). A failure is only logged.
 */
export async function recordLinkAudit(actorId: string, kind: AuditKind, linkId: string, details: Record<string, unknown> = {}): Promise<void> {
  try {
    const link = await db.shareLink.findUnique({ where: { id: linkId }, select: { title: true, bucket: true, key: true, kind: true } });
    await recordAudit(db, {
      actor: { id: actorId },
      kind,
      subject: link ? (link.title ?? `${link.bucket}/${link.key}`) : linkId,
      subjectId: linkId,
      details: { linkKind: link?.kind, ...details },
    });
  } catch (error) {
    log.error("audit.not_recorded", { kind, error });
  }
}
