/**
 * Runs once when a Next server process starts (Next's instrumentation hook): this instance's job
 * runner (lib/jobs/runner.ts, graphile-worker on PostgreSQL). All background work runs on it, once
 * across instances, with retries and back-off: webhook deliveries, the upload clean-up, the upload
 * requests' e-mail, and the pruning of sign-in failures, idempotency keys, access-log and audit-log
 * rows and old deliveries (the schedule: lib/jobs/tasks.ts CRONTAB). Nothing starts during
 * `next build` (Next skips this hook then too).
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs" || process.env.NEXT_PHASE === "phase-production-build") return;
  const { ensureJobRunner } = await import("@/lib/jobs/runner");
  ensureJobRunner();
}
