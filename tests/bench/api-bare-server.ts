/**
 * The yardstick of `npm run bench:api`: a bare `node:http` + `pg` server doing the work of the two
 * measured API requests plainly, without Next, Prisma or zod. Per request:
 *
 * - the token check and count: the API's own UPDATE of api_tokens (lib/api/auth.ts: window, count,
 *   last use; revoked and expired tokens match nothing), with the owner's role and team read in the
 *   same statement, and the scope checked;
 * - `GET /api/v1/links`: the first page of 50 (keyset order created_at DESC, id DESC, upload
 *   requests left out, the issuer's name joined), each row's status from lib/links/status.ts, the
 *   API's Link JSON (the same fields as lib/api/endpoints/links.ts toApiLink, without `url`);
 * - `POST /api/v1/links` (direct): JSON.parse of the body, the connection read (the owner's), one
 *   HeadObject on a reused S3 client, a presign with a reused presigner (the app's one signer), the
 *   URL sealed for "Copy link" (lib/storage/sealed.ts), one INSERT of the link and its audit-log row
 *   in one statement, and the created link's JSON.
 *
 *   node --import tsx tests/bench/api-bare-server.ts   (BARE_CONFIG: JSON, see Config)
 * Prints "listening <port>" when ready.
 */
import { createHash, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { HeadObjectCommand, S3Client } from "@aws-sdk/client-s3";
import pg from "pg";
import { newRecordId } from "@/lib/crypto";
import { contentDisposition } from "@/lib/links/content-disposition";
import { expiresSoonFrom, linkStatus } from "@/lib/links/status";
import { seal } from "@/lib/storage/sealed";
import { createUrlPresigner, type UrlPresigner } from "@/lib/storage/presign";

type Storage = { endpoint: string; region: string; accessKeyId: string; secretAccessKey: string };
type Config = { databaseUrl: string; encryptionKey: string; connections: Record<string, Storage> };

const config = JSON.parse(process.env.BARE_CONFIG ?? "null") as Config | null;
if (!config) {
  process.stderr.write("BARE_CONFIG is not set\n");
  process.exit(2);
}
const encryptionKey = Buffer.from(config.encryptionKey, "base64");

const pool = new pg.Pool({ connectionString: config.databaseUrl, max: 10, connectionTimeoutMillis: 5_000, options: "-c TimeZone=UTC" });
// Timestamps are stored as UTC without a zone (as Prisma writes them).
pg.types.setTypeParser(1114, (value) => new Date(`${value.replace(" ", "T")}Z`));
const storage = new Map<string, { s3: S3Client; presigner: UrlPresigner }>();
for (const [id, s] of Object.entries(config.connections)) {
  const credentials = { accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey };
  storage.set(id, {
    s3: new S3Client({
      endpoint: s.endpoint,
      region: s.region,
      forcePathStyle: true,
      credentials,
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
      requestHandler: { connectionTimeout: 3_000, requestTimeout: 6_000, throwOnRequestTimeout: true },
      maxAttempts: 2,
    }),
    presigner: createUrlPresigner({ endpoint: s.endpoint, region: s.region, forcePathStyle: true, credentials }),
  });
}

const AUTHENTICATE = `
  WITH t AS (
    UPDATE api_tokens
       SET window_started_at = CASE WHEN window_started_at <= now() - interval '60 seconds' THEN now() ELSE window_started_at END,
           window_count      = CASE WHEN window_started_at <= now() - interval '60 seconds' THEN 1 ELSE window_count + 1 END,
           last_used_at      = now()
     WHERE token_hash = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())
    RETURNING id, owner_id, scopes, rate_limit, window_count,
              GREATEST(1, CEIL(EXTRACT(EPOCH FROM (window_started_at + interval '60 seconds' - now()))))::int AS reset_seconds)
  SELECT t.*, u.role, COALESCE(u.team_id, u.id) AS team_id FROM t JOIN users u ON u.id = t.owner_id AND u.removed_at IS NULL`;

const LINK_COLUMNS = `l.id, l.kind, l.connection_id, l.connection_name, l.bucket, l.key, l.file_name, l.disposition, l.content_type_override,
  l.note, l.object_size, l.created_at, l.expires_at, l.expires_soon_at, l.never_expires, l.download_limit, l.download_count,
  l.last_access_at, l.revoked_at, l.object_state, l.health, l.health_checked_at, l.password_hash IS NOT NULL AS has_password,
  l.allowed_networks, l.pinned, l.target, l.title, l.file_count, l.issued_by, iu.name AS issuer_name, iu.removed_at AS issuer_removed_at`;

const FIRST_PAGE = `
  SELECT ${LINK_COLUMNS} FROM share_links l LEFT JOIN users iu ON iu.id = l.issued_by
   WHERE l.owner_id = $1 AND l.deleted_at IS NULL AND l.target <> 'request'
   ORDER BY l.created_at DESC, l.id DESC LIMIT 51`;

const CONNECTION = "SELECT id, name, session_token_expires_at FROM storage_connections WHERE id = $1 AND owner_id = $2";

const CREATE = `
  WITH l AS (
    INSERT INTO share_links (id, owner_id, issued_by, connection_id, connection_name, bucket, key, object_size, object_etag, object_content_type,
                             requested_expires_at, expires_at, expires_soon_at, disposition, file_name, url_enc, created_at, kind)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $12, $13, $14, $15, $16, 'direct')
    RETURNING *),
  a AS (
    INSERT INTO audit_events (id, team_id, actor_id, actor_name, kind, subject, subject_id, address, details)
    SELECT $17, COALESCE(u.team_id, u.id), u.id, u.name, 'link.issued', $6 || '/' || $7, $1, $18, '{"linkKind":"direct"}'::jsonb
      FROM users u WHERE u.id = $3)
  SELECT ${LINK_COLUMNS} FROM l LEFT JOIN users iu ON iu.id = l.issued_by`;

type Caller = {
  id: string;
  owner_id: string;
  scopes: string[];
  rate_limit: number;
  window_count: number;
  reset_seconds: number;
  role: string;
  team_id: string;
};
type LinkRow = Record<string, unknown> & {
  id: string;
  kind: string;
  created_at: Date;
  expires_at: Date;
  never_expires: boolean;
  revoked_at: Date | null;
  object_state: string | null;
  download_limit: number | null;
  download_count: number;
  health: string | null;
};

const iso = (d: unknown) => (d instanceof Date ? d.toISOString() : null);

function apiLink(row: LinkRow, now: Date, url?: string): Record<string, unknown> {
  const status = linkStatus(
    {
      kind: row.kind,
      createdAt: row.created_at,
      expiresAt: row.expires_at,
      neverExpires: row.never_expires,
      revokedAt: row.revoked_at,
      objectState: row.object_state,
      downloadLimit: row.download_limit,
      downloadCount: row.download_count,
    } as Parameters<typeof linkStatus>[0],
    now,
  );
  return {
    id: row.id,
    type: row.kind,
    ...(url === undefined ? {} : { url }),
    status,
    connectionId: row.connection_id,
    connectionName: row.connection_name,
    bucket: row.bucket,
    key: row.key,
    fileName: row.file_name,
    disposition: row.disposition === "attachment" ? "attachment" : "inline",
    contentType: row.content_type_override,
    note: row.note,
    objectSize: Number(row.object_size),
    createdAt: iso(row.created_at),
    expiresAt: row.never_expires ? null : iso(row.expires_at),
    neverExpires: row.never_expires,
    downloadLimit: row.download_limit,
    downloadCount: row.download_count,
    lastAccessAt: iso(row.last_access_at),
    revokedAt: iso(row.revoked_at),
    objectState: row.object_state,
    health: row.health,
    checkedAt: row.health ? iso(row.health_checked_at) : null,
    passwordProtected: row.has_password,
    allowedNetworks: row.allowed_networks,
    alwaysLatest: row.kind === "managed" && !row.pinned,
    target: row.target === "files" ? "files" : "object",
    title: row.title,
    fileCount: row.file_count,
    issuedBy: row.issued_by && row.issuer_name ? { id: row.issued_by, name: row.issuer_name, removed: row.issuer_removed_at !== null } : null,
  };
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "Content-Type": "application/json", "Cache-Control": "no-store", "X-Request-Id": randomUUID(), ...headers });
  res.end(JSON.stringify(body));
}

async function authenticate(req: IncomingMessage, scope: string): Promise<Caller | null> {
  const token = /^Bearer +(\S+)\s*$/i.exec(req.headers.authorization ?? "")?.[1];
  if (!token) return null;
  const caller = (await pool.query<Caller>(AUTHENTICATE, [createHash("sha256").update(token).digest("hex")])).rows[0];
  return caller && caller.window_count <= caller.rate_limit && caller.scopes.includes(scope) ? caller : null;
}

function rateHeaders(caller: Caller): Record<string, string> {
  return {
    "RateLimit-Limit": String(caller.rate_limit),
    "RateLimit-Remaining": String(Math.max(0, caller.rate_limit - caller.window_count)),
    "RateLimit-Reset": String(caller.reset_seconds),
  };
}

async function listLinks(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const caller = await authenticate(req, "links:read");
  if (!caller) return json(res, 401, { type: "unauthorized" });
  const rows = (await pool.query<LinkRow>(FIRST_PAGE, [caller.team_id])).rows;
  const now = new Date();
  const page = rows.slice(0, 50);
  const last = page[page.length - 1];
  const nextCursor = rows.length > 50 && last ? Buffer.from(JSON.stringify([last.created_at.toISOString(), last.id])).toString("base64url") : null;
  json(res, 200, { links: page.map((row) => apiLink(row, now)), nextCursor }, rateHeaders(caller));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

async function createLink(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const caller = await authenticate(req, "links:write");
  if (!caller) return json(res, 401, { type: "unauthorized" });
  const body = JSON.parse(await readBody(req)) as {
    connectionId: string;
    bucket: string;
    key: string;
    expiresIn: number;
    disposition: "attachment" | "inline";
  };
  const connection = (await pool.query<{ id: string; name: string }>(CONNECTION, [body.connectionId, caller.team_id])).rows[0];
  const clients = connection ? storage.get(connection.id) : undefined;
  if (!connection || !clients) return json(res, 404, { type: "not-found" });
  const now = new Date(Math.floor(Date.now() / 1000) * 1000);
  const expiresAt = new Date(now.getTime() + body.expiresIn * 1000);
  const head = await clients.s3.send(new HeadObjectCommand({ Bucket: body.bucket, Key: body.key }));
  const fileName = body.key.slice(body.key.lastIndexOf("/") + 1);
  const url = await clients.presigner.presignGet({
    bucket: body.bucket,
    key: body.key,
    expiresInSeconds: body.expiresIn,
    responseContentDisposition: contentDisposition(body.disposition, fileName),
    signingDate: now,
  });
  const id = newRecordId();
  const row = (
    await pool.query<LinkRow>(CREATE, [
      id,
      caller.team_id,
      caller.owner_id,
      connection.id,
      connection.name,
      body.bucket,
      body.key,
      String(head.ContentLength ?? 0),
      head.ETag ?? null,
      head.ContentType ?? null,
      expiresAt,
      expiresSoonFrom({ createdAt: now, expiresAt }),
      body.disposition,
      fileName,
      seal("shareUrl", id, url, encryptionKey),
      now,
      newRecordId(),
      req.socket.remoteAddress ?? null,
    ])
  ).rows[0]!;
  json(res, 201, { ...apiLink(row, now, url), warnings: [] }, { ...rateHeaders(caller), Location: `/api/v1/links/${id}` });
}

const stats = { answered: 0, errors: 0 };
const server = createServer((req, res) => {
  const path = (req.url ?? "/").split("?")[0]!;
  if (path === "/stats") return json(res, 200, stats);
  if (path !== "/api/v1/links" || (req.method !== "GET" && req.method !== "POST")) return json(res, 404, { type: "not-found" });
  (req.method === "GET" ? listLinks(req, res) : createLink(req, res)).then(
    () => void stats.answered++,
    (error: unknown) => {
      stats.errors++;
      process.stderr.write(`api-bare: ${(error as Error).message}\n`);
      if (!res.headersSent) json(res, 500, { type: "internal" });
      else res.end();
    },
  );
});

server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  process.stdout.write(`listening ${typeof address === "object" && address ? address.port : 0}\n`);
});

const stop = () => server.close(() => void pool.end().finally(() => process.exit(0)));
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
