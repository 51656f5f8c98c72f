import "server-only";
import { getPool, statementName } from "@/lib/db/client";
import type { ConnectionRecord } from "@/lib/storage/client";

/**
 * The one look-up a recipient request makes: the managed link by the SHA-256 of its token
 * (share_links.token_hash, unique index), joined with what the page needs of its owner and, for
 * the storage calls of previews and downloads, its connection. One round trip, one indexed row.
 * An upload request's token (target "request", opened at /u/<token>) is no link here: /s/ says "unknown".
 * Sent with node-postgres on Prisma's own pool (getPool()): it runs before every download, and Prisma's per-query
 * work was a large part of a download's CPU time (`npm run bench:redirect`).
 * A named statement, as the count (lib/recipient/count.ts): prepared once per connection, then only its values are
 * sent, and PostgreSQL plans it once (sending and planning the texts each time halved the downloads served per second).
 */

export type RecipientLink = {
  id: string;
  ownerId: string;
  /** "Shared by": the person who issued the link (the team's first Owner for a link whose issuer is unknown). */
  ownerName: string;
  logNetworkOnly: boolean;
  bucket: string;
  key: string;
  objectSize: bigint;
  objectEtag: string | null;
  objectContentType: string | null;
  objectVersionId: string | null;
  pinned: boolean;
  objectState: string | null;
  expiresAt: Date;
  neverExpires: boolean;
  disposition: "inline" | "attachment";
  fileName: string;
  contentTypeOverride: string | null;
  downloadLimit: number | null;
  downloadCount: number;
  passwordHash: string | null;
  allowedNetworks: string[];
  revokedAt: Date | null;
  deletedAt: Date | null;
  /** "object" (one file: bucket/key) or "files" (a snapshot in share_link_files; objectSize is the total). */
  target: "object" | "files";
  title: string | null;
  fileCount: number | null;
  zipAllowed: boolean;
  /** Null once the owner deleted the connection: the file cannot be served any more. */
  connection: ConnectionRecord | null;
};

type Row = Omit<RecipientLink, "connection" | "disposition" | "target" | "objectSize"> & {
  /** int8: node-postgres gives its text. */
  objectSize: string;
  disposition: string;
  target: string;
  connectionId: string | null;
  endpoint: string | null;
  region: string | null;
  forcePathStyle: boolean | null;
  accessKeyId: string | null;
  secretAccessKeyEnc: string | null;
  sessionTokenEnc: string | null;
  connectionUpdatedAt: Date | null;
};

const LOOK_UP = `
    SELECT l.id, l.owner_id AS "ownerId", COALESCE(i.name, u.name) AS "ownerName", u.log_network_only AS "logNetworkOnly",
           l.bucket, l.key, l.object_size AS "objectSize", l.object_etag AS "objectEtag",
           l.object_content_type AS "objectContentType", l.object_version_id AS "objectVersionId", l.pinned,
           l.object_state AS "objectState", l.expires_at AT TIME ZONE 'UTC' AS "expiresAt", l.never_expires AS "neverExpires",
           l.disposition, l.file_name AS "fileName", l.content_type_override AS "contentTypeOverride",
           l.download_limit AS "downloadLimit", l.download_count AS "downloadCount", l.password_hash AS "passwordHash",
           l.allowed_networks AS "allowedNetworks", l.revoked_at AT TIME ZONE 'UTC' AS "revokedAt", l.deleted_at AT TIME ZONE 'UTC' AS "deletedAt",
           l.target, l.title, l.file_count AS "fileCount", l.zip_allowed AS "zipAllowed",
           c.id AS "connectionId", c.endpoint, c.region, c.force_path_style AS "forcePathStyle",
           c.access_key_id AS "accessKeyId", c.secret_access_key_enc AS "secretAccessKeyEnc",
           c.session_token_enc AS "sessionTokenEnc", c.updated_at AT TIME ZONE 'UTC' AS "connectionUpdatedAt"
      FROM share_links l
      JOIN users u ON u.id = l.owner_id
      LEFT JOIN users i ON i.id = l.issued_by
      LEFT JOIN storage_connections c ON c.id = l.connection_id
     WHERE l.token_hash = $1 AND l.kind = 'managed' AND l.target <> 'request'`;

export async function findManagedLink(tokenHash: string): Promise<RecipientLink | null> {
  // A text and its values (no query config object: node-postgres copies one per query); the timestamps, UTC in
  // columns without a time zone, are read as UTC by the AT TIME ZONE above whatever the process's zone.
  const { rows } = await getPool().query<Row>({ name: statementName("recipient_link"), text: LOOK_UP, values: [tokenHash] });
  const row = rows[0];
  if (!row) return null;
  const { connectionId, endpoint, region, accessKeyId, secretAccessKeyEnc, connectionUpdatedAt } = row;
  const connection: ConnectionRecord | null =
    connectionId && endpoint && region !== null && accessKeyId !== null && secretAccessKeyEnc && connectionUpdatedAt
      ? {
          id: connectionId,
          endpoint,
          region,
          forcePathStyle: row.forcePathStyle ?? true,
          accessKeyId,
          secretAccessKeyEnc,
          sessionTokenEnc: row.sessionTokenEnc,
          updatedAt: connectionUpdatedAt,
        }
      : null;
  // Field by field (a rest-and-spread copy of the row's 35 columns cost as much as reading them).
  return {
    id: row.id,
    ownerId: row.ownerId,
    ownerName: row.ownerName,
    logNetworkOnly: row.logNetworkOnly,
    bucket: row.bucket,
    key: row.key,
    objectSize: BigInt(row.objectSize),
    objectEtag: row.objectEtag,
    objectContentType: row.objectContentType,
    objectVersionId: row.objectVersionId,
    pinned: row.pinned,
    objectState: row.objectState,
    expiresAt: row.expiresAt,
    neverExpires: row.neverExpires,
    disposition: row.disposition === "inline" ? "inline" : "attachment",
    fileName: row.fileName,
    contentTypeOverride: row.contentTypeOverride,
    downloadLimit: row.downloadLimit,
    downloadCount: row.downloadCount,
    passwordHash: row.passwordHash,
    allowedNetworks: row.allowedNetworks,
    revokedAt: row.revokedAt,
    deletedAt: row.deletedAt,
    target: row.target === "files" ? "files" : "object",
    title: row.title,
    fileCount: row.fileCount,
    zipAllowed: row.zipAllowed,
    connection,
  };
}

/** Why the link may not be used now (before any password or storage check), or null. */
export type Refusal = "revoked" | "expired" | "limit" | "network" | "changed" | "missing";

export function linkRefusal(link: RecipientLink, now: Date, addressAllowedHere: boolean): Refusal | null {
  // Outside the allowed networks nothing is said about the link, not even that it was revoked.
  if (!addressAllowedHere) return "network";
  if (link.revokedAt) return "revoked";
  if (!link.neverExpires && link.expiresAt.getTime() <= now.getTime()) return "expired";
  if (link.downloadLimit !== null && link.downloadCount >= link.downloadLimit) return "limit";
  if (!link.connection) return "missing";
  // A link marked changed/missing is checked again by the page and the download (lib/recipient/pin-check.ts):
  // an object put back as it was makes the link work again.
  return null;
}
