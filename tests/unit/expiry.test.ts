import { describe, expect, it } from "vitest";
import {
  DEFAULT_EXPIRY_PRESET,
  EXPIRY_MESSAGES,
  EXPIRY_PRESETS,
  MAX_EXPIRY_SECONDS,
  MIN_EXPIRY_SECONDS,
  credentialsEndProblem,
  credentialsEndSentence,
  effectiveExpiry,
  issuedLinkWarnings,
  managedCredentialsEndSentence,
  outlivesCredentials,
  formatDuration,
  parseLocalDateTime,
  resolveExpiry,
  zonedWallTimeToInstant,
  type ExpiryResult,
} from "@/lib/links/expiry";

const NOW = new Date("2026-11-22T10:00:00Z");
const at = (iso: string) => new Date(iso);

function ok(result: ExpiryResult): { seconds: number; expiresAt: Date } {
  if (!result.ok) throw new Error(`expected ok, got ${result.field}: ${result.message}`);
  return result;
}

function failure(result: ExpiryResult) {
  if (result.ok) throw new Error(`expected a failure, got ${result.seconds} s`);
  return result;
}

function instant(localDateTime: string, timeZone: string): string {
  const wall = parseLocalDateTime(localDateTime);
  if (wall === null) throw new Error(`bad wall time ${localDateTime}`);
  return zonedWallTimeToInstant(wall, timeZone).toISOString();
}

describe("limits and presets", () => {
  it("are 1 minute to 7 days, with the presets the form offers", () => {
    expect(MIN_EXPIRY_SECONDS).toBe(60);
    expect(MAX_EXPIRY_SECONDS).toBe(604_800);
    expect(EXPIRY_PRESETS.map((p) => [p.id, p.label, p.seconds])).toEqual([
      ["1h", "1 hour", 3_600],
      ["6h", "6 hours", 21_600],
      ["1d", "1 day", 86_400],
      ["3d", "3 days", 259_200],
      ["7d", "7 days", 604_800],
    ]);
    expect(DEFAULT_EXPIRY_PRESET).toBe("1h");
  });

  it("resolves each preset from now", () => {
    for (const preset of EXPIRY_PRESETS) {
      const result = ok(resolveExpiry({ mode: "preset", preset: preset.id }, NOW));
      expect(result.seconds).toBe(preset.seconds);
      expect(result.expiresAt.getTime()).toBe(NOW.getTime() + preset.seconds * 1000);
    }
  });

  it("refuses an unknown preset", () => {
    expect(failure(resolveExpiry({ mode: "preset", preset: "2w" }, NOW))).toMatchObject({ field: "preset" });
  });
});

describe("custom durations", () => {
  it("accepts exactly 1 minute and exactly 7 days", () => {
    expect(ok(resolveExpiry({ mode: "custom", amount: "1", unit: "minutes" }, NOW)).seconds).toBe(60);
    expect(ok(resolveExpiry({ mode: "custom", amount: 7, unit: "days" }, NOW)).seconds).toBe(604_800);
    expect(ok(resolveExpiry({ mode: "custom", amount: "168", unit: "hours" }, NOW)).seconds).toBe(604_800);
    expect(ok(resolveExpiry({ mode: "custom", amount: " 10080 ", unit: "minutes" }, NOW))).toEqual({
      ok: true,
      seconds: 604_800,
      expiresAt: at("2026-11-29T10:00:00Z"),
    });
  });

  it("refuses 7 days and 1 minute, offering the longest link allowed", () => {
    const result = failure(resolveExpiry({ mode: "custom", amount: "10081", unit: "minutes" }, NOW));
    expect(result.field).toBe("amount");
    expect(result.message).toBe(
      "Links can last at most 7 days (604,800 seconds): that is the longest an S3 signature stays valid. " + "The longest allowed ends 29 Nov 2026, 10:00 UTC.",
    );
    expect(result.longestAllowed).toEqual({ seconds: 604_800, expiresAt: at("2026-11-29T10:00:00Z") });
    expect(failure(resolveExpiry({ mode: "custom", amount: 8, unit: "days" }, NOW)).longestAllowed?.seconds).toBe(604_800);
  });

  it("writes the longest allowed end in the time zone asked for", () => {
    const result = failure(resolveExpiry({ mode: "custom", amount: 30, unit: "days" }, NOW, { timeZone: "Europe/Paris" }));
    expect(result.message).toContain("The longest allowed ends 29 Nov 2026, 11:00 CET.");
  });

  it.each([["0"], [0], ["-3"], [-3], ["1.5"], [1.5], ["abc"], [""], ["  "], ["1e3"], [Number.NaN]])("refuses %j as an amount", (amount) => {
    expect(failure(resolveExpiry({ mode: "custom", amount, unit: "hours" }, NOW))).toEqual({
      ok: false,
      field: "amount",
      message: EXPIRY_MESSAGES.notWholeNumber,
    });
  });

  it("refuses an unknown unit", () => {
    const choice = { mode: "custom", amount: "3", unit: "weeks" } as unknown as Parameters<typeof resolveExpiry>[0];
    expect(failure(resolveExpiry(choice, NOW)).field).toBe("amount");
  });
});

describe("until a wall-clock time", () => {
  it("converts a time in the sharer's zone and counts whole seconds from now", () => {
    const result = ok(resolveExpiry({ mode: "until", localDateTime: "2026-11-23T14:30", timeZone: "Europe/Paris" }, NOW));
    expect(result.expiresAt).toEqual(at("2026-11-23T13:30:00Z"));
    expect(result.seconds).toBe(27.5 * 3600);
  });

  it("rounds the seconds down (X-Amz-Expires is whole seconds) and derives expiresAt from them", () => {
    const now = at("2026-11-22T10:00:00.700Z");
    const result = ok(resolveExpiry({ mode: "until", localDateTime: "2026-11-22T11:00", timeZone: "UTC" }, now));
    expect(result.seconds).toBe(3599);
    expect(result.expiresAt).toEqual(at("2026-11-22T10:59:59.700Z"));
  });

  it("accepts exactly 60 s and exactly 604,800 s ahead; refuses 59 s and 604,801 s", () => {
    const until = (localDateTime: string) => resolveExpiry({ mode: "until", localDateTime, timeZone: "UTC" }, NOW);
    expect(ok(until("2026-11-22T10:01")).seconds).toBe(60);
    expect(ok(until("2026-11-29T10:00")).seconds).toBe(604_800);
    expect(failure(until("2026-11-22T10:00:59"))).toMatchObject({ field: "until", message: EXPIRY_MESSAGES.tooShort });
    expect(failure(until("2026-11-22T10:00:59"))).toMatchObject({ message: "Links must last at least 1 minute." });
    const tooLong = failure(until("2026-11-29T10:00:01"));
    expect(tooLong.field).toBe("until");
    expect(tooLong.longestAllowed).toEqual({ seconds: 604_800, expiresAt: at("2026-11-29T10:00:00Z") });
  });

  it("refuses a time that has passed, or is now", () => {
    for (const localDateTime of ["2026-11-22T09:59", "2026-11-22T10:00", "2020-01-01T00:00"]) {
      expect(failure(resolveExpiry({ mode: "until", localDateTime, timeZone: "UTC" }, NOW))).toEqual({
        ok: false,
        field: "until",
        message: "That time has already passed.",
      });
    }
    // 09:30 in New York is 14:30 UTC: still ahead although 09:30 UTC has passed.
    expect(ok(resolveExpiry({ mode: "until", localDateTime: "2026-11-22T09:30", timeZone: "America/New_York" }, NOW)).seconds).toBe(4.5 * 3600);
    // 10:30 in Tokyo is 01:30 UTC: already passed.
    expect(failure(resolveExpiry({ mode: "until", localDateTime: "2026-11-22T10:30", timeZone: "Asia/Tokyo" }, NOW)).message).toBe(EXPIRY_MESSAGES.passed);
  });

  it("refuses an unknown time zone and malformed or impossible dates", () => {
    expect(failure(resolveExpiry({ mode: "until", localDateTime: "2026-11-23T14:30", timeZone: "Mars/Olympus" }, NOW))).toMatchObject({
      field: "timeZone",
      message: 'Unknown time zone "Mars/Olympus". Choose one from the list.',
    });
    expect(failure(resolveExpiry({ mode: "until", localDateTime: "2026-11-23T14:30", timeZone: "" }, NOW)).field).toBe("timeZone");
    for (const localDateTime of ["", "tomorrow", "2026-11-23", "2026-02-29T10:00", "2026-13-01T10:00", "2026-11-23T24:00", "2026-11-31T10:00"]) {
      expect(failure(resolveExpiry({ mode: "until", localDateTime, timeZone: "UTC" }, NOW)).field).toBe("until");
    }
    expect(parseLocalDateTime("2028-02-29T10:00")).toBe(Date.UTC(2028, 1, 29, 10));
  });
});

describe("wall-clock time → instant with Intl, across DST", () => {
  it("Europe/Paris, spring forward on 2026-03-29 (02:00 → 03:00)", () => {
    expect(instant("2026-03-29T01:59", "Europe/Paris")).toBe("2026-03-29T00:59:00.000Z");
    // 02:30 does not exist: moved forward by the gap, to 03:30 CEST.
    expect(instant("2026-03-29T02:30", "Europe/Paris")).toBe("2026-03-29T01:30:00.000Z");
    expect(instant("2026-03-29T03:00", "Europe/Paris")).toBe("2026-03-29T01:00:00.000Z");
    expect(instant("2026-03-29T12:00", "Europe/Paris")).toBe("2026-03-29T10:00:00.000Z");
  });

  it("Europe/Paris, fall back on 2026-10-25 (03:00 → 02:00): an ambiguous time is the earlier one", () => {
    expect(instant("2026-10-25T02:30", "Europe/Paris")).toBe("2026-10-25T00:30:00.000Z");
    expect(instant("2026-10-25T03:00", "Europe/Paris")).toBe("2026-10-25T02:00:00.000Z");
    expect(instant("2026-10-25T01:59", "Europe/Paris")).toBe("2026-10-24T23:59:00.000Z");
  });

  it("America/New_York on 2026-03-08 and 2026-11-01", () => {
    expect(instant("2026-03-08T01:30", "America/New_York")).toBe("2026-03-08T06:30:00.000Z");
    expect(instant("2026-03-08T02:30", "America/New_York")).toBe("2026-03-08T07:30:00.000Z");
    expect(instant("2026-03-08T03:30", "America/New_York")).toBe("2026-03-08T07:30:00.000Z");
    expect(instant("2026-11-01T01:30", "America/New_York")).toBe("2026-11-01T05:30:00.000Z");
    expect(instant("2026-11-01T02:30", "America/New_York")).toBe("2026-11-01T07:30:00.000Z");
  });

  it("zones without DST and with odd offsets", () => {
    expect(instant("2026-11-23T14:30", "UTC")).toBe("2026-11-23T14:30:00.000Z");
    expect(instant("2026-11-23T14:30", "Asia/Kolkata")).toBe("2026-11-23T09:00:00.000Z");
    expect(instant("2026-11-23T14:30", "Asia/Kathmandu")).toBe("2026-11-23T08:45:00.000Z");
    expect(instant("2026-11-23T14:30:15", "Australia/Lord_Howe")).toBe("2026-11-23T03:30:15.000Z");
  });

  it("a link across the spring-forward night lasts the real number of seconds", () => {
    const now = at("2026-03-28T23:00:00Z"); // 00:00 CET on the 29th
    const result = ok(resolveExpiry({ mode: "until", localDateTime: "2026-03-29T06:00", timeZone: "Europe/Paris" }, now));
    expect(result.seconds).toBe(5 * 3600); // six wall-clock hours, five real ones
  });
});

describe("effectiveExpiry", () => {
  const requested = at("2026-11-23T10:00:00Z");

  it("keeps the requested time without credentials expiry, or when they outlive it", () => {
    expect(effectiveExpiry(requested, null)).toEqual({ expiresAt: requested, limitedByCredentials: false });
    expect(effectiveExpiry(requested, undefined)).toEqual({ expiresAt: requested, limitedByCredentials: false });
    expect(effectiveExpiry(requested, requested)).toEqual({ expiresAt: requested, limitedByCredentials: false });
    expect(effectiveExpiry(requested, at("2026-11-24T00:00:00Z")).limitedByCredentials).toBe(false);
  });

  it("ends with temporary credentials that expire first", () => {
    const credentials = at("2026-11-22T22:00:00Z");
    expect(effectiveExpiry(requested, credentials)).toEqual({ expiresAt: credentials, limitedByCredentials: true });
  });
});

describe("formatDuration", () => {
  it.each([
    [3_600, "1 hour"],
    [273_600, "3 days 4 hours"],
    [2_700, "45 minutes"],
    [604_800, "7 days"],
    [86_400, "1 day"],
    [90_061, "1 day 1 hour"],
    [259_500, "3 days"],
    [5_400, "1 hour 30 minutes"],
    [60, "1 minute"],
    [59, "59 seconds"],
    [61, "1 minute 1 second"],
    [1, "1 second"],
    [0, "0 seconds"],
  ])("%i s → %s", (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });
});

describe("credentialsEndSentence and issuedLinkWarnings", () => {
  const created = { kind: "direct" as const, neverExpires: false, requestedExpiresAt: at("2026-11-29T10:00:00Z"), expiresAt: at("2026-11-22T11:00:00Z") };

  it("says when and why the link stops working, in the owner's time zone", () => {
    expect(credentialsEndSentence(at("2026-11-22T11:00:00Z"))).toBe(
      "This link will stop working at 22 Nov 2026, 11:00 UTC, when the connection's temporary credentials end.",
    );
    expect(credentialsEndSentence(at("2026-11-22T11:00:00Z"), "Europe/Paris")).toContain("22 Nov 2026, 12:00 CET");
  });

  it("warns about a direct link that ends before it was asked to, and nothing else", () => {
    expect(issuedLinkWarnings(created)).toEqual([
      {
        reason: "credentials_end_first",
        message: credentialsEndSentence(created.expiresAt),
        requestedExpiresAt: created.requestedExpiresAt,
        expiresAt: created.expiresAt,
      },
    ]);
    expect(issuedLinkWarnings({ ...created, expiresAt: created.requestedExpiresAt })).toEqual([]);
    expect(issuedLinkWarnings({ ...created, kind: "managed" })).toEqual([]);
    expect(issuedLinkWarnings({ ...created, neverExpires: true })).toEqual([]);
  });
});

describe("credentialsEndProblem", () => {
  it("says when credentials ended or end within a minute, and nothing while they last longer", () => {
    expect(credentialsEndProblem(at("2026-11-22T10:01:00Z"), NOW)).toBeNull();
    expect(credentialsEndProblem(at("2026-11-22T10:00:59Z"), NOW)).toBe(
      "This connection's temporary credentials end 22 Nov 2026, 10:00 UTC, less than a minute from now. Paste fresh ones in Settings → Connections.",
    );
    expect(credentialsEndProblem(at("2026-11-22T09:00:00Z"), NOW, "Europe/Paris")).toBe(
      "This connection's temporary credentials expired 22 Nov 2026, 10:00 CET. Paste fresh ones in Settings → Connections.",
    );
  });
});

describe("managed links on temporary credentials", () => {
  const end = at("2026-11-22T22:00:00Z");

  it("warn only when the chosen expiry (or No expiry) goes past the credentials' end", () => {
    expect(outlivesCredentials({ expiresAt: at("2026-11-23T10:00:00Z") }, end)).toBe(true);
    expect(outlivesCredentials({ expiresAt: at("2026-11-22T11:00:00Z"), neverExpires: true }, end)).toBe(true);
    expect(outlivesCredentials({ expiresAt: end }, end)).toBe(false);
    expect(outlivesCredentials({ expiresAt: at("2026-11-23T10:00:00Z") }, null)).toBe(false);
  });

  it("say the link stops then unless the credentials are renewed", () => {
    expect(managedCredentialsEndSentence(end)).toBe(
      "This link will stop working at 22 Nov 2026, 22:00 UTC, when the connection's temporary credentials end, unless fresh ones are pasted in Settings → Connections before then.",
    );
  });
});
