import { z } from "zod";
import {
  ALLOWED_TYPES_HELP,
  DEFAULT_LIMITS,
  MAX_LIMITS,
  MAX_MESSAGE_LENGTH,
  MAX_TITLE_LENGTH,
  parseAllowedTypes,
  parseSize,
  SIZE_HELP,
  type UploadRequestRequest,
} from "@/lib/upload-requests/request";
import { checkbox, expiryChoiceFields, linkPasswordField, optionalText, requestedExpiryOf } from "@/lib/validation/share";

/**
 * "Request files" as the dialog's form sends it: sizes as typed ("1 GB"), the allowed types as one
 * line ("pdf, .jpg, image/*"), the expiry fields of a managed link. toUploadRequestRequest turns it
 * into the typed request issueUploadRequest takes.
 */

const sizeField = (fallback: number) =>
  z
    .string()
    .max(40, SIZE_HELP)
    .optional()
    .transform((v, ctx): number => {
      if (v === undefined || v.trim() === "") return fallback;
      const bytes = parseSize(v);
      if (bytes === null) {
        ctx.addIssue({ code: "custom", message: `Not a size: ${SIZE_HELP}` });
        return z.NEVER;
      }
      return bytes;
    });

export const createUploadRequestSchema = z.object({
  connectionId: z.string().trim().min(1, "Choose a connection.").max(64),
  bucket: z.string().min(1, "Choose a bucket.").max(255),
  folder: z.string().max(1024).default(""),
  ...expiryChoiceFields("7d"),
  title: optionalText(MAX_TITLE_LENGTH, `Keep the title under ${MAX_TITLE_LENGTH} characters.`),
  message: optionalText(MAX_MESSAGE_LENGTH, `Keep the message under ${MAX_MESSAGE_LENGTH.toLocaleString("en-US")} characters.`),
  maxFiles: z
    .string()
    .max(20)
    .optional()
    .transform((v, ctx): number => {
      const text = v?.trim() ?? "";
      if (text === "") return DEFAULT_LIMITS.maxFiles;
      if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > MAX_LIMITS.maxFiles) {
        ctx.addIssue({ code: "custom", message: `Enter a whole number from 1 to ${MAX_LIMITS.maxFiles.toLocaleString("en-US")}.` });
        return z.NEVER;
      }
      return Number(text);
    }),
  maxFileSize: sizeField(DEFAULT_LIMITS.maxFileSize),
  maxTotalSize: sizeField(DEFAULT_LIMITS.maxTotalSize),
  allowedTypes: z
    .string()
    .max(1_000, "Keep the list under 1,000 characters.")
    .optional()
    .transform((v, ctx): string[] => {
      const parsed = parseAllowedTypes(v ?? "");
      if (!parsed.ok) {
        const shown = parsed.invalid
          .slice(0, 5)
          .map((e) => `“${e.slice(0, 40)}”`)
          .join(", ");
        ctx.addIssue({ code: "custom", message: `Not an extension or a MIME type: ${shown}. ${ALLOWED_TYPES_HELP}` });
        return z.NEVER;
      }
      return parsed.types;
    }),
  password: linkPasswordField,
  askName: checkbox,
  askEmail: checkbox,
  folderPerUploader: checkbox,
});
export type CreateUploadRequestInput = z.infer<typeof createUploadRequestSchema>;

/** The dialog's form as the request issueUploadRequest takes. */
export function toUploadRequestRequest(input: CreateUploadRequestInput, now = new Date()): UploadRequestRequest {
  return {
    connectionId: input.connectionId,
    bucket: input.bucket,
    folder: input.folder,
    title: input.title ?? null,
    message: input.message ?? null,
    maxFiles: input.maxFiles,
    maxFileSize: input.maxFileSize,
    maxTotalSize: input.maxTotalSize,
    allowedTypes: input.allowedTypes,
    expiry: requestedExpiryOf(input, "managed", now),
    password: input.password ?? null,
    askName: input.askName,
    askEmail: input.askEmail,
    folderPerUploader: input.folderPerUploader,
    timeZone: input.timeZone,
  };
}

/** /links/<id> of a request → "Change limits": the same fields and rules as the dialog's. */
export const changeRequestLimitsSchema = z.object({
  id: z.string().trim().min(1).max(64),
  maxFiles: createUploadRequestSchema.shape.maxFiles,
  maxFileSize: createUploadRequestSchema.shape.maxFileSize,
  maxTotalSize: createUploadRequestSchema.shape.maxTotalSize,
});

/** "Request files" opened: the bucket's CORS, checked from the server before the form is shown. */
export const requestCorsSchema = z.object({
  connectionId: z.string().trim().min(1).max(64),
  bucket: z.string().min(1).max(255),
  folder: z.string().max(1024).default(""),
});
