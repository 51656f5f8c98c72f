import { z } from "zod";
import { API_SCOPES, API_SCOPE_LABELS, type ApiScope } from "@/lib/api/tokens";
import { isValidTimeZone, zonedWallTimeToInstant } from "@/lib/links/expiry";

/**
 * Settings → "API tokens" → "Create token": a name, one or more scopes, and an expiry chosen from
 * presets or a custom date. A custom date is read in the owner's time zone (sent by the browser)
 * and the token stops working at the start (00:00) of that day. Pure: `now` is read at parse time.
 */

export const MAX_API_TOKEN_NAME_LENGTH = 100;
/** The longest expiry a token may have (about 10 years); beyond that, choose No expiry. */
export const MAX_API_TOKEN_EXPIRY_DAYS = 3_650;

export const API_TOKEN_EXPIRY_CHOICES = [
  { id: "never", label: "No expiry", days: null },
  { id: "7d", label: "7 days", days: 7 },
  { id: "30d", label: "30 days", days: 30 },
  { id: "90d", label: "90 days", days: 90 },
  { id: "1y", label: "1 year", days: 365 },
  { id: "custom", label: "Custom date…", days: null },
] as const;

export type ApiTokenExpiryChoice = (typeof API_TOKEN_EXPIRY_CHOICES)[number]["id"];
export const DEFAULT_API_TOKEN_EXPIRY: ApiTokenExpiryChoice = "30d";

/** What the form shows for each scope: its name and what it allows. */
export const API_SCOPE_OPTIONS: { id: ApiScope; description: string }[] = API_SCOPES.map((id) => ({ id, description: API_SCOPE_LABELS[id] }));

const DAY_MS = 86_400_000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export const API_TOKEN_MESSAGES = {
  name: "Enter a name that says what the token is for, such as “Nightly backup script”.",
  nameTooLong: `Use at most ${MAX_API_TOKEN_NAME_LENGTH} characters.`,
  scopes: "Choose at least one scope.",
  scope: `Choose scopes from ${API_SCOPES.join(", ")}.`,
  expiry: "Choose when the token expires.",
  date: "Enter the date the token expires, such as 2027-01-31.",
  past: "Choose a date after today.",
  tooFar: `Choose a date at most 10 years from now, or No expiry.`,
} as const;

/** "2027-01-31" → midnight of that day as a UTC wall-clock timestamp (ms), or null when no such date. */
function parseDate(value: string): number | null {
  const match = DATE.exec(value.trim());
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (month < 1 || month > 12 || day < 1 || day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return null;
  const wall = new Date(Date.UTC(2000, month - 1, day));
  wall.setUTCFullYear(year);
  return wall.getTime();
}

export type ApiTokenExpiryResult = { ok: true; expiresAt: Date | null } | { ok: false; field: "expiry" | "expiryDate"; message: string };

/** When a token made `now` with this choice stops working (null: never). */
export function resolveApiTokenExpiry(choice: { expiry: string; expiryDate?: string; timeZone?: string }, now: Date): ApiTokenExpiryResult {
  const preset = API_TOKEN_EXPIRY_CHOICES.find((c) => c.id === choice.expiry);
  if (!preset) return { ok: false, field: "expiry", message: API_TOKEN_MESSAGES.expiry };
  if (preset.id === "never") return { ok: true, expiresAt: null };
  if (preset.days !== null) return { ok: true, expiresAt: new Date(now.getTime() + preset.days * DAY_MS) };

  const wall = parseDate(choice.expiryDate ?? "");
  if (wall === null) return { ok: false, field: "expiryDate", message: API_TOKEN_MESSAGES.date };
  const timeZone = choice.timeZone && isValidTimeZone(choice.timeZone) ? choice.timeZone : "UTC";
  const expiresAt = zonedWallTimeToInstant(wall, timeZone);
  // The chosen day must not have begun yet: today and earlier are refused.
  if (expiresAt.getTime() <= now.getTime()) return { ok: false, field: "expiryDate", message: API_TOKEN_MESSAGES.past };
  if (expiresAt.getTime() - now.getTime() > MAX_API_TOKEN_EXPIRY_DAYS * DAY_MS) {
    return { ok: false, field: "expiryDate", message: API_TOKEN_MESSAGES.tooFar };
  }
  return { ok: true, expiresAt };
}

/** Checkboxes arrive from FormData as nothing, one string, or an array of strings. */
const scopesSchema = z.preprocess(
  (value) => (value === undefined || value === null || value === "" ? [] : Array.isArray(value) ? value : [value]),
  z
    .array(z.enum(API_SCOPES, { error: API_TOKEN_MESSAGES.scope }), { error: API_TOKEN_MESSAGES.scopes })
    .min(1, API_TOKEN_MESSAGES.scopes)
    .transform((scopes) => API_SCOPES.filter((scope) => scopes.includes(scope))),
);

export const createApiTokenSchema = z
  .object({
    name: z.string({ error: API_TOKEN_MESSAGES.name }).trim().min(1, API_TOKEN_MESSAGES.name).max(MAX_API_TOKEN_NAME_LENGTH, API_TOKEN_MESSAGES.nameTooLong),
    scopes: scopesSchema,
    expiry: z.string({ error: API_TOKEN_MESSAGES.expiry }).default(DEFAULT_API_TOKEN_EXPIRY),
    expiryDate: z.string().max(32).optional(),
    timeZone: z.string().max(64).optional(),
  })
  // A refinement (not only the transform) so the expiry is checked even when the name or scopes are wrong too:
  // the owner sees every field's problem at once.
  .superRefine(({ expiry, expiryDate, timeZone }, ctx) => {
    const result = resolveApiTokenExpiry({ expiry, expiryDate, timeZone }, new Date());
    if (!result.ok) ctx.addIssue({ code: "custom", path: [result.field], message: result.message });
  })
  .transform(({ name, scopes, ...choice }, ctx) => {
    const expiry = resolveApiTokenExpiry(choice, new Date());
    if (!expiry.ok) {
      ctx.addIssue({ code: "custom", path: [expiry.field], message: expiry.message });
      return z.NEVER;
    }
    return { name, scopes, expiresAt: expiry.expiresAt };
  });

export type CreateApiTokenInput = z.infer<typeof createApiTokenSchema>;

export const revokeApiTokenSchema = z.object({
  id: z.string({ error: "Choose a token to revoke." }).trim().min(1, "Choose a token to revoke.").max(64, "Choose a token to revoke."),
});
