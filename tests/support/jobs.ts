import { db } from "@/lib/db/client";
import { startJobRunner, type JobRunnerOptions } from "@/lib/jobs/runner";

/**
 * The job queue in tests: one shared database, so jobs other test files queued (their webhook rows,
 * their uploads) are dropped first; runners start without the schedule (tests add the jobs they
 * mean) and poll often, so a job whose time comes never waits for a long interval.
 */
export async function clearJobQueue(): Promise<void> {
  await db.$executeRawUnsafe("DELETE FROM graphile_worker._private_jobs");
  // A named queue ("mail", the health checks) stays locked by a runner that held one of the deleted jobs.
  await db.$executeRawUnsafe("DELETE FROM graphile_worker._private_job_queues");
}

export function startTestRunner(options: JobRunnerOptions = {}) {
  return startJobRunner({ cron: false, pollInterval: 100, ...options });
}
