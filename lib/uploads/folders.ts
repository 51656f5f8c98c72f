import "server-only";
import { HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { recordAuditAfter } from "@/lib/audit/record";
import { AppError } from "@/lib/errors";
import { uploadStorageFault } from "@/lib/uploads/faults";
import { onStorage, storageErrorName, storageErrorStatus } from "@/lib/uploads/storage";

export const FOLDER_EXISTS = "A folder with this name already exists here.";

/** Whether anything lives at the folder key: its marker, or any object under it. */
async function folderExists(s3: S3Client, bucket: string, key: string): Promise<boolean> {
  try {
    const head = new HeadObjectCommand({ Bucket: bucket, Key: key });
    await onStorage((abortSignal) => s3.send(head, { abortSignal }));
    return true;
  } catch (error) {
    if (!(storageErrorName(error) === "NotFound" || storageErrorName(error) === "NoSuchKey" || storageErrorStatus(error) === 404)) throw error;
  }
  const list = new ListObjectsV2Command({ Bucket: bucket, Prefix: key, MaxKeys: 1 });
  return ((await onStorage((abortSignal) => s3.send(list, { abortSignal }))).KeyCount ?? 0) > 0;
}

/** "New folder": a zero-byte marker "…/name/" (the key cleaned and the right checked by the caller); an existing folder is refused on `name`. */
export async function createFolder(s3: S3Client, input: { actorId: string; connectionId: string; bucket: string; key: string }): Promise<void> {
  try {
    if (await folderExists(s3, input.bucket, input.key)) throw new AppError("invalid", FOLDER_EXISTS, { fieldErrors: { name: [FOLDER_EXISTS] } });
    const put = new PutObjectCommand({ Bucket: input.bucket, Key: input.key, Body: new Uint8Array(), ContentLength: 0 });
    await onStorage((abortSignal) => s3.send(put, { abortSignal }));
  } catch (error) {
    throw uploadStorageFault(error, "Making the folder");
  }
  await recordAuditAfter({
    actor: { id: input.actorId },
    kind: "folder.created",
    subject: `${input.bucket}/${input.key}`,
    details: { connectionId: input.connectionId },
  });
}
