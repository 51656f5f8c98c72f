/**
 * Runs once when a Next server process starts (Next's instrumentation hook): background jobs that
 * every instance runs. Failed sign-in attempts are pruned on a schedule (lib/auth/rate-limit.ts);
 * an advisory lock keeps several instances from pruning at the same moment. Webhook deliveries are
 * sent by a polling worker (lib/webhooks/worker.ts); instances share the queue through
 * `FOR UPDATE SKIP LOCKED`. Access-log rows older than ACCESS_LOG_RETENTION_DAYS are deleted hourly
 * (lib/links/access-log-retention.ts), under an advisory lock too. Audit-log rows older than AUDIT_RETENTION_DAYS likewise (lib/audit/retention.ts). Uploads left unfinished for 24 hours are aborted hourly (lib/uploads/store.ts). Nothing starts during `next build` (Next skips this hook then too).
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs" || process.env.NEXT_PHASE === "phase-production-build") return;
  const { ensureFailurePruning } = await import("@/lib/auth/rate-limit");
  ensureFailurePruning();
  const { ensureDeliveryWorker } = await import("@/lib/webhooks/worker");
  ensureDeliveryWorker();
  const { ensureIdempotencyPruning } = await import("@/lib/api/idempotency");
  ensureIdempotencyPruning();
  const { ensureAccessLogPruning } = await import("@/lib/links/access-log-retention");
  ensureAccessLogPruning();
  const { ensureAuditPruning } = await import("@/lib/audit/retention");
  ensureAuditPruning();
  const { ensureUploadCleanup } = await import("@/lib/uploads/store");
  ensureUploadCleanup();
  const { ensureRequestDigests } = await import("@/lib/upload-requests/notify");
  ensureRequestDigests();
}
