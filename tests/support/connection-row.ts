/**
 * A storage connection row written straight to the database, as Settings stores one (custom
 * provider, path-style, the secret sealed to the row): for tests and benches that need a
 * connection without going through the form. lib/ is imported on the first call, so a script sets
 * DATABASE_URL and the secrets (and allows server-only imports) before calling it.
 */
export type StorageAccess = { endpoint: string; region: string; accessKeyId: string; secretAccessKey: string };

/** Inserts the owner's connection to `storage` and returns its id. */
export async function insertStorageConnection(ownerId: string, storage: StorageAccess, options: { name: string; buckets?: string[] }): Promise<string> {
  const [{ db }, { newRecordId }, { seal }, { getRuntimeSecrets }] = await Promise.all([
    import("@/lib/db/client"),
    import("@/lib/crypto"),
    import("@/lib/storage/sealed"),
    import("@/lib/env"),
  ]);
  const id = newRecordId();
  await db.storageConnection.create({
    data: {
      id,
      ownerId,
      name: options.name,
      provider: "custom",
      endpoint: storage.endpoint,
      region: storage.region,
      forcePathStyle: true,
      accessKeyId: storage.accessKeyId,
      secretAccessKeyEnc: seal("secretAccessKey", id, storage.secretAccessKey, getRuntimeSecrets().encryptionKey),
      buckets: options.buckets ?? [],
    },
  });
  return id;
}
