/**
 * GET and HEAD of exactly /s/<token>/download, answered by lib/boot/server.ts before Next's router
 * (about half of a download's CPU time was Next's request handling; `npm run bench:redirect`). It
 * calls the very code of app/s/[token]/download/route.ts (withRecipientLink(DOWNLOAD, serveDownload)) with a
 * web Request built from the node request, and writes the Response back with the headers
 * next.config.js adds to every path, as Next would. Anything else (another method or path, any
 * query string but "Open"'s ?open=1, a malformed token) goes to Next. Loaded only by `npm start` (production), once
 * Next is prepared (next/headers needs Next's AsyncLocalStorage) and after
 * lib/boot/server-only-hook.ts; its copy of lib/db/client.ts keeps a Prisma client of its own.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { keepOwnClientSlot } from "@/lib/db/client";
import { LightHeaders } from "@/lib/http/light-headers";
import { keepRequestUrl } from "@/lib/http/request-url";
import { log } from "@/lib/log";
import { serveDownload } from "@/lib/recipient/download";
import { withRecipientLink } from "@/lib/recipient/handler";
import { DOWNLOAD } from "@/lib/recipient/policies";
import { plainPage, plainRedirectOf } from "@/lib/recipient/respond";

// This copy of lib/ is not Next's: its own Prisma client, never the one Next's bundle made (lib/db/client.ts).
keepOwnClientSlot("bucketshareDirectDb");

// The shape of lib/links/token.ts isWellFormedToken; ?open=1 is "Open" (lib/recipient/policies.ts OPEN_PARAM).
const DOWNLOAD_PATH = /^\/s\/([A-Za-z0-9_-]{32})\/download(?:\?open=1)?$/;
const route = withRecipientLink(DOWNLOAD, serveDownload);

type HeaderRule = { source: string; headers: { key: string; value: string }[] };

/**
 * A GET or HEAD as the route reads it: its method, URL and headers, without building a web Request (undici's
 * constructor was a tenth of a download's CPU time, `npm run bench:redirect`). Anything else the route might ask of a
 * Request is answered by a real one, made then. The URL already parsed here is the one requestUrl() gives the route.
 */
function lightRequest(url: URL, method: string, headers: Headers): Request {
  const href = url.href;
  const own: Record<PropertyKey, unknown> = { url: href, method, headers };
  let full: Request | undefined;
  const request = new Proxy(own, {
    get(target, property) {
      if (property in target) return target[property];
      full ??= new Request(href, { method, headers });
      const value: unknown = Reflect.get(full, property, full);
      return typeof value === "function" ? value.bind(full) : value;
    },
  }) as unknown as Request;
  keepRequestUrl(request, url);
  return request;
}

/** Returns the request listener's first step: true when it took the request (and will answer it). */
export async function createDownloadFastPath(): Promise<(req: IncomingMessage, res: ServerResponse) => boolean> {
  // The headers next.config.js sets on every path ("/:path*"); Next adds them to the route's answer, which overrides them.
  const config = ((await import(new URL("../../next.config.js", import.meta.url).href)) as { default: { headers?: () => Promise<HeaderRule[]> } }).default;
  const rules = (await config.headers?.()) ?? [];
  const configHeaders: Record<string, string> = {};
  for (const { key, value } of rules.filter((rule) => rule.source === "/:path*").flatMap((rule) => rule.headers)) configHeaders[key.toLowerCase()] = value;
  // The wrapper's own plain 500 page, ready for a failure outside it (never a stack trace).
  const failed = { get: await plainPage("error", null), head: await plainPage("error", null, { head: true }) };
  const failedBody = Buffer.from(await failed.get.clone().arrayBuffer());

  /**
   * Writes the route's answer as Next would: its status, the config's headers and its own (one writeHead), its body. A
   * redirect nobody read as a Response is written from what it was made of (lib/recipient/respond.ts), by the same rules
   * a Headers follows (names in lower case, a repeated name's values joined).
   */
  function send(res: ServerResponse, response: Response, body: Buffer | null): void {
    const head: Record<string, string | string[]> = { ...configHeaders };
    const plain = plainRedirectOf(response);
    if (plain) {
      const own: Record<string, string> = {};
      for (const name in plain.headers) {
        const key = name.toLowerCase();
        own[key] = own[key] === undefined ? plain.headers[name]! : `${own[key]}, ${plain.headers[name]}`;
      }
      Object.assign(head, own);
    } else {
      for (const [name, value] of response.headers) if (name !== "set-cookie") head[name] = value;
      const cookies = response.headers.getSetCookie();
      if (cookies.length > 0) head["set-cookie"] = cookies;
    }
    head["x-bucketshare-path"] = "direct"; // asserted by tests/e2e/10-recipient.spec.ts
    res.writeHead(plain ? plain.status : response.status, head);
    res.end(body ?? undefined);
  }

  async function answer(req: IncomingMessage, token: string, isHead: boolean): Promise<{ response: Response; body: Buffer | null }> {
    // A fixed origin: the Host header cannot change the path or query the route reads (it reads only those).
    const url = new URL(`http://localhost${req.url}`);
    const request = lightRequest(url, req.method!, new LightHeaders(req.headers));
    const response = await route(request, { params: Promise.resolve({ token }) });
    // A redirect has no body (and, unread, no Response to ask).
    const body = isHead || plainRedirectOf(response) || !response.body ? null : Buffer.from(await response.arrayBuffer());
    return { response, body };
  }

  return (req, res) => {
    if (req.method !== "GET" && req.method !== "HEAD") return false;
    const token = DOWNLOAD_PATH.exec(req.url ?? "")?.[1];
    if (!token) return false;
    const isHead = req.method === "HEAD";
    answer(req, token, isHead)
      .then(({ response, body }) => send(res, response, body))
      .catch((error: unknown) => {
        // withRecipientLink answers its own faults; this is the request itself failing (e.g. a bad Host), or its answer
        // refused by node:http (a header value it will not send).
        log.error("recipient.request_failed", { path: "/s/[token]/download", direct: true, error });
        if (res.headersSent) res.destroy();
        else if (isHead) send(res, failed.head, null);
        else send(res, failed.get, failedBody);
      });
    return true;
  };
}
