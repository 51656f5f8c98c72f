import { DecryptionError, decrypt, encrypt } from "@/lib/crypto";

/**
 * The encrypted columns and the associated data that binds each value to its row: the table,
 * the column and the row id (`share_links.url_enc:<id>`). A value copied into another row or
 * column fails to open with a DecryptionError naming where it was read.
 */
export const SEALED_COLUMNS = {
  secretAccessKey: { table: "storage_connections", column: "secret_access_key_enc", legacyAad: "storage_connections.secret_access_key" },
  sessionToken: { table: "storage_connections", column: "session_token_enc", legacyAad: "storage_connections.session_token" },
  shareUrl: { table: "share_links", column: "url_enc", legacyAad: "share_links.url" },
  webhookSecret: { table: "users", column: "webhook_secret_enc", legacyAad: "users.webhook_secret" },
  storageEventsSecret: { table: "storage_connections", column: "events_secret_enc", legacyAad: "storage_connections.events_secret" },
} as const;

export type SealedColumn = keyof typeof SEALED_COLUMNS;

/** The associated data of `column` in row `rowId`. */
export function boundTo(column: SealedColumn, rowId: string): string {
  const { table, column: name } = SEALED_COLUMNS[column];
  if (!rowId) throw new Error(`a value of ${table}.${name} needs its row id before it is sealed`);
  return `${table}.${name}:${rowId}`;
}

export function seal(column: SealedColumn, rowId: string, plaintext: string, key: Buffer): string {
  return encrypt(plaintext, key, boundTo(column, rowId));
}

export function unseal(column: SealedColumn, rowId: string, envelope: string, keys: Buffer | Buffer[]): string {
  try {
    return decrypt(envelope, keys, boundTo(column, rowId));
  } catch (error) {
    if (!(error instanceof DecryptionError)) throw error;
    const { table, column: name } = SEALED_COLUMNS[column];
    throw new DecryptionError(
      /sealed for another record/.test(error.message)
        ? `${table}.${name} of row ${rowId} cannot be decrypted: the value was sealed for another row (copied from elsewhere?) or is corrupted`
        : `${table}.${name} of row ${rowId} cannot be decrypted: ${error.message}`,
    );
  }
}
