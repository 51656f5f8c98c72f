import "server-only";
import { bucketPlaceFromPath } from "@/lib/security/csp";
import { listCspSourcesOfUser } from "@/lib/storage/connections";
import { log } from "@/lib/log";

/** The CSP can do without the origins (previews then do not load): never wait long for them. */
const BUDGET_MS = 1_500;

export type CspOrigins = { storageOrigins: string[]; uploadOrigins: string[] };

/**
 * Storage origins for the CSP (previews load from presigned URLs): the connections the signed-in
 * person sees only. Read on each signed-in document request (the person and their team's connections: one small indexed query) so a
 * connection added a moment ago can preview at once. A database that does not answer costs the
 * page at most BUDGET_MS here; the page's own session check then says what is wrong.
 * On the bucket browser's pages (`pathname` under /buckets), also where uploads may go (connect-src).
 */
export async function cspOriginsFor(userId: string, pathname = ""): Promise<CspOrigins> {
  let timer: NodeJS.Timeout | undefined;
  const place = pathname === "/buckets" ? {} : bucketPlaceFromPath(pathname);
  try {
    return await Promise.race([
      listCspSourcesOfUser(userId, place ?? null).then((sources) => sources ?? { storageOrigins: [], uploadOrigins: [] }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${BUDGET_MS} ms`)), BUDGET_MS);
      }),
    ]);
  } catch (error) {
    log.warn("csp.storage_origins_unavailable", { error });
    return { storageOrigins: [], uploadOrigins: [] };
  } finally {
    clearTimeout(timer);
  }
}

/** The preview origins alone (see cspOriginsFor). */
export async function storageOriginsForCsp(userId: string): Promise<string[]> {
  return (await cspOriginsFor(userId)).storageOrigins;
}
