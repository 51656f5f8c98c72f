import "server-only";
import { listStorageOrigins } from "@/lib/storage/connections";
import { log } from "@/lib/log";

/**
 * Storage origins for the CSP (previews load from presigned URLs). Read on each signed-in page
 * request (one small query) so a connection added a moment ago can preview at once.
 */
export async function storageOriginsForCsp(): Promise<string[]> {
  try {
    return await listStorageOrigins();
  } catch (error) {
    log.warn("csp.storage_origins_unavailable", { error });
    return [];
  }
}
