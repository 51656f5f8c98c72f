import "server-only";
import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import { recordAudit } from "@/lib/audit/record";
import { hashPassword, isPasswordBusy } from "@/lib/auth/password";
import { type Actor, canRequestUploads, isCleanFolder, listingView } from "@/lib/auth/permissions";
import { newRecordId } from "@/lib/crypto";
import { db } from "@/lib/db/client";
import { getRuntimeSecrets } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { MIN_EXPIRY_SECONDS, resolveRequestedExpiry } from "@/lib/links/expiry";
import { assertExpiryAllowed } from "@/lib/links/grant-limits";
import { managedLinkBase } from "@/lib/links/issue";
import { linkQrSvg } from "@/lib/links/qr";
import { expiresSoonFrom } from "@/lib/links/status";
import { generateLinkToken, hashLinkToken } from "@/lib/links/token";
import { log } from "@/lib/log";
import { openConnectionOrThrow, type OpenConnection } from "@/lib/storage/connections";
import { seal } from "@/lib/storage/sealed";
import { checkUploadCors, type UploadCorsCheck } from "@/lib/uploads/cors";
import { uploadStorageFault } from "@/lib/uploads/faults";
import { onStorage } from "@/lib/uploads/storage";
import {
  allowedTypesProblem,
  dateSegment,
  landingFolder,
  limitsProblems,
  MAX_MESSAGE_LENGTH,
  MAX_TITLE_LENGTH,
  type RequestProblems,
  type UploadRequestRequest,
} from "@/lib/upload-requests/request";

/**
 * "Request files" (the bucket browser's dialog) and POST /upload-requests: one core. An upload
 * request is a managed share_links row of target "request" (token hashed, the link sealed in
 * url_enc, bucket + key = where uploads land) with its upload_requests row (limits, counters),
 * written in one transaction with the audit row. Checks, in order: the connection the actor sees,
 * the "request" right on the folder (lib/auth/permissions.ts), the fields, the expiry within the
 * grant, and the bucket's CORS (a request whose uploads could not work is not made).
 */

export type IssuedUploadRequest = {
  id: string;
  kind: "managed";
  url: string;
  expiresAt: string;
  requestedExpiresAt: string;
  neverExpires: boolean;
  limitedByCredentials: false;
  qrSvg: string | null;
  managed: { downloadLimit: null; password: boolean; allowedNetworks: string[]; pinned: true };
  title: string;
  /** Where uploads land (the bucket's key prefix), for the owner. */
  bucket: string;
  landing: string;
  maxFiles: number;
  maxFileSize: number;
  maxTotalSize: number;
  allowedTypes: string[];
};

/** The longest landing folder: room is left for the uploader's sub-folder and the file's name (S3 keys: 1024 bytes). */
const MAX_LANDING_BYTES = 500;

export const REQUEST_NOT_GRANTED = "Your access does not include Can request uploads in this folder. Ask the Owner or an Admin for it. No request was made.";
export const CORS_REFUSAL = "Browsers cannot upload to this bucket yet, so no request was made.";

function invalid(problems: RequestProblems | Record<string, string>): AppError {
  const fieldErrors = Object.fromEntries(Object.entries(problems).map(([field, message]) => [field, [message as string]]));
  const first = Object.values(problems)[0] as string;
  return new AppError("invalid", Object.keys(problems).length === 1 ? first : "Check the highlighted fields.", { fieldErrors });
}

/** The "request" right on the folder; beside a Member's folder it does not exist, inside it a missing right is said. */
export function assertMayRequest(actor: Actor, connectionId: string, bucket: string, folder: string): void {
  if (!isCleanFolder(folder)) throw new AppError("invalid", "This folder is not one uploads can land in.", { field: "folder" });
  if (canRequestUploads(actor, connectionId, bucket, folder)) return;
  if (listingView(actor, "browse", connectionId, bucket, folder) === "all" || listingView(actor, "share", connectionId, bucket, folder) === "all")
    throw new AppError("forbidden", REQUEST_NOT_GRANTED, { reason: "not_granted" });
  throw new AppError("not_found", "This folder does not exist (any more), so no request was made.", { reason: "no_such_object", field: "folder" });
}

/** The problems of the fields alone (no database, no storage): limits, types, title, message, folder per uploader. */
export function requestFieldProblems(input: UploadRequestRequest): Record<string, string> {
  const problems: Record<string, string> = { ...limitsProblems(input) };
  const types = allowedTypesProblem(input.allowedTypes);
  if (types) problems.allowedTypes = types;
  if (input.title !== null && input.title.length > MAX_TITLE_LENGTH) problems.title = `Keep the title under ${MAX_TITLE_LENGTH} characters.`;
  if (input.message !== null && input.message.length > MAX_MESSAGE_LENGTH)
    problems.message = `Keep the message under ${MAX_MESSAGE_LENGTH.toLocaleString("en-US")} characters.`;
  if (input.folderPerUploader && !input.askName) problems.folderPerUploader = "A folder per uploader needs their name: tick Ask for name too.";
  return problems;
}

/** The bucket's CORS for the origin request links point at (what the upload page's browser will be). */
export async function requestCors(open: OpenConnection, bucket: string): Promise<UploadCorsCheck> {
  return checkUploadCors(open, bucket, new URL(await managedLinkBase()).origin);
}

/** How many "Title (n)" landing folders are tried before the request is refused. */
const LANDING_TRIES = 50;

/** Whether a landing folder is taken: another request lands there (even a closed one), or the storage holds anything under it. */
async function landingTaken(open: OpenConnection, bucket: string, landing: string): Promise<boolean> {
  const other = await db.shareLink.findFirst({
    where: { connectionId: open.connection.id, bucket, key: landing, target: "request" },
    select: { id: true },
  });
  if (other) return true;
  try {
    const list = new ListObjectsV2Command({ Bucket: bucket, Prefix: landing, MaxKeys: 1 });
    const s3 = open.clients.s3;
    return ((await onStorage((abortSignal) => s3.send(list, { abortSignal }))).KeyCount ?? 0) > 0;
  } catch (error) {
    throw uploadStorageFault(error, "Looking for a free folder for the uploads");
  }
}

/**
 * A landing folder of its own for every request: "Title/" when nothing is there yet, else "Title (2)/", "Title (3)/"…
 * So no two requests share files, and an uploader's "Keep both" name ("x (1).pdf") never tells what was there before.
 */
export async function uniqueLanding(open: OpenConnection, bucket: string, landing: string): Promise<string> {
  const base = landing.slice(0, -1);
  for (let n = 1; n <= LANDING_TRIES; n++) {
    const candidate = n === 1 ? landing : `${base} (${n})/`;
    if (!(await landingTaken(open, bucket, candidate))) return candidate;
  }
  throw invalid({ title: `Folders of this name are taken up to “(${LANDING_TRIES})”: choose another title.` });
}

export async function issueUploadRequest(
  actor: Actor,
  input: UploadRequestRequest,
  options: { now?: Date /** false: no QR code (the API). */; qr?: boolean } = {},
): Promise<IssuedUploadRequest> {
  const open = await openConnectionOrThrow(actor, input.connectionId);
  assertMayRequest(actor, open.connection.id, input.bucket, input.folder);
  const problems = requestFieldProblems(input);
  if (Object.keys(problems).length > 0) throw invalid(problems);

  const now = options.now ?? new Date(Math.floor(Date.now() / 1000) * 1000);
  const expiry = resolveRequestedExpiry(input.expiry, now, { timeZone: input.timeZone, kind: "managed" });
  if (!expiry.ok) throw new AppError("invalid", expiry.message, { reason: "invalid_expiry", field: "expiresIn" });
  const seconds = Math.floor((expiry.expiresAt.getTime() - now.getTime()) / 1000);
  assertExpiryAllowed(actor, open.connection.id, { seconds, neverExpires: expiry.neverExpires === true });
  if (seconds < MIN_EXPIRY_SECONDS)
    throw new AppError("invalid", "Choose an expiry at least a minute from now.", { reason: "invalid_expiry", field: "expiresIn" });

  const title = input.title ?? `Files for ${dateSegment(now, input.timeZone)}`;
  let landing = landingFolder(input.folder, input.title, now, input.timeZone);
  if (Buffer.byteLength(landing, "utf8") > MAX_LANDING_BYTES)
    throw invalid({ title: "The folder uploads land in would be too long: choose a shorter title, or make the request in a folder higher up." });

  const cors = await requestCors(open, input.bucket);
  if (cors.status !== "ok") throw new AppError(cors.status === "error" ? "storage" : "invalid", `${CORS_REFUSAL} ${cors.message}`, { field: "bucket" });
  landing = await uniqueLanding(open, input.bucket, landing);
  if (Buffer.byteLength(landing, "utf8") > MAX_LANDING_BYTES)
    throw invalid({ title: "The folder uploads land in would be too long: choose a shorter title, or make the request in a folder higher up." });

  let passwordHash: string | null = null;
  if (input.password !== null) {
    try {
      passwordHash = await hashPassword(input.password);
    } catch (error) {
      if (isPasswordBusy(error)) throw new AppError("unavailable", "The server is busy checking passwords. Try again in a moment; no request was made.");
      throw error;
    }
  }

  const id = newRecordId();
  const token = generateLinkToken();
  const url = `${await managedLinkBase()}/u/${token}`;
  await db.$transaction(async (tx) => {
    await tx.shareLink.create({
      data: {
        id,
        ownerId: actor.teamId,
        issuedById: actor.id,
        connectionId: open.connection.id,
        connectionName: open.connection.name,
        bucket: input.bucket,
        key: landing,
        objectSize: 0n,
        requestedExpiresAt: expiry.expiresAt,
        expiresAt: expiry.expiresAt,
        expiresSoonAt: expiresSoonFrom({ createdAt: now, expiresAt: expiry.expiresAt }),
        disposition: "attachment",
        fileName: "",
        urlEnc: seal("shareUrl", id, url, getRuntimeSecrets().encryptionKey),
        createdAt: now,
        kind: "managed",
        tokenHash: hashLinkToken(token),
        neverExpires: expiry.neverExpires === true,
        passwordHash,
        target: "request",
        title,
        request: {
          create: {
            message: input.message,
            maxFiles: input.maxFiles,
            maxFileSize: BigInt(input.maxFileSize),
            maxTotalSize: BigInt(input.maxTotalSize),
            allowedTypes: input.allowedTypes,
            askName: input.askName,
            askEmail: input.askEmail,
            folderPerUploader: input.folderPerUploader,
          },
        },
      },
    });
    await recordAudit(tx, {
      actor: { id: actor.id },
      kind: "link.issued",
      subject: title,
      subjectId: id,
      details: { linkKind: "managed", target: "request", bucket: input.bucket, folder: landing, maxFiles: input.maxFiles },
    });
  });
  log.info("upload_requests.issued", { linkId: id, connectionId: open.connection.id, maxFiles: input.maxFiles });

  return {
    id,
    kind: "managed",
    url,
    expiresAt: expiry.expiresAt.toISOString(),
    requestedExpiresAt: expiry.expiresAt.toISOString(),
    neverExpires: expiry.neverExpires === true,
    limitedByCredentials: false,
    qrSvg: options.qr === false ? null : await linkQrSvg(url),
    managed: { downloadLimit: null, password: passwordHash !== null, allowedNetworks: [], pinned: true },
    title,
    bucket: input.bucket,
    landing,
    maxFiles: input.maxFiles,
    maxFileSize: input.maxFileSize,
    maxTotalSize: input.maxTotalSize,
    allowedTypes: input.allowedTypes,
  };
}
