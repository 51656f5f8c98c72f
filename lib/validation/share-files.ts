import { z } from "zod";
import { MAX_SHARE_FILES } from "@/lib/links/files-limit";
import { MAX_PATTERN_LENGTH, namePatternRegex } from "@/lib/links/name-pattern";
import type { FilesShareRequest } from "@/lib/links/share-request";
import {
  allowedNetworksField,
  checkbox,
  downloadLimitField,
  expiryChoiceFields,
  linkPasswordField,
  optionalText,
  requestedExpiryOf,
} from "@/lib/validation/share";

export { MAX_SHARE_FILES };

/**
 * What a multi-file share is made of: keys selected in a bucket (across pages and folders), or a
 * folder (optionally with its subfolders, optionally only names matching a glob).
 */
export const filesSourceSchema = z.object({
  connectionId: z.string().trim().min(1, "Choose a connection.").max(64),
  bucket: z.string().min(1, "Choose a bucket.").max(255),
  mode: z.enum(["keys", "folder"]),
  keys: z
    .array(z.string().min(1).max(1024, "Object keys are at most 1024 bytes."))
    .max(MAX_SHARE_FILES, `Select at most ${MAX_SHARE_FILES.toLocaleString("en-US")} files.`)
    .default([]),
  prefix: z.string().max(1024).default(""),
  recursive: checkbox,
  pattern: optionalText(MAX_PATTERN_LENGTH, `Keep the pattern under ${MAX_PATTERN_LENGTH} characters.`).superRefine((v, ctx) => {
    if (v !== undefined && namePatternRegex(v) === null) {
      ctx.addIssue({ code: "custom", message: "Not a usable pattern: check that every [ has its ] and every { its }. Example: *.pdf" });
    }
  }),
});
export type FilesSource = z.infer<typeof filesSourceSchema>;

/** One page of the dialog's snapshot preview (a continuation token, or an offset into the selected keys). */
export const scanFilesSchema = filesSourceSchema.extend({ cursor: z.string().max(2048).optional() });

/** The same expiry and managed-link fields as a one-file share (lib/validation/share.ts), and the ZIP switch. */
export const createFilesShareSchema = filesSourceSchema.extend({
  ...expiryChoiceFields("7d"),
  title: optionalText(200, "Keep the title under 200 characters."),
  note: optionalText(500, "Keep the note under 500 characters."),
  downloadLimit: downloadLimitField,
  password: linkPasswordField,
  allowedNetworks: allowedNetworksField,
  zipAllowed: checkbox,
});
export type CreateFilesShareInput = z.infer<typeof createFilesShareSchema>;

/** The "Share selected" / "Share folder" form as the request issueFilesShare takes. */
export function toFilesShareRequest(input: CreateFilesShareInput, now = new Date()): FilesShareRequest {
  return {
    connectionId: input.connectionId,
    bucket: input.bucket,
    mode: input.mode,
    keys: input.keys,
    prefix: input.prefix,
    recursive: input.recursive,
    pattern: input.pattern,
    expiry: requestedExpiryOf(input, "managed", now),
    title: input.title ?? null,
    note: input.note ?? null,
    downloadLimit: input.downloadLimit,
    password: input.password ?? null,
    allowedNetworks: input.allowedNetworks,
    zipAllowed: input.zipAllowed,
    timeZone: input.timeZone,
  };
}
