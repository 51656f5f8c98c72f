import { z } from "zod";
import { EXPIRY_UNITS } from "@/lib/links/expiry";
import { LINK_STATUS_FILTERS } from "@/lib/links/filters";
import { isActiveType, mediaTypeEssence } from "@/lib/storage/preview";

const optionalText = (max: number, message: string) =>
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

export const objectRefSchema = z.object({
  connectionId: z.string().trim().min(1, "Choose a connection.").max(64),
  bucket: z.string().min(1, "Choose a bucket.").max(255),
  key: z.string().min(1, "Choose an object.").max(1024, "Object keys are at most 1024 bytes."),
});

export const shareOptionsSchema = z.object({
  expiryMode: z.enum(["preset", "custom", "until"], { error: "Choose how long the link lasts." }).default("preset"),
  preset: z.string().default("1h"),
  amount: z.string().optional().default(""),
  unit: z.enum(EXPIRY_UNITS).default("hours"),
  until: z.string().optional().default(""),
  timeZone: z.string().max(64).default("UTC"),
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
});

/** An override the recipient's browser would not run as a page, or why it would. */
export function contentTypeOverrideProblem(contentType: string | undefined, disposition: "inline" | "attachment"): string | null {
  if (!contentType || disposition === "attachment" || !isActiveType(contentType)) return null;
  return `${mediaTypeEssence(contentType)} can run as a web page in the recipient's browser: choose Download, or another content type.`;
}

export const createShareSchema = objectRefSchema.extend(shareOptionsSchema.shape).superRefine((input, ctx) => {
  const problem = contentTypeOverrideProblem(input.contentType, input.disposition);
  if (problem) ctx.addIssue({ code: "custom", path: ["contentType"], message: problem });
});
export type CreateShareInput = z.infer<typeof createShareSchema>;

export const linkIdSchema = z.object({ id: z.string().trim().min(1).max(64) });

export const historyFilterSchema = z.object({
  status: z.enum(LINK_STATUS_FILTERS).catch("all"),
  connection: z.string().max(64).optional().catch(undefined),
  bucket: z.string().max(255).optional().catch(undefined),
  q: z.string().max(200).optional().catch(undefined),
  cursor: z.string().max(200).optional().catch(undefined),
});
export type HistoryFilter = z.infer<typeof historyFilterSchema>;
