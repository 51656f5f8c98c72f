import { z } from "zod";
import { atMostOneExpiry, expiresAt, expiresIn, neverExpires, requestedExpiryOfBody } from "@/lib/api/schemas/links";
import { isoDateTime, nullableDateTime } from "@/lib/api/schemas/common";
import { MANAGED_EXPIRY_PRESETS } from "@/lib/links/expiry";
import {
  ALLOWED_TYPES_HELP,
  DEFAULT_LIMITS,
  MAX_ALLOWED_TYPES,
  MAX_LIMITS,
  MAX_MESSAGE_LENGTH,
  MAX_TITLE_LENGTH,
  parseAllowedTypes,
  type UploadRequestRequest,
} from "@/lib/upload-requests/request";
import { linkPasswordField } from "@/lib/validation/share";

/**
 * POST /upload-requests and GET /upload-requests/{id}: the dialog's fields in JSON (sizes in bytes,
 * the allowed types as a list, expiry as the links' expiresIn / expiresAt / neverExpires).
 */

const DEFAULT_EXPIRY_SECONDS = MANAGED_EXPIRY_PRESETS.find((p) => p.id === "7d")!.seconds;

export const createUploadRequestBodySchema = z
  .strictObject({
    connectionId: z.string().trim().min(1, "Choose a connection.").max(64).meta({ description: "The connection's id (GET /connections)." }),
    bucket: z.string().min(1, "Choose a bucket.").max(255),
    folder: z.string().max(1024).optional().meta({
      description: 'The folder the request is made on: "" (default, the bucket\'s root) or a prefix ending in "/". Files land in <folder><title or date>/.',
    }),
    title: z
      .string()
      .trim()
      .max(MAX_TITLE_LENGTH, `Keep the title under ${MAX_TITLE_LENGTH} characters.`)
      .optional()
      .meta({ description: "What uploaders see, and the name of the folder their files land in (default: the date)." }),
    message: z
      .string()
      .trim()
      .max(MAX_MESSAGE_LENGTH, `Keep the message under ${MAX_MESSAGE_LENGTH} characters.`)
      .optional()
      .meta({ description: "Message to uploaders, shown on the upload page." }),
    maxFiles: z
      .int()
      .min(1)
      .max(MAX_LIMITS.maxFiles)
      .optional()
      .meta({ description: `Files the request takes in all (default ${DEFAULT_LIMITS.maxFiles}).` }),
    maxFileSize: z
      .int()
      .min(1)
      .max(MAX_LIMITS.maxFileSize)
      .optional()
      .meta({ description: `Bytes per file (default ${DEFAULT_LIMITS.maxFileSize}, 1 GiB).` }),
    maxTotalSize: z
      .int()
      .min(1)
      .max(MAX_LIMITS.maxTotalSize)
      .optional()
      .meta({ description: `Bytes of all files together, at least maxFileSize (default ${DEFAULT_LIMITS.maxTotalSize}, 5 GiB).` }),
    allowedTypes: z
      .array(z.string().max(80))
      .max(MAX_ALLOWED_TYPES)
      .optional()
      .meta({ description: `Extensions and/or MIME families or types, such as ["pdf", ".jpg", "image/*"]; empty or absent: any type. ${ALLOWED_TYPES_HELP}` }),
    expiresIn,
    expiresAt,
    neverExpires,
    password: linkPasswordField.meta({ description: "Uploaders must enter it before they can upload. Stored as a hash only." }),
    askName: z.boolean().optional().meta({ description: "Uploaders must give their name (default false)." }),
    askEmail: z.boolean().optional().meta({ description: "Uploaders must give their email (default false)." }),
    folderPerUploader: z.boolean().optional().meta({ description: "Each uploader's files under a folder of their name (needs askName)." }),
  })
  .superRefine(atMostOneExpiry)
  .meta({
    id: "CreateUploadRequest",
    description: "At most one of expiresIn, expiresAt and neverExpires; without any, the request lasts 7 days (the dialog's default).",
  });
export type CreateUploadRequestBody = z.output<typeof createUploadRequestBodySchema>;

/** "pdf" → ".pdf", "IMAGE/*" → "image/*" (as the dialog's field); a list with a bad entry is left for the core to refuse by name. */
function normalisedTypes(types: string[]): string[] {
  const parsed = parseAllowedTypes(types.join(","));
  return parsed.ok ? parsed.types : types;
}

/** POST /upload-requests' body as the request issueUploadRequest takes (the limits' rules are the core's, as for the dialog). */
export function toUploadRequestFromBody(body: CreateUploadRequestBody): UploadRequestRequest {
  return {
    connectionId: body.connectionId,
    bucket: body.bucket,
    folder: body.folder ?? "",
    title: body.title || null,
    message: body.message || null,
    maxFiles: body.maxFiles ?? DEFAULT_LIMITS.maxFiles,
    maxFileSize: body.maxFileSize ?? DEFAULT_LIMITS.maxFileSize,
    maxTotalSize: body.maxTotalSize ?? DEFAULT_LIMITS.maxTotalSize,
    allowedTypes: normalisedTypes(body.allowedTypes ?? []),
    expiry: requestedExpiryOfBody(body) ?? { seconds: DEFAULT_EXPIRY_SECONDS },
    password: body.password ?? null,
    askName: body.askName ?? false,
    askEmail: body.askEmail ?? false,
    folderPerUploader: body.folderPerUploader ?? false,
    timeZone: "UTC",
  };
}

export const receivedFileSchema = z
  .object({
    name: z.string().meta({ description: "The file's name as the uploader's browser gave it (cleaned)." }),
    key: z.string().meta({ description: "Where it landed in the bucket." }),
    size: z.int().min(0),
    detectedType: z.string().nullable().meta({ description: "What its first bytes say it is (MIME type), when recognised." }),
    uploaderName: z.string().nullable(),
    uploaderEmail: z.string().nullable(),
    uploaderAddress: z.string().nullable(),
    receivedAt: isoDateTime,
  })
  .meta({ id: "ReceivedFile" });

export const uploadRequestSchema = z
  .object({
    id: z.string(),
    url: z.string().nullable().meta({
      description: "The upload link <server>/u/<token> to hand out; null once the request is closed or expired (or for who may no longer manage it).",
    }),
    status: z.enum(["open", "full", "expired", "closed"]).meta({
      description: "The first that applies: closed (Close request); expired; full (maxFiles files or maxTotalSize bytes received); open.",
    }),
    title: z.string(),
    message: z.string().nullable(),
    connectionId: z.string().nullable(),
    connectionName: z.string(),
    bucket: z.string(),
    folder: z.string().meta({ description: "Where files land (a key prefix ending in /)." }),
    maxFiles: z.int(),
    maxFileSize: z.int(),
    maxTotalSize: z.int(),
    allowedTypes: z.array(z.string()),
    askName: z.boolean(),
    askEmail: z.boolean(),
    folderPerUploader: z.boolean(),
    passwordProtected: z.boolean(),
    createdAt: isoDateTime,
    expiresAt: nullableDateTime.meta({ description: "Null when it never expires." }),
    neverExpires: z.boolean(),
    closedAt: nullableDateTime,
    receivedFiles: z.int().min(0),
    receivedBytes: z.int().min(0),
    uploadsInProgress: z.int().min(0).meta({ description: "Uploads begun and not finished (each holds a slot)." }),
    lastUploadAt: nullableDateTime,
    files: z.array(receivedFileSchema).meta({ description: "The files received, newest first (at most 200)." }),
  })
  .meta({ id: "UploadRequest" });
export type ApiUploadRequest = z.input<typeof uploadRequestSchema>;
