import "server-only";
import { loadActor } from "@/lib/auth/actor";
import { listStorageOrigins } from "@/lib/storage/connections";
import { log } from "@/lib/log";

/** The CSP can do without the origins (previews then do not load): never wait long for them. */
const BUDGET_MS = 1_500;

/**
 * Storage origins for the CSP (previews load from presigned URLs): the connections the signed-in
 * person sees only. Read on each signed-in document request (one small indexed query) so a
 * connection added a moment ago can preview at once. A database that does not answer costs the
 * page at most BUDGET_MS here; the page's own session check then says what is wrong.
 */
export async function storageOriginsForCsp(userId: string): Promise<string[]> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      loadActor(userId).then((actor) => (actor ? listStorageOrigins(actor) : [])),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${BUDGET_MS} ms`)), BUDGET_MS);
      }),
    ]);
  } catch (error) {
    log.warn("csp.storage_origins_unavailable", { error });
    return [];
  } finally {
    clearTimeout(timer);
  }
}
