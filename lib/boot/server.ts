/**
 * The HTTP server Next runs in (started by lib/boot/cli.ts: `node --import tsx lib/boot/server.ts
 * start|dev PORT`). Next's own `next start` copies the TCP peer into X-Forwarded-For only when
 * the client sent none, so behind it the app cannot tell a client's claim from its real address.
 * Here every request gets the peer's address in a header of its own (any copy the client sent is
 * dropped first); lib/security/client-address.ts reads it. Next's documented custom-server API.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import next from "next";
import { allowServerOnlyImports } from "@/lib/boot/server-only-hook";
import { stampRequest } from "@/lib/boot/request-stamp";
import { getEnv } from "@/lib/env";
import { REQUEST_STATE, type RequestState } from "@/lib/http/request-state";
import { SERVER_MARKER } from "@/lib/security/address";

const mode = process.argv[2];
const port = Number(process.argv[3]);
if ((mode !== "start" && mode !== "dev") || !Number.isInteger(port)) {
  process.stderr.write("usage: lib/boot/server.ts start|dev PORT\n");
  process.exit(2);
}

// Tells the app (same process) that PEER_HEADER was written by this server, not by a client.
(globalThis as Record<symbol, unknown>)[SERVER_MARKER] = true;

// Production answers GET/HEAD /s/<token>/download and the API's operations itself, before Next's router
// (lib/boot/download-fast-path.ts, lib/boot/api-fast-path.ts: loaded once Next is prepared, before listening).
let fastPath: ((req: IncomingMessage, res: ServerResponse) => boolean) | undefined;
let apiFastPath: ((req: IncomingMessage, res: ServerResponse) => boolean) | undefined;
// And begins a folder page's reads before it (lib/boot/folder-early-start.ts); the page takes them.
let folderEarlyStart: ((req: IncomingMessage, state: RequestState) => Promise<void> | null) | undefined;

const server = createServer();
const app = next({ dev: mode === "dev", port, httpServer: server });
const handle = app.getRequestHandler();

// Per request, what the app learned (lib/http/request-state.ts): a page that failed because the
// database did not answer is a 503 with Retry-After, not a 500.
const requestState = new AsyncLocalStorage<RequestState>();
(globalThis as Record<symbol, unknown>)[REQUEST_STATE] = requestState;

function answerUnavailableAs503(res: ServerResponse, state: RequestState): void {
  const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
  res.writeHead = ((statusCode: number, ...rest: unknown[]) => {
    if (statusCode === 500 && state.databaseUnavailable) {
      res.setHeader("Retry-After", "5");
      // A reason phrase given for 500 would not fit 503: Node then uses the standard one.
      return writeHead(503, ...(typeof rest[0] === "string" ? rest.slice(1) : rest));
    }
    return writeHead(statusCode, ...rest);
  }) as ServerResponse["writeHead"];
}

const proxies = { trustedProxies: getEnv().TRUSTED_PROXIES, trustedNetworks: getEnv().TRUSTED_PROXY_NETWORKS };

server.on("request", (req, res) => {
  stampRequest(req, res, proxies);
  // A download answers its own faults (a database that does not answer is its plain 503 page) and keeps no request
  // state: it is taken before the state and the 503 rewrite every other request gets.
  if (fastPath?.(req, res)) return;
  const state: RequestState = { databaseUnavailable: false };
  answerUnavailableAs503(res, state);
  requestState.run(state, () => onRequest(req, res, state));
});

function onRequest(req: IncomingMessage, res: ServerResponse, state: RequestState): void {
  if (apiFastPath?.(req, res)) return;
  // A folder page's reads are begun first, and Next gets the request once the listing is on its way (at most 15 ms).
  const begun = folderEarlyStart?.(req, state);
  if (begun) void begun.then(() => handOver(req, res));
  else handOver(req, res);
}

function handOver(req: IncomingMessage, res: ServerResponse): void {
  handle(req, res).catch((error: unknown) => {
    process.stderr.write(`bucketshare: request failed: ${(error as Error).message}\n`);
    if (!res.headersSent) res.statusCode = 500;
    res.end();
  });
}

let closing = false;
function stop() {
  if (closing) return;
  closing = true;
  // Finish the requests in flight, then let Next clean up; the launcher stops the database after.
  server.close(() => void app.close().finally(() => process.exit(0)));
  if (mode === "dev") server.closeAllConnections();
  else setTimeout(() => server.closeAllConnections(), 5_000).unref();
}
process.on("SIGINT", stop);
process.on("SIGTERM", stop);

server.on("error", (error) => {
  process.stderr.write(`bucketshare: cannot listen on port ${port}: ${error.message}\n`);
  process.exit(1);
});

app.prepare().then(
  async () => {
    if (mode === "start") {
      try {
        allowServerOnlyImports(); // that code runs outside Next's bundle, where `server-only` throws
        fastPath = await (await import("@/lib/boot/download-fast-path")).createDownloadFastPath();
        apiFastPath = await (await import("@/lib/boot/api-fast-path")).createApiFastPath();
        folderEarlyStart = (await import("@/lib/boot/folder-early-start")).createFolderEarlyStart();
      } catch (error) {
        process.stderr.write(`bucketshare: cannot load the download fast path: ${(error as Error).message}
`);
        process.exit(1);
      }
    }
    server.listen(port);
  },
  (error: unknown) => {
    process.stderr.write(`bucketshare: Next could not start: ${(error as Error).message}\n`);
    process.exit(1);
  },
);
