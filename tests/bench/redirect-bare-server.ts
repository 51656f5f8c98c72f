/**
 * The yardstick of `npm run bench:redirect`: a bare `node:http` server doing the same work as
 * GET /s/<token>/download, without Next. Per request: one indexed PostgreSQL look-up by token hash
 * (pg, a pool of 10 like the app's), the checks (revoked, expired, limit), the pin check (only when
 * the link is pinned, as in the app: HeadObject as a HEAD of a URL from the reused presigner, over node:http with
 * kept-alive sockets, as the app sends it, lib/storage/head.ts), a presign with a reused
 * presigner (lib/storage/presign.ts createUrlPresigner, the app's own), then the conditional
 * UPDATE (the app's own statement, lib/recipient/count-sql.ts: count, access-log row, webhook queue)
 * and a 302. Counts the 302s it sends (GET /stats).
 *
 *   node --import tsx tests/bench/redirect-bare-server.ts   (BARE_CONFIG: JSON, see Config)
 * Prints "listening <port>" when ready.
 */
import { createHash } from "node:crypto";
import { Agent, createServer, request, type ServerResponse } from "node:http";
import pg from "pg";
import { contentDisposition } from "@/lib/links/content-disposition";
import { COUNT_DOWNLOAD_SQL } from "@/lib/recipient/count-sql";
import { pinCheck, pinDecision, servedVersionId } from "@/lib/links/pin";
import { createUrlPresigner, type UrlPresigner } from "@/lib/storage/presign";

type Storage = { endpoint: string; region: string; accessKeyId: string; secretAccessKey: string };
type Config = { databaseUrl: string; connections: Record<string, Storage> };

const config = JSON.parse(process.env.BARE_CONFIG ?? "null") as Config | null;
if (!config) {
  process.stderr.write("BARE_CONFIG is not set\n");
  process.exit(2);
}

const pool = new pg.Pool({ connectionString: config.databaseUrl, max: 10, connectionTimeoutMillis: 5_000 });
// One presigner per connection, made once (the app caches them the same way).
const storage = new Map<string, { presigner: UrlPresigner }>();
for (const [id, s] of Object.entries(config.connections)) {
  const credentials = { accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey };
  storage.set(id, { presigner: createUrlPresigner({ endpoint: s.endpoint, region: s.region, forcePathStyle: true, credentials }) });
}

// HeadObject, plainly: a HEAD of a presigned URL on kept-alive sockets (the local S3 servers speak http).
const agent = new Agent({ keepAlive: true, maxSockets: 50 });
function headObject(url: string): Promise<{ status: number; etag: string | null; versionId: string | null }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "HEAD", agent }, (answer) => {
      answer.resume();
      const etag = answer.headers.etag;
      const versionId = answer.headers["x-amz-version-id"];
      resolve({ status: answer.statusCode ?? 0, etag: typeof etag === "string" ? etag : null, versionId: typeof versionId === "string" ? versionId : null });
    });
    req.on("error", reject);
    req.end();
  });
}

type Link = {
  id: string;
  connection_id: string | null;
  bucket: string;
  key: string;
  file_name: string;
  disposition: string;
  content_type_override: string | null;
  object_version_id: string | null;
  object_etag: string | null;
  pinned: boolean;
  revoked_at: Date | null;
  deleted_at: Date | null;
  expires_at: Date;
  never_expires: boolean;
  download_limit: number | null;
  download_count: number;
};

const LOOK_UP = `
  SELECT id, connection_id, bucket, key, file_name, disposition, content_type_override, object_version_id,
         object_etag, pinned, revoked_at, deleted_at, expires_at, never_expires, download_limit, download_count
    FROM share_links WHERE token_hash = $1 AND kind = 'managed'`;

/** BARE_PREPARED=1: both statements named (prepared once per connection), as the app sends them; else sent as text each time. */
const PREPARED = process.env.BARE_PREPARED === "1";
const TOKEN = /^\/s\/([A-Za-z0-9_-]{32})\/download$/;
const stats = { redirects: 0, refused: 0, errors: 0 };

function plain(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" });
  res.end(text);
}

async function download(token: string, clientAddress: string, userAgent: string | null, res: ServerResponse): Promise<void> {
  const tokenHash = createHash("sha256").update(token, "utf8").digest("hex");
  const link = (await pool.query<Link>(PREPARED ? { name: "look_up", text: LOOK_UP, values: [tokenHash] } : { text: LOOK_UP, values: [tokenHash] })).rows[0];
  if (!link || link.deleted_at) return plain(res, 404, "Link not found");
  const now = new Date();
  if (link.revoked_at || (!link.never_expires && link.expires_at <= now) || (link.download_limit !== null && link.download_count >= link.download_limit)) {
    stats.refused++;
    return plain(res, 410, "Gone");
  }
  const clients = link.connection_id ? storage.get(link.connection_id) : undefined;
  if (!clients) return plain(res, 410, "Missing");
  const pinned = { pinned: link.pinned, objectVersionId: link.object_version_id, objectEtag: link.object_etag };
  if (pinCheck(pinned)) {
    const head = await headObject(clients.presigner.presignOperation({ operation: "HeadObject", bucket: link.bucket, key: link.key, expiresInSeconds: 60 }));
    if (head.status !== 200) throw new Error(`HeadObject answered ${head.status}`);
    if (!pinDecision(pinned, { found: true, versionId: head.versionId, etag: head.etag }).ok) {
      stats.refused++;
      return plain(res, 410, "Changed");
    }
  }
  const url = await clients.presigner.presignGet({
    bucket: link.bucket,
    key: link.key,
    expiresInSeconds: 60,
    responseContentDisposition: contentDisposition(link.disposition === "inline" ? "inline" : "attachment", link.file_name),
    responseContentType: link.content_type_override ?? undefined,
    versionId: servedVersionId(pinned),
    signingDate: now,
  });
  const values = [link.id, clientAddress, userAgent, null];
  const counted = await pool.query(PREPARED ? { name: "count", text: COUNT_DOWNLOAD_SQL, values } : { text: COUNT_DOWNLOAD_SQL, values });
  if (counted.rowCount === 0 || counted.rows.length === 0) {
    stats.refused++;
    return plain(res, 410, "Gone");
  }
  stats.redirects++;
  res.writeHead(302, { Location: url, "Cache-Control": "no-store", "Referrer-Policy": "no-referrer" });
  res.end();
}

const server = createServer((req, res) => {
  const path = (req.url ?? "/").split("?")[0]!;
  if (path === "/stats") {
    res.writeHead(200, { "Content-Type": "application/json" });
    res.end(JSON.stringify(stats));
    return;
  }
  const match = TOKEN.exec(path);
  if (req.method !== "GET" || !match) return plain(res, 404, "Not found");
  download(match[1]!, req.socket.remoteAddress ?? "unknown", req.headers["user-agent"]?.slice(0, 512) ?? null, res).catch((error: unknown) => {
    stats.errors++;
    process.stderr.write(`bare: ${(error as Error).message}\n`);
    if (!res.headersSent) plain(res, 500, "Error");
    else res.end();
  });
});

server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  process.stdout.write(`listening ${typeof address === "object" && address ? address.port : 0}\n`);
});

const stop = () => server.close(() => void pool.end().finally(() => process.exit(0)));
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
