/**
 * lib/limits/budget.ts: the window of a costly action is timed by PostgreSQL's clock, so instances whose
 * clocks disagree share one window, and parallel attempts never get past the limit.
 */
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { newRecordId } from "@/lib/crypto";
import { db } from "@/lib/db/client";
import { pruneBudgets, spendBudget } from "@/lib/limits/budget";

const subjects: string[] = [];
function subject(): string {
  const s = `test-budget:${newRecordId()}`;
  subjects.push(s);
  return s;
}
afterEach(() => {
  vi.useRealTimers();
});
afterAll(async () => {
  await db.actionBudget.deleteMany({ where: { subject: { in: subjects } } });
});

describe("spendBudget", () => {
  it("lets `limit` attempts through in parallel and refuses the rest with the time left", async () => {
    const s = subject();
    const results = await Promise.all(Array.from({ length: 8 }, () => spendBudget(s, 3, 60_000)));
    expect(results.filter((r) => r.ok)).toHaveLength(3);
    for (const refused of results.filter((r) => !r.ok)) expect(refused).toMatchObject({ ok: false, retryInSeconds: expect.any(Number) });
    const waits = results.flatMap((r) => (r.ok ? [] : [r.retryInSeconds]));
    expect(Math.min(...waits)).toBeGreaterThanOrEqual(59);
    expect(Math.max(...waits)).toBeLessThanOrEqual(60);
  });

  it("keeps the window when an instance's clock runs ahead of the database's", async () => {
    const s = subject();
    expect(await spendBudget(s, 1, 60_000)).toEqual({ ok: true });
    // A second instance whose clock is five minutes ahead: the window it sees has not ended.
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 5 * 60_000 });
    expect(await spendBudget(s, 1, 60_000)).toMatchObject({ ok: false });
  });

  it("starts a new window once the database's clock has passed the old one", async () => {
    const s = subject();
    expect(await spendBudget(s, 1, 60_000)).toEqual({ ok: true });
    expect(await spendBudget(s, 1, 60_000)).toMatchObject({ ok: false });
    await db.$executeRaw`UPDATE action_budgets SET window_start = statement_timestamp() - interval '61 seconds' WHERE subject = ${s}`;
    expect(await spendBudget(s, 1, 60_000)).toEqual({ ok: true });
  });

  it("prunes windows older than a day, by the database's clock", async () => {
    const old = subject();
    const fresh = subject();
    await spendBudget(old, 1, 60_000);
    await spendBudget(fresh, 1, 60_000);
    await db.$executeRaw`UPDATE action_budgets SET window_start = statement_timestamp() - interval '25 hours' WHERE subject = ${old}`;
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 3 * 86_400_000 });
    await pruneBudgets();
    const left = await db.actionBudget.findMany({ where: { subject: { in: [old, fresh] } }, select: { subject: true } });
    expect(left.map((r) => r.subject)).toEqual([fresh]);
  });
});
