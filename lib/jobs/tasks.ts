import "server-only";
import type { JobHelpers, Task, TaskList } from "graphile-worker";
import { db } from "@/lib/db/client";
import { getEnv } from "@/lib/env";
import { log } from "@/lib/log";
import { queueDelivery, queueJob } from "@/lib/jobs/queue";
import { BROKEN_TASK, DIGEST_JOB_KEY, DIGEST_TASK, HEALTH_CHECK_QUEUE, HEALTH_CHECK_TASK, MAIL_QUEUE, WEBHOOK_DELIVERY_TASK } from "@/lib/jobs/names";

/**
 * Every kind of background work, by the name the queue knows it under. Each task is idempotent (it
 * may run again after an instance died mid-way) and says what it did in the log; a task that throws
 * is retried by the queue with exponential back-off (about e^attempt seconds) up to its max attempts,
 * and its error is what Settings → Background jobs shows (redacted).
 */

/**
 * One attempt of one webhook delivery (the row in webhook_deliveries stays the record: attempts, last
 * status, last error, next attempt). The row's own schedule (lib/webhooks/backoff.ts: 10 s … 12 h, 8
 * attempts) is the back-off: recording a failed attempt queues the next one at the row's
 * next_attempt_at (deliverClaimed), and the job itself fails (one attempt per job) so it shows in
 * Background jobs with its error. The claim
 * (FOR UPDATE SKIP LOCKED and a lease) keeps a row from being POSTed by two jobs at once.
 */
const deliverWebhook: Task = async (payload) => {
  const { runDeliveryRound } = await import("@/lib/webhooks/worker");
  const raw = (payload as { id?: unknown } | null)?.id;
  if (typeof raw !== "string" || !/^\d+$/.test(raw)) return;
  const id = BigInt(raw);
  const { results } = await runDeliveryRound({ ids: [id] });
  const result = results[0];
  if (!result) {
    // Not due (its lease is held by another attempt, or it was retried early): come back when it is.
    const row = await db.webhookDelivery.findUnique({ where: { id }, select: { nextAttemptAt: true, deliveredAt: true, failedAt: true } });
    // The attempt under way records its own next time ("replace"), which this guess must not undo.
    if (row?.nextAttemptAt && !row.deliveredAt && !row.failedAt) await queueDelivery(id, row.nextAttemptAt, { jobKeyMode: "preserve_run_at" });
    return;
  }
  if (result.state === "retrying" || result.state === "failed") {
    const why = result.outcome.error ?? (result.outcome.status ? `HTTP ${result.outcome.status}` : "no answer");
    throw new Error(`Delivery ${id} ${result.state === "failed" ? "given up" : "failed, tried again later"}: ${why}`);
  }
};

/**
 * Rows due for more than a minute with no job (added before the queue existed, or a job lost with
 * its instance before it queued the next attempt) get one; existing waiting jobs keep their time.
 */
const queueOverdueDeliveries: Task = async () => {
  const count = await db.$executeRaw`
    SELECT graphile_worker.add_job(${WEBHOOK_DELIVERY_TASK}::text, json_build_object('id', id::text),
             run_at := next_attempt_at, max_attempts := 1, job_key := 'webhook-delivery:' || id, job_key_mode := 'preserve_run_at')
      FROM webhook_deliveries
     WHERE next_attempt_at < now() - interval '1 minute' AND delivered_at IS NULL AND failed_at IS NULL
     LIMIT 1000`;
  if (count > 0) log.info("webhook.overdue_queued", { count });
};

const pruneWebhookDeliveries: Task = async () => {
  const { pruneDeliveries } = await import("@/lib/webhooks/worker");
  const count = await pruneDeliveries();
  if (count) log.info("webhook.deliveries_pruned", { count });
};

/** Aborts abandoned uploads and settles completions left half-way (lib/uploads). */
const cleanUpUploads: Task = async () => {
  const { abortAbandonedUploads } = await import("@/lib/uploads/store");
  const { settleStaleCompletions } = await import("@/lib/uploads/complete");
  await abortAbandonedUploads();
  await settleStaleCompletions();
};

/**
 * The upload requests' batched e-mail. A failed send throws (the files wait for the retry); while
 * files are waiting for their request's interval, the next round is queued for when they may go.
 */
const sendDigests: Task = async (_payload, helpers: JobHelpers) => {
  const { sendRequestDigests, digestIntervalMs, hasWaitingFiles } = await import("@/lib/upload-requests/notify");
  const { mailConfigured } = await import("@/lib/mail/send");
  await sendRequestDigests();
  if (mailConfigured() && (await hasWaitingFiles())) {
    const every = Math.min(60_000, Math.max(1_000, Math.floor(digestIntervalMs() / 5)));
    await queueJob(DIGEST_TASK, {}, { runAt: new Date(Date.now() + every), jobKey: DIGEST_JOB_KEY, jobKeyMode: "preserve_run_at", maxAttempts: 5 });
  }
  helpers.logger.debug("digest round done");
};

const pruneAccessLog: Task = async () => {
  // The access log's months ahead first (lib/links/access-log-partitions.ts), then its retention.
  // The retention runs even when making the months failed (the job then fails and is retried): recipients' addresses
  // must not outlive ACCESS_LOG_RETENTION_DAYS because of a partition that could not be made.
  const { ensureAccessLogMonths } = await import("@/lib/links/access-log-partitions");
  const making = await ensureAccessLogMonths().then(
    (made) => {
      if (made.length) log.info("links.access_log_months_made", { partitions: made });
      return null;
    },
    (error: unknown) => {
      log.error("links.access_log_months_failed", { error });
      return error;
    },
  );
  const { pruneAccessLog: prune } = await import("@/lib/links/access-log-retention");
  const count = await prune({
    onDropped: (month) => log.info("links.access_log_month_dropped", { partition: month.name, from: month.from, to: month.to, rows: month.rows }),
  });
  if (count) log.info("links.access_log_pruned", { count, retentionDays: getEnv().ACCESS_LOG_RETENTION_DAYS });
  // The links' health history keeps its newest rows per link (lib/health/checker.ts HEALTH_CHECKS_KEPT).
  const { pruneHealthChecks } = await import("@/lib/health/checker");
  const checks = await pruneHealthChecks();
  if (checks) log.info("health.checks_pruned", { count: checks });
  if (making) throw making;
};

/**
 * One pass of the link health checker (lib/health/checker.ts): the links due, at each connection's pace.
 * A pass that leaves links due (its batch was full, or its time ran out) queues the next at once, so
 * the checker keeps each connection busy at its rate while links are due, not one batch a minute;
 * passes run one at a time (HEALTH_CHECK_QUEUE), so two never share a connection's pace.
 */
const checkLinkHealth: Task = async () => {
  const { runHealthPass } = await import("@/lib/health/checker");
  const result = await runHealthPass();
  if (result.more) await queueJob(HEALTH_CHECK_TASK, {}, { jobKey: HEALTH_CHECK_TASK, queueName: HEALTH_CHECK_QUEUE });
};

const pruneAudit: Task = async () => {
  const { pruneAuditLog } = await import("@/lib/audit/retention");
  const count = await pruneAuditLog();
  if (count) log.info("audit.pruned", { count, retentionDays: getEnv().AUDIT_RETENTION_DAYS });
};

const pruneSignInFailures: Task = async () => {
  const { pruneFailures } = await import("@/lib/auth/rate-limit");
  const { pruneBudgets } = await import("@/lib/limits/budget");
  const count = await pruneFailures();
  if (count) log.info("auth.failures.pruned", { count });
  const budgets = await pruneBudgets();
  if (budgets) log.info("limits.budgets_pruned", { count: budgets });
};

const pruneIdempotencyKeys: Task = async () => {
  const { pruneIdempotencyKeys: prune } = await import("@/lib/api/idempotency");
  const count = await prune();
  if (count) log.info("api.idempotency_pruned", { count });
};

/** Failed jobs are kept a week for Background jobs, then deleted (finished jobs are deleted at once by the queue). */
const pruneFailedJobs: Task = async () => {
  const count = await db.$executeRaw`
    DELETE FROM graphile_worker._private_jobs
     WHERE attempts >= max_attempts AND locked_at IS NULL AND updated_at < now() - interval '7 days'`;
  if (count > 0) log.info("jobs.failed_pruned", { count });
};

/**
 * An instance that died while running a job of a named queue ("mail", the health checks: one job at a time) leaves
 * that queue locked, and the queue would wait out graphile-worker's 4-hour lock expiry. No job of ours runs this
 * long (a health pass has 45 s, each e-mail a bounded send), so locks older than STALE_LOCK_MINUTES are released.
 */
export const STALE_LOCK_MINUTES = 15;
const unlockStale: Task = async () => {
  const queues = await db.$executeRaw`
    UPDATE graphile_worker._private_job_queues SET locked_at = NULL, locked_by = NULL
     WHERE locked_at < now() - make_interval(mins => ${STALE_LOCK_MINUTES})`;
  const jobs = await db.$executeRaw`
    UPDATE graphile_worker._private_jobs SET locked_at = NULL, locked_by = NULL
     WHERE locked_at < now() - make_interval(mins => ${STALE_LOCK_MINUTES})`;
  if (queues || jobs) log.warn("jobs.stale_locks_released", { queues, jobs });
};

/** "Links about to expire": one batched reminder per person for links entering their N days (each link once). */
const remindExpiring: Task = async () => {
  const { sendExpiringReminders } = await import("@/lib/notifications/expiring");
  await sendExpiringReminders();
};

/**
 * "Links that broke", queued by the health checker: `{ personId, links: [{ id, health, detail? }] }`
 * (lib/notifications/broken.ts notifyBrokenLinks; one e-mail and one link.broken event per job).
 */
const notifyBroken: Task = async (payload) => {
  const { notifyBrokenLinks } = await import("@/lib/notifications/broken");
  const p = payload as { personId?: unknown; links?: unknown } | null;
  if (typeof p?.personId !== "string" || !Array.isArray(p.links)) return;
  const links = p.links.filter((l): l is { id: string; health: string; detail?: string } => typeof l?.id === "string" && typeof l?.health === "string");
  await notifyBrokenLinks(p.personId, links.slice(0, 1000));
};

/** Storage events seen long enough ago that a replay is refused by its time (lib/storage-events/receive.ts). */
const pruneStorageEvents: Task = async () => {
  const { pruneSeenEvents } = await import("@/lib/storage-events/receive");
  const count = await pruneSeenEvents();
  if (count) log.info("storage_events.pruned", { count });
};

/** "Downloads: daily digest": one e-mail and one digest.daily event per person who chose it. */
const dailyDigest: Task = async () => {
  const { sendDailyDigests } = await import("@/lib/notifications/digest");
  await sendDailyDigests();
};

/** "Downloads: each download": one e-mail per person per round naming the downloads since their last. */
const downloadNotices: Task = async () => {
  const { sendDownloadNotices } = await import("@/lib/notifications/downloads");
  await sendDownloadNotices();
};

export const TASKS: TaskList = {
  [WEBHOOK_DELIVERY_TASK]: deliverWebhook,
  "webhooks:queue_overdue": queueOverdueDeliveries,
  "webhooks:prune": pruneWebhookDeliveries,
  "uploads:cleanup": cleanUpUploads,
  [DIGEST_TASK]: sendDigests,
  "links:prune_access_log": pruneAccessLog,
  [HEALTH_CHECK_TASK]: checkLinkHealth,
  "audit:prune": pruneAudit,
  "auth:prune_failures": pruneSignInFailures,
  "api:prune_idempotency_keys": pruneIdempotencyKeys,
  "jobs:prune_failed": pruneFailedJobs,
  "jobs:unlock_stale": unlockStale,
  "links:expiring_reminders": remindExpiring,
  [BROKEN_TASK]: notifyBroken,
  "notifications:daily_digest": dailyDigest,
  "notifications:downloads": downloadNotices,
  "storage_events:prune": pruneStorageEvents,
};

/**
 * The schedule (UTC). The queue runs each line once per time across all instances (it records the
 * last run in graphile_worker's known crontabs); a missed time is not made up (no backfill).
 */
export const CRONTAB = [
  "* * * * * webhooks:queue_overdue ?max=1&jobKey=webhooks:queue_overdue",
  "*/10 * * * * webhooks:prune ?max=3",
  "*/10 * * * * uploads:cleanup ?max=3&jobKey=uploads:cleanup",
  `* * * * * ${DIGEST_TASK} ?max=5&jobKey=${DIGEST_JOB_KEY}&jobKeyMode=preserve_run_at&queue=${MAIL_QUEUE}`,
  "*/10 * * * * auth:prune_failures ?max=3",
  "17 * * * * links:prune_access_log ?max=3",
  `* * * * * ${HEALTH_CHECK_TASK} ?max=1&jobKey=${HEALTH_CHECK_TASK}&queue=${HEALTH_CHECK_QUEUE}`,
  "27 * * * * audit:prune ?max=3",
  "37 * * * * api:prune_idempotency_keys ?max=3",
  "47 * * * * jobs:prune_failed ?max=3",
  "*/5 * * * * jobs:unlock_stale ?max=1&jobKey=jobs:unlock_stale",
  "7 * * * * links:expiring_reminders ?max=5&jobKey=links:expiring_reminders&queue=mail",
  "0 7 * * * notifications:daily_digest ?max=5&jobKey=notifications:daily_digest&queue=mail",
  "* * * * * notifications:downloads ?max=5&jobKey=notifications:downloads&queue=mail",
  "*/10 * * * * storage_events:prune ?max=3",
].join("\n");
