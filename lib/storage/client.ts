import "server-only";
import { S3Client } from "@aws-sdk/client-s3";
import { getRuntimeSecrets } from "@/lib/env";
import { unseal } from "@/lib/storage/sealed";
import { createUrlPresigner } from "@/lib/storage/presign";

/**
 * One S3 client (and one URL presigner) per connection, rebuilt when the connection changes
 * (its updatedAt moves). Created with checksums only when required (several S3-compatible
 * services reject the SDK's default checksum parameters) and with per-attempt timeouts that
 * really throw. What bounds an operation as a whole (retries and stalled bodies included) is
 * the deadline of lib/storage/deadline.ts that every caller runs under.
 */

/** Per attempt: establishing the TCP/TLS connection. */
export const CONNECT_TIMEOUT_MS = 3_000;
/** Per attempt: from sending the request to the response headers (throws, unlike the SDK's default). */
export const REQUEST_TIMEOUT_MS = 6_000;

export type ConnectionRecord = {
  id: string;
  endpoint: string;
  region: string;
  forcePathStyle: boolean;
  accessKeyId: string;
  secretAccessKeyEnc: string;
  sessionTokenEnc: string | null;
  updatedAt: Date;
};

export type PlainCredentials = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };

export type StorageClients = {
  s3: S3Client;
  presigner: ReturnType<typeof createUrlPresigner>;
};

const cache = new Map<string, { version: number; clients: StorageClients }>();

export function buildClients(target: { endpoint: string; region: string; forcePathStyle: boolean }, credentials: PlainCredentials): StorageClients {
  const s3 = new S3Client({
    endpoint: target.endpoint,
    region: target.region,
    forcePathStyle: target.forcePathStyle,
    credentials,
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    requestHandler: { connectionTimeout: CONNECT_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS, throwOnRequestTimeout: true },
    maxAttempts: 2,
  });
  const presigner = createUrlPresigner({ ...target, credentials });
  return { s3, presigner };
}

export function openCredentials(record: ConnectionRecord): PlainCredentials {
  const key = getRuntimeSecrets().encryptionKey;
  return {
    accessKeyId: record.accessKeyId,
    secretAccessKey: unseal("secretAccessKey", record.id, record.secretAccessKeyEnc, key),
    sessionToken: record.sessionTokenEnc ? unseal("sessionToken", record.id, record.sessionTokenEnc, key) : undefined,
  };
}

export function clientsFor(record: ConnectionRecord): StorageClients {
  const version = record.updatedAt.getTime();
  const hit = cache.get(record.id);
  if (hit && hit.version === version) return hit.clients;
  hit?.clients.s3.destroy();
  const clients = buildClients(record, openCredentials(record));
  cache.set(record.id, { version, clients });
  return clients;
}

export function forgetClients(connectionId: string): void {
  cache.get(connectionId)?.clients.s3.destroy();
  cache.delete(connectionId);
}
