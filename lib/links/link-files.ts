import "server-only";
import { type Actor, linkScope } from "@/lib/auth/permissions";
import { db } from "@/lib/db/client";

/** The link page's file list of a multi-file share: pages of 100 in path order (keyset on the (link_id, path) unique index). */
export const LINK_FILES_PAGE_SIZE = 100;

export type LinkFileRow = { path: string; size: number; state: "changed" | "missing" | null };

export async function listLinkFiles(actor: Actor, linkId: string, after?: string): Promise<{ rows: LinkFileRow[]; nextCursor: string | null }> {
  const rows = await db.shareLinkFile.findMany({
    where: { linkId, link: { ...linkScope(actor), deletedAt: null }, ...(after ? { path: { gt: after } } : {}) },
    orderBy: { path: "asc" },
    take: LINK_FILES_PAGE_SIZE + 1,
    select: { path: true, size: true, state: true },
  });
  const page = rows.slice(0, LINK_FILES_PAGE_SIZE);
  return {
    rows: page.map((r) => ({ path: r.path, size: Number(r.size), state: r.state === "changed" || r.state === "missing" ? r.state : null })),
    nextCursor: rows.length > LINK_FILES_PAGE_SIZE ? page.at(-1)!.path : null,
  };
}
