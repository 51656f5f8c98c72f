import { describe, expect, it } from "vitest";
import { breadcrumbs, displayName, folderHref, objectHref, parentPrefix, prefixFromSegments, segmentsFromPrefix } from "@/lib/paths";

/** What the browser and Next do to a path: resolve it as a URL, split, decode each segment. */
function routeSegments(href: string): string[] {
  const path = new URL(href, "http://app.test").pathname;
  return path.split("/").slice(4).map(decodeURIComponent);
}

const awkward = ["photos/", "a b/c d/", "résumé/日本語/", "+%#?&'\"/", "/leading/", "a//b/", "//", "-dash/--double/", "./../", "%2F/", `${"x".repeat(1000)}/`];

describe("folder prefixes in page URLs", () => {
  it.each(awkward)("round-trips %j through the URL", (prefix) => {
    const href = folderHref("conn1", "bucket", prefix);
    expect(href.startsWith("/buckets/conn1/bucket/")).toBe(true);
    expect(prefixFromSegments(routeSegments(href))).toBe(prefix);
  });

  it("keeps the bucket root at the bucket URL", () => {
    expect(folderHref("c", "b")).toBe("/buckets/c/b");
    expect(prefixFromSegments(undefined)).toBe("");
    expect(prefixFromSegments([])).toBe("");
    expect(segmentsFromPrefix("")).toBe("");
  });

  it("never produces dot segments or empty segments that browsers would rewrite", () => {
    for (const prefix of awkward) {
      const segments = new URL(folderHref("c", "b", prefix), "http://app.test").pathname.split("/").slice(1);
      expect(segments.every((s) => s !== "" && s !== "." && s !== "..")).toBe(true);
    }
  });
});

describe("object links", () => {
  it("open the object's folder with its key in the query", () => {
    const key = "docs/a b/résumé #1?.pdf";
    const href = objectHref("c", "b", key, new URLSearchParams({ q: "ré", page: "t1" }));
    const url = new URL(href, "http://app.test");
    expect(url.searchParams.get("object")).toBe(key);
    expect(url.searchParams.get("q")).toBe("ré");
    expect(prefixFromSegments(routeSegments(href))).toBe("docs/a b/");
  });

  it("names entries relative to their folder", () => {
    expect(parentPrefix("a/b/c.txt")).toBe("a/b/");
    expect(parentPrefix("c.txt")).toBe("");
    expect(displayName("a/b/c.txt", "a/b/")).toBe("c.txt");
    expect(displayName("a/b/", "a/")).toBe("b");
  });
});

describe("breadcrumbs", () => {
  it("lead from the bucket to the current folder", () => {
    const crumbs = breadcrumbs("c", "media", "photos/2026/summer/");
    expect(crumbs.map((c) => c.label)).toEqual(["media", "photos", "2026", "summer"]);
    expect(crumbs[0]!.href).toBe("/buckets/c/media");
    expect(prefixFromSegments(routeSegments(crumbs[2]!.href))).toBe("photos/2026/");
  });

  it("name an empty segment instead of hiding it", () => {
    expect(breadcrumbs("c", "b", "a//").map((c) => c.label)).toEqual(["b", "a", "(empty)"]);
  });
});
