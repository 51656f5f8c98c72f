/**
 * How long a share link lasts: presets, a custom duration, or "until" a wall-clock time in the
 * sharer's time zone. Everything resolves to whole seconds (what goes into X-Amz-Expires) from
 * `now`, between 1 minute and 7 days (SigV4's limit: a presigned URL signed with a 7-day-old
 * signing key is refused).
 *
 * Sign the URL with `signingDate = now`, and pass a `now` without milliseconds for `expiresAt` to
 * be exact: X-Amz-Date has whole seconds, so S3 counts the expiry from the second it names.
 */

export const MIN_EXPIRY_SECONDS = 60;
export const MAX_EXPIRY_SECONDS = 604_800;

export type ExpiryPreset = { id: string; label: string; seconds: number };

export const EXPIRY_PRESETS = [
  { id: "1h", label: "1 hour", seconds: 3_600 },
  { id: "6h", label: "6 hours", seconds: 21_600 },
  { id: "1d", label: "1 day", seconds: 86_400 },
  { id: "3d", label: "3 days", seconds: 259_200 },
  { id: "7d", label: "7 days", seconds: 604_800 },
] as const satisfies readonly ExpiryPreset[];

export type ExpiryPresetId = (typeof EXPIRY_PRESETS)[number]["id"];

/**
 * Managed links are checked by Bucketshare at each use (a fresh 60-second URL is presigned per
 * download), so they are not bound by SigV4's 7 days: they add 30 and 90 days and "No expiry".
 * Direct links keep EXPIRY_PRESETS and the 7-day maximum.
 */
export const NEVER_PRESET = "never";
export const MANAGED_EXPIRY_PRESETS = [
  ...EXPIRY_PRESETS,
  { id: "30d", label: "30 days", seconds: 2_592_000 },
  { id: "90d", label: "90 days", seconds: 7_776_000 },
] as const satisfies readonly ExpiryPreset[];

/** A managed link's longest custom duration (about 10 years); beyond that, choose No expiry. */
export const MAX_MANAGED_EXPIRY_SECONDS = 3_650 * 86_400;

/** "No expiry" is stored as this instant so the history's status filters stay range queries. */
export const NEVER_EXPIRES_AT = new Date("9999-12-31T00:00:00Z");

export type LinkKind = "direct" | "managed";

export const DEFAULT_EXPIRY_PRESET: ExpiryPresetId = "1h";

export const EXPIRY_UNITS = ["minutes", "hours", "days"] as const;
export type ExpiryUnit = (typeof EXPIRY_UNITS)[number];

const UNIT_SECONDS: Record<ExpiryUnit, number> = { minutes: 60, hours: 3_600, days: 86_400 };

export type ExpiryChoice =
  | { mode: "preset"; preset: string }
  | { mode: "custom"; amount: string | number; unit: ExpiryUnit }
  | {
      mode: "until";
      /** As an `<input type="datetime-local">` gives it: "2026-11-23T14:30" (seconds optional). */
      localDateTime: string;
      /** IANA name, e.g. "Europe/Paris". */
      timeZone: string;
    };

export type ExpiryResult =
  | { ok: true; seconds: number; expiresAt: Date; neverExpires?: boolean }
  | {
      ok: false;
      field: "preset" | "amount" | "until" | "timeZone";
      message: string;
      /** With "too long": the 7-day link the user could have instead. */
      longestAllowed?: { seconds: number; expiresAt: Date };
    };

export type ExpiryOptions = {
  /** "managed" allows the managed presets, "No expiry" and custom durations beyond 7 days (default "direct"). */
  kind?: LinkKind;
  /** Time zone in which dates inside messages are written (default: the choice's, else UTC). */
  timeZone?: string;
  /** Locale for dates inside messages (default "en-US"). */
  locale?: string;
};

export const EXPIRY_MESSAGES = {
  unknownPreset: "Choose one of the listed durations.",
  notWholeNumber: "Enter a whole number greater than 0.",
  unknownUnit: "Choose minutes, hours or days.",
  tooShort: "Links must last at least 1 minute.",
  badDateTime: "Enter a valid date and time.",
  passed: "That time has already passed.",
  managedOnlyPreset: "Direct links last at most 7 days. Choose Managed link for 30 or 90 days.",
  neverDirect: "Direct links cannot last forever (at most 7 days). Choose Managed link for No expiry.",
  managedTooLong: "Managed links can last at most 3,650 days with a duration; choose No expiry for longer.",
} as const;

function addSeconds(date: Date, seconds: number): Date {
  return new Date(date.getTime() + seconds * 1_000);
}

/** A date as people read it in messages: "Nov 29, 2026, 10:00 AM UTC". */
/** The signed-in app's one date format ("29 Nov 2026, 10:00 UTC", as RelativeTime shows), with the zone named. */
export function formatExpiryDate(date: Date, timeZone = "UTC", locale = "en-GB"): string {
  return new Intl.DateTimeFormat(locale, {
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
    timeZone,
    timeZoneName: "short",
  }).format(date);
}

function checkSeconds(seconds: number, now: Date, field: "amount" | "until", options: Required<ExpiryOptions>): ExpiryResult {
  if (seconds < MIN_EXPIRY_SECONDS) return { ok: false, field, message: EXPIRY_MESSAGES.tooShort };
  if (options.kind === "managed") {
    if (seconds > MAX_MANAGED_EXPIRY_SECONDS) return { ok: false, field, message: EXPIRY_MESSAGES.managedTooLong };
    return { ok: true, seconds, expiresAt: addSeconds(now, seconds) };
  }
  if (seconds > MAX_EXPIRY_SECONDS) {
    const longest = addSeconds(now, MAX_EXPIRY_SECONDS);
    return {
      ok: false,
      field,
      message:
        "Links can last at most 7 days (604,800 seconds): that is the longest an S3 signature stays valid. " +
        `The longest allowed ends ${formatExpiryDate(longest, options.timeZone, options.locale)}.`,
      longestAllowed: { seconds: MAX_EXPIRY_SECONDS, expiresAt: longest },
    };
  }
  return { ok: true, seconds, expiresAt: addSeconds(now, seconds) };
}

/** A whole number > 0 from a form field or a number; NaN when it is not one. */
function parseAmount(amount: string | number): number {
  if (typeof amount === "number") return Number.isSafeInteger(amount) && amount > 0 ? amount : Number.NaN;
  const trimmed = amount.trim();
  if (!/^\d+$/.test(trimmed)) return Number.NaN;
  const value = Number(trimmed);
  return value > 0 ? value : Number.NaN;
}

export function isValidTimeZone(timeZone: string): boolean {
  if (timeZone.trim() === "") return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone });
    return true;
  } catch {
    return false;
  }
}

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();

function offsetFormatter(timeZone: string): Intl.DateTimeFormat {
  let formatter = offsetFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      era: "short",
    });
    offsetFormatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The zone's UTC offset (ms, east positive) at an instant. */
function offsetAt(timeZone: string, instant: number): number {
  const whole = Math.floor(instant / 1_000) * 1_000;
  const parts: Record<string, string> = {};
  for (const part of offsetFormatter(timeZone).formatToParts(new Date(whole))) parts[part.type] = part.value;
  let year = Number(parts.year);
  if (parts.era === "BC" || parts.era === "B") year = 1 - year;
  const wall = Date.UTC(year, Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return wall - whole;
}

/**
 * The instant a wall-clock time names in an IANA time zone, with Intl only. Like Temporal's
 * "compatible" disambiguation: a time that occurs twice (clocks go back) is the earlier one; a
 * time that does not exist (clocks go forward) moves forward by the gap (02:30 → 03:30 in Paris
 * on 2026-03-29).
 */
export function zonedWallTimeToInstant(wallUtcMs: number, timeZone: string): Date {
  const day = 86_400_000;
  const before = offsetAt(timeZone, wallUtcMs - day);
  const after = offsetAt(timeZone, wallUtcMs + day);
  const candidates = [...new Set([before, after])]
    .map((offset) => wallUtcMs - offset)
    .filter((instant) => wallUtcMs - offsetAt(timeZone, instant) === instant)
    .sort((a, b) => a - b);
  const first = candidates[0];
  if (first !== undefined) return new Date(first);
  return new Date(wallUtcMs - before);
}

const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$/;

/** "2026-11-23T14:30" → the same wall time as a UTC timestamp (ms), or null when invalid. */
export function parseLocalDateTime(value: string): number | null {
  const match = LOCAL_DATE_TIME.exec(value.trim());
  if (!match) return null;
  const [, y, mo, d, h, mi, s = "0", ms = "0"] = match;
  const year = Number(y);
  const month = Number(mo);
  const dayOfMonth = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return null;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (dayOfMonth < 1 || dayOfMonth > daysInMonth) return null;
  const date = new Date(Date.UTC(2000, month - 1, dayOfMonth, hour, minute, second, Number(ms.padEnd(3, "0"))));
  date.setUTCFullYear(year);
  return date.getTime();
}

export function resolveExpiry(choice: ExpiryChoice, now: Date, options: ExpiryOptions = {}): ExpiryResult {
  const messageZone = options.timeZone ?? (choice.mode === "until" && isValidTimeZone(choice.timeZone) ? choice.timeZone : "UTC");
  const kind = options.kind ?? "direct";
  const resolved = { timeZone: messageZone, locale: options.locale ?? "en-GB", kind };

  switch (choice.mode) {
    case "preset": {
      if (choice.preset === NEVER_PRESET) {
        if (kind !== "managed") return { ok: false, field: "preset", message: EXPIRY_MESSAGES.neverDirect };
        return { ok: true, seconds: Math.floor((NEVER_EXPIRES_AT.getTime() - now.getTime()) / 1_000), expiresAt: NEVER_EXPIRES_AT, neverExpires: true };
      }
      const presets: readonly ExpiryPreset[] = kind === "managed" ? MANAGED_EXPIRY_PRESETS : EXPIRY_PRESETS;
      const preset = presets.find((p) => p.id === choice.preset);
      if (!preset && MANAGED_EXPIRY_PRESETS.some((p) => p.id === choice.preset)) {
        return { ok: false, field: "preset", message: EXPIRY_MESSAGES.managedOnlyPreset };
      }
      if (!preset) return { ok: false, field: "preset", message: EXPIRY_MESSAGES.unknownPreset };
      return { ok: true, seconds: preset.seconds, expiresAt: addSeconds(now, preset.seconds) };
    }
    case "custom": {
      const amount = parseAmount(choice.amount);
      if (Number.isNaN(amount)) return { ok: false, field: "amount", message: EXPIRY_MESSAGES.notWholeNumber };
      const unitSeconds = (EXPIRY_UNITS as readonly string[]).includes(choice.unit) ? UNIT_SECONDS[choice.unit] : undefined;
      if (unitSeconds === undefined) return { ok: false, field: "amount", message: EXPIRY_MESSAGES.unknownUnit };
      return checkSeconds(amount * unitSeconds, now, "amount", resolved);
    }
    case "until": {
      if (!isValidTimeZone(choice.timeZone)) {
        return { ok: false, field: "timeZone", message: `Unknown time zone "${choice.timeZone}". Choose one from the list.` };
      }
      const wall = parseLocalDateTime(choice.localDateTime);
      if (wall === null) return { ok: false, field: "until", message: EXPIRY_MESSAGES.badDateTime };
      const target = zonedWallTimeToInstant(wall, choice.timeZone);
      const remainingMs = target.getTime() - now.getTime();
      if (remainingMs <= 0) return { ok: false, field: "until", message: EXPIRY_MESSAGES.passed };
      return checkSeconds(Math.floor(remainingMs / 1_000), now, "until", resolved);
    }
    default: {
      const unknown: never = choice;
      throw new TypeError(`Unknown expiry mode: ${JSON.stringify(unknown)}`);
    }
  }
}

/**
 * A new link's expiry as a typed request gives it (seconds from `now`, an instant, or never), with
 * the same limits and messages as resolveExpiry; `field` is "amount" for a duration, "until" for
 * an instant, "preset" for never.
 */
export function resolveRequestedExpiry(expiry: { seconds: number } | { at: Date } | { never: true }, now: Date, options: ExpiryOptions = {}): ExpiryResult {
  if ("never" in expiry) return resolveExpiry({ mode: "preset", preset: NEVER_PRESET }, now, options);
  const resolved = { timeZone: options.timeZone ?? "UTC", locale: options.locale ?? "en-GB", kind: options.kind ?? "direct" };
  if ("seconds" in expiry) {
    if (!Number.isSafeInteger(expiry.seconds)) return { ok: false, field: "amount", message: EXPIRY_MESSAGES.notWholeNumber };
    return checkSeconds(expiry.seconds, now, "amount", resolved);
  }
  const remainingMs = expiry.at.getTime() - now.getTime();
  if (Number.isNaN(remainingMs)) return { ok: false, field: "until", message: EXPIRY_MESSAGES.badDateTime };
  if (remainingMs <= 0) return { ok: false, field: "until", message: EXPIRY_MESSAGES.passed };
  return checkSeconds(Math.floor(remainingMs / 1_000), now, "until", resolved);
}

/**
 * A link signed with temporary credentials (a session token) stops working when they expire,
 * whatever its X-Amz-Expires says: the earlier of the two is when it really ends.
 */
export function effectiveExpiry(requestedAt: Date, credentialsExpireAt: Date | null | undefined): { expiresAt: Date; limitedByCredentials: boolean } {
  if (credentialsExpireAt && credentialsExpireAt.getTime() < requestedAt.getTime()) {
    return { expiresAt: credentialsExpireAt, limitedByCredentials: true };
  }
  return { expiresAt: requestedAt, limitedByCredentials: false };
}

/**
 * What the dialogs say before Generate, and the API's warning, when a direct link would outlive the
 * connection's temporary credentials: it stops working when they end, not when asked.
 */
export function credentialsEndSentence(end: Date, timeZone = "UTC", locale = "en-GB"): string {
  return `This link will stop working at ${formatExpiryDate(end, timeZone, locale)}, when the connection's temporary credentials end.`;
}

/**
 * The managed links' counterpart (they are signed afresh at each download, so renewed credentials
 * keep them working): said before Generate when the chosen expiry goes past the credentials' end.
 */
export function managedCredentialsEndSentence(end: Date, timeZone = "UTC", locale = "en-GB"): string {
  return `This link will stop working at ${formatExpiryDate(end, timeZone, locale)}, when the connection's temporary credentials end, unless fresh ones are pasted in Settings → Connections before then.`;
}

/** Whether a managed link chosen to end at `expiresAt` (or never) outlives credentials that end at `end`. */
export function outlivesCredentials(expiry: { expiresAt: Date; neverExpires?: boolean }, end: Date | null | undefined): boolean {
  return Boolean(end) && (expiry.neverExpires === true || expiry.expiresAt.getTime() > end!.getTime());
}

/**
 * Why no direct link can be signed now on credentials ending at `end`: they ended, or end within a
 * minute (the shortest link); null while they last longer. The dialogs say it before Generate, the server refuses with it.
 */
export function credentialsEndProblem(end: Date, now: Date, timeZone = "UTC"): string | null {
  const seconds = Math.floor((end.getTime() - now.getTime()) / 1000);
  if (seconds >= MIN_EXPIRY_SECONDS) return null;
  const when = formatExpiryDate(end, timeZone);
  return seconds < 1
    ? `This connection's temporary credentials expired ${when}. Paste fresh ones in Settings → Connections.`
    : `This connection's temporary credentials end ${when}, less than a minute from now. Paste fresh ones in Settings → Connections.`;
}

/** Why an issued link differs from what was asked (the API's `warnings`); the reason is stable, the message plain. */
export type LinkWarning = { reason: "credentials_end_first"; message: string; requestedExpiresAt: Date; expiresAt: Date };

/**
 * The warnings of an issued link, from what it stores (so an Idempotency-Key replay answers the same):
 * a direct link whose true end (the credentials') is earlier than the expiry asked for.
 */
export function issuedLinkWarnings(link: { kind: LinkKind; neverExpires: boolean; requestedExpiresAt: Date; expiresAt: Date }): LinkWarning[] {
  if (link.kind !== "direct" || link.neverExpires || link.expiresAt.getTime() >= link.requestedExpiresAt.getTime()) return [];
  return [
    {
      reason: "credentials_end_first",
      message: credentialsEndSentence(link.expiresAt),
      requestedExpiresAt: link.requestedExpiresAt,
      expiresAt: link.expiresAt,
    },
  ];
}

const DURATION_UNITS = [
  { seconds: 86_400, one: "day", many: "days" },
  { seconds: 3_600, one: "hour", many: "hours" },
  { seconds: 60, one: "minute", many: "minutes" },
  { seconds: 1, one: "second", many: "seconds" },
] as const;

/**
 * "1 hour", "3 days 4 hours", "45 minutes": the largest unit and, when not zero, the next one
 * down; anything smaller is dropped (rounded down).
 */
export function formatDuration(seconds: number): string {
  const total = Math.max(0, Math.floor(seconds));
  if (total === 0) return "0 seconds";
  const index = DURATION_UNITS.findIndex((unit) => total >= unit.seconds);
  const parts: string[] = [];
  let rest = total;
  for (const unit of DURATION_UNITS.slice(index, index + 2)) {
    const count = Math.floor(rest / unit.seconds);
    rest -= count * unit.seconds;
    if (count > 0) parts.push(`${count} ${count === 1 ? unit.one : unit.many}`);
  }
  return parts.join(" ");
}
