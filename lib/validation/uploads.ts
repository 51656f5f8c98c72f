import { z } from "zod";
import { MAX_UPLOAD_BYTES } from "@/lib/uploads/parts";

const id = z.string().trim().min(1, "Choose a storage connection.").max(64);
const bucket = z.string().min(1, "Choose a bucket.").max(255);
/** The current folder: "" or a key prefix ending in "/" (checked again by the key rules). */
const prefix = z
  .string()
  .max(1024)
  .refine((p) => p === "" || p.endsWith("/"), "The folder must end in “/”.");

export const beginUploadSchema = z.object({
  connectionId: id,
  bucket,
  prefix,
  path: z.string().min(1, "The file has no name.").max(4096, "The path is too long."),
  size: z.coerce
    .number()
    .int("The size must be a whole number of bytes.")
    .min(0)
    .max(MAX_UPLOAD_BYTES, `A file can be at most ${MAX_UPLOAD_BYTES / 1024 ** 3} GiB (10,000 parts of 8 MiB).`),
  type: z.string().max(255).default(""),
  onExisting: z.enum(["ask", "replace", "keep-both"]).default("ask"),
});

export const createFolderSchema = z.object({
  connectionId: id,
  bucket,
  prefix,
  name: z.string().trim().min(1, "Give the folder a name.").max(1024, "The name is too long."),
});

export const uploadCorsSchema = z.object({ connectionId: id, bucket });
