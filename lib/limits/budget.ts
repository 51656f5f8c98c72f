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

export async function spendBudget(subject: string, limit: number, windowMs: number, now = new Date()): Promise<BudgetResult> {
  const windowEnds = new Date(now.getTime() - windowMs);
  const [row] = await db.$queryRaw<{ count: number; window_start: Date }[]>`
    INSERT INTO action_budgets (subject, window_start, count) VALUES (${subject}, ${now}, 1)
    ON CONFLICT (subject) DO UPDATE SET
      count = CASE WHEN action_budgets.window_start <= ${windowEnds} THEN 1 ELSE action_budgets.count + 1 END,
      window_start = CASE WHEN action_budgets.window_start <= ${windowEnds} THEN ${now} ELSE action_budgets.window_start END
    RETURNING count, window_start`;
  if (!row || row.count <= limit) return { ok: true };
  return { ok: false, retryInSeconds: Math.max(1, Math.ceil((row.window_start.getTime() + windowMs - now.getTime()) / 1000)) };
}

/** Gives a subject's window back (a claim whose work failed). */
export async function releaseBudget(subject: string): Promise<void> {
  await db.actionBudget.deleteMany({ where: { subject } });
}

/** Windows that ended more than a day ago (the pruning job with the sign-in failures). */
export async function pruneBudgets(now = new Date()): Promise<number> {
  return db.$executeRaw`DELETE FROM action_budgets WHERE window_start < ${new Date(now.getTime() - 86_400_000)}`;
}
