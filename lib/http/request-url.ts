/**
 * The URL of a request, parsed once however many steps ask for it (a recipient route asks for its query in the
 * wrapper and again in the handler). The download fast path (lib/boot/download-fast-path.ts) hands over the URL it
 * already parsed. Read-only: every caller shares the one object.
 */
const parsed = new WeakMap<Request, URL>();

export function requestUrl(request: Request): URL {
  let url = parsed.get(request);
  if (!url) {
    url = new URL(request.url);
    parsed.set(request, url);
  }
  return url;
}

/** Records the URL a request was made from, so requestUrl() does not parse it again. */
export function keepRequestUrl(request: Request, url: URL): void {
  parsed.set(request, url);
}
