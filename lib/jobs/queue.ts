import "server-only";
import { db } from "@/lib/db/client";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { log } from "@/lib/log";
import { MAIL_QUEUE, MAIL_TASKS, WEBHOOK_DELIVERY_TASK, deliveryJobKey } from "@/lib/jobs/names";

/**
 * Putting work on the job queue (graphile-worker's tables in the `graphile_worker` schema, created
 * by lib/jobs/runner.ts at start). Jobs are added with SQL (graphile_worker.add_job), so a caller can
 * add one in the same transaction as the rows it is about (a download and its webhook event). A job
 * key makes the job unique: adding it again replaces the waiting one (or, with "preserve_run_at",
 * leaves its time alone), so "run the digest soon" from many uploads is one job.
 */

export type QueueOptions = {
  runAt?: Date;
  jobKey?: string;
  jobKeyMode?: "replace" | "preserve_run_at";
  maxAttempts?: number;
  /** A named queue: its jobs run one at a time across all instances (the health checker's passes). */
  queueName?: string;
  client?: Pick<PrismaClient, "$executeRaw">;
};

/** Adds a job; false when the queue's schema does not exist yet (before the first start) or the database refused. Never throws. */
export async function queueJob(task: string, payload: Record<string, unknown> = {}, options: QueueOptions = {}): Promise<boolean> {
  const client = options.client ?? db;
  try {
    await client.$executeRaw`
      SELECT graphile_worker.add_job(
        ${task}::text, ${JSON.stringify(payload)}::json,
        queue_name := ${options.queueName ?? (MAIL_TASKS.has(task) ? MAIL_QUEUE : null)}::text,
        run_at := ${options.runAt ?? null}::timestamptz,
        max_attempts := ${options.maxAttempts ?? null}::int,
        job_key := ${options.jobKey ?? null}::text,
        job_key_mode := ${options.jobKeyMode ?? "replace"}::text)`;
    return true;
  } catch (error) {
    log.warn("jobs.queue_failed", { task, error });
    return false;
  }
}

/**
 * Queues the delivery of one webhook_deliveries row at its next attempt (one job per row: its key).
 * "replace" (an attempt was just recorded: this is the row's time) or "preserve_run_at" (a guess).
 */
export function queueDelivery(
  id: bigint | string,
  runAt: Date,
  options: { client?: QueueOptions["client"]; jobKeyMode?: QueueOptions["jobKeyMode"] } = {},
): Promise<boolean> {
  return queueJob(WEBHOOK_DELIVERY_TASK, { id: String(id) }, { runAt, jobKey: deliveryJobKey(id), maxAttempts: 1, ...options });
}
