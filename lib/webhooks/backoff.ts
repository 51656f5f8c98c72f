/**
 * When a failed delivery is tried again: 10 s, 30 s, 2 min, 10 min, 1 h, 6 h, 12 h after each
 * failure in turn, and no more after the 8th attempt (about 19 hours after the event). Pure.
 */

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

export const RETRY_DELAYS_MS: readonly number[] = [10 * SECOND, 30 * SECOND, 2 * MINUTE, 10 * MINUTE, HOUR, 6 * HOUR, 12 * HOUR];
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;

export type RetrySchedule = { delaysMs: readonly number[]; maxAttempts: number };
export const DEFAULT_SCHEDULE: RetrySchedule = { delaysMs: RETRY_DELAYS_MS, maxAttempts: MAX_ATTEMPTS };

/**
 * After `attempts` attempts (this one included) have failed: when to try again, or null to give up.
 * A schedule shorter than maxAttempts - 1 repeats its last delay.
 */
export function nextRetryAt(attempts: number, failedAt: Date, schedule: RetrySchedule = DEFAULT_SCHEDULE): Date | null {
  if (attempts >= schedule.maxAttempts) return null;
  const { delaysMs } = schedule;
  const delay = delaysMs[Math.min(Math.max(attempts, 1), delaysMs.length) - 1] ?? 0;
  return new Date(failedAt.getTime() + delay);
}
