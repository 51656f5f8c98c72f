/**
 * `npm run bench:redirect` with HANDLER=1: Bucketshare's own download route
 * (app/s/[token]/download/route.ts: withRecipientLink(serveDownload), Prisma and all) called from a
 * plain `node:http` server, without Next's router around it. Next to the production server and the
 * bare server it shows how much of a download's time is Next's request handling and how much is
 * the route's own work. Same environment as the app (DATABASE_URL, AUTH_SECRET, ENCRYPTION_KEY).
 * Prints "listening <port>" when ready.
 */
import { createServer } from "node:http";
import { allowServerOnlyImports } from "../support/server-only-hook";

allowServerOnlyImports();
const { PEER_HEADER, SERVER_MARKER, UNKNOWN_ADDRESS, normalizeAddress } = await import("@/lib/security/address");
const { GET } = await import("@/app/s/[token]/download/route");

// As lib/boot/server.ts does: the TCP peer travels in a header of its own.
(globalThis as Record<symbol, unknown>)[SERVER_MARKER] = true;
const ROUTE = /^\/s\/([^/?]+)\/download(?:\?.*)?$/;

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
      const body = Buffer.from(await response.arrayBuffer());
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(body);
    })
    .catch((error: unknown) => {
      process.stderr.write(`handler: ${(error as Error).message}\n`);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
});

server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  process.stdout.write(`listening ${typeof address === "object" && address ? address.port : 0}\n`);
});
const stop = () => server.close(() => process.exit(0));
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
