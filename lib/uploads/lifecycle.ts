import "server-only";
import { GetBucketLifecycleConfigurationCommand, type LifecycleRule, PutBucketLifecycleConfigurationCommand, type S3Client } from "@aws-sdk/client-s3";
import { AppError } from "@/lib/errors";
import { log } from "@/lib/log";
import type { Actor } from "@/lib/auth/permissions";
import { type OpenConnection, openConnection } from "@/lib/storage/connections";
import { withStorageDeadline } from "@/lib/storage/deadline";
import { describeStorageError } from "@/lib/storage/errors";
import { listBuckets } from "@/lib/storage/listing";
import { uploadStorageFault } from "@/lib/uploads/faults";
import { onStorage, storageErrorName, storageErrorStatus } from "@/lib/uploads/storage";

/**
 * Clean-up of abandoned multipart uploads by the storage itself (issue 17, item 5). The app aborts
 * the uploads it knows were abandoned (lib/uploads/store.ts abortAbandonedUploads); a bucket
 * lifecycle rule with AbortIncompleteMultipartUpload is the backstop for whatever the app never
 * saw through (an instance stopped for good, a request answered after the job ran). Settings
 * shows, per connection and bucket, whether such a rule is in place and offers to add one.
 */

/** The ID of the rule "Add lifecycle rule" adds (replaced, never duplicated, when it is there but not usable). */
export const LIFECYCLE_RULE_ID = "bucketshare-abort-incomplete-uploads";
/**
 * Days after its start an incomplete upload is aborted by the storage: one more than the longest an
 * upload may run through the app (UPLOAD_LIFETIME_MS, 24 hours), so the rule never cuts one short.
 */
export const ABORT_AFTER_DAYS = 2;
/** How many buckets of one connection Settings checks (a connection may reach hundreds). */
export const LIFECYCLE_BUCKETS_CHECKED = 10;

export type BucketLifecycle =
  | { bucket: string; status: "ok"; days: number }
  | { bucket: string; status: "missing" }
  | { bucket: string; status: "unsupported"; message: string }
  | { bucket: string; status: "error"; message: string };

export type ConnectionLifecycle = { status: "checked"; buckets: BucketLifecycle[]; unchecked: number } | { status: "error"; message: string };

const UNSUPPORTED = "Lifecycle rules are not supported by this storage.";

/** The rule "Add lifecycle rule" adds: every key of the bucket, incomplete uploads aborted after ABORT_AFTER_DAYS. */
export function abortUploadsRule(): LifecycleRule {
  return {
    ID: LIFECYCLE_RULE_ID,
    Status: "Enabled",
    Filter: { Prefix: "" },
    AbortIncompleteMultipartUpload: { DaysAfterInitiation: ABORT_AFTER_DAYS },
  };
}

/** Whether a rule applies to every key of the bucket (no filter, or an empty prefix and nothing else). */
function coversWholeBucket(rule: LifecycleRule): boolean {
  if (rule.Prefix) return false;
  const filter = rule.Filter;
  if (!filter) return true;
  if (filter.Tag || filter.And || filter.ObjectSizeGreaterThan !== undefined || filter.ObjectSizeLessThan !== undefined) return false;
  return !filter.Prefix;
}

/** The days after which an enabled rule aborts every incomplete upload of the bucket, or null. */
export function abortsIncompleteUploads(rule: LifecycleRule): number | null {
  const days = rule.AbortIncompleteMultipartUpload?.DaysAfterInitiation;
  if (rule.Status !== "Enabled" || days === undefined || days < 1 || !coversWholeBucket(rule)) return null;
  return days;
}

/**
 * The bucket's lifecycle rules: [] when it has none (NoSuchLifecycleConfiguration), "unsupported" when the
 * storage does not implement them: NotImplemented, or a success without a single rule, which S3 never
 * answers (a configuration holds at least one rule) but Swift's s3api does, as it takes `?lifecycle` for a
 * plain bucket request (GET lists the objects; PUT would "create" the bucket and keep no rule).
 */
async function currentRules(s3: S3Client, bucket: string, signal?: AbortSignal): Promise<LifecycleRule[] | "unsupported"> {
  try {
    const command = new GetBucketLifecycleConfigurationCommand({ Bucket: bucket });
    const rules = (await withStorageDeadline((abortSignal) => s3.send(command, { abortSignal }), { signal })).Rules ?? [];
    return rules.length > 0 ? rules : "unsupported";
  } catch (error) {
    const name = storageErrorName(error);
    if (name === "NoSuchLifecycleConfiguration") return [];
    if (name === "NotImplemented" || storageErrorStatus(error) === 501) return "unsupported";
    throw error;
  }
}

type Storage = Pick<OpenConnection, "clients">;

/**
 * Whether the bucket has an enabled rule that aborts every incomplete upload (never throws: a failure is a
 * status), within STORAGE_DEADLINE_MS or the caller's `signal`.
 */
export async function checkBucketLifecycle(open: Storage, bucket: string, signal?: AbortSignal): Promise<BucketLifecycle> {
  let rules: LifecycleRule[] | "unsupported";
  try {
    rules = await currentRules(open.clients.s3, bucket, signal);
  } catch (error) {
    const info = describeStorageError(error);
    log.info("uploads.lifecycle_check_failed", { bucket, problem: info.problem, error });
    return { bucket, status: "error", message: info.message };
  }
  if (rules === "unsupported") return { bucket, status: "unsupported", message: UNSUPPORTED };
  const days = rules.map(abortsIncompleteUploads).filter((d): d is number => d !== null);
  return days.length ? { bucket, status: "ok", days: Math.min(...days) } : { bucket, status: "missing" };
}

/**
 * Settings' view of one connection: its buckets (the configured ones, else ListBuckets), the first
 * LIFECYCLE_BUCKETS_CHECKED of them checked at once, all of it within one STORAGE_DEADLINE_MS. Never throws.
 */
export async function checkConnectionLifecycle(open: OpenConnection): Promise<ConnectionLifecycle> {
  try {
    return await withStorageDeadline(async (signal): Promise<ConnectionLifecycle> => {
      const names = (await listBuckets(open, signal)).map((b) => b.name);
      const checked = names.slice(0, LIFECYCLE_BUCKETS_CHECKED);
      const buckets = await Promise.all(checked.map((bucket) => checkBucketLifecycle(open, bucket, signal)));
      return { status: "checked", buckets, unchecked: names.length - checked.length };
    });
  } catch (error) {
    const info = describeStorageError(error);
    log.info("uploads.lifecycle_list_failed", { connection: open.connection.id, problem: info.problem, error });
    return { status: "error", message: info.message };
  }
}

/** checkConnectionLifecycle for a connection the actor sees (Settings starts one per connection and streams each). Never throws. */
export async function lifecycleOfConnection(actor: Actor, connectionId: string): Promise<ConnectionLifecycle> {
  try {
    const open = await openConnection(actor, connectionId);
    if (!open) return { status: "error", message: "This storage connection does not exist (any more)." };
    return await checkConnectionLifecycle(open);
  } catch (error) {
    log.warn("uploads.lifecycle_check_failed", { connection: connectionId, error });
    return { status: "error", message: "The lifecycle rules could not be checked. Reload the page to try again." };
  }
}

/**
 * Adds the abort rule to the bucket's lifecycle configuration, keeping every rule it already has (a
 * rule of ours that is there but disabled or changed is replaced). Nothing is written when a rule
 * already aborts incomplete uploads.
 */
export async function addAbortUploadsRule(open: Storage, bucket: string): Promise<"added" | "already"> {
  const s3 = open.clients.s3;
  let rules: LifecycleRule[] | "unsupported";
  try {
    rules = await currentRules(s3, bucket);
  } catch (error) {
    throw uploadStorageFault(error, "Reading the bucket's lifecycle rules");
  }
  if (rules === "unsupported") throw new AppError("storage", `${UNSUPPORTED} Nothing was changed.`);
  if (rules.some((rule) => abortsIncompleteUploads(rule) !== null)) return "already";
  const kept = rules.filter((rule) => rule.ID !== LIFECYCLE_RULE_ID);
  try {
    const command = new PutBucketLifecycleConfigurationCommand({ Bucket: bucket, LifecycleConfiguration: { Rules: [...kept, abortUploadsRule()] } });
    await onStorage((abortSignal) => s3.send(command, { abortSignal }));
  } catch (error) {
    if (storageErrorName(error) === "NotImplemented" || storageErrorStatus(error) === 501) {
      throw new AppError("storage", `${UNSUPPORTED} Nothing was changed.`, { cause: error });
    }
    throw uploadStorageFault(error, "Adding the lifecycle rule");
  }
  return "added";
}
