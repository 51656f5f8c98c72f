import "server-only";
import { db, getPool, statementName } from "@/lib/db/client";
import { COUNT_DOWNLOAD_SQL } from "@/lib/recipient/count-sql";

/** Counts one download, or refuses it, in ONE statement (COUNT_DOWNLOAD_SQL says how); null when refused. */

export type CountedDownload = { downloads: number; downloadLimit: number | null };

export async function countDownload(input: {
  linkId: string;
  clientAddress: string;
  userAgent: string | null;
  /** Multi-file shares: the file's path in the share, or "*" for Download all (the log names it). */
  filePath?: string | null;
}): Promise<CountedDownload | null> {
  // Constant text shared with the benchmark; every value is a bound parameter. Named: prepared once per connection
  // (lib/recipient/link.ts says why). node-postgres on Prisma's pool, as the
  // look-up (lib/recipient/link.ts): both columns are int4 (numbers), as Prisma gave them.
  const { rows } = await getPool().query<CountedDownload>({
    name: statementName("count_download"),
    text: COUNT_DOWNLOAD_SQL,
    values: [input.linkId, input.clientAddress, input.userAgent, input.filePath ?? null],
  });
  return rows[0] ?? null;
}

/** Marks the link's object as replaced or deleted (the owner's history shows it). */
export async function markObjectState(linkId: string, state: "changed" | "missing"): Promise<void> {
  await db.shareLink.updateMany({ where: { id: linkId, OR: [{ objectState: null }, { objectState: { not: state } }] }, data: { objectState: state } });
}

/** Clears the mark once the pinned object is found as it was shared (put back after a change). */
export async function clearObjectState(linkId: string): Promise<void> {
  await db.shareLink.updateMany({ where: { id: linkId, objectState: { not: null } }, data: { objectState: null } });
}
