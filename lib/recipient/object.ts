import "server-only";
import { GetObjectCommand, HeadObjectCommand } from "@aws-sdk/client-s3";
import { contentDisposition } from "@/lib/links/content-disposition";
import { pinCheck, pinDecision, servedVersionId, type PinDecision } from "@/lib/links/pin";
import type { RecipientLink } from "@/lib/recipient/link";
import { clientsFor } from "@/lib/storage/client";
import { withStorageDeadline } from "@/lib/storage/deadline";
import { describeStorageError } from "@/lib/storage/errors";

/**
 * The storage side of a recipient request: the pin check (HeadObject of the current object),
 * presigned URLs that live at most 60 s (the download, with the link's disposition, file name and
 * content type; a preview, with a forced passive type), and the start of a text file.
 */

/** How long a presigned URL handed to a recipient lives. */
export const RECIPIENT_URL_SECONDS = 60;
/** Recipients wait for storage at most this long per request (the owner's pages allow 10 s). */
export const RECIPIENT_STORAGE_MS = 5_000;
export const TEXT_PREVIEW_BYTES = 32 * 1024;

function clients(link: RecipientLink) {
  if (!link.connection) throw new Error("the link's connection was deleted");
  return clientsFor(link.connection);
}

/** The pin decision for this link now; throws when storage could not say (a fault, not an answer). */
export async function checkPin(link: RecipientLink): Promise<PinDecision> {
  if (!pinCheck(link)) return { ok: true };
  const { s3 } = clients(link);
  // The current object (no VersionId): a newer version means the file changed since it was shared.
  const command = new HeadObjectCommand({ Bucket: link.bucket, Key: link.key });
  try {
    const head = await withStorageDeadline((abortSignal) => s3.send(command, { abortSignal }), { ms: RECIPIENT_STORAGE_MS });
    return pinDecision(link, { found: true, versionId: head.VersionId ?? null, etag: head.ETag ?? null });
  } catch (error) {
    const problem = describeStorageError(error).problem;
    // A version id the server does not know may come back as 400 (malformed) rather than 404.
    const name = (error as { name?: string }).name;
    if (problem === "no_such_key" || problem === "no_such_bucket" || name === "NoSuchVersion") return pinDecision(link, { found: false });
    throw error;
  }
}

export function presignDownload(link: RecipientLink, now = new Date()): Promise<string> {
  return clients(link).presigner.presignGet({
    bucket: link.bucket,
    key: link.key,
    expiresInSeconds: RECIPIENT_URL_SECONDS,
    responseContentDisposition: contentDisposition(link.disposition, link.fileName),
    responseContentType: link.contentTypeOverride ?? undefined,
    versionId: servedVersionId(link),
    signingDate: now,
  });
}

export function presignPreview(link: RecipientLink, responseContentType: string, now = new Date()): Promise<string> {
  return clients(link).presigner.presignGet({
    bucket: link.bucket,
    key: link.key,
    expiresInSeconds: RECIPIENT_URL_SECONDS,
    responseContentDisposition: "inline",
    responseContentType,
    versionId: servedVersionId(link),
    signingDate: now,
  });
}

/**
 * The first bytes of a text file, decoded as UTF-8, or null when storage does not give them in
 * time or the object is no longer the pinned one (If-Match on the pinned ETag).
 */
export async function readTextPreview(link: RecipientLink): Promise<{ text: string; truncated: boolean }> {
  const { s3 } = clients(link);
  const versionId = servedVersionId(link);
  const command = new GetObjectCommand({
    Bucket: link.bucket,
    Key: link.key,
    VersionId: versionId,
    IfMatch: link.pinned && !versionId && link.objectEtag ? link.objectEtag : undefined,
    Range: `bytes=0-${TEXT_PREVIEW_BYTES - 1}`,
  });
  return withStorageDeadline(
    async (abortSignal) => {
      const result = await s3.send(command, { abortSignal });
      const bytes = (await result.Body?.transformToByteArray()) ?? new Uint8Array();
      const total = Number(/\/(\d+)$/.exec(result.ContentRange ?? "")?.[1] ?? bytes.length);
      return { text: new TextDecoder("utf-8").decode(bytes), truncated: total > bytes.length };
    },
    { ms: 3_000 },
  );
}
