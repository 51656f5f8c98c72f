/**
 * Object keys in page URLs. Keys are arbitrary: empty segments ("a//b"), "." and "..", "%", "#",
 * "?" and unicode must survive the browser's URL normalisation and Next's decoding. Each key
 * segment becomes one URL segment: empty → "-", a segment starting with "-" or equal to "." or
 * ".." gets one more leading "-", then percent-encoding. Decoding reverses it exactly.
 */

function escapeSegment(segment: string): string {
  if (segment === "") return "-";
  if (segment.startsWith("-") || segment === "." || segment === "..") return `-${segment}`;
  return segment;
}

function unescapeSegment(segment: string): string {
  if (segment === "-") return "";
  return segment.startsWith("-") ? segment.slice(1) : segment;
}

/** URL path segments (already decoded by the router) → folder prefix ("" or ending in "/"). */
export function prefixFromSegments(segments: string[] | undefined): string {
  if (!segments || segments.length === 0) return "";
  return `${segments.map(unescapeSegment).join("/")}/`;
}

/**
 * The folder prefix of a page's `[[...prefix]]` params. Next 16 hands a page its params
 * percent-encoded (`encodeURIComponent` of the decoded segment: "a b" arrives as "a%20b", "a+b" as
 * "a%2Bb"; checked end to end in tests/e2e/08-storage-safety.spec.ts), so each is decoded once.
 */
export function prefixFromRouteParams(segments: string[] | undefined): string {
  return prefixFromSegments(
    segments?.map((segment) => {
      try {
        return decodeURIComponent(segment);
      } catch {
        return segment;
      }
    }),
  );
}

/** Folder prefix → encoded path suffix ("" or "/seg/seg"). */
export function segmentsFromPrefix(prefix: string): string {
  if (prefix === "") return "";
  const trimmed = prefix.endsWith("/") ? prefix.slice(0, -1) : prefix;
  return `/${trimmed
    .split("/")
    .map((s) => encodeURIComponent(escapeSegment(s)))
    .join("/")}`;
}

export function folderHref(connectionId: string, bucket: string, prefix = ""): string {
  return `/buckets/${encodeURIComponent(connectionId)}/${encodeURIComponent(bucket)}${segmentsFromPrefix(prefix)}`;
}

/** The folder that holds a key ("" for the bucket root). */
export function parentPrefix(key: string): string {
  const cut = key.lastIndexOf("/");
  return cut === -1 ? "" : key.slice(0, cut + 1);
}

/** What a listing shows for a key or folder prefix inside `prefix`. */
export function displayName(keyOrPrefix: string, prefix: string): string {
  const rest = keyOrPrefix.slice(prefix.length);
  return rest.endsWith("/") ? rest.slice(0, -1) : rest;
}

export function objectHref(connectionId: string, bucket: string, key: string, query?: URLSearchParams): string {
  const params = new URLSearchParams(query);
  params.delete("object");
  params.set("object", key);
  return `${folderHref(connectionId, bucket, parentPrefix(key))}?${params.toString()}`;
}

export type Crumb = { label: string; href: string };

/** Breadcrumbs: bucket, then each folder of the prefix. */
export function breadcrumbs(connectionId: string, bucket: string, prefix: string): Crumb[] {
  const crumbs: Crumb[] = [{ label: bucket, href: folderHref(connectionId, bucket) }];
  if (prefix === "") return crumbs;
  const parts = prefix.slice(0, -1).split("/");
  let acc = "";
  for (const part of parts) {
    acc += `${part}/`;
    crumbs.push({ label: part === "" ? "(empty)" : part, href: folderHref(connectionId, bucket, acc) });
  }
  return crumbs;
}
