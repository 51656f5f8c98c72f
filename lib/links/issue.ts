import "server-only";
import type { SessionUser } from "@/lib/auth/session";
import { newRecordId } from "@/lib/crypto";
import { getPool } from "@/lib/db/client";
import { SqlParams } from "@/lib/links/link-where-sql";
import { recordAuditAfter } from "@/lib/audit/record";
import { getEnv, getRuntimeSecrets, publicBaseUrl } from "@/lib/env";
import { requestHeaders } from "@/lib/http/request-headers";
import { AppError } from "@/lib/errors";
import type { Prisma } from "@/lib/generated/prisma/client";
import { baseName, contentDisposition, sanitizeFileName } from "@/lib/links/content-disposition";
import { credentialsEndProblem, effectiveExpiry, resolveRequestedExpiry, type LinkKind } from "@/lib/links/expiry";
import { assertExpiryAllowed, assertLinkKindAllowed, assertMayShareKeys } from "@/lib/links/grant-limits";
import { generateLinkToken, hashLinkToken } from "@/lib/links/token";
import { hashPassword, isPasswordBusy } from "@/lib/auth/password";
import { expiresSoonFrom } from "@/lib/links/status";
import { log } from "@/lib/log";
import { linkQrSvg } from "@/lib/links/qr";
import { openConnectionOrThrow, type OpenConnection } from "@/lib/storage/connections";
import { describeStorageError } from "@/lib/storage/errors";
import { headObject, type ObjectDetails } from "@/lib/storage/listing";
import { isHttpsRequest } from "@/lib/security/client-address";
import { seal } from "@/lib/storage/sealed";
import type { ShareLinkRequest } from "@/lib/links/share-request";
import { MANAGED_ONLY_MESSAGE } from "@/lib/validation/share";
import { DOT_SEGMENT_MESSAGE, keyHasDotSegment } from "@/lib/validation/text";

export type IssuedLink = {
  id: string;
  kind: LinkKind;
  url: string;
  expiresAt: string;
  requestedExpiresAt: string;
  neverExpires: boolean;
  limitedByCredentials: boolean;
  qrSvg: string | null;
  /** What a managed link was set up with (null for direct links). */
  managed: { downloadLimit: number | null; password: boolean; allowedNetworks: string[]; pinned: boolean } | null;
};

/**
 * Options no form sends: the password hash "Share again" carries over, the instant the expiry counts from, and the
 * connection the caller already opened for this person (the API: one read of it per request, not two).
 */
export type CarriedOptions = { passwordHash?: string | null; now?: Date /** false: no QR code (the API). */; qr?: boolean; open?: OpenConnection };

/** Why no link was made when HEAD finds nothing. */
export const NO_SUCH_OBJECT_MESSAGE = "This object does not exist (any more), so no link was created.";
export const NO_SUCH_BUCKET_MESSAGE = "This bucket does not exist (any more), so no link was created.";

/**
 * Where managed links point: PUBLIC_URL (or AUTH_URL), else the address the owner's browser used
 * for this request (fine on one machine, unreachable from elsewhere when it is localhost).
 */
export async function managedLinkBase(): Promise<string> {
  const configured = publicBaseUrl();
  if (configured) return configured;
  try {
    const h = await requestHeaders();
    const host = h.get("host");
    if (host && /^[A-Za-z0-9.:[\]-]+$/.test(host)) {
      const proto = isHttpsRequest(h) ? "https" : "http";
      return `${proto}://${host}`;
    }
  } catch {
    // Outside a request (scripts, tests): the local server's address.
  }
  return `http://127.0.0.1:${getEnv().PORT}`;
}

async function headOrExplain(open: Awaited<ReturnType<typeof openConnectionOrThrow>>, bucket: string, key: string): Promise<ObjectDetails> {
  try {
    return await headObject(open, bucket, key);
  } catch (error) {
    const info = describeStorageError(error);
    log.info("links.head_failed", { bucket, problem: info.problem, error });
    if (info.problem === "no_such_key") throw new AppError("not_found", NO_SUCH_OBJECT_MESSAGE, { reason: "no_such_object" });
    if (info.problem === "no_such_bucket") throw new AppError("not_found", NO_SUCH_BUCKET_MESSAGE, { reason: "no_such_bucket" });
    if (info.problem === "access_denied") {
      throw new AppError(
        "forbidden",
        "The connection's credentials may not read this object (AccessDenied), so a link would not work. Give the key read access, then try again.",
      );
    }
    throw new AppError("storage", `${info.title}. ${info.message} No link was created.`);
  }
}

/** share_links' columns of a new link (the fields issueShareLink writes). */
const INSERT_COLUMNS: Partial<Record<keyof Prisma.ShareLinkUncheckedCreateInput, string>> = {
  id: "id",
  ownerId: "owner_id",
  issuedById: "issued_by",
  connectionId: "connection_id",
  connectionName: "connection_name",
  bucket: "bucket",
  key: "key",
  objectSize: "object_size",
  objectEtag: "object_etag",
  objectContentType: "object_content_type",
  requestedExpiresAt: "requested_expires_at",
  expiresAt: "expires_at",
  expiresSoonAt: "expires_soon_at",
  disposition: "disposition",
  fileName: "file_name",
  contentTypeOverride: "content_type_override",
  note: "note",
  urlEnc: "url_enc",
  createdAt: "created_at",
  kind: "kind",
  tokenHash: "token_hash",
  neverExpires: "never_expires",
  downloadLimit: "download_limit",
  passwordHash: "password_hash",
  allowedNetworks: "allowed_networks",
  objectVersionId: "object_version_id",
  pinned: "pinned",
};

/**
 * The link's one INSERT, through node-postgres on Prisma's pool (getPool()): Quick Share and the API's POST /links
 * make one per link, and Prisma's per-query work cost more CPU than the statement (`npm run bench:api`). Columns
 * left out take the table's defaults, as with Prisma.
 */
async function insertShareLink(data: Prisma.ShareLinkUncheckedCreateInput & { id: string }): Promise<{ id: string }> {
  const params = new SqlParams();
  const columns: string[] = [];
  const values: string[] = [];
  for (const [field, value] of Object.entries(data)) {
    if (value === undefined) continue;
    const column = INSERT_COLUMNS[field as keyof typeof INSERT_COLUMNS];
    if (!column) throw new Error(`insertShareLink: no column for ${field}`);
    columns.push(`"${column}"`);
    values.push(params.add(value));
  }
  await getPool().query({ text: `INSERT INTO share_links (${columns.join(", ")}) VALUES (${values.join(", ")})`, values: params.values });
  return { id: data.id };
}

/**
 * Quick Share: checks the object exists, then either presigns GetObject for the connection (a
 * direct link) or makes a managed link (<public URL>/s/<token>: only the token's SHA-256 is
 * stored for look-up, the whole URL sealed for "Copy link"; a fresh 60-second URL is presigned
 * at each download). Nothing is stored unless every step succeeded.
 */
export async function issueShareLink(user: SessionUser, input: ShareLinkRequest, carried: CarriedOptions = {}): Promise<IssuedLink> {
  const kind = input.kind;
  // Browsers drop such segments from every URL: no link could ever reach this key.
  if (keyHasDotSegment(input.key)) throw new AppError("invalid", DOT_SEGMENT_MESSAGE, { reason: "dot_segment_key" });
  if (kind === "direct" && (input.downloadLimit !== null || input.password !== null || input.allowedNetworks.length > 0)) {
    throw new AppError("invalid", MANAGED_ONLY_MESSAGE, { reason: "managed_only" });
  }
  const open = carried.open?.connection.id === input.connectionId ? carried.open : await openConnectionOrThrow(user, input.connectionId);
  assertMayShareKeys(user, open.connection.id, input.bucket, [input.key]);
  assertLinkKindAllowed(user, open.connection.id, kind);
  // X-Amz-Date has whole seconds: sign at a whole second so the stored expiry is exact.
  const now = carried.now ?? new Date(Math.floor(Date.now() / 1000) * 1000);
  const expiry = resolveRequestedExpiry(input.expiry, now, { timeZone: input.timeZone, kind });
  if (!expiry.ok) throw new AppError("invalid", expiry.message, { reason: "invalid_expiry", field: "expiresIn" });
  assertExpiryAllowed(user, open.connection.id, {
    seconds: Math.floor((expiry.expiresAt.getTime() - now.getTime()) / 1000),
    neverExpires: expiry.neverExpires === true,
  });
  // Temporary credentials cap direct links only: a managed link presigns at each download with
  // whatever credentials the connection has then.
  const credentialsEnd = kind === "direct" ? open.connection.sessionTokenExpiresAt : null;
  const { expiresAt, limitedByCredentials } = effectiveExpiry(expiry.expiresAt, credentialsEnd);
  const seconds = Math.floor((expiresAt.getTime() - now.getTime()) / 1000);
  const credentialsProblem = limitedByCredentials && credentialsEnd ? credentialsEndProblem(credentialsEnd, now, input.timeZone) : null;
  if (credentialsProblem) throw new AppError("invalid", credentialsProblem, { reason: "invalid_expiry", field: "expiresIn" });

  const head = await headOrExplain(open, input.bucket, input.key);
  const fileName = sanitizeFileName(input.fileName ?? baseName(input.key));
  // The id is made here so the encrypted URL can be bound to its row (one INSERT, nothing half-written).
  const id = newRecordId();

  let url: string;
  let managed: Pick<
    Prisma.ShareLinkUncheckedCreateInput,
    "kind" | "tokenHash" | "neverExpires" | "downloadLimit" | "passwordHash" | "allowedNetworks" | "objectVersionId" | "pinned"
  > = {};
  let summary: IssuedLink["managed"] = null;
  if (kind === "managed") {
    const token = generateLinkToken();
    url = `${await managedLinkBase()}/s/${token}`;
    let passwordHash = carried.passwordHash ?? null;
    if (input.password !== null) {
      try {
        passwordHash = await hashPassword(input.password);
      } catch (error) {
        if (isPasswordBusy(error)) throw new AppError("unavailable", "The server is busy checking passwords. Try again in a moment; no link was created.");
        throw error;
      }
    }
    const pinned = !input.alwaysLatest;
    managed = {
      kind: "managed",
      tokenHash: hashLinkToken(token),
      neverExpires: expiry.neverExpires === true,
      downloadLimit: input.downloadLimit,
      passwordHash,
      allowedNetworks: input.allowedNetworks,
      objectVersionId: head.versionId,
      pinned,
    };
    summary = { downloadLimit: input.downloadLimit, password: passwordHash !== null, allowedNetworks: input.allowedNetworks, pinned };
  } else {
    url = await open.clients.presigner.presignGet({
      bucket: input.bucket,
      key: input.key,
      expiresInSeconds: seconds,
      responseContentDisposition: contentDisposition(input.disposition, fileName),
      responseContentType: input.contentType ?? undefined,
      signingDate: now,
    });
  }

  const link = await insertShareLink({
    id,
    ownerId: user.teamId,
    issuedById: user.id,
    connectionId: open.connection.id,
    connectionName: open.connection.name,
    bucket: input.bucket,
    key: input.key,
    objectSize: BigInt(head.size),
    objectEtag: head.etag,
    objectContentType: head.contentType,
    requestedExpiresAt: expiry.expiresAt,
    expiresAt,
    expiresSoonAt: expiresSoonFrom({ createdAt: now, expiresAt }),
    disposition: input.disposition,
    fileName,
    contentTypeOverride: input.contentType ?? null,
    note: input.note ?? null,
    urlEnc: seal("shareUrl", id, url, getRuntimeSecrets().encryptionKey),
    createdAt: now,
    ...managed,
  });
  await recordAuditAfter({ actor: user, kind: "link.issued", subject: `${input.bucket}/${input.key}`, subjectId: link.id, details: { linkKind: kind } });
  log.info("links.issued", { linkId: link.id, kind, connectionId: open.connection.id, seconds: expiry.neverExpires ? null : seconds, limitedByCredentials });

  // Only the dialogs show a QR code (the API has no use for one: drawing it costs ~6 ms).
  const qrSvg = carried.qr === false ? null : await linkQrSvg(url);
  return {
    id: link.id,
    kind,
    url,
    expiresAt: expiresAt.toISOString(),
    requestedExpiresAt: expiry.expiresAt.toISOString(),
    neverExpires: expiry.neverExpires === true,
    limitedByCredentials,
    qrSvg,
    managed: summary,
  };
}
