import { randomBytes } from "node:crypto";
import { hashPassword } from "../../lib/auth/password";
import { generateLinkToken, hashLinkToken } from "../../lib/links/token";

/**
 * An upload request put straight into the database (a share_links row, kind "managed", target "request", and its
 * upload_requests row), for the uploader side's integration tests (tests/integration/upload-request-page.test.ts:
 * closed, expired, full requests…; the end-to-end flow, spec 33, makes its request through "Request files"). `run`
 * executes one statement with $1… values, such as Prisma's `(sql, values) => db.$executeRawUnsafe(sql, ...values)`.
 */

export type Run = (sql: string, values: unknown[]) => Promise<unknown>;

export type UploadRequestInput = {
  ownerId: string;
  issuedById?: string | null;
  connectionId: string;
  connectionName?: string;
  bucket: string;
  /** The landing prefix, ending with "/". */
  prefix: string;
  title?: string;
  message?: string | null;
  maxFiles?: number;
  maxFileSize?: number;
  maxTotalSize?: number;
  allowedTypes?: string[];
  askName?: boolean;
  askEmail?: boolean;
  folderPerUploader?: boolean;
  password?: string | null;
  expiresAt?: Date;
  allowedNetworks?: string[];
  revokedAt?: Date | null;
  deletedAt?: Date | null;
  /** Counters already there (a request that is full, say). */
  receivedFiles?: number;
  receivedBytes?: number;
};

export type InsertedRequest = { id: string; token: string; url: string };

const GiB = 1024 ** 3;

export async function insertUploadRequest(run: Run, input: UploadRequestInput, baseUrl = "http://127.0.0.1:3000"): Promise<InsertedRequest> {
  const id = `req${randomBytes(10).toString("hex")}`;
  const token = generateLinkToken();
  const expiresAt = input.expiresAt ?? new Date(Date.now() + 7 * 86_400_000);
  const passwordHash = input.password ? await hashPassword(input.password) : null;
  await run(
    `INSERT INTO share_links (id, owner_id, issued_by, connection_id, connection_name, bucket, key, object_size, requested_expires_at,
       expires_at, expires_soon_at, disposition, file_name, url_enc, kind, target, title, token_hash, password_hash, allowed_networks,
       revoked_at, deleted_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, 0, $8, $8, $8, 'attachment', '', 'not-sealed', 'managed', 'request', $9, $10, $11, $12::text[], $13, $14)`,
    [
      id,
      input.ownerId,
      input.issuedById === undefined ? input.ownerId : input.issuedById,
      input.connectionId,
      input.connectionName ?? "Test storage",
      input.bucket,
      input.prefix,
      expiresAt,
      input.title ?? "Files for the project",
      hashLinkToken(token),
      passwordHash,
      input.allowedNetworks ?? [],
      input.revokedAt ?? null,
      input.deletedAt ?? null,
    ],
  );
  await run(
    `INSERT INTO upload_requests (link_id, message, max_files, max_file_size, max_total_size, allowed_types, ask_name, ask_email,
       folder_per_uploader, received_files, received_bytes, reserved_files, reserved_bytes)
     VALUES ($1, $2, $3, $4, $5, $6::text[], $7, $8, $9, $10, $11, $10, $11)`,
    [
      id,
      input.message ?? null,
      input.maxFiles ?? 10,
      input.maxFileSize ?? GiB,
      input.maxTotalSize ?? 5 * GiB,
      input.allowedTypes ?? [],
      input.askName ?? false,
      input.askEmail ?? false,
      input.folderPerUploader ?? false,
      input.receivedFiles ?? 0,
      input.receivedBytes ?? 0,
    ],
  );
  return { id, token, url: `${baseUrl.replace(/\/$/, "")}/u/${token}` };
}
