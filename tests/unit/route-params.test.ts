import { describe, expect, it } from "vitest";
import { folderHref, prefixFromRouteParams } from "@/lib/paths";
import { keyHasDotSegment } from "@/lib/validation/text";

/** What Next 16 hands the folder page: each URL segment decoded, then encodeURIComponent'ed again. */
function nextParams(href: string): string[] {
  const path = new URL(href, "http://bucketshare.test").pathname;
  return path
    .split("/")
    .slice(4)
    .map((segment) => encodeURIComponent(decodeURIComponent(segment)));
}

describe("prefixFromRouteParams", () => {
  it.each(["dir with space/", "naïve + plus %25 #hash ?q&a/", "日本語 フォルダ/", "dots/../", "./", "a//b/", "-dash/", "100%/"])(
    "gives back %j from the folder's own link",
    (prefix) => {
      expect(prefixFromRouteParams(nextParams(folderHref("c1", "b", prefix)))).toBe(prefix);
    },
  );

  it("is the bucket root without params", () => {
    expect(prefixFromRouteParams(undefined)).toBe("");
    expect(prefixFromRouteParams([])).toBe("");
  });
});

describe("keyHasDotSegment", () => {
  it.each([
    ["dots/../up.txt", true],
    ["./x", true],
    ["x/..", true],
    ["..", true],
    ["a..b/c.txt", false],
    ["...", false],
    [".hidden", false],
    ["a//b", false],
  ])("%s → %s", (key, expected) => {
    expect(keyHasDotSegment(key)).toBe(expected);
  });
});
