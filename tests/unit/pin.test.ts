import { describe, expect, it } from "vitest";
import { normalizeEtag, pinCheck, pinDecision, servedVersionId } from "@/lib/links/pin";

const byEtag = { pinned: true, objectVersionId: null, objectEtag: '"abc123"' };
const byVersion = { pinned: true, objectVersionId: "v-1", objectEtag: '"abc123"' };
const latest = { pinned: false, objectVersionId: "v-1", objectEtag: '"abc123"' };

describe("pin decisions", () => {
  it("looks at the current object for a version or ETag pin, and not at all when unpinned", () => {
    expect(pinCheck(byVersion)).toBe(true);
    expect(pinCheck(byEtag)).toBe(true);
    expect(pinCheck(latest)).toBe(false);
    expect(pinCheck({ pinned: true, objectVersionId: null, objectEtag: null })).toBe(false);
  });

  it("serves an object whose ETag is unchanged (quotes and weak markers aside)", () => {
    expect(pinDecision(byEtag, { found: true, versionId: null, etag: '"abc123"' })).toEqual({ ok: true });
    expect(pinDecision(byEtag, { found: true, versionId: null, etag: "abc123" })).toEqual({ ok: true });
    expect(pinDecision(byEtag, { found: true, versionId: null, etag: 'W/"abc123"' })).toEqual({ ok: true });
  });

  it("refuses a replaced object as changed and a deleted one as missing", () => {
    expect(pinDecision(byEtag, { found: true, versionId: null, etag: '"def456"' })).toEqual({ ok: false, state: "changed" });
    expect(pinDecision(byEtag, { found: false })).toEqual({ ok: false, state: "missing" });
  });

  it("serves a version pin only while the pinned version is the current one", () => {
    expect(pinDecision(byVersion, { found: true, versionId: "v-1", etag: '"abc123"' })).toEqual({ ok: true });
    expect(pinDecision(byVersion, { found: false })).toEqual({ ok: false, state: "missing" });
    // A newer version with the same bytes (same ETag) is still a replacement.
    expect(pinDecision(byVersion, { found: true, versionId: "v-2", etag: '"abc123"' })).toEqual({ ok: false, state: "changed" });
    // A server that does not report versions cannot confirm the pin.
    expect(pinDecision(byVersion, { found: true, versionId: null, etag: '"abc123"' })).toEqual({ ok: false, state: "changed" });
  });

  it("never refuses an unpinned link ('Always the latest version')", () => {
    expect(pinDecision(latest, { found: false })).toEqual({ ok: true });
    expect(pinDecision(latest, { found: true, versionId: "v-9", etag: '"zzz"' })).toEqual({ ok: true });
  });

  it("puts the version into presigned URLs only while pinned", () => {
    expect(servedVersionId(byVersion)).toBe("v-1");
    expect(servedVersionId(latest)).toBeUndefined();
    expect(servedVersionId(byEtag)).toBeUndefined();
    expect(normalizeEtag("")).toBeNull();
  });
});
