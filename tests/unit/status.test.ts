import { describe, expect, it } from "vitest";
import {
  STATUS_LABEL,
  expiresSoonFrom,
  linkStatus,
  nextStatusChange,
  relativeTime,
  statusBoundaries,
} from "@/lib/links/status";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const created = new Date("2026-11-22T10:00:00Z");
const link = (lifeMs: number) => ({ createdAt: created, expiresAt: new Date(created.getTime() + lifeMs) });
const after = (ms: number) => new Date(created.getTime() + ms);

describe("linkStatus", () => {
  it("is expired exactly at expiry, expires soon 1 ms before", () => {
    const oneDay = link(DAY);
    expect(linkStatus(oneDay, oneDay.expiresAt)).toBe("expired");
    expect(linkStatus(oneDay, after(DAY + 1))).toBe("expired");
    expect(linkStatus(oneDay, after(DAY - 1))).toBe("expires_soon");
  });

  it("7-day link: the 10% rule (last 16.8 hours) comes before the 1-hour rule", () => {
    const week = link(7 * DAY);
    const tenth = 0.7 * DAY; // 16.8 h
    expect(linkStatus(week, after(7 * DAY - tenth))).toBe("active"); // exactly 10% left
    expect(linkStatus(week, after(7 * DAY - tenth + 1))).toBe("expires_soon");
    expect(linkStatus(week, after(6.5 * DAY))).toBe("expires_soon"); // 12 h left: > 1 h but < 10%
    expect(linkStatus(week, after(6 * DAY))).toBe("active"); // 24 h left: > 10%
    expect(linkStatus(week, after(DAY))).toBe("active");
    expect(expiresSoonFrom(week)).toEqual(after(7 * DAY - tenth));
  });

  it("1-day link: 10% of its life (2.4 h) is more than 1 hour, so the 10% rule decides", () => {
    const oneDay = link(DAY);
    expect(linkStatus(oneDay, after(DAY - 2.4 * HOUR))).toBe("active");
    expect(linkStatus(oneDay, after(DAY - 2.4 * HOUR + 1))).toBe("expires_soon");
  });

  it("6-hour link: the 1-hour rule applies (10% is 36 minutes)", () => {
    const sixHours = link(6 * HOUR);
    expect(linkStatus(sixHours, after(5 * HOUR))).toBe("active"); // exactly 1 h left
    expect(linkStatus(sixHours, after(5 * HOUR + 1))).toBe("expires_soon");
    expect(expiresSoonFrom(sixHours)).toEqual(after(5 * HOUR));
  });

  it("a 1-hour link expires soon from its first millisecond", () => {
    const oneHour = link(HOUR);
    expect(linkStatus(oneHour, created)).toBe("active"); // exactly 1 hour left: not "less than"
    expect(linkStatus(oneHour, after(1))).toBe("expires_soon");
    expect(linkStatus(oneHour, after(HOUR - 1))).toBe("expires_soon");
    expect(linkStatus(oneHour, after(HOUR))).toBe("expired");
  });

  it("has labels for each status", () => {
    expect(STATUS_LABEL).toEqual({ active: "Active", expires_soon: "Expires soon", expired: "Expired" });
  });
});

describe("nextStatusChange and statusBoundaries", () => {
  it("names the next instant the status changes", () => {
    const sixHours = link(6 * HOUR);
    const change = nextStatusChange(sixHours, after(HOUR));
    expect(change).toEqual(after(5 * HOUR + 1));
    expect(linkStatus(sixHours, change!)).toBe("expires_soon");
    expect(linkStatus(sixHours, new Date(change!.getTime() - 1))).toBe("active");
    expect(nextStatusChange(sixHours, after(5.5 * HOUR))).toEqual(sixHours.expiresAt);
    expect(nextStatusChange(sixHours, after(6 * HOUR))).toBeNull();
  });

  it("gives the instants a database filter compares expiresAt with", () => {
    const now = new Date("2026-11-22T12:00:00Z");
    expect(statusBoundaries(now)).toEqual({
      expiredAtOrBefore: now,
      soonBefore: new Date("2026-11-22T13:00:00Z"),
    });
  });

  it("agrees with the documented SQL inequality at sampled instants", () => {
    const links = [link(HOUR), link(6 * HOUR), link(DAY), link(3 * DAY), link(7 * DAY), link(90_000)];
    for (const l of links) {
      const life = l.expiresAt.getTime() - l.createdAt.getTime();
      for (let t = 0; t <= life + HOUR; t += 60_000) {
        const now = after(t);
        const left = l.expiresAt.getTime() - now.getTime();
        const sqlSoon = left > 0 && (left < HOUR || left * 10 < life);
        expect(linkStatus(l, now) === "expires_soon").toBe(sqlSoon);
      }
    }
  });
});

describe("relativeTime", () => {
  const now = new Date("2026-11-22T12:00:00Z");
  const plus = (ms: number) => new Date(now.getTime() + ms);

  it.each([
    [3 * HOUR, "in 3 hours"],
    [-2 * DAY, "2 days ago"],
    [45_000, "in 45 seconds"],
    [-45_000, "45 seconds ago"],
    [0, "now"],
    [HOUR - 20_000, "in 1 hour"],
    [59_600, "in 1 minute"],
    [90 * 60_000, "in 2 hours"],
    [7 * DAY, "in 7 days"],
    [-HOUR, "1 hour ago"],
    [23 * HOUR, "in 23 hours"],
    [23.6 * HOUR, "in 1 day"],
  ])("%i ms → %s", (ms, text) => {
    expect(relativeTime(plus(ms), now)).toBe(text);
  });
});
