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
import { log } from "@/lib/log";
import { serveDownload } from "@/lib/recipient/download";
import { withRecipientLink } from "@/lib/recipient/handler";
import { DOWNLOAD } from "@/lib/recipient/policies";
import { plainPage } from "@/lib/recipient/respond";
import { PEER_HEADER } from "@/lib/security/address";

// This copy of lib/ is not Next's: its own Prisma client, never the one Next's bundle made (lib/db/client.ts).
keepOwnClientSlot("bucketshareDirectDb");

// The shape of lib/links/token.ts isWellFormedToken; ?open=1 is "Open" (lib/recipient/policies.ts OPEN_PARAM).
const DOWNLOAD_PATH = /^\/s\/([A-Za-z0-9_-]{32})\/download(?:\?open=1)?$/;
const route = withRecipientLink(DOWNLOAD, serveDownload);

type HeaderRule = { source: string; headers: { key: string; value: string }[] };
type Answer = { status: number; headers: Headers; body: Buffer | null };

async function read(response: Response, isHead: boolean): Promise<Answer> {
  const body = isHead || !response.body ? null : Buffer.from(await response.arrayBuffer());
  return { status: response.status, headers: response.headers, body };
}

/**
 * A GET or HEAD as the route reads it: its method, URL and headers, without building a web Request (undici's
 * constructor was a tenth of a download's CPU time, `npm run bench:redirect`). Anything else the route might ask of a
 * Request is answered by a real one, made then.
 */
function lightRequest(url: string, method: string, headers: Headers): Request {
  const own: Record<PropertyKey, unknown> = { url, method, headers };
  let full: Request | undefined;
  return new Proxy(own, {
    get(target, property) {
      if (property in target) return target[property];
      full ??= new Request(url, { method, headers });
      const value: unknown = Reflect.get(full, property, full);
      return typeof value === "function" ? value.bind(full) : value;
    },
  }) as unknown as Request;
}

/** Returns the request listener's first step: true when it took the request (and will answer it). */
export async function createDownloadFastPath(): Promise<(req: IncomingMessage, res: ServerResponse) => boolean> {
  // The headers next.config.js sets on every path ("/:path*"); Next adds them to the route's answer.
  const config = ((await import(new URL("../../next.config.js", import.meta.url).href)) as { default: { headers?: () => Promise<HeaderRule[]> } }).default;
  const rules = (await config.headers?.()) ?? [];
  const configHeaders = rules.filter((rule) => rule.source === "/:path*").flatMap((rule) => rule.headers);
  // The wrapper's own plain 500 page, ready for a failure outside it (never a stack trace).
  const failed = { get: await read(await plainPage("error", null), false), head: await read(await plainPage("error", null, { head: true }), true) };

  function send(res: ServerResponse, answer: Answer): void {
    res.statusCode = answer.status;
    for (const { key, value } of configHeaders) res.setHeader(key, value);
    for (const [name, value] of answer.headers) if (name !== "set-cookie") res.setHeader(name, value);
    const cookies = answer.headers.getSetCookie();
    if (cookies.length > 0) res.setHeader("set-cookie", cookies);
    res.setHeader("x-bucketshare-path", "direct"); // asserted by tests/e2e/10-recipient.spec.ts
    res.end(answer.body ?? undefined);
  }

  async function answer(req: IncomingMessage, token: string, isHead: boolean): Promise<Answer> {
    // rawHeaders keep repeated headers apart; lib/boot/server.ts removed any client copy of the
    // peer header from them and put the socket's address in req.headers.
    const headers = new Headers();
    for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
    headers.set(PEER_HEADER, String(req.headers[PEER_HEADER]));
    // The URL as a Request would hold it (a malformed Host throws here, as it would there).
    const url = new URL(`http://${req.headers.host ?? "localhost"}${req.url}`).href;
    return read(await route(lightRequest(url, req.method!, headers), { params: Promise.resolve({ token }) }), isHead);
  }

  return (req, res) => {
    if (req.method !== "GET" && req.method !== "HEAD") return false;
    const token = DOWNLOAD_PATH.exec(req.url ?? "")?.[1];
    if (!token) return false;
    const isHead = req.method === "HEAD";
    answer(req, token, isHead).then(
      (result) => send(res, result),
      (error: unknown) => {
        // withRecipientLink answers its own faults; this is the request itself failing (e.g. a bad Host).
        log.error("recipient.request_failed", { path: "/s/[token]/download", direct: true, error });
        if (res.headersSent) res.destroy();
        else send(res, isHead ? failed.head : failed.get);
      },
    );
    return true;
  };
}
