import "server-only";
import { listStorageOrigins } from "@/lib/storage/connections";
import { log } from "@/lib/log";

/** Storage origins for the CSP (previews load from presigned URLs), refreshed at most every 10 s. */
let cached: { at: number; origins: string[] } | undefined;

export async function storageOriginsForCsp(): Promise<string[]> {
  if (cached && Date.now() - cached.at < 10_000) return cached.origins;
  try {
    cached = { at: Date.now(), origins: await listStorageOrigins() };
  } catch (error) {
    log.warn("csp.storage_origins_unavailable", { error });
    return cached?.origins ?? [];
  }
  return cached.origins;
}
