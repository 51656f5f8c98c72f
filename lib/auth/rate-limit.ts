import "server-only";
import { db } from "@/lib/db";
import { MAX_FAILURES_PER_ADDRESS, MAX_FAILURES_PER_EMAIL, SIGN_IN_WINDOW_MS } from "@/lib/auth/limits";

export { retryMessage } from "@/lib/auth/limits";

/**
 * Failed sign-ins are counted per email and per client address over a sliding window, in
 * PostgreSQL so the limit holds across restarts and instances. Each attempt is written down
 * *before* its password is checked, so requests sent in parallel cannot all slip under the limit.
 */

export type AttemptState = {
  /** More attempts on record than allowed: refuse this one. */
  exceeded: boolean;
  /** The next attempt would be refused (until `until`). */
  atLimit: boolean;
  until: Date | null;
};

async function recent(where: { email: string } | { clientAddress: string }, take: number, since: Date) {
  return db.signInFailure.findMany({
    where: { ...where, createdAt: { gt: since } },
    orderBy: { createdAt: "desc" },
    take,
    select: { createdAt: true },
  });
}

export async function signInAttemptState(email: string, clientAddress: string, now = new Date()): Promise<AttemptState> {
  const since = new Date(now.getTime() - SIGN_IN_WINDOW_MS);
  const [byEmail, byAddress] = await Promise.all([
    recent({ email }, MAX_FAILURES_PER_EMAIL + 1, since),
    recent({ clientAddress }, MAX_FAILURES_PER_ADDRESS + 1, since),
  ]);
  // Another attempt is allowed once fewer than max attempts remain in the window.
  const until = [
    byEmail.length >= MAX_FAILURES_PER_EMAIL ? byEmail[MAX_FAILURES_PER_EMAIL - 1]!.createdAt : null,
    byAddress.length >= MAX_FAILURES_PER_ADDRESS ? byAddress[MAX_FAILURES_PER_ADDRESS - 1]!.createdAt : null,
  ]
    .filter((d): d is Date => d !== null)
    .map((d) => d.getTime() + SIGN_IN_WINDOW_MS);
  return {
    exceeded: byEmail.length > MAX_FAILURES_PER_EMAIL || byAddress.length > MAX_FAILURES_PER_ADDRESS,
    atLimit: until.length > 0,
    until: until.length > 0 ? new Date(Math.max(...until)) : null,
  };
}

/** Writes an attempt down (it counts as failed unless the sign-in succeeds); returns its id. */
export async function recordSignInAttempt(email: string, clientAddress: string): Promise<bigint> {
  const row = await db.signInFailure.create({ data: { email, clientAddress }, select: { id: true } });
  return row.id;
}

/** Forgets one attempt (refused before its password was even checked). */
export async function forgetSignInAttempt(id: bigint): Promise<void> {
  await db.signInFailure.deleteMany({ where: { id } });
}

/** After a successful sign-in the email's failures no longer count; old rows are pruned. */
export async function clearSignInFailures(email: string, now = new Date()): Promise<void> {
  await db.signInFailure.deleteMany({
    where: { OR: [{ email }, { createdAt: { lt: new Date(now.getTime() - 24 * 60 * 60 * 1000) } }] },
  });
}
