import "server-only";
import { listStorageOrigins } from "@/lib/storage/connections";
import { log } from "@/lib/log";

/**
 * Storage origins for the CSP (previews load from presigned URLs): the signed-in owner's
 * connections only. Read on each signed-in document request (one small indexed query) so a
 * connection added a moment ago can preview at once.
 */
export async function storageOriginsForCsp(userId: string): Promise<string[]> {
  try {
    return await listStorageOrigins(userId);
  } catch (error) {
    log.warn("csp.storage_origins_unavailable", { error });
    return [];
  }
}
