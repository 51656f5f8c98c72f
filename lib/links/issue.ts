import "server-only";
import QRCode from "qrcode";
import type { SessionUser } from "@/lib/auth/session";
import { newRecordId } from "@/lib/crypto";
import { db } from "@/lib/db";
import { getRuntimeSecrets } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { baseName, contentDisposition, sanitizeFileName } from "@/lib/links/content-disposition";
import { MIN_EXPIRY_SECONDS, effectiveExpiry, formatExpiryDate, resolveExpiry, type ExpiryChoice } from "@/lib/links/expiry";
import { expiresSoonFrom } from "@/lib/links/status";
import { log } from "@/lib/log";
import { openConnectionOrThrow } from "@/lib/storage/connections";
import { describeStorageError } from "@/lib/storage/errors";
import { headObject, type ObjectDetails } from "@/lib/storage/listing";
import { seal } from "@/lib/storage/sealed";
import type { CreateShareInput } from "@/lib/validation/share";

export type IssuedLink = {
  id: string;
  url: string;
  expiresAt: string;
  requestedExpiresAt: string;
  limitedByCredentials: boolean;
  qrSvg: string | null;
};

function expiryChoice(input: CreateShareInput): ExpiryChoice {
  if (input.expiryMode === "custom") return { mode: "custom", amount: input.amount, unit: input.unit };
  if (input.expiryMode === "until") return { mode: "until", localDateTime: input.until, timeZone: input.timeZone };
  return { mode: "preset", preset: input.preset };
}

const EXPIRY_FIELD = { preset: "expiresIn", amount: "amount", until: "until", timeZone: "until" } as const;

async function headOrExplain(open: Awaited<ReturnType<typeof openConnectionOrThrow>>, bucket: string, key: string): Promise<ObjectDetails> {
  try {
    return await headObject(open, bucket, key);
  } catch (error) {
    const info = describeStorageError(error);
    log.info("links.head_failed", { bucket, problem: info.problem, error });
    if (info.problem === "no_such_key") throw new AppError("not_found", "This object does not exist (any more), so no link was created.");
    if (info.problem === "no_such_bucket") throw new AppError("not_found", "This bucket does not exist (any more), so no link was created.");
    if (info.problem === "access_denied") {
      throw new AppError("forbidden", "The connection's credentials may not read this object (AccessDenied), so a link would not work. Give the key read access, then try again.");
    }
    throw new AppError("storage", `${info.title}. ${info.message} No link was created.`);
  }
}

/**
 * Quick Share: checks the object exists, presigns GetObject for the connection, stores the
 * link (URL encrypted) and returns it. Nothing is stored unless every step succeeded.
 */
export async function issueShareLink(user: SessionUser, input: CreateShareInput): Promise<IssuedLink> {
  const open = await openConnectionOrThrow(user.id, input.connectionId);
  // X-Amz-Date has whole seconds: sign at a whole second so the stored expiry is exact.
  const now = new Date(Math.floor(Date.now() / 1000) * 1000);
  const expiry = resolveExpiry(expiryChoice(input), now, { timeZone: input.timeZone });
  if (!expiry.ok) {
    throw new AppError("invalid", expiry.message, { fieldErrors: { [EXPIRY_FIELD[expiry.field]]: [expiry.message] } });
  }
  const credentialsEnd = open.connection.sessionTokenExpiresAt;
  const { expiresAt, limitedByCredentials } = effectiveExpiry(expiry.expiresAt, credentialsEnd);
  const seconds = Math.floor((expiresAt.getTime() - now.getTime()) / 1000);
  if (seconds < MIN_EXPIRY_SECONDS) {
    const when = credentialsEnd ? formatExpiryDate(credentialsEnd, input.timeZone) : "";
    const message =
      seconds < 1
        ? `This connection's temporary credentials expired ${when}. Paste fresh ones in Settings → Connections.`
        : `This connection's temporary credentials end ${when}, less than a minute from now. Paste fresh ones in Settings → Connections.`;
    throw new AppError("invalid", message, { fieldErrors: { expiresIn: [message] } });
  }

  const head = await headOrExplain(open, input.bucket, input.key);
  const fileName = sanitizeFileName(input.fileName ?? baseName(input.key));
  const url = await open.clients.presigner.presignGet({
    bucket: input.bucket,
    key: input.key,
    expiresInSeconds: seconds,
    responseContentDisposition: contentDisposition(input.disposition, fileName),
    responseContentType: input.contentType,
    signingDate: now,
  });

  // The id is made here so the encrypted URL can be bound to its row (one INSERT, nothing half-written).
  const id = newRecordId();
  const link = await db.shareLink.create({
    data: {
      id,
      ownerId: user.id,
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
    },
    select: { id: true },
  });
  log.info("links.issued", { linkId: link.id, connectionId: open.connection.id, seconds, limitedByCredentials });

  let qrSvg: string | null = null;
  try {
    qrSvg = await QRCode.toString(url, { type: "svg", margin: 1, errorCorrectionLevel: "L" });
  } catch {
    // Very long keys can exceed what a QR code holds; the link itself is fine.
  }
  return {
    id: link.id,
    url,
    expiresAt: expiresAt.toISOString(),
    requestedExpiresAt: expiry.expiresAt.toISOString(),
    limitedByCredentials,
    qrSvg,
  };
}
