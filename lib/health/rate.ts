/**
 * The health checker's pace per storage connection: a token bucket (a setting, default 5 requests/s,
 * at most MAX_CHECK_RATE) that spreads checks evenly (a burst of 1 by default: a million links make
 * no burst), and backs off when the provider throttles (429, 503 SlowDown): the pace halves and the
 * connection pauses for a back-off that doubles with each throttle in a row (or the provider's
 * Retry-After, when longer), up to MAX_BACKOFF_MS. Successes win the pace back step by step.
 *
 * Pure: the state is a plain value and the clock is a number of milliseconds passed in; the
 * RateLimiter class only keeps one state per connection around an injected clock. One instance's
 * pace: with several instances the scheduler hands each its share (or one instance the connection).
 */

export const DEFAULT_CHECK_RATE = 5;
/** Never more than this, whatever the setting says (S3's own limit per prefix is far above it; other providers' are lower). */
export const MAX_CHECK_RATE = 50;
/** The pace never falls below this while throttled (one check every 10 s). */
export const MIN_CHECK_RATE = 0.1;
export const BASE_BACKOFF_MS = 1_000;
export const MAX_BACKOFF_MS = 5 * 60_000;
/** The share of the configured rate each success wins back. */
const RECOVERY_STEP = 0.05;

export type RateConfig = {
  /** Requests per second (the connection's setting). */
  rate: number;
  /** How many requests may go at once after a quiet spell (default 1: evenly spaced). */
  burst?: number;
};

export type RateState = {
  /** Tokens in the bucket (fractions accumulate). */
  tokens: number;
  /** When `tokens` was last brought up to date (ms). */
  at: number;
  /** The pace now (≤ the configured rate; lower while recovering from throttling). */
  rate: number;
  /** No request before this (ms), after a throttle. */
  pausedUntil: number;
  /** Throttles in a row (the back-off doubles with each). */
  strikes: number;
};

/** Why a rate setting is refused (0, negative, not a number, above the maximum); null when it is fine. */
export function checkRateProblem(rate: number): string | null {
  if (!Number.isFinite(rate) || rate <= 0) return `Enter a rate above 0 requests per second (at most ${MAX_CHECK_RATE}).`;
  if (rate > MAX_CHECK_RATE) return `At most ${MAX_CHECK_RATE} requests per second per connection.`;
  return null;
}

function assertConfig(config: RateConfig): void {
  const problem = checkRateProblem(config.rate);
  if (problem) throw new RangeError(problem);
  if (config.burst !== undefined && !(Number.isInteger(config.burst) && config.burst >= 1))
    throw new RangeError("The burst must be a whole number of at least 1.");
}

const burstOf = (config: RateConfig) => config.burst ?? 1;

/** A full bucket at the configured pace. */
export function initialRateState(config: RateConfig, now: number): RateState {
  assertConfig(config);
  return { tokens: burstOf(config), at: now, rate: config.rate, pausedUntil: 0, strikes: 0 };
}

/** The state brought up to `now` (tokens earned since), with the pace clamped to a changed setting. */
function refill(state: RateState, config: RateConfig, now: number): RateState {
  const rate = Math.min(state.rate, config.rate);
  // Nothing is earned while paused, nor backwards in time (a clock that stepped back).
  const from = Math.max(state.at, state.pausedUntil);
  const earned = now > from ? ((now - from) / 1_000) * rate : 0;
  return { ...state, rate, tokens: Math.min(burstOf(config), state.tokens + earned), at: Math.max(state.at, now) };
}

export type Take = { ok: true; state: RateState } | { ok: false; state: RateState; waitMs: number };

/** One request now, if the pace allows; otherwise how long to wait before asking again. */
export function takeToken(state: RateState, config: RateConfig, now: number): Take {
  assertConfig(config);
  const current = refill(state, config, now);
  if (now < current.pausedUntil) return { ok: false, state: current, waitMs: current.pausedUntil - now };
  if (current.tokens >= 1) return { ok: true, state: { ...current, tokens: current.tokens - 1 } };
  return { ok: false, state: current, waitMs: Math.ceil(((1 - current.tokens) / current.rate) * 1_000) };
}

/**
 * The provider throttled (429, 503 SlowDown): halve the pace, drop the saved burst and pause for
 * BASE_BACKOFF_MS × 2^(throttles in a row − 1), or the provider's Retry-After when longer, at most MAX_BACKOFF_MS.
 */
export function throttled(state: RateState, config: RateConfig, now: number, retryAfterMs?: number): RateState {
  const current = refill(state, config, now);
  const strikes = current.strikes + 1;
  const backoff = Math.min(MAX_BACKOFF_MS, Math.max(BASE_BACKOFF_MS * 2 ** (strikes - 1), retryAfterMs ?? 0));
  // One request may go when the pause ends (earning restarts then, at the halved pace).
  return { ...current, tokens: 1, rate: Math.max(MIN_CHECK_RATE, current.rate / 2), strikes, pausedUntil: Math.max(current.pausedUntil, now + backoff) };
}

/** A request that was not throttled: the throttles in a row end, and the pace climbs back by a step towards the setting. */
export function succeeded(state: RateState, config: RateConfig, now: number): RateState {
  const current = refill(state, config, now);
  return { ...current, strikes: 0, rate: Math.min(config.rate, current.rate + config.rate * RECOVERY_STEP) };
}

/** One pace per connection, around an injected clock (ms). */
export class RateLimiter {
  private readonly states = new Map<string, RateState>();

  constructor(
    private readonly configOf: (connectionId: string) => RateConfig,
    private readonly now: () => number,
  ) {}

  private state(connectionId: string): RateState {
    return this.states.get(connectionId) ?? initialRateState(this.configOf(connectionId), this.now());
  }

  /** True when a request may go now (and counts it); otherwise the wait in ms. */
  take(connectionId: string): { ok: true } | { ok: false; waitMs: number } {
    const result = takeToken(this.state(connectionId), this.configOf(connectionId), this.now());
    this.states.set(connectionId, result.state);
    return result.ok ? { ok: true } : { ok: false, waitMs: result.waitMs };
  }

  /** After the request: `slowDown` as the outcome decided (lib/health/outcome.ts), with the provider's Retry-After if any. */
  record(connectionId: string, answer: { slowDown: boolean; retryAfterMs?: number }): void {
    const config = this.configOf(connectionId);
    const state = this.state(connectionId);
    this.states.set(connectionId, answer.slowDown ? throttled(state, config, this.now(), answer.retryAfterMs) : succeeded(state, config, this.now()));
  }

  /** The pace now (requests/s), for the log and the settings page. */
  pace(connectionId: string): number {
    return Math.min(this.state(connectionId).rate, this.configOf(connectionId).rate);
  }
}
