/**
 * `npm run bench:zip` with SERVER=handler: the app's own "Download all" route
 * (app/s/[token]/zip/route.ts: withRecipientLink(serveZip)) served by a plain `node:http` server,
 * without Next around it, the response body piped with backpressure. Used when the production
 * build cannot be made (it also shows what the route alone holds in memory). Same environment as
 * the app (DATABASE_URL, AUTH_SECRET, ENCRYPTION_KEY). Prints "listening <port>" when ready.
 */
import { createServer } from "node:http";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import { allowServerOnlyImports } from "../support/server-only-hook";

allowServerOnlyImports();
const { PEER_HEADER, SERVER_MARKER, UNKNOWN_ADDRESS, normalizeAddress } = await import("@/lib/security/address");
const { GET } = await import("@/app/s/[token]/zip/route");

(globalThis as Record<symbol, unknown>)[SERVER_MARKER] = true;
const ROUTE = /^\/s\/([^/?]+)\/zip(?:\?.*)?$/;

const server = createServer((req, res) => {
  const match = ROUTE.exec(req.url ?? "");
  if (!match || (req.method !== "GET" && req.method !== "HEAD")) {
    res.writeHead(404).end();
    return;
  }
  const headers = new Headers();
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    if (req.rawHeaders[i]!.toLowerCase() !== PEER_HEADER) headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
  }
  headers.set(PEER_HEADER, normalizeAddress(req.socket.remoteAddress) ?? UNKNOWN_ADDRESS);
  const request = new Request(`http://${req.headers.host ?? "127.0.0.1"}${req.url}`, { method: req.method, headers });
  GET(request, { params: Promise.resolve({ token: match[1]! }) })
    .then(async (response) => {
      res.writeHead(response.status, Object.fromEntries(response.headers));
      if (!response.body) return void res.end();
      await pipeline(Readable.fromWeb(response.body as NodeReadableStream<Uint8Array>), res);
    })
    .catch((error: unknown) => {
      process.stderr.write(`handler: ${(error as Error).message}\n`);
      if (!res.headersSent) res.writeHead(500);
      res.destroy();
    });
});

server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  process.stdout.write(`listening ${typeof address === "object" && address ? address.port : 0}\n`);
});
const stop = () => server.close(() => process.exit(0));
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
