/**
 * One of the app's recipient routes called from a plain `node:http` server, without Next's router
 * around it (ROUTE=download: app/s/[token]/download/route.ts for `npm run bench:redirect` HANDLER=1;
 * ROUTE=zip: app/s/[token]/zip/route.ts for `npm run bench:zip` SERVER=handler). Next to the
 * production server it shows how much of a request's time is Next's handling and how much the
 * route's own work (and what the route alone holds in memory). The body is piped with
 * backpressure. Same environment as the app (DATABASE_URL, AUTH_SECRET, ENCRYPTION_KEY). Prints
 * "listening <port>" when ready.
 */
import { createServer } from "node:http";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import { allowServerOnlyImports } from "../support/server-only-hook";

allowServerOnlyImports();
const ROUTES = { download: () => import("@/app/s/[token]/download/route"), zip: () => import("@/app/s/[token]/zip/route") };
const name = process.env.ROUTE as keyof typeof ROUTES;
if (!(name in ROUTES)) throw new Error(`ROUTE must be one of ${Object.keys(ROUTES).join(", ")}`);
const { PEER_HEADER, SERVER_MARKER, UNKNOWN_ADDRESS, normalizeAddress } = await import("@/lib/security/address");
const { GET } = await ROUTES[name]();

// As lib/boot/server.ts does: the TCP peer travels in a header of its own.
(globalThis as Record<symbol, unknown>)[SERVER_MARKER] = true;
const PATH = new RegExp(`^/s/([^/?]+)/${name}(?:\\?.*)?$`);

const server = createServer((req, res) => {
  const match = PATH.exec(req.url ?? "");
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
