import "server-only";
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { GetObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { z } from "zod";
import type { FieldProblem } from "@/lib/api/problem";
import { verifyPassword } from "@/lib/auth/password";
import { retryMinutes } from "@/lib/auth/limits";
import { guardedAttempt } from "@/lib/auth/rate-limit";
import { getRuntimeSecrets } from "@/lib/env";
import { AppError, isDatabaseUnavailable } from "@/lib/errors";
import { pageProblemTypeOf, problemResponse } from "@/lib/http/problem";
import { log } from "@/lib/log";
import { type LinkEventReason, type LinkOutcome, loggedUserAgent, recordLinkEvent } from "@/lib/recipient/access-log";
import { isKnownLinkBrowser, LINK_KNOWN_BROWSER_COOKIE, LINK_KNOWN_BROWSER_SECONDS, signLinkKnownBrowser } from "@/lib/recipient/link-known-browser";
import { lockoutStartedByFailure } from "@/lib/recipient/password-lockout";
import { signUnlock, UNLOCK_COOKIE } from "@/lib/recipient/unlock-cookie";
import { clientAddressFromHeaders, isHttpsRequest } from "@/lib/security/client-address";
import { clientsFor } from "@/lib/storage/client";
import type { UrlPresigner } from "@/lib/storage/presign";
import {
  isUnlocked,
  type PublicRequest,
  type RequestRefusal,
  requestCookieHeader,
  requestForToken,
  requestLoggedAddress,
  requestRefusal,
} from "@/lib/upload-requests/public";
import { uploaderFolder } from "@/lib/upload-requests/request";
import {
  allowedTypesInWords,
  extensionOf,
  looksLikeText,
  matchesRules,
  nameAllowed,
  precheckFile,
  requestStoredType,
  TEXT_EXTENSIONS,
} from "@/lib/upload-requests/rules";
import { beginUpload } from "@/lib/uploads/begin";
import { ALREADY_COMPLETING, type AcceptanceCheck, completeUpload } from "@/lib/uploads/complete";
import { uploadStorageFault } from "@/lib/uploads/faults";
import { cleanSegment, keyForPath, stripInvisible, UnusableNameError } from "@/lib/uploads/keys";
import { MAX_SIGN_AHEAD, MAX_UPLOAD_BYTES } from "@/lib/uploads/parts";
import { abortAtStorage } from "@/lib/uploads/session";
import { answerSignRequest, listPartsForBrowser, type UploadPaths } from "@/lib/uploads/sign";
import { SNIFF_BYTES } from "@/lib/uploads/sniff";
import { KEY_HELD_MESSAGE, keepAlive, markAborted, SlotRefusedError, type SlotRefusal, type UploadRow, uploadState } from "@/lib/uploads/store";
import { db } from "@/lib/db/client";
import { isUploadGone, onStorage } from "@/lib/uploads/storage";
import { xmlError, xmlResponse } from "@/lib/uploads/xml";

/**
 * The JSON (and, for Uppy's Create/Complete/Abort, S3-style XML) endpoints of an upload request's page, under
 * /u/<token>/…, and the one wrapper they go through, as withRecipientLink is for /s/: a POST from another site is
 * refused first, then the request's token (malformed, unknown and deleted alike: not found), its own checks
 * (networks, closed, expired, full, connection), the unlock cookie when it has a password, then the zod input,
 * then the per-upload secret for anything about one upload. The uploader never learns the bucket, the key or the
 * connection: Uppy knows each upload by its id, and the server maps it to the key.
 */

/** The header every request about one upload carries: the secret handed out when it began (only its SHA-256 is stored). */
export const UPLOAD_SECRET_HEADER = "x-upload-secret";

/** The bodies here are a few fields: anything larger is refused unread. */
const MAX_BODY_BYTES = 16 * 1024;

export const NOT_THIS_UPLOAD = "This upload is not one this page began, or it no longer exists. Nothing was done.";

export type RequestRouteContext = {
  request: Request;
  token: string;
  found: PublicRequest;
  params: Record<string, string>;
  now: Date;
  address: string;
  userAgent: string | null;
  secure: boolean;
  s3: () => S3Client;
  presigner: () => UrlPresigner;
  log: (outcome: LinkOutcome, reason?: LinkEventReason | null) => void;
};

type RouteContext = { params: Promise<Record<string, string | string[]>> };

const REFUSALS: Record<RequestRefusal, AppError> = {
  network: new AppError("forbidden", "Uploads to this request are not allowed from your network. Nothing was uploaded.", { reason: "network" }),
  closed: new AppError("conflict", "This request is closed: it takes no more files. Nothing was uploaded.", { reason: "request_closed" }),
  expired: new AppError("conflict", "This request has expired: it takes no more files. Nothing was uploaded.", { reason: "request_expired" }),
  full: new AppError("conflict", "This request has received all the files it takes. Nothing was uploaded.", { reason: "request_full" }),
  unavailable: new AppError("unavailable", "The storage these files go to cannot be reached right now. Nothing was uploaded; try again later."),
};

const LOCKED = "Enter the request's password first (reload the page). Nothing was uploaded.";

export type AnswerFormat = "json" | "xml";

function errorResponse(error: AppError, format: AnswerFormat, instance: string, requestId: string): Response {
  if (format === "xml") {
    const code = error.code === "storage" ? "StorageError" : error.code === "not_found" ? "NoSuchUpload" : error.reason;
    return xmlError(error.status, code, error.message);
  }
  const errors: FieldProblem[] = Object.entries(error.fieldErrors ?? (error.field ? { [error.field]: [error.message] } : {})).flatMap(([field, messages]) =>
    messages.map((message) => ({ in: "body" as const, field, message })),
  );
  return problemResponse(pageProblemTypeOf(error), error.message, { instance, requestId, errors });
}

/**
 * The wrapper of every /u/<token>/… endpoint. `locked: "handler"` only for the password form itself; `format`: how
 * refusals and faults are answered (Uppy reads S3-style XML from Create, Complete and Abort); `idInBody`: the upload's
 * id is the body's `id` (sign), not the path's.
 */
export function withUploadRequest(
  options: { name: string; failure: string; format?: AnswerFormat; locked?: "refuse" | "handler"; idInBody?: boolean },
  handler: (context: RequestRouteContext) => Promise<Response>,
) {
  const format = options.format ?? "json";
  return async function uploadRequestRoute(request: Request, route: RouteContext): Promise<Response> {
    const requestId = crypto.randomUUID();
    const instance = new URL(request.url).pathname.replace(/^\/u\/[^/]+/, "/u/[token]");
    try {
      // A change asked by another site's page: refused before anything is read (browsers say where a request comes from).
      const site = request.headers.get("sec-fetch-site");
      if (request.method !== "GET" && request.method !== "HEAD" && site && site !== "same-origin" && site !== "none") {
        throw new AppError("forbidden", "This request came from another site. Nothing was done.", { reason: "not_granted" });
      }
      const raw = await route.params;
      const params = Object.fromEntries(Object.entries(raw).map(([key, value]) => [key, Array.isArray(value) ? (value[0] ?? "") : value]));
      const token = params.token ?? "";
      const found = await requestForToken(token);
      if (!found) throw new AppError("not_found", "This upload link does not exist. Check that it was copied completely. Nothing was uploaded.");
      const now = new Date();
      const address = clientAddressFromHeaders(request.headers);
      const refusal = requestRefusal(found, now, address);
      if (refusal) {
        // An upload under way when the request closed, expired or filled up: cancelled now, not left to the clean-up.
        if (refusal !== "network" && refusal !== "unavailable") {
          const id = options.idInBody
            ? await readBody(request.clone()).then(
                (body) => (body as { id?: unknown } | null)?.id,
                () => undefined,
              )
            : params.id;
          if (typeof id === "string") await abandonUpload(found, id, request.headers.get(UPLOAD_SECRET_HEADER));
        }
        throw REFUSALS[refusal];
      }
      if (options.locked !== "handler" && !isUnlocked(found, request.headers.get("cookie"), now)) {
        if (format === "xml") return xmlError(401, "AccessDenied", LOCKED);
        return problemResponse("unauthorized", LOCKED, { instance, requestId });
      }
      const userAgent = loggedUserAgent(request.headers.get("user-agent"));
      const kept = requestLoggedAddress(found, address);
      return await handler({
        request,
        token,
        found,
        params,
        now,
        address,
        userAgent,
        secure: isHttpsRequest(request.headers),
        s3: () => clientsFor(found.connection!).s3,
        presigner: () => clientsFor(found.connection!).presigner,
        log: (outcome, reason) =>
          recordLinkEvent({ linkId: found.id, outcome, reason: reason ?? null, clientAddress: kept, userAgent, previewAgent: false, at: now }),
      });
    } catch (error) {
      if (error instanceof AppError) {
        if (error.code !== "invalid" && error.code !== "not_found" && error.code !== "conflict") {
          log.warn("upload_request.refused", { route: options.name, requestId, code: error.code, cause: error.cause });
        }
        return errorResponse(error, format, instance, requestId);
      }
      const unavailable = isDatabaseUnavailable(error);
      log.error("upload_request.failed", { route: options.name, requestId, unavailable, error });
      const fault = unavailable
        ? new AppError("unavailable", "The service is briefly unavailable. Try again in a moment.")
        : new AppError("internal", options.failure);
      return errorResponse(fault, format, instance, requestId);
    }
  };
}

/** Aborts one upload of a request that no longer takes it (its secret must match); faults are only logged. */
async function abandonUpload(found: PublicRequest, id: string, secret: string | null): Promise<void> {
  try {
    const row = await db.upload.findFirst({ where: { id: id.slice(0, 64), requestId: found.id, state: "uploading" } });
    if (!row || !found.connection || !secretMatches(secret, row.secretHash)) return;
    // The row first (a complete that claimed it meanwhile goes on), then the storage.
    if (!(await markAborted(row.id, "The request no longer takes files, so the upload was cancelled."))) return;
    if (row.multipartId) await abortAtStorage(clientsFor(found.connection).s3, row, row.multipartId);
  } catch (error) {
    log.warn("upload_request.abandon_failed", { upload: id, error });
  }
}

/** The body, read up to MAX_BODY_BYTES, as JSON (or a form, for the password); refused when larger or unreadable. */
async function readBody(request: Request): Promise<unknown> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) throw new AppError("invalid", "The request is too large. Nothing was done.");
  const reader = request.body?.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  while (reader) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > MAX_BODY_BYTES) {
      await reader.cancel().catch(() => undefined);
      throw new AppError("invalid", "The request is too large. Nothing was done.");
    }
    chunks.push(value);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  const type = request.headers.get("content-type") ?? "";
  if (type.startsWith("application/x-www-form-urlencoded")) return Object.fromEntries(new URLSearchParams(text));
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError("invalid", "The request is not JSON. Nothing was done.");
  }
}

function parse<T extends z.ZodType>(schema: T, body: unknown, what: string): z.output<T> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const fieldErrors: Record<string, string[]> = {};
  for (const issue of parsed.error.issues) {
    const field = issue.path.map(String).join(".") || "body";
    (fieldErrors[field] ??= []).push(issue.message);
  }
  throw new AppError("invalid", `${what} Nothing was uploaded.`, { fieldErrors });
}

const hashSecret = (secret: string) => createHash("sha256").update(secret, "utf8").digest("hex");

function secretMatches(secret: string | null, hash: string | null): boolean {
  if (!secret || !hash || secret.length > 128) return false;
  const given = Buffer.from(hashSecret(secret), "hex");
  const stored = Buffer.from(hash, "hex");
  return given.length === stored.length && timingSafeEqual(given, stored);
}

/** One upload of this request, bound by its secret (the header); anything else is "not this upload". */
async function requestUpload(context: RequestRouteContext, id: string | undefined): Promise<UploadRow> {
  if (!id || id.length > 64) throw new AppError("not_found", NOT_THIS_UPLOAD);
  const row = await db.upload.findFirst({ where: { id, requestId: context.found.id } });
  if (!row || !secretMatches(context.request.headers.get(UPLOAD_SECRET_HEADER), row.secretHash)) throw new AppError("not_found", NOT_THIS_UPLOAD);
  return row;
}

/** The app's paths Uppy is given for Create, Complete and Abort of one upload of this request. */
export function requestUploadPaths(token: string): UploadPaths {
  const base = (id: string) => `/u/${token}/uploads/${encodeURIComponent(id)}`;
  return {
    create: (id) => `${base(id)}/create`,
    complete: (id) => `${base(id)}/complete`,
    abort: (id) => `${base(id)}/abort`,
    listParts: (id) => `${base(id)}/parts`,
  };
}

/** The file's name as the uploader will see it listed ("photo (1).jpg"): the key's last segment. */
const storedName = (key: string) => key.slice(key.lastIndexOf("/") + 1);

// ---------------------------------------------------------------------------------------------------------------
// POST /u/<token>/unlock
// ---------------------------------------------------------------------------------------------------------------

const MAX_PASSWORD_LENGTH = 1_024;
const unlockSchema = z.object({ password: z.string().max(MAX_PASSWORD_LENGTH * 4) });

/** The password form: under the managed links' guessing limits and lock-out; a right password sets the unlock cookie. */
export async function unlockRequestRoute(context: RequestRouteContext): Promise<Response> {
  const { found, token } = context;
  const ok = (headers: Headers = new Headers()) => {
    headers.set("cache-control", "no-store");
    headers.set("content-type", "application/json");
    return new Response(JSON.stringify({ unlocked: true }), { status: 200, headers });
  };
  if (!found.passwordHash || isUnlocked(found, context.request.headers.get("cookie"), context.now)) return ok();
  const { password } = parse(unlockSchema, await readBody(context.request), "The password form is not one this page sends.");
  const wrong = (detail: string, status: "unauthorized" | "rate-limited" = "unauthorized") =>
    problemResponse(status, detail, { instance: "/u/[token]/unlock", errors: [{ in: "body", field: "password", message: detail }] });
  if (password === "") return wrong("Enter the password.");
  if (password.length > MAX_PASSWORD_LENGTH) {
    context.log("wrong_password");
    return wrong("Wrong password.");
  }
  const passwordHash = found.passwordHash;
  const secret = { linkId: found.id, passwordHash, authSecret: getRuntimeSecrets().authSecret, now: context.now };
  const knownBrowser = isKnownLinkBrowser(context.request.headers.get("cookie"), secret);
  const result = await guardedAttempt({ scope: "link-password", subject: found.id, address: context.address, knownBrowser }, () =>
    verifyPassword(password, passwordHash),
  );
  if (!result.ok) {
    if (result.limited) {
      context.log("refused", "rate_limited");
      const message = result.busy
        ? "The server is busy checking other passwords. Try again in a moment."
        : result.retryInMinutes
          ? `Too many wrong passwords. Try again in ${result.retryInMinutes} minute${result.retryInMinutes === 1 ? "" : "s"}.`
          : "Too many wrong passwords. Try again later.";
      return wrong(message, "rate-limited");
    }
    const lockout =
      result.lockFailureId === undefined
        ? null
        : await lockoutStartedByFailure({
            link: { id: found.id, ownerId: found.ownerId, fileName: found.title },
            failureId: result.lockFailureId,
            clientAddress: requestLoggedAddress(found, context.address),
            userAgent: context.userAgent,
            now: new Date(),
          });
    context.log("wrong_password", lockout ? "locked_out" : null);
    if (lockout) {
      const minutes = retryMinutes(lockout.lockedUntil);
      return wrong(`Too many wrong passwords: this request is locked for ${minutes} minute${minutes === 1 ? "" : "s"}.`, "rate-limited");
    }
    return wrong("Wrong password.");
  }
  const { value } = signUnlock(secret);
  context.log("unlocked");
  const headers = new Headers();
  headers.append("set-cookie", requestCookieHeader({ name: UNLOCK_COOKIE, token, value, secure: context.secure }));
  headers.append(
    "set-cookie",
    requestCookieHeader({
      name: LINK_KNOWN_BROWSER_COOKIE,
      token,
      value: signLinkKnownBrowser(secret),
      seconds: LINK_KNOWN_BROWSER_SECONDS,
      secure: context.secure,
    }),
  );
  return ok(headers);
}

// ---------------------------------------------------------------------------------------------------------------
// POST /u/<token>/begin
// ---------------------------------------------------------------------------------------------------------------

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const text = (max: number) =>
  z
    .string()
    .max(max)
    .refine((value) => !CONTROL.test(value), "Remove the control characters.");

const beginSchema = z.object({
  name: text(1024).min(1, "The file has no name."),
  relativePath: z.string().max(4096).optional(),
  size: z.number().int().min(0).max(MAX_UPLOAD_BYTES, "This file is too large for one upload."),
  type: z.string().max(255).default(""),
  uploaderName: text(200).optional(),
  uploaderEmail: z.string().max(320).optional(),
});

export type BegunRequestUpload = {
  id: string;
  /** What Uppy knows the upload by (the upload's id; the object's key stays on the server). */
  key: string;
  /** The name the file is stored under ("photo (1).jpg" when "photo.jpg" was there already). */
  name: string;
  partSize: number;
  partCount: number;
  uploadId: string;
  /** Sent back with every request about this upload (x-upload-secret); only its SHA-256 is stored. */
  secret: string;
};

const SLOT_MESSAGES: Record<SlotRefusal, AppError> = {
  closed: REFUSALS.closed,
  full: new AppError("conflict", "This request has no room for another file: it takes no more files. Nothing was uploaded.", { reason: "request_full" }),
  too_large: new AppError("invalid", "This file is larger than the most this request takes for one file. Nothing was uploaded.", { field: "size" }),
  total: new AppError("conflict", "This file would take the request over the most it takes in all. Nothing was uploaded.", { reason: "request_full" }),
};

/** How often a begin is tried again when a racing uploader took the same name at the same moment. */
const KEY_RACE_TRIES = 3;

export async function beginRequestUploadRoute(context: RequestRouteContext): Promise<Response> {
  const { found } = context;
  const input = parse(beginSchema, await readBody(context.request), "The file's details are not valid.");
  const uploaderName = input.uploaderName ? stripInvisible(input.uploaderName).trim() || null : null;
  const uploaderEmail = input.uploaderEmail?.trim() || null;
  const fieldErrors: Record<string, string[]> = {};
  if (found.askName && !uploaderName) fieldErrors.uploaderName = ["Enter your name."];
  if (uploaderEmail !== null && !z.email().safeParse(uploaderEmail).success) fieldErrors.uploaderEmail = ["Enter a valid e-mail address."];
  else if (found.askEmail && !uploaderEmail) fieldErrors.uploaderEmail = ["Enter your e-mail address."];
  if (Object.keys(fieldErrors).length > 0) throw new AppError("invalid", Object.values(fieldErrors).flat().join(" "), { fieldErrors });
  if (input.size === 0) throw new AppError("invalid", "This file is empty: there is nothing to send.", { field: "size" });
  const precheck = precheckFile(found.limits, { name: input.name, size: input.size, type: input.type });
  if (precheck) {
    const typeRefused = input.size <= found.limits.maxFileSize && input.size <= found.limits.maxTotalSize;
    throw new AppError("invalid", `${precheck} Nothing was uploaded.`, typeRefused ? { reason: "type_refused" } : { field: "size" });
  }

  const segment = cleanSegment(input.name);
  if (!segment) throw new AppError("invalid", "The file has no usable name. Rename it and try again.", { field: "name" });
  // "A folder per uploader": their name as one segment ("Unnamed" when it cleans to nothing, never "." or "..").
  const landing = found.folderPerUploader ? uploaderFolder(found.prefix, uploaderName) : found.prefix;
  let key: string;
  try {
    key = keyForPath(landing, segment);
  } catch (error) {
    if (error instanceof UnusableNameError) throw new AppError("invalid", `${error.message} Rename the file and try again.`, { field: "name" });
    throw error;
  }

  const secret = randomBytes(32).toString("base64url");
  const requestUpload = {
    requestId: found.id,
    secretHash: hashSecret(secret),
    fileName: segment,
    uploaderName,
    uploaderEmail,
    uploaderAddress: requestLoggedAddress(found, context.address),
  };
  for (let attempt = 1; ; attempt++) {
    try {
      const begun = await beginUpload(context.s3(), {
        ownerId: found.ownerId,
        uploadedById: null,
        connectionId: found.connection!.id,
        bucket: found.bucket,
        key,
        size: input.size,
        type: requestStoredType(segment),
        onExisting: "keep-both",
        request: requestUpload,
      });
      if (!("uploadId" in begun)) throw new AppError("internal", "The upload could not start. Try again.");
      const answer: BegunRequestUpload = {
        id: begun.id,
        key: begun.id,
        name: storedName(begun.key),
        partSize: begun.partSize,
        partCount: begun.partCount,
        uploadId: begun.uploadId,
        secret,
      };
      return Response.json(answer, { headers: { "cache-control": "no-store" } });
    } catch (error) {
      if (error instanceof SlotRefusedError) throw SLOT_MESSAGES[error.refusal];
      if (error instanceof AppError && error.message === KEY_HELD_MESSAGE && attempt < KEY_RACE_TRIES) continue;
      throw error;
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// POST /u/<token>/sign
// ---------------------------------------------------------------------------------------------------------------

const signSchema = z.object({
  id: z.string().min(1).max(64),
  method: z.enum(["GET", "PUT", "POST", "DELETE"]),
  key: z.string().min(1).max(2048),
  uploadId: z.string().min(1).max(1024).optional(),
  partNumber: z.number().int().optional(),
  ahead: z.number().int().min(0).max(MAX_SIGN_AHEAD).optional(),
});

/** One of Uppy's requests for one upload of this request, signed (or refused, nothing signed); the upload's slot kept alive. */
export async function signRequestUploadRoute(context: RequestRouteContext): Promise<Response> {
  const { id, key, ...request } = parse(signSchema, await readBody(context.request), "The sign request is not one Bucketshare signs.");
  const row = await requestUpload(context, id);
  if (key !== row.id) throw new AppError("invalid", "This request is for another file than the upload's. Nothing was signed.");
  const signed = await answerSignRequest(context.presigner(), row, { ...request, key: row.key }, requestUploadPaths(context.token));
  await keepAlive(row.id);
  return Response.json(signed, { headers: { "cache-control": "no-store" } });
}

// ---------------------------------------------------------------------------------------------------------------
// POST /u/<token>/uploads/<id>/create | complete, GET …/parts, DELETE …/abort
// ---------------------------------------------------------------------------------------------------------------

/** Create: the multipart upload the server already made (Uppy asks for it; a reload asks again to resume). */
export async function createRequestUploadRoute(context: RequestRouteContext): Promise<Response> {
  const row = await requestUpload(context, context.params.id);
  if (row.state !== "uploading" || !row.multipartId) return xmlError(409, "NoSuchUpload", "This upload is no longer in progress. Add the file again.");
  return xmlResponse("InitiateMultipartUploadResult", { Bucket: "upload", Key: row.id, UploadId: row.multipartId });
}

/**
 * ListParts (Uppy resuming after a reload), done here rather than presigned: S3's own answer names the storage
 * account's owner and initiator. Only each part's number, ETag and size are answered, in S3's XML.
 */
export async function listPartsRequestUploadRoute(context: RequestRouteContext): Promise<Response> {
  const row = await requestUpload(context, context.params.id);
  if (row.state !== "uploading" || !row.multipartId) return xmlError(409, "NoSuchUpload", "This upload is no longer in progress. Add the file again.");
  let xml: string;
  try {
    xml = await listPartsForBrowser(context.s3(), row);
  } catch (error) {
    if (isUploadGone(error)) return xmlError(404, "NoSuchUpload", "This upload is no longer in progress. Add the file again.");
    throw uploadStorageFault(error, "Listing the parts already sent");
  }
  return new Response(xml, { status: 200, headers: { "content-type": "application/xml", "cache-control": "no-store" } });
}

async function firstBytes(s3: S3Client, row: UploadRow): Promise<Uint8Array> {
  const size = Number(row.size);
  const command = new GetObjectCommand({ Bucket: row.bucket, Key: row.key, Range: `bytes=0-${Math.min(size, SNIFF_BYTES) - 1}` });
  return onStorage(async (abortSignal) => {
    const object = await s3.send(command, { abortSignal });
    return object.Body ? await object.Body.transformToByteArray() : new Uint8Array();
  });
}

/**
 * "Allowed file types", on the stored bytes: a type file-type recognises must be among them; a file it cannot
 * recognise passes only as a text format whose extension is allowed, when its first bytes are text. Anything else
 * is refused (and then deleted by completeUpload).
 */
export function acceptAllowedTypes(allowed: readonly string[]): AcceptanceCheck {
  return async ({ s3, row, detectedType }) => {
    if (allowed.length === 0) return null;
    const takes = allowedTypesInWords(allowed);
    const name = row.fileName ?? storedName(row.key);
    if (detectedType) {
      if (matchesRules(allowed, detectedType.ext, detectedType.mime)) return null;
      return `This file is really a ${detectedType.ext.toUpperCase()} file (${detectedType.mime}), and this request takes only ${takes}. It was deleted.`;
    }
    const ext = extensionOf(name);
    if (TEXT_EXTENSIONS.has(ext) && nameAllowed(allowed, name, "")) {
      try {
        if (looksLikeText(await firstBytes(s3, row))) return null;
      } catch (error) {
        throw uploadStorageFault(error, "Checking the uploaded file");
      }
      return `This file is not the text its name says, and this request takes only ${takes}. It was deleted.`;
    }
    return `Bucketshare could not tell what this file is, and this request takes only ${takes}. It was deleted.`;
  };
}

/** Complete: the server's checks (parts, size, allowed types on the bytes), then the file counts as received. */
export async function completeRequestUploadRoute(context: RequestRouteContext): Promise<Response> {
  const row = await requestUpload(context, context.params.id);
  const result = await completeUpload(context.s3(), row, { accept: acceptAllowedTypes(context.found.limits.allowedTypes) });
  if (result.status === "refused") return xmlError(result.code === "NotAccepted" ? 422 : 409, result.code, result.message);
  const name = storedName(row.key);
  return xmlResponse("CompleteMultipartUploadResult", { Location: name, Bucket: "upload", Key: row.id, ETag: result.etag });
}

/**
 * Abort: the multipart upload aborted at the storage, the row "aborted" and its slot given back (204 also when it had
 * ended); 409 when the file is being (or was just) completed, which a cancel no longer undoes (nothing is freed).
 */
export async function abortRequestUploadRoute(context: RequestRouteContext): Promise<Response> {
  const row = await requestUpload(context, context.params.id);
  if (row.state === "completing") return xmlError(409, "OperationAborted", ALREADY_COMPLETING);
  if (row.state === "uploading") {
    // The row first: a complete that claimed it meanwhile is never cut short at the storage.
    if (!(await markAborted(row.id, "The uploader cancelled the upload."))) {
      if ((await uploadState(row.id)) === "completing") return xmlError(409, "OperationAborted", ALREADY_COMPLETING);
    } else if (row.multipartId) await abortAtStorage(context.s3(), row, row.multipartId);
  }
  return new Response(null, { status: 204, headers: { "cache-control": "no-store" } });
}
