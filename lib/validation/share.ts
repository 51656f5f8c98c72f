import { z } from "zod";
import { EXPIRY_UNITS } from "@/lib/links/expiry";
import { LINK_STATUS_FILTERS } from "@/lib/links/filters";

const optionalText = (max: number, message: string) =>
  z
    .string()
    .max(max, message)
    .optional()
    .transform((v) => (v === undefined || v.trim() === "" ? undefined : v.trim()));

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
  contentType: optionalText(255, "Use at most 255 characters.").pipe(
    z
      .string()
      .regex(/^[\w.+-]+\/[\w.+-]+(\s*;\s*[\w.+-]+=("[^"]*"|[\w.+-]+))*$/, "Enter a media type such as application/pdf or text/plain; charset=utf-8.")
      .optional(),
  ),
  note: optionalText(500, "Keep the note under 500 characters."),
});

export const createShareSchema = objectRefSchema.extend(shareOptionsSchema.shape);
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
