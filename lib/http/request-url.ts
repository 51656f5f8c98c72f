/**
 * The URL of a request, parsed once however many steps ask for it (a recipient route asks for its query in the
 * wrapper and again in the handler). The download fast path (lib/boot/download-fast-path.ts) hands over the URL it
 * already parsed. Read-only: every caller shares the one object. Kept on the request under a symbol of this module
 * (a WeakMap's look-ups cost more, `npm run bench:redirect`).
 */
const PARSED_URL = Symbol("bucketshare.requestUrl");
type WithUrl = Request & { [PARSED_URL]?: URL };

export function requestUrl(request: Request): URL {
  return ((request as WithUrl)[PARSED_URL] ??= new URL(request.url));
}

/** Records the URL a request was made from, so requestUrl() does not parse it again. */
export function keepRequestUrl(request: Request, url: URL): void {
  (request as WithUrl)[PARSED_URL] = url;
}
