import { describe, expect, it } from "vitest";
import {
  BASE_BACKOFF_MS,
  checkRateProblem,
  DEFAULT_CHECK_RATE,
  initialRateState,
  MAX_BACKOFF_MS,
  MAX_CHECK_RATE,
  MIN_CHECK_RATE,
  RateLimiter,
  succeeded,
  takeToken,
  throttled,
  type RateConfig,
  type RateState,
} from "@/lib/health/rate";

/** The health checker's pace per connection: a token bucket with back-off on 429/503, on a clock the test moves. */

/** Runs requests as fast as the limiter lets them go, from `start` for `durationMs`; returns when each went. */
function drive(
  config: RateConfig,
  start: number,
  durationMs: number,
  state: RateState = initialRateState(config, start),
): { sent: number[]; state: RateState } {
  const sent: number[] = [];
  let now = start;
  let current = state;
  while (now < start + durationMs) {
    const take = takeToken(current, config, now);
    current = take.state;
    if (take.ok) sent.push(now);
    else now += take.waitMs;
  }
  return { sent, state: current };
}

describe("the rate setting", () => {
  it("defaults to 5 requests/s and refuses 0, negative, not a number, or above the maximum", () => {
    expect(DEFAULT_CHECK_RATE).toBe(5);
    expect(checkRateProblem(5)).toBeNull();
    expect(checkRateProblem(0.5)).toBeNull();
    expect(checkRateProblem(MAX_CHECK_RATE)).toBeNull();
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) expect(checkRateProblem(bad)).toMatch(/above 0/);
    expect(checkRateProblem(MAX_CHECK_RATE + 1)).toBe(`At most ${MAX_CHECK_RATE} requests per second per connection.`);
    expect(() => initialRateState({ rate: 0 }, 0)).toThrow(RangeError);
    expect(() => takeToken(initialRateState({ rate: 5 }, 0), { rate: MAX_CHECK_RATE * 2 }, 0)).toThrow(RangeError);
    expect(() => initialRateState({ rate: 5, burst: 0 }, 0)).toThrow(RangeError);
  });
});

describe("takeToken: the token bucket", () => {
  it("spreads requests evenly at the rate (no burst by default): 5/s is one every 200 ms", () => {
    const { sent } = drive({ rate: 5 }, 1_000_000, 10_000);
    expect(sent).toHaveLength(50);
    expect(new Set(sent.slice(1).map((t, i) => t - sent[i]!))).toEqual(new Set([200]));
  });

  it("a full pass takes the time the rate says: 1,000 checks at 5/s in 200 s", () => {
    const config = { rate: 5 };
    let state = initialRateState(config, 0);
    let now = 0;
    for (let done = 0; done < 1_000; ) {
      const take = takeToken(state, config, now);
      state = take.state;
      if (take.ok) done++;
      else now += take.waitMs;
    }
    expect(now).toBe(199_800);
  });

  it("allows a burst up to its size after a quiet spell, never more", () => {
    const config = { rate: 2, burst: 3 };
    let state = initialRateState(config, 0);
    const results = [1, 2, 3, 4].map(() => {
      const take = takeToken(state, config, 0);
      state = take.state;
      return take.ok;
    });
    expect(results).toEqual([true, true, true, false]);
    // An hour of quiet saves no more than the burst.
    const later = [1, 2, 3, 4].map(() => {
      const take = takeToken(state, config, 3_600_000);
      state = take.state;
      return take.ok;
    });
    expect(later).toEqual([true, true, true, false]);
  });

  it("says how long to wait, and earns nothing when the clock steps back", () => {
    const config = { rate: 4 };
    const first = takeToken(initialRateState(config, 10_000), config, 10_000);
    expect(first.ok).toBe(true);
    const second = takeToken(first.state, config, 10_100);
    expect(second).toMatchObject({ ok: false, waitMs: 150 });
    const back = takeToken(second.state, config, 5_000);
    expect(back.ok).toBe(false);
    expect(takeToken(back.state, config, 10_250).ok).toBe(true);
  });

  it("follows a lowered setting at once", () => {
    const state = drive({ rate: 10 }, 0, 1_000).state;
    const { sent } = drive({ rate: 1 }, 1_000, 5_000, state);
    expect(sent.length).toBeLessThanOrEqual(6);
    expect(sent.length).toBeGreaterThanOrEqual(4);
  });
});

describe("back-off on 429/503", () => {
  const config = { rate: 8 };

  it("pauses the connection for 1 s, then 2, 4, 8 … (doubling with each throttle in a row) and halves the pace", () => {
    let state = initialRateState(config, 0);
    const pauses: number[] = [];
    const rates: number[] = [];
    let now = 0;
    for (let i = 0; i < 4; i++) {
      state = throttled(state, config, now);
      pauses.push(state.pausedUntil - now);
      rates.push(state.rate);
      now = state.pausedUntil;
    }
    expect(pauses).toEqual([BASE_BACKOFF_MS, 2 * BASE_BACKOFF_MS, 4 * BASE_BACKOFF_MS, 8 * BASE_BACKOFF_MS]);
    expect(rates).toEqual([4, 2, 1, 0.5]);
  });

  it("refuses every request during the pause, lets one go when it ends, then keeps the halved pace", () => {
    let state = throttled(initialRateState(config, 0), config, 0);
    const during = takeToken(state, config, 400);
    expect(during).toMatchObject({ ok: false, waitMs: 600 });
    state = during.state;
    const { sent } = drive(config, 1_000, 2_000, state);
    expect(sent[0]).toBe(1_000);
    // 4/s after the pause: one every 250 ms.
    expect(sent.slice(0, 4)).toEqual([1_000, 1_250, 1_500, 1_750]);
  });

  it("honours a longer Retry-After, and never pauses longer than the maximum nor paces below the minimum", () => {
    expect(throttled(initialRateState(config, 0), config, 0, 30_000).pausedUntil).toBe(30_000);
    expect(throttled(initialRateState(config, 0), config, 0, 10).pausedUntil).toBe(BASE_BACKOFF_MS);
    let state = initialRateState(config, 0);
    for (let i = 0; i < 40; i++) state = throttled(state, config, state.pausedUntil);
    const now = state.pausedUntil;
    state = throttled(state, config, now, 24 * 3_600_000);
    expect(state.pausedUntil - now).toBe(MAX_BACKOFF_MS);
    expect(state.rate).toBe(MIN_CHECK_RATE);
  });

  it("wins the pace back step by step with successes, and a success ends the doubling", () => {
    let state = throttled(initialRateState(config, 0), config, 0);
    state = throttled(state, config, state.pausedUntil);
    expect(state).toMatchObject({ rate: 2, strikes: 2 });
    const now = state.pausedUntil;
    state = succeeded(state, config, now);
    expect(state).toMatchObject({ rate: 2.4, strikes: 0 });
    // The next throttle starts the back-off again at 1 s.
    expect(throttled(state, config, now).pausedUntil - now).toBe(BASE_BACKOFF_MS);
    for (let i = 0; i < 100; i++) state = succeeded(state, config, now);
    expect(state.rate).toBe(8);
  });
});

describe("RateLimiter: one pace per connection on an injected clock", () => {
  it("keeps connections apart: one throttled connection does not slow another", () => {
    let now = 0;
    const limiter = new RateLimiter(
      (id) => ({ rate: id === "slow" ? 1 : 5 }),
      () => now,
    );
    expect(limiter.take("a")).toEqual({ ok: true });
    expect(limiter.take("a")).toEqual({ ok: false, waitMs: 200 });
    expect(limiter.take("slow")).toEqual({ ok: true });
    expect(limiter.take("slow")).toEqual({ ok: false, waitMs: 1_000 });

    limiter.record("a", { slowDown: true });
    expect(limiter.pace("a")).toBe(2.5);
    expect(limiter.take("a")).toEqual({ ok: false, waitMs: 1_000 });
    now = 200;
    expect(limiter.take("b")).toEqual({ ok: true });
    now = 1_000;
    expect(limiter.take("a")).toEqual({ ok: true });
    expect(limiter.take("slow")).toEqual({ ok: true });
    limiter.record("a", { slowDown: false });
    expect(limiter.pace("a")).toBe(2.75);
    expect(limiter.pace("b")).toBe(5);
  });

  it("passes the provider's Retry-After on", () => {
    const now = 0;
    const limiter = new RateLimiter(
      () => ({ rate: 5 }),
      () => now,
    );
    limiter.record("c", { slowDown: true, retryAfterMs: 20_000 });
    expect(limiter.take("c")).toEqual({ ok: false, waitMs: 20_000 });
  });
});
