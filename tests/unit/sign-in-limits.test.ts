import { describe, expect, it } from "vitest";
import { backoffAfter, retryMessage } from "@/lib/auth/limits";
import { MAX_CONCURRENT_HASHES, MAX_WAITING, hashPassword, hashingLoad, isPasswordBusy, PasswordBusyError, verifyPassword } from "@/lib/auth/password";

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
    const hash = await hashPassword("correct horse battery");
    let peak = 0;
    const watch = setInterval(() => (peak = Math.max(peak, hashingLoad().running)), 1);
    const total = MAX_CONCURRENT_HASHES + MAX_WAITING + 10;
    const results = await Promise.allSettled(Array.from({ length: total }, (_, i) => verifyPassword(i === 0 ? "correct horse battery" : "wrong", hash)));
    clearInterval(watch);
    expect(peak).toBeLessThanOrEqual(MAX_CONCURRENT_HASHES);
    expect(peak).toBeGreaterThan(0);
    const refused = results.filter((r) => r.status === "rejected");
    // Beyond the slots and the waiting line, callers are refused at once with a "busy" error.
    expect(refused.length).toBeGreaterThanOrEqual(10);
    expect(refused.every((r) => isPasswordBusy(r.reason))).toBe(true);
    expect(results[0]).toEqual({ status: "fulfilled", value: true });
    expect(hashingLoad()).toEqual({ running: 0, waiting: 0 });
    // Afterwards everything works again.
    expect(await verifyPassword("correct horse battery", hash)).toBe(true);
  });

  it("recognises the busy error however Auth.js wraps it", () => {
    const busy = new PasswordBusyError();
    expect(isPasswordBusy(new Error("CallbackRouteError", { cause: { err: busy } }))).toBe(true);
    expect(isPasswordBusy(new Error("outer", { cause: busy }))).toBe(true);
    expect(isPasswordBusy(new Error("other"))).toBe(false);
  });
});
