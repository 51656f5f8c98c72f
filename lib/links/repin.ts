import "server-only";
import { Prisma } from "@/lib/generated/prisma/client";
import { HeadObjectCommand } from "@aws-sdk/client-s3";
import type { Actor } from "@/lib/auth/permissions";
import { recordLinkAudit } from "@/lib/audit/record";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { getManageableLinkOrThrow } from "@/lib/links/history";
import { openConnectionOrThrow } from "@/lib/storage/connections";
import { withStorageDeadline } from "@/lib/storage/deadline";
import { describeStorageError } from "@/lib/storage/errors";

/**
 * "Re-pin" (a managed link pinned to an ETag or version whose object changed): the owner first sees what
 * changed (repinPreview: the pin against the object as it is now), then pins the object as it is now
 * (repinLink), naming the ETag/version they looked at: if the object changed again in between, nothing
 * is changed and they are asked to look again.
 */
export type ObjectFacts = { size: number; etag: string | null; versionId: string | null; lastModified: Date | null };
export type RepinPreview = { pinned: ObjectFacts; now: ObjectFacts; contentType: string | null };

const NOT_PINNED = "Only a managed link pinned to one version of a file can be re-pinned.";

async function repinnable(actor: Actor, id: string) {
  const link = await getManageableLinkOrThrow(actor, id);
  if (link.kind !== "managed" || !link.pinned || link.target !== "object" || link.revokedAt || !link.connectionId) {
    throw new AppError("invalid", NOT_PINNED, { reason: "link_not_usable" });
  }
  return link as typeof link & { connectionId: string };
}

async function headNow(actor: Actor, link: { connectionId: string; bucket: string; key: string }) {
  const { clients } = await openConnectionOrThrow(actor, link.connectionId);
  try {
    const head = await withStorageDeadline((abortSignal) => clients.s3.send(new HeadObjectCommand({ Bucket: link.bucket, Key: link.key }), { abortSignal }));
    return head;
  } catch (error) {
    const problem = describeStorageError(error).problem;
    if (problem === "no_such_key" || problem === "no_such_bucket") {
      throw new AppError("invalid", "The file is not there any more, so there is nothing to re-pin to. Share it again once it is back.", {
        reason: "link_not_usable",
      });
    }
    throw new AppError("storage", "The storage could not say what the file is now. Try again in a moment.", { cause: error });
  }
}

export async function repinPreview(actor: Actor, id: string): Promise<RepinPreview> {
  const link = await repinnable(actor, id);
  const head = await headNow(actor, link);
  return {
    pinned: { size: Number(link.objectSize), etag: link.objectEtag, versionId: link.objectVersionId, lastModified: null },
    now: { size: head.ContentLength ?? 0, etag: head.ETag ?? null, versionId: head.VersionId ?? null, lastModified: head.LastModified ?? null },
    contentType: head.ContentType ?? null,
  };
}

/** Pins the object as it is now, if it is still what the owner looked at (`seenEtag`). */
export async function repinLink(actor: Actor, id: string, seenEtag: string): Promise<ObjectFacts> {
  const link = await repinnable(actor, id);
  const head = await headNow(actor, link);
  const now = { size: head.ContentLength ?? 0, etag: head.ETag ?? null, versionId: head.VersionId ?? null, lastModified: head.LastModified ?? null };
  if ((now.etag ?? "") !== seenEtag) {
    throw new AppError("conflict", "The file changed again since you looked at it: nothing was changed. Look at it again, then re-pin.", {
      reason: "link_changed",
    });
  }
  const { count } = await db.shareLink.updateMany({
    where: { id, objectEtag: link.objectEtag, objectVersionId: link.objectVersionId, revokedAt: null, deletedAt: null },
    data: {
      objectEtag: now.etag,
      objectVersionId: now.versionId,
      objectSize: BigInt(now.size),
      objectContentType: head.ContentType ?? link.objectContentType,
      objectState: null,
      // Pinned to what is there now: no longer "Changed"; the checker looks at it again on its next pass.
      health: null,
      healthCheckedAt: null,
      healthDetail: Prisma.DbNull,
    },
  });
  if (count === 0) throw new AppError("conflict", "The link changed while you looked at it: nothing was changed. Reload the page.", { reason: "link_changed" });
  await recordLinkAudit(actor.id, "link.changed", id, { changed: ["pin"] });
  return now;
}
