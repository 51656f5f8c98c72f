import "server-only";
import { db } from "@/lib/db/client";
import { getRuntimeSecrets } from "@/lib/env";
import { isDatabaseUnavailable } from "@/lib/errors";
import { log } from "@/lib/log";
import { hashLinkToken, isWellFormedToken } from "@/lib/links/token";
import { loggedAddress } from "@/lib/recipient/access-log";
import { type PlainPage, plainPage } from "@/lib/recipient/respond";
import { cookieValues, UNLOCK_COOKIE, UNLOCK_SECONDS, verifyUnlock } from "@/lib/recipient/unlock-cookie";
import { addressAllowed } from "@/lib/security/cidr";
import { clientAddressFromHeaders } from "@/lib/security/client-address";
import { storageSourcesFor } from "@/lib/security/csp";
import type { ConnectionRecord } from "@/lib/storage/client";
import type { RequestLimits } from "@/lib/upload-requests/rules";

/**
 * An upload request as the people without an account meet it, at /u/<token>: found by the SHA-256 of its token
 * (share_links.token_hash, like a managed link; target "request"), then its own checks in one order: allowed
 * networks (first, so an outsider learns nothing), closed, expired, full, its connection, and the password
 * through the unlock cookie (the managed links' cookie, scoped to /u/<token>). Malformed, unknown and deleted
 * tokens are one "unknown link" page.
 */

export type PublicRequest = {
  id: string;
  ownerId: string;
  title: string;
  message: string | null;
  /** "Requested by": the issuer's name (the team's first Owner when the issuer is gone); never an e-mail. */
  requesterName: string;
  logNetworkOnly: boolean;
  bucket: string;
  /** The landing prefix (ends with "/"). Never shown to the uploader. */
  prefix: string;
  expiresAt: Date;
  neverExpires: boolean;
  revokedAt: Date | null;
  deletedAt: Date | null;
  passwordHash: string | null;
  allowedNetworks: string[];
  limits: RequestLimits;
  askName: boolean;
  askEmail: boolean;
  folderPerUploader: boolean;
  reservedFiles: number;
  reservedBytes: number;
  receivedFiles: number;
  receivedBytes: number;
  /** Null once the owner deleted the connection. */
  connection: ConnectionRecord | null;
};

export async function findUploadRequest(tokenHash: string): Promise<PublicRequest | null> {
  const link = await db.shareLink.findFirst({
    where: { tokenHash, kind: "managed", target: "request" },
    include: {
      request: true,
      connection: true,
      issuedBy: { select: { name: true } },
      owner: { select: { name: true, logNetworkOnly: true } },
    },
  });
  if (!link?.request) return null;
  const { request, connection } = link;
  return {
    id: link.id,
    ownerId: link.ownerId,
    title: link.title ?? "Files requested",
    message: request.message,
    requesterName: link.issuedBy?.name ?? link.owner.name,
    logNetworkOnly: link.owner.logNetworkOnly,
    bucket: link.bucket,
    prefix: link.key,
    expiresAt: link.expiresAt,
    neverExpires: link.neverExpires,
    revokedAt: link.revokedAt,
    deletedAt: link.deletedAt,
    passwordHash: link.passwordHash,
    allowedNetworks: link.allowedNetworks,
    limits: {
      maxFiles: request.maxFiles,
      maxFileSize: Number(request.maxFileSize),
      maxTotalSize: Number(request.maxTotalSize),
      allowedTypes: request.allowedTypes,
    },
    askName: request.askName,
    askEmail: request.askEmail,
    folderPerUploader: request.folderPerUploader,
    reservedFiles: request.reservedFiles,
    reservedBytes: Number(request.reservedBytes),
    receivedFiles: request.receivedFiles,
    receivedBytes: Number(request.receivedBytes),
    connection: connection
      ? {
          id: connection.id,
          endpoint: connection.endpoint,
          region: connection.region,
          forcePathStyle: connection.forcePathStyle,
          accessKeyId: connection.accessKeyId,
          secretAccessKeyEnc: connection.secretAccessKeyEnc,
          sessionTokenEnc: connection.sessionTokenEnc,
          updatedAt: connection.updatedAt,
        }
      : null,
  };
}

/** The request for a token from a URL: null for a malformed, unknown or deleted one (all "unknown"). */
export async function requestForToken(token: string): Promise<PublicRequest | null> {
  if (!isWellFormedToken(token)) return null;
  const request = await findUploadRequest(hashLinkToken(token));
  return request && !request.deletedAt ? request : null;
}

/** Why a request takes no file now (before the password), in the order the checks are made. */
export type RequestRefusal = "network" | "closed" | "expired" | "full" | "unavailable";

/**
 * "full": every file it takes has arrived, or all its bytes (files still uploading keep their slots and may
 * finish: their uploader's page reloads and resumes, so a request whose slots are all held is not "full" yet).
 */
export function isFull(request: Pick<PublicRequest, "limits" | "receivedFiles" | "receivedBytes">): boolean {
  return request.receivedFiles >= request.limits.maxFiles || request.receivedBytes >= request.limits.maxTotalSize;
}

export function requestRefusal(request: PublicRequest, now: Date, address: string): RequestRefusal | null {
  if (!addressAllowed(address, request.allowedNetworks)) return "network";
  if (request.revokedAt) return "closed";
  if (!request.neverExpires && request.expiresAt.getTime() <= now.getTime()) return "expired";
  if (isFull(request)) return "full";
  if (!request.connection) return "unavailable";
  return null;
}

/** The plain page of each refusal. */
export const REFUSAL_PAGES: Record<RequestRefusal, PlainPage> = {
  network: "requestNetwork",
  closed: "requestClosed",
  expired: "requestExpired",
  full: "requestFull",
  unavailable: "requestUnavailable",
};

/** Whether the request's Cookie header unlocks it (always, without a password). */
export function isUnlocked(request: Pick<PublicRequest, "id" | "passwordHash">, cookieHeader: string | null, now = new Date()): boolean {
  if (request.passwordHash === null) return true;
  const secret = { linkId: request.id, passwordHash: request.passwordHash, authSecret: getRuntimeSecrets().authSecret, now };
  return cookieValues(cookieHeader, UNLOCK_COOKIE).some((value) => verifyUnlock(value, secret));
}

/** The unlock cookie's Set-Cookie line for /u/<token> (the managed links' cookie, on this request's path). */
export function requestCookieHeader(input: { name: string; token: string; value: string; seconds?: number; secure: boolean }): string {
  const parts = [`${input.name}=${input.value}`, `Path=/u/${input.token}`, `Max-Age=${input.seconds ?? UNLOCK_SECONDS}`, "HttpOnly", "SameSite=Lax"];
  if (input.secure) parts.push("Secure");
  return parts.join("; ");
}

/** Where a request's uploads go, for the CSP's connect-src of its page (the presigned part URLs name this host). */
export function requestUploadOrigins(request: PublicRequest): string[] {
  return request.connection ? storageSourcesFor(request.connection.endpoint) : [];
}

/** The address as the request's owner keeps it in the access log. */
export function requestLoggedAddress(request: PublicRequest, address: string): string {
  return loggedAddress(address, request.logNetworkOnly);
}

const PAGE_PATH = /^\/u\/([^/]+)\/?$/;

/** The token of the upload page's own path (/u/<token>), else null (its JSON endpoints are below it). */
export function uploadPageToken(pathname: string): string | null {
  return PAGE_PATH.exec(pathname)?.[1] ?? null;
}

/**
 * Before the upload page renders (proxy.ts, for a document request of /u/<token>): a refusal is answered at
 * once with its plain page and status (404 unknown, 410 closed, expired or full, 403 network), and nothing else
 * is said about the request; otherwise the storage origins its CSP allows for connect-src.
 */
export async function uploadPageGate(request: Request, token: string): Promise<{ refused: Response } | { uploadOrigins: string[] }> {
  const isHead = request.method === "HEAD";
  try {
    const found = await requestForToken(token);
    if (!found) return { refused: await plainPage("unknown", request, { head: isHead }) };
    const refusal = requestRefusal(found, new Date(), clientAddressFromHeaders(request.headers));
    if (refusal) return { refused: await plainPage(REFUSAL_PAGES[refusal], request, { head: isHead }) };
    return { uploadOrigins: requestUploadOrigins(found) };
  } catch (error) {
    const unavailable = isDatabaseUnavailable(error);
    log.error("upload_request.page_failed", { unavailable, error });
    return { refused: await plainPage(unavailable ? "down" : "error", request, { head: isHead }) };
  }
}
