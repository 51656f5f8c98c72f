import { describe, expect, it } from "vitest";
import { STATUS_LABEL, expiresSoonFrom, linkStatus, nextStatusChange, relativeTime } from "@/lib/links/status";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const created = new Date("2026-11-22T10:00:00Z");
const link = (lifeMs: number) => ({ createdAt: created, expiresAt: new Date(created.getTime() + lifeMs) });
const later = (ms: number) => new Date(created.getTime() + ms);

describe("linkStatus", () => {
  it("is expired exactly at expiry, expires soon 1 ms before", () => {
    const oneDay = link(DAY);
    expect(linkStatus(oneDay, oneDay.expiresAt)).toBe("expired");
    expect(linkStatus(oneDay, later(DAY + 1))).toBe("expired");
    expect(linkStatus(oneDay, later(DAY - 1))).toBe("expires_soon");
  });

  it("a fresh 1-hour link is active for its first 45 minutes", () => {
    const oneHour = link(HOUR);
    expect(linkStatus(oneHour, created)).toBe("active");
    expect(linkStatus(oneHour, later(1))).toBe("active");
    expect(linkStatus(oneHour, later(45 * 60_000))).toBe("active"); // exactly a quarter left: not "less than"
    expect(linkStatus(oneHour, later(45 * 60_000 + 1))).toBe("expires_soon");
    expect(linkStatus(oneHour, later(HOUR - 1))).toBe("expires_soon");
    expect(linkStatus(oneHour, later(HOUR))).toBe("expired");
    expect(expiresSoonFrom(oneHour)).toEqual(later(45 * 60_000));
  });

  it("a 7-day link expires soon only in its last hour", () => {
    const week = link(7 * DAY);
    expect(linkStatus(week, later(7 * DAY - HOUR))).toBe("active"); // exactly 1 h left
    expect(linkStatus(week, later(7 * DAY - HOUR + 1))).toBe("expires_soon");
    expect(linkStatus(week, later(6.5 * DAY))).toBe("active"); // 12 h left: the old 10% rule said "soon"
    expect(linkStatus(week, later(DAY))).toBe("active");
    expect(expiresSoonFrom(week)).toEqual(later(7 * DAY - HOUR));
  });

  it("a 2-hour link: a quarter (30 min) is less than an hour, so the quarter decides", () => {
    const twoHours = link(2 * HOUR);
    expect(linkStatus(twoHours, later(90 * 60_000))).toBe("active");
    expect(linkStatus(twoHours, later(90 * 60_000 + 1))).toBe("expires_soon");
  });

  it("a 4-hour link: a quarter is exactly an hour", () => {
    const fourHours = link(4 * HOUR);
    expect(expiresSoonFrom(fourHours)).toEqual(later(3 * HOUR));
    expect(linkStatus(fourHours, later(3 * HOUR))).toBe("active");
    expect(linkStatus(fourHours, later(3 * HOUR + 1))).toBe("expires_soon");
  });

  it("a 1-minute link is active for 45 seconds", () => {
    const minute = link(60_000);
    expect(linkStatus(minute, later(45_000))).toBe("active");
    expect(linkStatus(minute, later(45_001))).toBe("expires_soon");
  });

  it("has labels for each status", () => {
    expect(STATUS_LABEL).toEqual({
      active: "Active",
      expires_soon: "Expires soon",
      expired: "Expired",
      revoked: "Revoked",
      limit_reached: "Limit reached",
      changed: "File changed",
      missing: "File missing",
    });
  });
});

describe("linkStatus of a link that stopped working before its expiry", () => {
  const week = link(7 * DAY);
  const midweek = later(3 * DAY);
  const lastHour = later(7 * DAY - HOUR / 2);

  it("is limit reached once every allowed download was served, not active", () => {
    expect(linkStatus({ ...week, downloadLimit: 1, downloadCount: 1 }, midweek)).toBe("limit_reached");
    expect(linkStatus({ ...week, downloadLimit: 3, downloadCount: 3 }, lastHour)).toBe("limit_reached");
    expect(linkStatus({ ...week, downloadLimit: 3, downloadCount: 2 }, midweek)).toBe("active");
    expect(linkStatus({ ...week, downloadLimit: 3, downloadCount: 2 }, lastHour)).toBe("expires_soon");
    expect(linkStatus({ ...week, downloadLimit: null, downloadCount: 500 }, midweek)).toBe("active");
    expect(STATUS_LABEL[linkStatus({ ...week, downloadLimit: 1, downloadCount: 1, revokedAt: null, objectState: null }, midweek)]).toBe("Limit reached");
  });

  it("is file missing or file changed once a use found the object deleted or replaced", () => {
    expect(linkStatus({ ...week, objectState: "missing" }, midweek)).toBe("missing");
    expect(linkStatus({ ...week, objectState: "changed" }, lastHour)).toBe("changed");
    expect(linkStatus({ ...week, objectState: null }, midweek)).toBe("active");
  });

  it("says the first reason the recipient is refused: revoked, expired, limit, then the file", () => {
    const everything = { ...week, downloadLimit: 1, downloadCount: 1, objectState: "missing" };
    expect(linkStatus({ ...everything, revokedAt: midweek }, midweek)).toBe("revoked");
    expect(linkStatus(everything, week.expiresAt)).toBe("expired");
    expect(linkStatus(everything, midweek)).toBe("limit_reached");
    expect(linkStatus({ ...everything, downloadCount: 0 }, midweek)).toBe("missing");
  });

  it("turns expired at the expiry, the next change a page waits for", () => {
    const usedUp = { ...week, downloadLimit: 1, downloadCount: 1 };
    expect(nextStatusChange(usedUp, midweek)).toEqual(week.expiresAt);
    expect(nextStatusChange({ ...week, objectState: "changed" }, midweek)).toEqual(week.expiresAt);
  });
});

describe("nextStatusChange", () => {
  it("names the next instant the status changes", () => {
    const sixHours = link(6 * HOUR);
    const change = nextStatusChange(sixHours, later(HOUR));
    expect(change).toEqual(later(5 * HOUR + 1));
    expect(linkStatus(sixHours, change!)).toBe("expires_soon");
    expect(linkStatus(sixHours, new Date(change!.getTime() - 1))).toBe("active");
    expect(nextStatusChange(sixHours, later(5.5 * HOUR))).toEqual(sixHours.expiresAt);
    expect(nextStatusChange(sixHours, later(6 * HOUR))).toBeNull();
  });

  it("agrees with the migration's SQL (expires_at − LEAST(1 h, life / 4)) at sampled instants", () => {
    const links = [link(HOUR), link(2 * HOUR), link(6 * HOUR), link(DAY), link(3 * DAY), link(7 * DAY), link(90_000)];
    for (const l of links) {
      const life = l.expiresAt.getTime() - l.createdAt.getTime();
      const soonAt = l.expiresAt.getTime() - Math.min(HOUR, life / 4);
      expect(expiresSoonFrom(l).getTime()).toBe(soonAt);
      for (let t = 0; t <= life + HOUR; t += 30_000) {
        const now = later(t).getTime();
        const sqlSoon = now < l.expiresAt.getTime() && now > soonAt;
        expect(linkStatus(l, new Date(now)) === "expires_soon").toBe(sqlSoon);
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
