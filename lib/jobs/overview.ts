import "server-only";
import { type Actor, can } from "@/lib/auth/permissions";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { BROKEN_TASK, WEBHOOK_DELIVERY_TASK } from "@/lib/jobs/names";
import { redactError } from "@/lib/jobs/redact";

/**
 * Settings → Background jobs (the Owner and Admins): how many jobs wait and run, how many failed in
 * the last day, and the last error of each kind that failed, redacted (lib/jobs/redact.ts). Read from
 * the queue's own view (graphile_worker.jobs): finished jobs are deleted by the queue, failed ones
 * are kept a week (jobs:prune_failed).
 */

export type JobKindView = {
  kind: string;
  queued: number;
  running: number;
  failedLastDay: number;
  lastError: string | null;
  lastFailedAt: Date | null;
};

export type BackgroundJobsOverview = { queued: number; running: number; failedLastDay: number; kinds: JobKindView[] };

export const JOBS_NOT_YOURS = "Only the Owner and Admins can see the background jobs.";

type Row = { kind: string; queued: bigint; running: bigint; failed: bigint; lastError: string | null; lastFailedAt: Date | null };

export async function getBackgroundJobsOverview(actor: Actor, now = new Date()): Promise<BackgroundJobsOverview> {
  if (!can(actor, "audit.view")) throw new AppError("forbidden", JOBS_NOT_YOURS);
  const since = new Date(now.getTime() - 86_400_000);
  let rows: Row[] = [];
  try {
    // A job about one person's work (a webhook delivery, a "Links that broke" notice) belongs to that person's team:
    // its error (it may name their webhook's host) is shown to that team only; counts and instance-wide jobs' errors to all.
    rows = await db.$queryRaw<Row[]>`
      WITH job AS (
        SELECT t.identifier AS kind, j.locked_at, j.attempts, j.max_attempts, j.last_error, j.updated_at,
               CASE t.identifier
                 WHEN ${WEBHOOK_DELIVERY_TASK} THEN (SELECT COALESCE(u.team_id, u.id) FROM webhook_deliveries d JOIN users u ON u.id = d.owner_id
                                                      WHERE d.id = CASE WHEN j.payload->>'id' ~ '^[0-9]{1,18}$' THEN (j.payload->>'id')::bigint END)
                 WHEN ${BROKEN_TASK} THEN (SELECT COALESCE(u.team_id, u.id) FROM users u WHERE u.id = j.payload->>'personId')
               END AS team,
               t.identifier IN (${WEBHOOK_DELIVERY_TASK}, ${BROKEN_TASK}) AS team_job
          FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id)
      SELECT kind,
             count(*) FILTER (WHERE locked_at IS NULL AND attempts < max_attempts) AS queued,
             count(*) FILTER (WHERE locked_at IS NOT NULL) AS running,
             count(*) FILTER (WHERE last_error IS NOT NULL AND updated_at >= ${since}) AS failed,
             (array_agg(last_error ORDER BY updated_at DESC)
                FILTER (WHERE last_error IS NOT NULL AND updated_at >= ${since} AND (NOT team_job OR team = ${actor.teamId})))[1] AS "lastError",
             max(updated_at) FILTER (WHERE last_error IS NOT NULL AND updated_at >= ${since}) AS "lastFailedAt"
        FROM job
       GROUP BY kind
       ORDER BY kind`;
  } catch (error) {
    // The queue's schema does not exist yet (no instance has started): nothing queued, nothing failed.
    if (!/graphile_worker/.test(String(error))) throw error;
  }
  const kinds = rows.map((r) => ({
    kind: r.kind,
    queued: Number(r.queued),
    running: Number(r.running),
    failedLastDay: Number(r.failed),
    lastError: r.lastError === null ? null : redactError(r.lastError),
    lastFailedAt: r.lastFailedAt,
  }));
  return {
    queued: kinds.reduce((n, k) => n + k.queued, 0),
    running: kinds.reduce((n, k) => n + k.running, 0),
    failedLastDay: kinds.reduce((n, k) => n + k.failedLastDay, 0),
    kinds,
  };
}
