import { randomBytes, scryptSync } from "node:crypto";
import { describe, expect, it, vi } from "vitest";
import { KNOWN_BROWSER_SECONDS, signKnownBrowser, verifyKnownBrowser } from "@/lib/auth/known-browser";
import { backoffAfter, linkLockedUntil, retryMessage } from "@/lib/auth/limits";
import {
  MAX_CONCURRENT_HASHES,
  MAX_WAITING,
  hashingLoad,
  isPasswordBusy,
  PasswordBusyError,
  verifyPassword,
  withHashSlot,
  MAX_WAIT_MS,
} from "@/lib/auth/password";

describe("back-off per (email, address)", () => {
  it("lets 5 failures through, then waits 1, 2, 4, 8 and at most 15 minutes", () => {
    const minutes = Array.from({ length: 12 }, (_, i) => backoffAfter(i) / 60_000);
    expect(minutes).toEqual([0, 0, 0, 0, 0, 1, 2, 4, 8, 15, 15, 15]);
    expect(backoffAfter(10_000)).toBe(15 * 60_000);
  });

  it("says how long to wait, rounded up to whole minutes", () => {
    const now = new Date("2026-01-01T00:00:00Z");
    expect(retryMessage(new Date(now.getTime() + 60_000), now)).toBe("Too many failed attempts. Try again in 1 minute.");
    expect(retryMessage(new Date(now.getTime() + 61_000), now)).toBe("Too many failed attempts. Try again in 2 minutes.");
    expect(retryMessage(new Date(now.getTime() + 5_000), now)).toBe("Too many failed attempts. Try again in 1 minute.");
  });
});

describe("password hashing under load", () => {
  it(`runs at most ${MAX_CONCURRENT_HASHES} at a time and refuses, rather than queues, a flood`, async () => {
    // A cheap stored hash (N=1024) keeps the test fast; the slots are the same for every cost.
    const salt = randomBytes(16);
    const cheap = [
      "scrypt",
      1024,
      8,
      1,
      salt.toString("base64url"),
      scryptSync("right password 1", salt, 32, { N: 1024, r: 8, p: 1 }).toString("base64url"),
    ].join("$");
    const total = MAX_CONCURRENT_HASHES + MAX_WAITING + 10;
    const calls = Array.from({ length: total }, (_, i) => verifyPassword(i === 0 ? "right password 1" : "wrong", cheap));
    // Right after the flood arrives: two running, the waiting line full, the rest already refused.
    expect(hashingLoad()).toEqual({ running: MAX_CONCURRENT_HASHES, waiting: MAX_WAITING });
    const results = await Promise.allSettled(calls);
    const refused = results.filter((r) => r.status === "rejected");
    expect(refused).toHaveLength(10);
    expect(refused.every((r) => isPasswordBusy(r.reason))).toBe(true);
    expect(results[0]).toEqual({ status: "fulfilled", value: true });
    expect(hashingLoad()).toEqual({ running: 0, waiting: 0 });
    // Afterwards everything works again.
    expect(await verifyPassword("right password 1", cheap)).toBe(true);
  });

  it(`refuses a waiting check after ${MAX_WAIT_MS / 1000} s instead of letting it wait for ever`, async () => {
    vi.useFakeTimers();
    try {
      const release: (() => void)[] = [];
      const busy = Array.from({ length: MAX_CONCURRENT_HASHES }, () => withHashSlot(() => new Promise<void>((r) => release.push(r))));
      const waiter = withHashSlot(async () => "ran");
      const outcome = waiter.then(
        (v) => v,
        (e: unknown) => e,
      );
      await vi.advanceTimersByTimeAsync(MAX_WAIT_MS - 1);
      expect(hashingLoad()).toEqual({ running: MAX_CONCURRENT_HASHES, waiting: 1 });
      await vi.advanceTimersByTimeAsync(1);
      expect(await outcome).toBeInstanceOf(PasswordBusyError);
      for (const r of release) r();
      await Promise.all(busy);
      expect(hashingLoad()).toEqual({ running: 0, waiting: 0 });
    } finally {
      vi.useRealTimers();
    }
  });

  it("recognises the busy error however Auth.js wraps it", () => {
    const busy = new PasswordBusyError();
    expect(isPasswordBusy(new Error("CallbackRouteError", { cause: { err: busy } }))).toBe(true);
    expect(isPasswordBusy(new Error("outer", { cause: busy }))).toBe(true);
    expect(isPasswordBusy(new Error("other"))).toBe(false);
  });
});

describe("known-browser cookie", () => {
  const authSecret = "a".repeat(40);
  const email = "owner@example.com";
  const issued = new Date("2026-01-01T00:00:00Z");
  const value = signKnownBrowser({ email, authSecret, now: issued });
  const at = (seconds: number) => new Date(issued.getTime() + seconds * 1000);

  it("counts for its email (however it is cased) for a year after it was issued", () => {
    expect(verifyKnownBrowser(value, { email, authSecret, now: at(0) })).toBe(true);
    expect(verifyKnownBrowser(value, { email: "Owner@Example.com", authSecret, now: at(KNOWN_BROWSER_SECONDS - 1) })).toBe(true);
    expect(verifyKnownBrowser(value, { email, authSecret, now: at(KNOWN_BROWSER_SECONDS) })).toBe(false);
  });

  it("cannot be made without the secret, moved to another email, re-dated or mangled", () => {
    const [time, mac] = value.split(".") as [string, string];
    expect(verifyKnownBrowser(value, { email: "other@example.com", authSecret, now: at(1) })).toBe(false);
    expect(verifyKnownBrowser(value, { email, authSecret: "b".repeat(40), now: at(1) })).toBe(false);
    expect(verifyKnownBrowser(`${Number(time) + 86_400}.${mac}`, { email, authSecret, now: at(2 * 86_400) })).toBe(false);
    for (const bad of [undefined, null, "", "x", `${time}.`, `${time}.${mac}x`, `-1.${mac}`, `${time}.${mac.slice(1)}`]) {
      expect(verifyKnownBrowser(bad, { email, authSecret, now: at(1) }), String(bad)).toBe(false);
    }
    // Issued "tomorrow" (a forged clock): refused; a few minutes of skew between instances: accepted.
    expect(verifyKnownBrowser(signKnownBrowser({ email, authSecret, now: at(86_400) }), { email, authSecret, now: at(0) })).toBe(false);
    expect(verifyKnownBrowser(signKnownBrowser({ email, authSecret, now: at(60) }), { email, authSecret, now: at(0) })).toBe(true);
  });
});

describe("a managed link's lock-out", () => {
  const start = new Date("2026-12-06T10:00:00Z").getTime();
  const failures = (n: number, everyMs = 1_000) => Array.from({ length: n }, (_, i) => new Date(start + i * everyMs));

  it("locks at every 10th failure from all addresses: 1 minute, then 5, 15, and 1 hour from then on", () => {
    expect(linkLockedUntil(failures(0))).toBeNull();
    expect(linkLockedUntil(failures(9))).toBeNull();
    const at = (n: number) => start + (n - 1) * 1_000;
    expect(linkLockedUntil(failures(10))).toEqual(new Date(at(10) + 60_000));
    expect(linkLockedUntil(failures(19))).toEqual(new Date(at(10) + 60_000));
    expect(linkLockedUntil(failures(20))).toEqual(new Date(at(20) + 5 * 60_000));
    expect(linkLockedUntil(failures(30))).toEqual(new Date(at(30) + 15 * 60_000));
    expect(linkLockedUntil(failures(40))).toEqual(new Date(at(40) + 60 * 60_000));
    expect(linkLockedUntil(failures(90))).toEqual(new Date(at(90) + 60 * 60_000));
  });
});
