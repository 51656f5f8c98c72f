/**
 * `npm run bench:zip`: "Download all" of a 2 GiB share through the production server. Puts
 * FILES × FILE_MIB MiB objects (default 8 × 256 MiB) into the local Swift server, generated as a
 * stream (never held in memory), writes the share as issuing stores it (share_links target
 * "files" + share_link_files), starts the app with `npm start` (builds first when sources changed;
 * run it under the e2e lock: `flock /tmp/bucketshare-e2e.lock npm run bench:zip`), downloads
 * /s/<token>/zip and reports throughput and the Next server process's memory: VmHWM (peak RSS)
 * before and after, and VmRSS sampled every 100 ms during the download. The bytes received must
 * equal Content-Length; VERIFY=1 also saves the archive and runs `unzip -t` on it. BENCH_QUICK=1:
 * 2 × 1 MiB.
 * Uses the test services of `npm test` when BUCKETSHARE_TEST_SERVICES is set, else starts its own.
 */
import { execFileSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { createWriteStream, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { CreateBucketCommand, HeadObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { s3ClientFor } from "@/lib/dev/s3";
import { insertStorageConnection } from "../support/connection-row";
import { note, openBench } from "./harness";
import { setting } from "./quick";

const FILES = setting("FILES", 8, 2);
const FILE_MIB = setting("FILE_MIB", 256, 1);
const VERIFY = process.env.VERIFY === "1";
/** SERVER=handler: the route in a plain node:http server instead of the production app (no build needed). */
const HANDLER = process.env.SERVER === "handler";
const MiB = 1024 * 1024;

/** `size` bytes of a 1 MiB random block repeated (each copy varied by its index), as a stream. */
function generated(size: number, seed: Buffer): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= size) return void this.push(null);
      const chunk = Buffer.from(seed.subarray(0, Math.min(seed.length, size - sent)));
      chunk.writeUInt32BE(sent / MiB, 0);
      sent += chunk.length;
      this.push(chunk);
    },
  });
}

function status(pid: number, field: "VmHWM" | "VmRSS"): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return match ? Number(match[1]) * 1024 : NaN;
}

/** The process under `root` whose command line runs lib/boot/server.ts (the Next server). */
function serverPid(root: number): number {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const ppid = Number(readFileSync(`/proc/${entry}/stat`, "utf8").split(") ")[1]!.split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // ended meanwhile
    }
  }
  const queue = [root];
  while (queue.length) {
    const pid = queue.shift()!;
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("lib/boot/server.ts")) return pid;
    } catch {
      // ended meanwhile
    }
    queue.push(...(children.get(pid) ?? []));
  }
  throw new Error("the Next server process was not found");
}

const mib = (bytes: number) => `${(bytes / MiB).toFixed(1)} MiB`;

async function main() {
  const bench = await openBench("zip");
  try {
    const { services, tmp } = bench;
    const storage = services.storages.find((s) => s.name === "swift") ?? services.storages[0]!;
    const { db } = await import("@/lib/db/client");
    const { newRecordId } = await import("@/lib/crypto");
    const { seal } = await import("@/lib/storage/sealed");
    const { getRuntimeSecrets } = await import("@/lib/env");
    const { generateLinkToken, hashLinkToken } = await import("@/lib/links/token");

    const owner = await db.user.create({
      data: { name: "Bench Owner", email: "bench-zip@example.com", passwordHash: "not-a-real-hash" },
      select: { id: true },
    });
    const connectionId = await insertStorageConnection(owner.id, storage, { name: "Bench Swift" });
    const s3 = s3ClientFor(storage);
    const bucket = `bench-zip-${randomBytes(3).toString("hex")}`;
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const size = FILE_MIB * MiB;
    const seed = randomBytes(MiB);
    const files: { path: string; key: string; size: bigint; etag: string }[] = [];
    const putStarted = Date.now();
    for (let i = 0; i < FILES; i++) {
      const path = `part ${i + 1}/data ${i + 1}.bin`;
      const key = `bench/${path}`;
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: generated(size, seed), ContentLength: size }));
      const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      files.push({ path, key, size: BigInt(size), etag: head.ETag! });
      note(`put ${i + 1}/${FILES} (${FILE_MIB} MiB)`);
    }
    note(`stored ${mib(size * FILES)} in ${((Date.now() - putStarted) / 1000).toFixed(1)} s`);
    s3.destroy();

    const token = generateLinkToken();
    const id = newRecordId();
    const expiresAt = new Date(Date.now() + 86_400_000);
    await db.shareLink.create({
      data: {
        id,
        kind: "managed",
        target: "files",
        ownerId: owner.id,
        connectionId,
        connectionName: "Bench Swift",
        bucket,
        key: "bench/",
        objectSize: BigInt(size * FILES),
        fileCount: FILES,
        title: "bench",
        requestedExpiresAt: expiresAt,
        expiresAt,
        expiresSoonAt: expiresAt,
        disposition: "attachment",
        fileName: "bench",
        tokenHash: hashLinkToken(token),
        urlEnc: seal("shareUrl", id, `http://127.0.0.1/s/${token}`, getRuntimeSecrets().encryptionKey),
        files: { create: files.map((file) => ({ ...file, contentType: "application/octet-stream" })) },
      },
    });

    let base: string;
    let pid: number;
    if (HANDLER) {
      note("starting the zip route in a plain node:http server (SERVER=handler)…");
      const { child, port } = await bench.spawnServer("tests/bench/route-handler-server.ts", { LOG_LEVEL: "warn", ROUTE: "zip" });
      base = `http://127.0.0.1:${port}`;
      pid = child.pid!;
    } else {
      const app = await bench.startApp();
      base = app.url;
      pid = serverPid(app.process.pid!);
    }
    // Warm the route (first request compiles nothing in production, but loads the route's module).
    await (await fetch(`${base}/s/${token}/zip`, { method: "HEAD" })).body?.cancel();
    const hwmBefore = status(pid, "VmHWM");
    const rssBefore = status(pid, "VmRSS");
    let rssPeak = rssBefore;
    const sampler = setInterval(() => {
      try {
        rssPeak = Math.max(rssPeak, status(pid, "VmRSS"));
      } catch {
        // the server ended
      }
    }, 100);

    note(`downloading ${mib(size * FILES)} as one ZIP…`);
    const started = performance.now();
    const response = await fetch(`${base}/s/${token}/zip`);
    if (response.status !== 200) throw new Error(`GET /zip answered ${response.status}: ${await response.text()}`);
    // Next's server may send the stream chunked (no Content-Length); the size is checked against yazl's then.
    const expected = response.headers.has("content-length") ? Number(response.headers.get("content-length")) : null;
    const out = VERIFY ? createWriteStream(join(tmp, "bench.zip")) : null;
    const hash = createHash("sha256");
    let received = 0;
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      received += chunk.length;
      hash.update(chunk);
      if (out && !out.write(chunk)) await new Promise<void>((resolve) => out.once("drain", () => resolve()));
    }
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    if (out) await new Promise<void>((resolve) => out.end(() => resolve()));
    const hwmAfter = status(pid, "VmHWM");
    if (expected !== null && received !== expected) throw new Error(`received ${received} bytes, Content-Length said ${expected}`);
    if (VERIFY) execFileSync("unzip", ["-t", "-qq", join(tmp, "bench.zip")], { stdio: "inherit" });

    // A failure midway through the production server: the second file's snapshot ETag no longer
    // matches, so the response must end as a failed transfer (the client's read rejects).
    const broken = generateLinkToken();
    const brokenId = newRecordId();
    await db.shareLink.create({
      data: {
        id: brokenId,
        kind: "managed",
        target: "files",
        ownerId: owner.id,
        connectionId,
        connectionName: "Bench Swift",
        bucket,
        key: "bench/",
        objectSize: BigInt(size * 2),
        fileCount: 2,
        title: "broken",
        requestedExpiresAt: expiresAt,
        expiresAt,
        expiresSoonAt: expiresAt,
        disposition: "attachment",
        fileName: "broken",
        tokenHash: hashLinkToken(broken),
        urlEnc: seal("shareUrl", brokenId, `http://127.0.0.1/s/${broken}`, getRuntimeSecrets().encryptionKey),
        files: {
          create: [files[0]!, { ...files[1]!, etag: '"0123456789abcdef0123456789abcdef"' }].map((file) => ({
            ...file,
            contentType: "application/octet-stream",
          })),
        },
      },
    });
    let brokenReceived = 0;
    let brokenOutcome = "completed (WRONG)";
    try {
      const brokenResponse = await fetch(`${base}/s/${broken}/zip`);
      for await (const chunk of brokenResponse.body as unknown as AsyncIterable<Uint8Array>) brokenReceived += chunk.length;
    } catch (error) {
      brokenOutcome = `client read rejected (${(error as Error).message})`;
    }

    const report = [
      `ZIP of ${FILES} × ${FILE_MIB} MiB (${mib(size * FILES)}; archive ${received} bytes${expected === null ? ", sent chunked" : " = Content-Length"}) through ${HANDLER ? "the zip route in a plain node:http server" : "the production server"} on Swift s3api:`,
      `  time ${seconds.toFixed(1)} s, throughput ${(received / MiB / seconds).toFixed(0)} MiB/s`,
      `  server RSS before ${mib(rssBefore)}, peak sampled during the download ${mib(rssPeak)}`,
      `  server VmHWM (peak RSS since start) before ${mib(hwmBefore)}, after ${mib(hwmAfter)}`,
      `  a file changed midway: ${brokenOutcome} after ${mib(brokenReceived)}`,
      `  counted: ${(await db.shareLink.findUniqueOrThrow({ where: { id }, select: { downloadCount: true } })).downloadCount}${VERIFY ? "; unzip -t: OK" : ""}`,
    ];
    process.stdout.write(`${report.join("\n")}\n`);
    await db.$disconnect();
  } finally {
    await bench.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
