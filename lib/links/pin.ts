/**
 * "The file that was shared, not whatever has that name now." A managed link pins its object: the
 * version id where the bucket is versioned (that version is what the recipient gets), otherwise the
 * ETag it had when the link was issued. Before a download, HeadObject (with the pinned VersionId)
 * looks at the object; these pure functions say what to ask and what the answer means.
 * `pinned = false` ("Always the latest version") skips the check.
 */

export type PinnedObject = { pinned: boolean; objectVersionId: string | null; objectEtag: string | null };

/** What HeadObject found: nothing (404, no such key or version), or the object's version and ETag. */
export type ObservedObject = { found: false } | { found: true; versionId: string | null; etag: string | null };

export type PinDecision = { ok: true } | { ok: false; state: "changed" | "missing" };

export type ObjectState = "changed" | "missing";

/** The HeadObject to make before serving, or null when nothing is pinned. */
export function pinCheck(link: PinnedObject): { versionId: string | null } | null {
  if (!link.pinned) return null;
  if (link.objectVersionId) return { versionId: link.objectVersionId };
  if (link.objectEtag) return { versionId: null };
  return null;
}

/** `"abc"`, `W/"abc"` and `abc` are the same ETag. */
export function normalizeEtag(etag: string | null | undefined): string | null {
  if (!etag) return null;
  const value = etag.trim().replace(/^W\//, "").replace(/^"(.*)"$/, "$1");
  return value === "" ? null : value;
}

export function pinDecision(link: PinnedObject, observed: ObservedObject): PinDecision {
  if (!pinCheck(link)) return { ok: true };
  if (!observed.found) return { ok: false, state: "missing" };
  if (link.objectVersionId) {
    // A version never changes: found is enough (asked by VersionId; a different id means the server ignored it).
    return observed.versionId === null || observed.versionId === link.objectVersionId ? { ok: true } : { ok: false, state: "changed" };
  }
  return normalizeEtag(observed.etag) === normalizeEtag(link.objectEtag) ? { ok: true } : { ok: false, state: "changed" };
}

/** The version id to put in presigned URLs: only while pinned. */
export function servedVersionId(link: PinnedObject): string | undefined {
  return link.pinned && link.objectVersionId ? link.objectVersionId : undefined;
}
