import "server-only";
import { db } from "@/lib/db/client";

/**
 * A budget for something costly a signed-in person may do by hand (Check now makes HeadObjects on the
 * team's storage): at most `limit` per fixed window of `windowMs` per subject. One UPSERT counts the
 * attempt and starts a new window when the last one ended, so parallel requests and several instances
 * share one count (PostgreSQL locks the subject's row). A refused attempt is counted too (it changes
 * nothing else), so hammering does not earn more.
 */
export type BudgetResult = { ok: true } | { ok: false; retryInSeconds: number };

export async function spendBudget(subject: string, limit: number, windowMs: number): Promise<BudgetResult> {
  // The window is timed by the database's clock, not this instance's: instances whose clocks differ share one
  // window. The columns are UTC timestamps, so the clock is read in UTC whatever the session's TimeZone.
  const [row] = await db.$queryRaw<{ count: number; retry_ms: number }[]>`
    WITH clock AS (SELECT statement_timestamp() AT TIME ZONE 'UTC' AS now)
    INSERT INTO action_budgets AS b (subject, window_start, count) SELECT ${subject}, clock.now, 1 FROM clock
    ON CONFLICT (subject) DO UPDATE SET
      count = CASE WHEN b.window_start <= (SELECT now FROM clock) - make_interval(secs => ${windowMs / 1000}) THEN 1 ELSE b.count + 1 END,
      window_start = CASE WHEN b.window_start <= (SELECT now FROM clock) - make_interval(secs => ${windowMs / 1000})
        THEN (SELECT now FROM clock) ELSE b.window_start END
    RETURNING count, extract(epoch FROM b.window_start - (statement_timestamp() AT TIME ZONE 'UTC'))::float8 * 1000 + ${windowMs}::float8 AS retry_ms`;
  return verdict(row, limit, windowMs);
}

/**
 * Whether a subject's budget is already spent, without counting anything (one primary-key read): a door open to
 * strangers (the storage-event hook) turns a flood away with this read, and spends (one atomic UPSERT, which decides)
 * only while the budget is not spent, so a flood past the limit writes nothing and queues on no row lock.
 */
export async function peekBudget(subject: string, limit: number, windowMs: number): Promise<BudgetResult> {
  const [row] = await db.$queryRaw<{ count: number; retry_ms: number }[]>`
    SELECT count, extract(epoch FROM window_start - (statement_timestamp() AT TIME ZONE 'UTC'))::float8 * 1000 + ${windowMs}::float8 AS retry_ms
    FROM action_budgets
    WHERE subject = ${subject} AND window_start > (statement_timestamp() AT TIME ZONE 'UTC') - make_interval(secs => ${windowMs / 1000})`;
  return row && row.count >= limit ? verdict({ count: limit + 1, retry_ms: row.retry_ms }, limit, windowMs) : { ok: true };
}

function verdict(row: { count: number; retry_ms: number } | undefined, limit: number, windowMs: number): BudgetResult {
  if (!row || row.count <= limit) return { ok: true };
  // A parallel attempt that waited for the row's lock started before the window it found: never more than a window.
  return { ok: false, retryInSeconds: Math.min(Math.ceil(windowMs / 1000), Math.max(1, Math.ceil(row.retry_ms / 1000))) };
}

/** Gives a subject's window back (a claim whose work failed). */
export async function releaseBudget(subject: string): Promise<void> {
  await db.actionBudget.deleteMany({ where: { subject } });
}

/** Windows that ended more than a day ago (the pruning job with the sign-in failures). */
export async function pruneBudgets(): Promise<number> {
  return db.$executeRaw`DELETE FROM action_budgets WHERE window_start < (statement_timestamp() AT TIME ZONE 'UTC') - interval '1 day'`;
}
