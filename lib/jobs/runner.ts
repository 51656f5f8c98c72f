import "server-only";
import { Logger, parseCrontab, run, type Runner, type TaskList } from "graphile-worker";
import { getRuntimeSecrets } from "@/lib/env";
import { log } from "@/lib/log";
import { CRONTAB, TASKS } from "@/lib/jobs/tasks";

/**
 * The job runner: graphile-worker inside the app process. Every instance runs one; PostgreSQL hands
 * each job to one of them (SELECT … FOR UPDATE SKIP LOCKED), LISTEN/NOTIFY wakes a runner the moment
 * a job is added (the poll interval is only the fallback), and the schedule (CRONTAB) fires once per
 * time across instances. A job that runs long holds one of CONCURRENCY slots, never the others.
 */

export const CONCURRENCY = 4;

const logger = new Logger((scope) => (level, message) => {
  const fields = { task: scope.taskIdentifier, job: scope.jobId, message };
  if (level === "error") log.warn("jobs.runner", fields);
  else if (level === "warning") log.warn("jobs.runner", fields);
  else log.debug("jobs.runner", fields);
});

export type JobRunnerOptions = {
  connectionString?: string;
  concurrency?: number;
  /** Milliseconds between polls when no NOTIFY came (jobs whose run_at arrives, a lost notification). */
  pollInterval?: number;
  /** Run the schedule (false in tests: they add the jobs they mean). */
  cron?: boolean;
  /** More tasks (tests). */
  tasks?: TaskList;
};

export async function startJobRunner(options: JobRunnerOptions = {}): Promise<Runner> {
  const concurrency = options.concurrency ?? CONCURRENCY;
  return run({
    connectionString: options.connectionString ?? getRuntimeSecrets().databaseUrl,
    concurrency,
    maxPoolSize: concurrency + 2,
    noHandleSignals: true,
    pollInterval: options.pollInterval ?? 2_000,
    taskList: { ...TASKS, ...options.tasks },
    parsedCronItems: options.cron === false ? [] : parseCrontab(CRONTAB),
    logger,
  });
}

const globalForJobs = globalThis as unknown as { bucketshareJobRunner?: Promise<Runner | null> };

/**
 * Starts this process's runner once (instrumentation.ts at server start). A database that is not
 * answering yet is tried again every 30 s; the runner never keeps the process from exiting.
 */
export function ensureJobRunner(): void {
  if (globalForJobs.bucketshareJobRunner) return;
  const attempt = (): Promise<Runner | null> =>
    startJobRunner().then(
      (runner) => {
        log.info("jobs.runner_started", { concurrency: CONCURRENCY });
        return runner;
      },
      (error: unknown) => {
        log.warn("jobs.runner_start_failed", { error });
        return new Promise((resolve) => setTimeout(() => resolve(attempt()), 30_000).unref());
      },
    );
  globalForJobs.bucketshareJobRunner = attempt();
}
