/**
 * Runs once when a Next server process starts (Next's instrumentation hook): background jobs that
 * every instance runs. Failed sign-in attempts are pruned on a schedule (lib/auth/rate-limit.ts);
 * an advisory lock keeps several instances from pruning at the same moment.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { ensureFailurePruning } = await import("@/lib/auth/rate-limit");
  ensureFailurePruning();
}
