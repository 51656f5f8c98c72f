import "server-only";
import { type CORSRule, GetBucketCorsCommand, PutBucketCorsCommand, type S3Client } from "@aws-sdk/client-s3";
import { AppError } from "@/lib/errors";
import type { OpenConnection } from "@/lib/storage/connections";
import { uploadStorageFault } from "@/lib/uploads/faults";
import { onStorage, storageErrorName, storageErrorStatus } from "@/lib/uploads/storage";

/**
 * Browser uploads send UploadPart (PUT) and ListParts (GET) straight to the bucket, so its CORS
 * must allow the app's public origin for PUT, GET and HEAD, any request header (the PUT's
 * preflight), and expose ETag (Uppy reads each part's). The folder page checks it before anyone
 * picks files, and offers "Add CORS rule" to those who may manage connections.
 */

export type UploadCorsCheck =
  | { status: "ok" }
  | { status: "missing"; rule: CORSRule; message: string }
  | { status: "unsupported"; message: string }
  | { status: "error"; message: string };

const METHODS = ["PUT", "GET", "HEAD"] as const;

/** The exact rule uploads need (shown to the person, and what addUploadCorsRule adds). */
export function uploadCorsRule(origin: string): CORSRule {
  return { AllowedOrigins: [origin], AllowedMethods: [...METHODS], AllowedHeaders: ["*"], ExposeHeaders: ["ETag"], MaxAgeSeconds: 3600 };
}

const lower = (values: readonly string[] | undefined) => (values ?? []).map((v) => v.toLowerCase());

/** Whether one rule lets the browser at `origin` upload. */
export function ruleAllowsUploads(rule: CORSRule, origin: string): boolean {
  const origins = lower(rule.AllowedOrigins);
  const methods = (rule.AllowedMethods ?? []).map((m) => m.toUpperCase());
  return (
    (origins.includes("*") || origins.includes(origin.toLowerCase())) &&
    METHODS.every((m) => methods.includes(m)) &&
    lower(rule.AllowedHeaders).includes("*") &&
    lower(rule.ExposeHeaders).includes("etag")
  );
}

type Storage = Pick<OpenConnection, "clients"> | { clients: { s3: S3Client } };

const UNSUPPORTED = "Bucket CORS is not supported by this storage, so browsers cannot upload to it directly.";

async function currentRules(s3: S3Client, bucket: string): Promise<CORSRule[] | "unsupported"> {
  try {
    const command = new GetBucketCorsCommand({ Bucket: bucket });
    return (await onStorage((abortSignal) => s3.send(command, { abortSignal }))).CORSRules ?? [];
  } catch (error) {
    const name = storageErrorName(error);
    if (name === "NoSuchCORSConfiguration") return [];
    if (name === "NotImplemented" || storageErrorStatus(error) === 501) return "unsupported";
    throw error;
  }
}

/** Whether the bucket lets a browser at `origin` (the app's public origin) upload. */
export async function checkUploadCors(open: Storage, bucket: string, origin: string): Promise<UploadCorsCheck> {
  let rules: CORSRule[] | "unsupported";
  try {
    rules = await currentRules(open.clients.s3, bucket);
  } catch (error) {
    return { status: "error", message: uploadStorageFault(error, "Reading the bucket's CORS rules").message };
  }
  if (rules === "unsupported") return { status: "unsupported", message: UNSUPPORTED };
  if (rules.some((rule) => ruleAllowsUploads(rule, origin))) return { status: "ok" };
  return {
    status: "missing",
    rule: uploadCorsRule(origin),
    message: `Uploads need a CORS rule on this bucket that lets ${origin} send PUT, GET and HEAD with any header and read the ETag.`,
  };
}

/** Adds the upload rule to the bucket's CORS, keeping every rule it already has. */
export async function addUploadCorsRule(open: Storage, bucket: string, origin: string): Promise<void> {
  const s3 = open.clients.s3;
  let rules: CORSRule[] | "unsupported";
  try {
    rules = await currentRules(s3, bucket);
  } catch (error) {
    throw uploadStorageFault(error, "Reading the bucket's CORS rules");
  }
  if (rules === "unsupported") throw new AppError("storage", `${UNSUPPORTED} Nothing was changed.`);
  if (rules.some((rule) => ruleAllowsUploads(rule, origin))) return;
  try {
    const command = new PutBucketCorsCommand({ Bucket: bucket, CORSConfiguration: { CORSRules: [...rules, uploadCorsRule(origin)] } });
    await onStorage((abortSignal) => s3.send(command, { abortSignal }));
  } catch (error) {
    throw uploadStorageFault(error, "Adding the CORS rule");
  }
}
