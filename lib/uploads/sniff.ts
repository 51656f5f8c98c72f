import { GetObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { fileTypeFromBuffer } from "file-type";
import { log } from "@/lib/log";
import { onStorage } from "@/lib/uploads/storage";

/**
 * What an uploaded object really is, from its first bytes (file-type's magic numbers), never from
 * its name or the type the browser claimed. Owner uploads only record it; an upload request's
 * "Allowed file types" will be checked against it (allowsType).
 */

/** Enough bytes for file-type to recognise every format it knows. */
export const SNIFF_BYTES = 4100;

export type DetectedType = { ext: string; mime: string };

/** The type of the first bytes, or null when file-type does not recognise them (plain text among others). */
export async function sniffBytes(bytes: Uint8Array): Promise<DetectedType | null> {
  const found = await fileTypeFromBuffer(bytes);
  return found ? { ext: found.ext, mime: found.mime } : null;
}

/** The stored object's type from its first bytes; null when unrecognised or unreadable (logged). */
export async function sniffObject(s3: S3Client, bucket: string, key: string, size: number): Promise<DetectedType | null> {
  if (size === 0) return null;
  try {
    const command = new GetObjectCommand({ Bucket: bucket, Key: key, Range: `bytes=0-${Math.min(size, SNIFF_BYTES) - 1}` });
    const bytes = await onStorage(async (abortSignal) => {
      const object = await s3.send(command, { abortSignal });
      return object.Body ? await object.Body.transformToByteArray() : new Uint8Array();
    });
    return await sniffBytes(bytes);
  } catch (error) {
    log.warn("uploads.sniff_failed", { bucket, error });
    return null;
  }
}

/**
 * Whether a detected type is among `allowed`: extensions ("pdf", ".jpg") and MIME families
 * ("image/*") or types ("application/pdf"). An unrecognised file matches nothing.
 */
export function allowsType(allowed: readonly string[], detected: DetectedType | null): boolean {
  if (!detected) return false;
  return allowed.some((entry) => {
    const rule = entry.trim().toLowerCase();
    if (rule.endsWith("/*")) return detected.mime.startsWith(rule.slice(0, -1));
    if (rule.includes("/")) return detected.mime === rule;
    return detected.ext === rule.replace(/^\./, "");
  });
}
