import "server-only";
import { AbortMultipartUploadCommand, type S3Client } from "@aws-sdk/client-s3";
import { z } from "zod";
import { type Actor, can, canOnObject, listingView } from "@/lib/auth/permissions";
import type { SessionRouteContext } from "@/lib/http/with-session";
import { publicBaseUrl } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { log } from "@/lib/log";
import { type OpenConnection, openConnectionOrThrow } from "@/lib/storage/connections";
import { ALREADY_COMPLETING, completeUpload } from "@/lib/uploads/complete";
import { checkUploadCors, type UploadCorsCheck } from "@/lib/uploads/cors";
import { MAX_SIGN_AHEAD } from "@/lib/uploads/parts";
import { answerSignRequest } from "@/lib/uploads/sign";
import { findTeamUpload, markAborted, type UploadRow, uploadState } from "@/lib/uploads/store";
import { isUploadGone, onStorage } from "@/lib/uploads/storage";
import { xmlError, xmlResponse } from "@/lib/uploads/xml";

/**
 * The signed-in person's side of uploads: who may touch which upload (the rights checks the
 * signer and the completer leave to their callers), for the route handlers under
 * app/(app)/uploads/ and the folder page. A later upload-request page calls the same core
 * functions behind its own checks.
 */

export const NOT_YOUR_UPLOAD = "This upload is not yours, or it no longer exists. Nothing was done.";
export const UPLOAD_NOT_GRANTED = "You may not upload here. Ask the Owner or an Admin for “Can upload” on this folder. Nothing was uploaded.";

/** The app's public origin (what a bucket's CORS rule must allow); null when PUBLIC_URL and AUTH_URL are unset. */
export function publicOrigin(): string | null {
  const base = publicBaseUrl();
  return base ? new URL(base).origin : null;
}

/** The refusal when the actor may not upload to this key. */
export function requireUploadRight(actor: Actor, connectionId: string, bucket: string, key: string): void {
  if (!canOnObject(actor, "upload", connectionId, bucket, key)) throw new AppError("forbidden", UPLOAD_NOT_GRANTED, { reason: "not_granted" });
}

/** One upload the actor began, which they may still upload to, with its connection open. */
export async function openOwnUpload(actor: Actor, id: string): Promise<{ row: UploadRow; open: OpenConnection }> {
  const row = await findTeamUpload(actor.teamId, id);
  if (!row || row.uploadedById !== actor.id) throw new AppError("not_found", NOT_YOUR_UPLOAD);
  requireUploadRight(actor, row.connectionId, row.bucket, row.key);
  return { row, open: await openConnectionOrThrow(actor, row.connectionId) };
}

export const uploadIdParams = z.object({ id: z.string().min(1).max(64) });

export const signRequestSchema = z.object({
  id: z.string().min(1).max(64),
  method: z.enum(["GET", "PUT", "POST", "DELETE"]),
  key: z.string().min(1).max(2048),
  uploadId: z.string().min(1).max(1024).optional(),
  partNumber: z.number().int().optional(),
  ahead: z.number().int().min(0).max(MAX_SIGN_AHEAD).optional(),
});

/** POST /uploads/sign: one of Uppy's requests, signed for the caller's own upload (or refused, nothing signed). */
export async function signUploadRoute({ request, user }: SessionRouteContext<unknown, unknown>): Promise<Response> {
  let body: unknown;
  try {
    body = await request.json();
  } catch {
    throw new AppError("invalid", "The request is not JSON. Nothing was signed.");
  }
  const parsed = signRequestSchema.safeParse(body);
  if (!parsed.success) throw new AppError("invalid", "The sign request is not one Bucketshare signs. Nothing was signed.");
  const { id, ...signRequest } = parsed.data;
  const { row, open } = await openOwnUpload(user, id);
  const signed = await answerSignRequest(open.clients.presigner, row, signRequest);
  return Response.json(signed, { headers: { "cache-control": "no-store" } });
}

/** POST /uploads/<id>/create: the multipart upload the server already created (Uppy asks for it). */
export async function createUploadRoute({ user, params }: SessionRouteContext<{ id: string }, unknown>): Promise<Response> {
  const { row } = await openOwnUpload(user, params.id);
  if (row.state !== "uploading" || !row.multipartId) return xmlError(409, "NoSuchUpload", "This upload is no longer in progress.");
  return xmlResponse("InitiateMultipartUploadResult", { Bucket: row.bucket, Key: row.key, UploadId: row.multipartId });
}

/** POST /uploads/<id>/complete: the server's own checks, then CompleteMultipartUpload (the browser's body is ignored). */
export async function completeUploadRoute({ user, params }: SessionRouteContext<{ id: string }, unknown>): Promise<Response> {
  const { row, open } = await openOwnUpload(user, params.id);
  try {
    const result = await completeUpload(open.clients.s3, row);
    if (result.status === "refused") return xmlError(409, result.code, result.message);
    return xmlResponse("CompleteMultipartUploadResult", { Location: result.location, Bucket: result.bucket, Key: result.key, ETag: result.etag });
  } catch (error) {
    if (error instanceof AppError) return xmlError(error.status, error.code === "storage" ? "StorageError" : "InternalError", error.message);
    throw error;
  }
}

/**
 * DELETE /uploads/<id>/abort: the row "aborted" first (so a complete under way is never cut short at the storage),
 * then the multipart upload aborted there (a fault is only logged: its parts can no longer become a file). 204 also
 * when it had ended; 409 when it is being completed, which a cancel no longer undoes.
 */
export async function abortUploadRoute({ user, params }: SessionRouteContext<{ id: string }, unknown>): Promise<Response> {
  const { row, open } = await openOwnUpload(user, params.id);
  if (row.state === "completing") return xmlError(409, "OperationAborted", ALREADY_COMPLETING);
  if (row.state === "uploading") {
    if (!(await markAborted(row.id, "The upload was cancelled."))) {
      if ((await uploadState(row.id)) === "completing") return xmlError(409, "OperationAborted", ALREADY_COMPLETING);
    } else {
      log.info("uploads.aborted", { upload: row.id });
      if (row.multipartId) await abortAtStorage(open.clients.s3, row, row.multipartId);
    }
  }
  return new Response(null, { status: 204, headers: { "cache-control": "no-store" } });
}

/** AbortMultipartUpload of an upload whose row has ended; a fault is logged (the parts are only the storage's to expire). */
export async function abortAtStorage(s3: S3Client, row: UploadRow, uploadId: string): Promise<void> {
  try {
    const command = new AbortMultipartUploadCommand({ Bucket: row.bucket, Key: row.key, UploadId: uploadId });
    await onStorage((abortSignal) => s3.send(command, { abortSignal }));
  } catch (error) {
    if (!isUploadGone(error)) log.warn("uploads.abort_failed", { upload: row.id, error });
  }
}

export type FolderUploadState = { canUpload: boolean; cors: UploadCorsCheck | null; canAddCorsRule: boolean };

/**
 * What the folder page needs before anyone picks files: whether the person may upload here, and
 * whether the bucket's CORS lets their browser (null when they may not upload, or no public origin is set).
 */
export async function folderUploadState(actor: Actor, open: OpenConnection, bucket: string, prefix: string): Promise<FolderUploadState> {
  const canUpload = listingView(actor, "upload", open.connection.id, bucket, prefix) === "all";
  const origin = publicOrigin();
  const cors = canUpload && origin ? await checkUploadCors(open, bucket, origin) : null;
  return { canUpload, cors, canAddCorsRule: can(actor, "connections.manage") };
}
