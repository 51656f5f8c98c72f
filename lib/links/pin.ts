/**
 * "The file that was shared, not whatever has that name now." A managed link pins its object: the
 * version id where the bucket is versioned, otherwise the ETag it had when the link was issued.
 * Before a download, HeadObject on the key (the current object) says whether it is still the pinned
 * one: a newer version or another ETag means "changed", no current object (deleted, or a delete
 * marker) means "missing". Presigned URLs of a version-pinned link also name the pinned VersionId,
 * so what the recipient fetches is exactly that version even if the key changes between the check
 * and the download. `pinned = false` ("Always the latest version") skips the check.
 */

export type PinnedObject = { pinned: boolean; objectVersionId: string | null; objectEtag: string | null };

/** What HeadObject found: nothing (404, no such key or version), or the object's version and ETag. */
export type ObservedObject = { found: false } | { found: true; versionId: string | null; etag: string | null };

export type PinDecision = { ok: true } | { ok: false; state: "changed" | "missing" };

export type ObjectState = "changed" | "missing";

/** Whether a HeadObject of the current object must be made before serving (false when nothing is pinned). */
export function pinCheck(link: PinnedObject): boolean {
  return link.pinned && Boolean(link.objectVersionId || link.objectEtag);
}

/** `"abc"`, `W/"abc"` and `abc` are the same ETag. */
export function normalizeEtag(etag: string | null | undefined): string | null {
  if (!etag) return null;
  const value = etag
    .trim()
    .replace(/^W\//, "")
    .replace(/^"(.*)"$/, "$1");
  return value === "" ? null : value;
}

export function pinDecision(link: PinnedObject, observed: ObservedObject): PinDecision {
  if (!pinCheck(link)) return { ok: true };
  if (!observed.found) return { ok: false, state: "missing" };
  if (link.objectVersionId) {
    // The current version must still be the one that was shared.
    return observed.versionId === link.objectVersionId ? { ok: true } : { ok: false, state: "changed" };
  }
  return normalizeEtag(observed.etag) === normalizeEtag(link.objectEtag) ? { ok: true } : { ok: false, state: "changed" };
}

/** The version id to put in presigned URLs: only while pinned. */
export function servedVersionId(link: PinnedObject): string | undefined {
  return link.pinned && link.objectVersionId ? link.objectVersionId : undefined;
}
