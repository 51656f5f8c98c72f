import "server-only";
import { HeadBucketCommand, ListBucketsCommand, ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import { buildClients, type PlainCredentials } from "@/lib/storage/client";
import { withStorageDeadline } from "@/lib/storage/deadline";
import { describeStorageError, type StorageErrorInfo } from "@/lib/storage/errors";
import { log } from "@/lib/log";

/**
 * HeadBucket. A HEAD response has no body, so its 403 or 404 does not say why (wrong secret?
 * missing bucket?): after either, ask once more with a request whose error names the cause.
 */
async function headBucket(s3: S3Client, bucket: string, abortSignal: AbortSignal): Promise<void> {
  try {
    await s3.send(new HeadBucketCommand({ Bucket: bucket }), { abortSignal });
  } catch (error) {
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status === 403 || status === 404) await s3.send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 1 }), { abortSignal });
    throw error;
  }
}

export type ConnectionCheck = { ok: true; message: string } | ({ ok: false } & StorageErrorInfo);

/**
 * Real requests with the given settings: ListBuckets, or HeadBucket on each listed bucket. All of
 * them together end within STORAGE_DEADLINE_MS.
 */
export async function checkConnection(
  target: { endpoint: string; region: string; forcePathStyle: boolean; buckets: string[] },
  credentials: PlainCredentials,
): Promise<ConnectionCheck> {
  const { s3 } = buildClients(target, credentials);
  try {
    return await withStorageDeadline(async (signal): Promise<ConnectionCheck> => {
      if (target.buckets.length > 0) {
        for (const bucket of target.buckets) await headBucket(s3, bucket, signal);
        return { ok: true, message: `Connected. ${target.buckets.length === 1 ? "The bucket answers" : `All ${target.buckets.length} buckets answer`}.` };
      }
      const result = await s3.send(new ListBucketsCommand({}), { abortSignal: signal });
      const names = (result.Buckets ?? []).map((b) => b.Name).filter(Boolean);
      const shown = names.slice(0, 5).join(", ");
      return {
        ok: true,
        message:
          names.length === 0
            ? "Connected. These credentials see no buckets yet."
            : `Connected. ${names.length} bucket${names.length === 1 ? "" : "s"}: ${shown}${names.length > 5 ? ", …" : ""}.`,
      };
    });
  } catch (error) {
    const info = describeStorageError(error);
    log.info("storage.connection_test_failed", { endpoint: target.endpoint, problem: info.problem, error });
    return { ok: false, ...info };
  } finally {
    s3.destroy();
  }
}
