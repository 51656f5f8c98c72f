import { z } from "zod";
import { AppError } from "@/lib/errors";
import {
  EXPIRY_UNITS,
  MANAGED_EXPIRY_PRESETS,
  NEVER_PRESET,
  parseLocalDateTime,
  resolveExpiry,
  zonedWallTimeToInstant,
  type ExpiryChoice,
  type ExpiryUnit,
  type LinkKind,
} from "@/lib/links/expiry";
import type { RequestedExpiry, ShareLinkRequest } from "@/lib/links/share-request";
import { LINK_PASSWORD_TOO_SHORT, linkPasswordProblem, NEW_LINK_PASSWORD_TOO_SHORT } from "@/lib/links/link-password";
import { isSniffedType } from "@/lib/links/served-type";
import { LINK_HEALTH_FILTERS, LINK_STATUS_FILTERS, LINK_TYPE_FILTERS } from "@/lib/links/filters";
import { parseRangeList } from "@/lib/security/cidr";
import { isActiveType, mediaTypeEssence } from "@/lib/storage/preview";

export const optionalText = (max: number, message: string) =>
  z
    .string()
    .max(max, message)
    .optional()
    .transform((v) => (v === undefined || v.trim() === "" ? undefined : v.trim()));

/**
 * A content-type override: `type/subtype` and `; name=value` parameters (a value may be quoted),
 * printable ASCII only, so nothing like CR/LF can reach a response header. Active types (HTML,
 * XHTML, SVG, XML, JavaScript) are allowed only with Download (see createShareSchema).
 */
const TOKEN = "[A-Za-z0-9!#$%&'*+.^_`|~-]+";
const QUOTED = '"[\\x20\\x21\\x23-\\x5b\\x5d-\\x7e]*"';
const MEDIA_TYPE = new RegExp(`^${TOKEN}/${TOKEN}(?:[ ]*;[ ]*${TOKEN}=(?:${TOKEN}|${QUOTED}))*$`);

export const MAX_DOWNLOAD_LIMIT = 1_000_000;
export const DOWNLOAD_LIMIT_MESSAGE = `Enter a whole number from 1 to ${MAX_DOWNLOAD_LIMIT.toLocaleString("en-US")}, or leave it empty for unlimited.`;

/** "Download limit": empty = unlimited (null), 1 = one-time; 0, negative and non-numbers are refused. */
export const downloadLimitField = z
  .union([z.string(), z.number()])
  .optional()
  .transform((v, ctx): number | null => {
    const text = v === undefined ? "" : String(v).trim();
    if (text === "") return null;
    if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > MAX_DOWNLOAD_LIMIT) {
      ctx.addIssue({ code: "custom", message: DOWNLOAD_LIMIT_MESSAGE });
      return z.NEVER;
    }
    return Number(text);
  });

/** "Allowed networks": IPv4/IPv6 addresses or CIDR ranges, stored canonical; the error names what does not parse. */
export const allowedNetworksField = z
  .string()
  .max(4_000, "Keep the list under 4,000 characters.")
  .optional()
  .transform((v, ctx): string[] => {
    const parsed = parseRangeList(v ?? "");
    if (!parsed.ok) {
      const shown = parsed.invalid
        .slice(0, 5)
        .map((e) => `"${e.slice(0, 60)}"`)
        .join(", ");
      const more = parsed.invalid.length > 5 ? ` and ${parsed.invalid.length - 5} more` : "";
      ctx.addIssue({
        code: "custom",
        message: `Not an IPv4/IPv6 address or CIDR range: ${shown}${more}. Use forms such as 203.0.113.0/24 or 2001:db8::/32.`,
      });
      return z.NEVER;
    }
    if (parsed.ranges.length > 100) {
      ctx.addIssue({ code: "custom", message: "List at most 100 networks." });
      return z.NEVER;
    }
    return parsed.ranges;
  });

/** An HTML checkbox: present ("on", "true") or absent. */
export const checkbox = z
  .union([z.string(), z.boolean()])
  .optional()
  .transform((v) => v === true || v === "on" || v === "true" || v === "1");

export const objectRefSchema = z.object({
  connectionId: z.string().trim().min(1, "Choose a connection.").max(64),
  bucket: z.string().min(1, "Choose a bucket.").max(255),
  key: z.string().min(1, "Choose an object.").max(1024, "Object keys are at most 1024 bytes."),
});

/** How long a link lasts (see lib/links/expiry.ts): a preset, a custom duration, or until a wall-clock time in `timeZone`. */
export const expiryChoiceFields = (defaultPreset: string) => ({
  expiryMode: z.enum(["preset", "custom", "until"], { error: "Choose how long the link lasts." }).default("preset"),
  preset: z.string().default(defaultPreset),
  amount: z.string().optional().default(""),
  unit: z.enum(EXPIRY_UNITS).default("hours"),
  until: z.string().optional().default(""),
  timeZone: z.string().max(64).default("UTC"),
});

/** A managed link's password: empty = none. */
export const linkPasswordField = z
  .string()
  .max(256, "Use at most 256 characters.")
  .optional()
  .transform((v) => (v === undefined || v === "" ? undefined : v))
  .refine((v) => v === undefined || linkPasswordProblem(v) === null, LINK_PASSWORD_TOO_SHORT);

export const shareOptionsSchema = z.object({
  ...expiryChoiceFields("1h"),
  disposition: z.enum(["inline", "attachment"], { error: "Choose Open in browser or Download." }).default("inline"),
  fileName: optionalText(255, "Use at most 255 characters."),
  contentType: z
    .string()
    .max(255, "Use at most 255 characters.")
    .optional()
    // Only spaces and tabs are trimmed: a line break anywhere is refused, not cleaned up.
    .transform((v) => v?.replace(/^[ \t]+|[ \t]+$/g, "") || undefined)
    .superRefine((v, ctx) => {
      if (v === undefined) return;
      if (!/^[\x20-\x7e]*$/.test(v)) {
        ctx.addIssue({ code: "custom", message: "Use printable ASCII only (no line breaks or other control characters), such as text/plain; charset=utf-8." });
      } else if (!MEDIA_TYPE.test(v)) {
        ctx.addIssue({ code: "custom", message: "Enter a media type such as application/pdf or text/plain; charset=utf-8." });
      }
    }),
  note: optionalText(500, "Keep the note under 500 characters."),
  /** "Link type": a presigned URL, or <public URL>/s/<token> checked by Bucketshare at each use. */
  linkType: z.enum(["direct", "managed"], { error: "Choose Direct link or Managed link." }).default("direct"),
  downloadLimit: downloadLimitField,
  password: linkPasswordField,
  allowedNetworks: allowedNetworksField,
  /** "Always the latest version": no pin (checked), or the version/ETag seen now (unchecked). */
  alwaysLatest: checkbox,
});

const MANAGED_ONLY_PRESETS: readonly string[] = [
  NEVER_PRESET,
  ...MANAGED_EXPIRY_PRESETS.map((p) => p.id).filter((id) => !["1h", "6h", "1d", "3d", "7d"].includes(id)),
];

/** An override the recipient's browser would neither run as a page nor sniff into one, or why it would. */
export function contentTypeOverrideProblem(contentType: string | undefined, disposition: "inline" | "attachment"): string | null {
  if (!contentType || disposition === "attachment") return null;
  if (isActiveType(contentType)) {
    return `${mediaTypeEssence(contentType)} can run as a web page in the recipient's browser: choose Download, or another content type.`;
  }
  if (isSniffedType(contentType)) {
    return `${mediaTypeEssence(contentType)} makes the recipient's browser guess the type (it may run the file as a web page): choose Download, or a specific content type.`;
  }
  return null;
}

/** A managed link's option (download limit, password, allowed networks…) on a direct link. */
export const MANAGED_ONLY_MESSAGE = "Only managed links have this option: choose Managed link, or clear it.";

export const createShareSchema = objectRefSchema.extend(shareOptionsSchema.shape).superRefine((input, ctx) => {
  const problem = contentTypeOverrideProblem(input.contentType, input.disposition);
  if (problem) ctx.addIssue({ code: "custom", path: ["contentType"], message: problem });
  if (input.linkType === "direct") {
    const managedOnly = MANAGED_ONLY_MESSAGE;
    if (input.expiryMode === "preset" && MANAGED_ONLY_PRESETS.includes(input.preset)) {
      ctx.addIssue({
        code: "custom",
        path: ["expiresIn"],
        message:
          input.preset === NEVER_PRESET
            ? "Direct links cannot last forever (at most 7 days). Choose Managed link for No expiry."
            : "Direct links last at most 7 days. Choose Managed link for 30 or 90 days.",
      });
    }
    if (input.downloadLimit !== null) ctx.addIssue({ code: "custom", path: ["downloadLimit"], message: managedOnly });
    if (input.password !== undefined) ctx.addIssue({ code: "custom", path: ["password"], message: managedOnly });
    if (input.allowedNetworks.length > 0) ctx.addIssue({ code: "custom", path: ["allowedNetworks"], message: managedOnly });
  }
});
export type CreateShareInput = z.infer<typeof createShareSchema>;

/** The dialogs' expiry fields, as their forms send them. */
type ExpiryFields = { expiryMode: "preset" | "custom" | "until"; preset: string; amount: string; unit: ExpiryUnit; until: string; timeZone: string };

/** Which form field shows an expiry refusal (the preset select is named expiresIn). */
const EXPIRY_FIELD_NAMES = { preset: "expiresIn", amount: "amount", until: "until", timeZone: "until" } as const;

/**
 * The dialogs' expiry fields as the requested expiry, checked for this kind of link: a preset or
 * a duration counts from the second the link is made, "until" names an instant. A choice that
 * cannot be had is refused at its field.
 */
export function requestedExpiryOf(input: ExpiryFields, kind: LinkKind, now = new Date()): RequestedExpiry {
  const choice: ExpiryChoice =
    input.expiryMode === "custom"
      ? { mode: "custom", amount: input.amount, unit: input.unit }
      : input.expiryMode === "until"
        ? { mode: "until", localDateTime: input.until, timeZone: input.timeZone }
        : { mode: "preset", preset: input.preset };
  const result = resolveExpiry(choice, now, { timeZone: input.timeZone, kind });
  if (!result.ok)
    throw new AppError("invalid", result.message, { reason: "invalid_expiry", fieldErrors: { [EXPIRY_FIELD_NAMES[result.field]]: [result.message] } });
  if (result.neverExpires) return { never: true };
  if (choice.mode === "until") return { at: zonedWallTimeToInstant(parseLocalDateTime(choice.localDateTime)!, choice.timeZone) };
  return { seconds: result.seconds };
}

/** Quick Share's form as the request issueShareLink takes. */
export function toShareLinkRequest(input: CreateShareInput, now = new Date()): ShareLinkRequest {
  const kind: LinkKind = input.linkType === "managed" ? "managed" : "direct";
  return {
    connectionId: input.connectionId,
    bucket: input.bucket,
    key: input.key,
    kind,
    expiry: requestedExpiryOf(input, kind, now),
    disposition: input.disposition,
    fileName: input.fileName ?? null,
    contentType: input.contentType ?? null,
    note: input.note ?? null,
    downloadLimit: input.downloadLimit,
    password: input.password ?? null,
    allowedNetworks: input.allowedNetworks,
    alwaysLatest: input.alwaysLatest,
    timeZone: input.timeZone,
  };
}

export const linkIdSchema = z.object({ id: z.string().trim().min(1).max(64) });

/** Link page → Change expiry (managed links): a preset from now, or No expiry. */
export const changeExpirySchema = linkIdSchema.extend({
  preset: z.enum([...MANAGED_EXPIRY_PRESETS.map((p) => p.id), NEVER_PRESET] as unknown as [string, ...string[]], {
    error: "Choose one of the listed durations.",
  }),
});

/** Link page → Change download limit (managed links): empty = unlimited. */
export const changeDownloadLimitSchema = linkIdSchema.extend({ downloadLimit: downloadLimitField });

/**
 * Link page → Change password (managed links): "set" a new one (the rule of new links' passwords:
 * at least MIN_LINK_PASSWORD_LENGTH characters), or "remove" it.
 */
export const changeLinkPasswordSchema = linkIdSchema
  .extend({
    mode: z.enum(["set", "remove"], { error: "Choose Change password or Remove password." }).default("set"),
    password: z.string().max(256, "Use at most 256 characters.").optional().default(""),
  })
  .superRefine((input, ctx) => {
    if (input.mode === "set" && (input.password === "" || linkPasswordProblem(input.password) !== null))
      ctx.addIssue({ code: "custom", path: ["password"], message: NEW_LINK_PASSWORD_TOO_SHORT });
  })
  .transform(({ id, mode, password }) => ({ id, password: mode === "remove" ? null : password }));

/** Link page → Change allowed networks (managed links): Quick Share's field; empty = anywhere. */
export const changeAllowedNetworksSchema = linkIdSchema.extend({ allowedNetworks: allowedNetworksField });

/** Settings → "Log only the network part of recipients' addresses". */
export const logNetworkOnlySchema = z.object({ logNetworkOnly: checkbox });

/** /links/<id> "Access log" pages. */
export const accessLogCursorSchema = z.string().max(200).optional().catch(undefined);

/** A history filter's text: NUL, which PostgreSQL cannot store in text, is dropped (a typed "\0" finds nothing, not an error). */
function filterText(max: number) {
  return z
    .string()
    .max(max)
    .transform((value) => value.replaceAll("\0", ""))
    .optional()
    .catch(undefined);
}

export const historyFilterSchema = z.object({
  status: z.enum(LINK_STATUS_FILTERS).catch("all"),
  type: z.enum(LINK_TYPE_FILTERS).catch("all"),
  /** Health (link health checks): "needs-attention" or one outcome. */
  health: z.enum(LINK_HEALTH_FILTERS).catch("all"),
  connection: filterText(64),
  bucket: filterText(255),
  q: filterText(200),
  /** "Issued by": a person's id (Admins and the Owner; ignored for Members, who see only their own links). */
  issuedBy: filterText(64),
  cursor: z.string().max(200).optional().catch(undefined),
});
export type HistoryFilter = Omit<z.infer<typeof historyFilterSchema>, "type" | "health"> & {
  type?: z.infer<typeof historyFilterSchema>["type"];
  health?: z.infer<typeof historyFilterSchema>["health"];
  /** The API's GET /links: share links only (upload requests have their own endpoints). */
  withoutRequests?: boolean;
};

/**
 * Quick Share / Share selected → Change options (managed links): only what the owner changed is
 * sent. The expiry fields when the expiry changed (expiryMode absent: kept), the download limit
 * and networks when given, and the password as "set" (with the new one), "remove", or "keep".
 */
export const changeLinkOptionsSchema = linkIdSchema
  .extend({
    ...expiryChoiceFields("7d"),
    expiryMode: z.enum(["keep", "preset", "custom", "until"], { error: "Choose how long the link lasts." }).default("keep"),
    downloadLimit: downloadLimitField,
    changeDownloadLimit: checkbox,
    passwordMode: z.enum(["keep", "set", "remove"], { error: "Choose to keep, change or remove the password." }).default("keep"),
    password: z.string().max(256, "Use at most 256 characters.").optional().default(""),
    allowedNetworks: allowedNetworksField,
    changeAllowedNetworks: checkbox,
  })
  .superRefine((input, ctx) => {
    if (input.passwordMode === "set" && (input.password === "" || linkPasswordProblem(input.password) !== null))
      ctx.addIssue({ code: "custom", path: ["password"], message: LINK_PASSWORD_TOO_SHORT });
  });
export type ChangeLinkOptionsInput = z.infer<typeof changeLinkOptionsSchema>;
