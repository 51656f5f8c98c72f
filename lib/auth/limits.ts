/**
 * Limits on guessing (sign-in, setup code, current password); enforced by lib/auth/rate-limit.ts.
 * Pure numbers and arithmetic, so the schedule is unit-tested without a database.
 *
 * 1. Per (subject, address) pair, growing back-off: the first 5 failures cost nothing; after the
 *    5th the next try waits 1 minute, then 2, 4, 8, and 15 minutes after every later failure.
 *    A pair's failures are remembered for 24 hours (or until it succeeds).
 *    An IPv6 client counts by its /64 here.
 * 2. Per address and scope (an IPv6 address counts by its /48): at most 20 failures in 15 minutes
 *    whatever the subject (random emails included), counting only that scope's failures (link
 *    passwords mistyped behind a shared NAT do not hold back the owner's sign-in there).
 * 3. Per subject (an email, the setup code, one user's current password, one link's password): at
 *    most 50 failures in 15 minutes, from all addresses together (a spread-out guesser). A sign-in
 *    from a browser that has signed in to that email before (lib/auth/known-browser.ts) is exempt,
 *    so strangers spread over many addresses cannot keep the owner out of their usual browser.
 * 4. Per managed link, from all addresses together, an escalating lock-out: every 10th wrong
 *    password locks the link for 1 minute, then 5, 15, and 1 hour for each 10 after that (failures
 *    are remembered for 24 hours, and a right password does not take them back). A browser that
 *    unlocked the link before carries a cookie (lib/recipient/link-known-browser.ts) that exempts
 *    it, so a stranger's guessing cannot keep a recipient out; the pair back-off and the
 *    per-address cap still apply to it. The owner can clear the lock-out on the link's page.
 * A stranger at one address reaches at most ~9 failures on an email in 15 minutes, far below the
 * subject cap.
 */

export const FREE_FAILURES_PER_PAIR = 5;
export const FIRST_BACKOFF_MS = 60 * 1000;
export const MAX_BACKOFF_MS = 15 * 60 * 1000;
/** How long a pair's failures count for its back-off; also how long failure rows are kept. */
export const PAIR_MEMORY_MS = 24 * 60 * 60 * 1000;

export const CAP_WINDOW_MS = 15 * 60 * 1000;
export const MAX_FAILURES_PER_ADDRESS = 20;
export const MAX_FAILURES_PER_SUBJECT = 50;

/** Failure rows older than this are deleted by the scheduled pruning (auth:prune_failures every 10 minutes, lib/jobs). */
export const FAILURE_RETENTION_MS = PAIR_MEMORY_MS;

/** How long a pair must wait after its `failures`-th failure (0 while it is within the free ones). */
export function backoffAfter(failures: number): number {
  if (failures < FREE_FAILURES_PER_PAIR) return 0;
  const doublings = failures - FREE_FAILURES_PER_PAIR;
  return Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** Math.min(doublings, 20));
}

/** Whole minutes until `until`, at least 1: the N of "Try again in N minutes". */
export function retryMinutes(until: Date, now = new Date()): number {
  return Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 60_000));
}

export function retryMessage(until: Date, now = new Date()): string {
  const minutes = retryMinutes(until, now);
  return `Too many failed attempts. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`;
}

export const LINK_LOCK_EVERY = 10;
export const LINK_LOCK_STEPS_MS = [60 * 1000, 5 * 60 * 1000, 15 * 60 * 1000, 60 * 60 * 1000] as const;
/** Enough rows to know the lock of any link within PAIR_MEMORY_MS (at most one 1-hour lock per 10 failures). */
export const LINK_LOCK_ROWS = LINK_LOCK_EVERY * (LINK_LOCK_STEPS_MS.length + Math.ceil(PAIR_MEMORY_MS / LINK_LOCK_STEPS_MS.at(-1)!) + 2);

/**
 * When a link's latest lock-out ends (possibly in the past), from its remembered failures, oldest
 * first; null before the 10th. The k-th lock starts at the (10·k)-th failure.
 */
export function linkLockedUntil(failures: readonly Date[]): Date | null {
  const locks = Math.floor(failures.length / LINK_LOCK_EVERY);
  if (locks === 0) return null;
  const start = failures[locks * LINK_LOCK_EVERY - 1]!.getTime();
  return new Date(start + LINK_LOCK_STEPS_MS[Math.min(locks, LINK_LOCK_STEPS_MS.length) - 1]!);
}
