/**
 * `npm run bench:upload` (issue 17, item 9): one file uploaded through the upload page's code path,
 * against the same multipart upload done directly with the AWS SDK, in the same run, on the local
 * OpenStack Swift s3api server (it checks the Content-Length signed into each part URL, like Ceph
 * RGW: STORAGE=ceph to run on RGW instead; the test RGW stores in a 1 GiB memstore and frees deleted
 * objects only hours later, so on it keep SIZE × uploads under that, e.g. SIZE=128M ROUNDS=2 FETCH=0: a
 * full store stops reading request bodies and the bench hangs).
 *
 *   app path   the browser's requests, sent from Node to the production app (`npm start`) with a
 *              real session cookie: beginUploadAction called the way React calls a server action
 *              (POST to the folder page with the `Next-Action` id from the build's
 *              server-reference-manifest.json, the arguments encoded as React's encodeReply encodes
 *              plain JSON), then Uppy's requests in Uppy's order: sign Create → POST /uploads/<id>/create,
 *              per 8 MiB part sign PUT (or a URL signed ahead) → PUT the part to the storage URL (one
 *              part at a time, as Uppy sends one file: see IN_FLIGHT), sign Complete → POST
 *              /uploads/<id>/complete (with Uppy's XML body). The parts are PUT through the SDK's own
 *              HTTP transport (@smithy/node-http-handler, as the SDK path), so the two paths differ only
 *              by what the app adds: begin, create, sign round trips, complete.
 *   SDK path   CreateMultipartUpload, UploadPart (same part size, same parts in flight), CompleteMultipartUpload.
 *   fetch path the same PUTs presigned in the bench and sent with Node's fetch (undici), no app: the
 *              cost of a different client transport, for comparison.
 *
 * Both send the same bytes; each round runs both (order alternating), the figures are the medians.
 * The app's received bytes: every request to the app goes through a counting TCP proxy in this
 * process (the bytes it forwards to the app ARE the app's received HTTP bytes); beside it, the
 * `rchar` of the app's processes (/proc/<pid>/io: every byte they read from any socket, pipe or
 * file, PostgreSQL's and the storage server's answers included), an upper bound.
 *
 * Signing: part URLs per second through lib/uploads/sign.ts (answerSignRequest, in process, the
 * connection's one signer, lib/storage/presign-batch.ts), beside a minimal node:crypto SigV4 presign of the same UploadPart URL (its
 * signing key cached per day, as the SDK does); one URL of each is PUT to the storage server.
 *
 *   npm run bench:upload       (SIZE=256M|1G|<bytes>, ROUNDS=…, IN_FLIGHT=…, SIGN_SECONDS=…, STORAGE=swift|ceph, FETCH=0|1;
 *                               BENCH_QUICK=1: 24 MiB, one round, targets not enforced)
 * Targets: app ≥ 90 % of the SDK's throughput, signing ≥ 2,000 URLs/s (outside quick mode); the
 * app receives < 1 MiB per upload (always).
 */
import { createHash, createHmac, randomBytes, randomFillSync } from "node:crypto";
import { readFileSync, readdirSync } from "node:fs";
import net from "node:net";
import { loadavg } from "node:os";
import {
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  HeadObjectCommand,
  AbortMultipartUploadCommand,
  S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import type { HttpRequest } from "@smithy/types";
import { encode } from "next-auth/jwt";
import { soleOwner } from "@/lib/auth/permissions";
import { newSessionClaims } from "@/lib/auth/session-cookie";
import { eachLimited } from "@/lib/dev/s3";
import { MAX_UPLOAD_BYTES, PART_SIZE, partCount, partLength, SIGN_AHEAD } from "@/lib/uploads/parts";
import { insertStorageConnection } from "../support/connection-row";
import { note, openBench } from "./harness";
import { failsTarget, QUICK, setting } from "./quick";

const MiB = 1024 * 1024;
function sizeSetting(): number {
  const raw = process.env.SIZE;
  if (!raw) return QUICK ? 24 * MiB : 1024 * MiB;
  const match = /^(\d+)([KMG]?)i?B?$/i.exec(raw.trim());
  if (!match) throw new Error(`SIZE=${raw}: give bytes, or a number with K, M or G`);
  return Number(match[1]) * { "": 1, K: 1024, M: MiB, G: 1024 * MiB }[match[2]!.toUpperCase() as "" | "K" | "M" | "G"];
}
const SIZE = sizeSetting();
const ROUNDS = setting("ROUNDS", 3, 1);
const SIGN_SECONDS = setting("SIGN_SECONDS", 3, 0.5);
/**
 * Parts in flight, on every path. components/browser/upload-engine.ts gives Uppy `limit: 4`; in
 * @uppy/aws-s3 6.3.1 that limit counts FILES, and one file's parts go one after another (sign, PUT,
 * sign, PUT: S3Uploader #uploadRemainingParts), so 1 (the default) is what a browser does with one file.
 */
const IN_FLIGHT = setting("IN_FLIGHT", 1, 1);
const STORAGE = process.env.STORAGE ?? "swift";
/** The fetch path (a comparison only: the client's transport without the app); FETCH=0 leaves it out. */
const FETCH_PATH = process.env.FETCH !== "0";
const SESSION_COOKIE = "authjs.session-token";
const FOLDER = "bench/";
const TARGET_RATIO = 0.9;
const TARGET_SIGN_RATE = 2_000;
const MAX_APP_BYTES = MiB;

// The file's bytes: four random 8 MiB blocks, part n is block n % 4 (the last part cut to its length).
const BLOCKS = Array.from({ length: 4 }, () => randomFillSync(new Uint8Array(PART_SIZE)));
const partBody = (size: number, part: number) => BLOCKS[(part - 1) % BLOCKS.length]!.subarray(0, partLength(size, part));

// ---------------------------------------------------------------------------------------------
// What the app receives

/** A TCP proxy in front of the app that counts the bytes each way. */
async function countingProxy(targetPort: number) {
  const counts = { toApp: 0, fromApp: 0, connections: 0 };
  const server = net.createServer((client) => {
    counts.connections++;
    const upstream = net.connect({ port: targetPort, host: "127.0.0.1", noDelay: true });
    // No Nagle on either side: a reply written in two pieces must not wait for a delayed ACK (~40 ms).
    client.setNoDelay(true);
    client.on("data", (chunk: Buffer) => void (counts.toApp += chunk.length));
    upstream.on("data", (chunk: Buffer) => void (counts.fromApp += chunk.length));
    client.pipe(upstream);
    upstream.pipe(client);
    client.on("error", () => upstream.destroy());
    upstream.on("error", () => client.destroy());
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    counts,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The pid and every descendant of it (Linux /proc). */
function processTree(root: number): number[] {
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
  const all: number[] = [];
  const walk = (pid: number) => {
    all.push(pid);
    for (const child of children.get(pid) ?? []) walk(child);
  };
  walk(root);
  return all;
}

/** Bytes the processes read from any file descriptor so far (sum of /proc/<pid>/io rchar). */
function rchar(pids: number[]): number {
  let total = 0;
  for (const pid of pids) {
    try {
      total += Number(/^rchar: (\d+)$/m.exec(readFileSync(`/proc/${pid}/io`, "utf8"))?.[1] ?? 0);
    } catch {
      // ended meanwhile
    }
  }
  return total;
}

// ---------------------------------------------------------------------------------------------
// A plain SigV4 presigner (the baseline of the signing figure)

const sha256 = (data: string) => createHash("sha256").update(data, "utf8").digest("hex");
const hmac = (key: Buffer | string, data: string) => createHmac("sha256", key).update(data, "utf8").digest();
/** RFC 3986 encoding, as SigV4 wants it. */
const uriEncode = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

function plainPresigner(storage: { endpoint: string; region: string; accessKeyId: string; secretAccessKey: string }) {
  const endpoint = new URL(storage.endpoint);
  let keyDay = "";
  let signingKey = Buffer.alloc(0);
  return (input: { bucket: string; key: string; uploadId: string; partNumber: number; contentLength: number }, now = new Date()): string => {
    const amzDate = now
      .toISOString()
      .replace(/[-:]/g, "")
      .replace(/\.\d{3}/, "");
    const day = amzDate.slice(0, 8);
    if (day !== keyDay) {
      keyDay = day;
      signingKey = hmac(hmac(hmac(hmac(`AWS4${storage.secretAccessKey}`, day), storage.region), "s3"), "aws4_request");
    }
    const scope = `${day}/${storage.region}/s3/aws4_request`;
    const path = `/${uriEncode(input.bucket)}/${input.key.split("/").map(uriEncode).join("/")}`;
    const query = [
      ["X-Amz-Algorithm", "AWS4-HMAC-SHA256"],
      ["X-Amz-Credential", `${storage.accessKeyId}/${scope}`],
      ["X-Amz-Date", amzDate],
      ["X-Amz-Expires", "900"],
      ["X-Amz-SignedHeaders", "content-length;host"],
      ["partNumber", String(input.partNumber)],
      ["uploadId", input.uploadId],
    ]
      .map(([k, v]) => [uriEncode(k!), uriEncode(v!)] as const)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${k}=${v}`)
      .join("&");
    const canonical = ["PUT", path, query, `content-length:${input.contentLength}\nhost:${endpoint.host}\n`, "content-length;host", "UNSIGNED-PAYLOAD"].join(
      "\n",
    );
    const toSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256(canonical)].join("\n");
    const signature = createHmac("sha256", signingKey).update(toSign, "utf8").digest("hex");
    return `${endpoint.origin}${path}?${query}&X-Amz-Signature=${signature}`;
  };
}

// ---------------------------------------------------------------------------------------------

/** Where one upload's time went (ms): begin and create (app path; the SDK's Create), each part's sign wait and PUT, complete. */
type Steps = { begin: number; create: number; complete: number; sign: number[]; put: number[] };
const newSteps = (): Steps => ({ begin: 0, create: 0, complete: 0, sign: [], put: [] });
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const p95 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.max(0, Math.ceil(values.length * 0.95) - 1)]!;
const fmt = (n: number, digits = 1) => n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** Reads one server action's result from its RSC answer: row 0 is `{ a: "$@<row>", … }`. */
function actionResult(text: string): unknown {
  const rows = new Map<string, string>();
  for (const line of text.split("\n")) {
    const match = /^([0-9a-f]+):(.*)$/.exec(line);
    if (match) rows.set(match[1]!, match[2]!);
  }
  const head = JSON.parse(rows.get("0") ?? "null") as { a?: unknown } | null;
  if (!head || !("a" in head)) throw new Error(`not a server action's answer: ${text.slice(0, 300)}`);
  if (typeof head.a === "string" && head.a.startsWith("$@")) return JSON.parse(rows.get(head.a.slice(2)) ?? "null");
  return head.a;
}

async function main(): Promise<number> {
  const bench = await openBench("upload");
  try {
    const { services, databaseUrl } = bench;
    const storage = services.storages.find((s) => s.name === STORAGE);
    if (!storage) throw new Error(`no ${STORAGE} server in the test services`);
    const { db } = await import("@/lib/db/client");
    const { buildClients } = await import("@/lib/storage/client");
    const { answerSignRequest, PART_URL_SECONDS } = await import("@/lib/uploads/sign");

    // The owner, their connection to the storage server, a bucket of this run's own.
    const ownerRow = await db.user.create({
      data: { name: "Bench Owner", email: "bench@example.com", passwordHash: "not-a-real-hash" },
      select: { id: true, name: true, email: true },
    });
    const owner = soleOwner(ownerRow.id);
    const connectionId = await insertStorageConnection(owner.id, storage, { name: `Bench ${storage.name}` });
    // The SDK path as a browser's PUT goes: the SDK's default `Expect: 100-continue` on bodies over 2 MB (a wait
    // for the server's 100 before each part's body) is off, as a browser cannot send it (a forbidden header).
    const s3 = new S3Client({
      endpoint: storage.endpoint,
      region: storage.region,
      forcePathStyle: true,
      credentials: { accessKeyId: storage.accessKeyId, secretAccessKey: storage.secretAccessKey },
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
      expectContinueHeader: false,
    });
    const bucket = `bench-upload-${randomBytes(3).toString("hex")}`;
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const storageOrigin = new URL(storage.endpoint).origin;

    // A session as sign-in makes one (a sessions row, the Auth.js cookie carrying its id).
    const claims = newSessionClaims(randomBytes(32).toString("base64url"));
    await db.session.create({
      data: { idHash: createHash("sha256").update(claims.sid).digest("hex"), userId: owner.id, expiresAt: new Date(claims.sx * 1000) },
    });
    const cookie = `${SESSION_COOKIE}=${await encode({
      token: { sub: owner.id, name: ownerRow.name, email: ownerRow.email, ...claims },
      secret: services.authSecret,
      salt: SESSION_COOKIE,
    })}`;

    const app = await bench.startApp();
    const proxy = await countingProxy(app.port);
    const base = proxy.url;
    const manifest = JSON.parse(readFileSync(".next/server/server-reference-manifest.json", "utf8")) as {
      node: Record<string, { filename?: string; exportedName?: string }>;
    };
    const beginActionId = Object.entries(manifest.node).find(([, v]) => v.exportedName === "beginUploadAction")?.[0];
    if (!beginActionId) throw new Error("beginUploadAction is not in the build's server-reference-manifest.json");
    const folderPage = `/buckets/${connectionId}/${bucket}/${FOLDER.replace(/\/$/, "")}`;

    const appFetch = async (path: string, init: { method: string; body?: string; headers?: Record<string, string> }, to = base) => {
      const response = await fetch(`${to}${path}`, { ...init, headers: { cookie, origin: to, ...init.headers }, redirect: "manual" });
      return { status: response.status, type: response.headers.get("content-type") ?? "", text: await response.text() };
    };
    const sign = async (id: string, request: object) => {
      const answer = await appFetch("/uploads/sign", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ id, ...request }),
      });
      if (answer.status !== 200) throw new Error(`POST /uploads/sign answered ${answer.status}: ${answer.text.slice(0, 300)}`);
      return JSON.parse(answer.text) as { url: string; headers?: Record<string, string> };
    };
    /** A part PUT to a presigned URL through the SDK's own HTTP transport (what the SDK path's UploadPart goes through). */
    const transport = new NodeHttpHandler();
    const putPartSdkTransport = async (url: string, body: Uint8Array<ArrayBuffer>, headers: Record<string, string> = {}) => {
      const target = new URL(url);
      const request: HttpRequest = {
        method: "PUT",
        protocol: target.protocol,
        hostname: target.hostname,
        port: Number(target.port) || undefined,
        path: target.pathname,
        query: Object.fromEntries(target.searchParams),
        headers: { host: target.host, "content-length": String(body.length), ...headers },
        body,
      };
      const { response } = await transport.handle(request as Parameters<typeof transport.handle>[0]);
      const chunks: Buffer[] = [];
      for await (const chunk of response.body as AsyncIterable<Buffer>) chunks.push(chunk);
      if (response.statusCode !== 200) throw new Error(`PUT part answered ${response.statusCode}: ${Buffer.concat(chunks).toString().slice(0, 300)}`);
      return response.headers.etag ?? null;
    };
    const putPart = async (url: string, body: Uint8Array<ArrayBuffer>, headers: Record<string, string> = {}) => {
      const response = await fetch(url, { method: "PUT", body, headers });
      const text = await response.text();
      if (response.status !== 200) throw new Error(`PUT part answered ${response.status}: ${text.slice(0, 300)}`);
      return response.headers.get("etag");
    };

    /** beginUploadAction, called as the folder page's client calls it (React's server action request). */
    const begin = async (name: string, size: number) => {
      const input = { connectionId, bucket, prefix: FOLDER, path: name, size, type: "application/octet-stream", onExisting: "replace" };
      const begun = await appFetch(folderPage, {
        method: "POST",
        headers: { "next-action": beginActionId, accept: "text/x-component", "content-type": "text/plain;charset=UTF-8" },
        body: JSON.stringify([{ status: "idle" }, input]),
      });
      if (begun.status !== 200) throw new Error(`beginUploadAction answered ${begun.status}: ${begun.text.slice(0, 300)}`);
      const state = actionResult(begun.text) as { status: string; message?: string; data?: { id: string; key: string; partCount: number; uploadId: string } };
      if (state.status !== "success" || !state.data?.uploadId) throw new Error(`beginUploadAction: ${JSON.stringify(state)}`);
      if (state.data.partCount !== partCount(size)) throw new Error(`begin planned ${state.data.partCount} parts, not ${partCount(size)}`);
      return state.data;
    };

    /** The upload page's path: begin (server action), then Uppy's requests, in Uppy's order. */
    const uploadThroughApp = async (name: string, size: number, steps?: Steps) => {
      const t0 = performance.now();
      const { id, key, uploadId } = await begin(name, size);
      const tBegun = performance.now();
      if (steps) steps.begin = tBegun - t0;
      // Uppy's createMultipartUpload: sign POST without uploadId → the app's /create, which names the upload.
      const create = await sign(id, { method: "POST", key });
      const created = await appFetch(create.url, { method: "POST" });
      if (created.status !== 200 || !created.text.includes(`<UploadId>${uploadId}</UploadId>`))
        throw new Error(`create answered ${created.status}: ${created.text}`);
      if (steps) steps.create = performance.now() - tBegun;
      const etags: string[] = [];
      const parts = Array.from({ length: partCount(size) }, (_, i) => i + 1);
      // As the browser's engine does (components/browser/upload-engine.ts): each sign request also signs the
      // next SIGN_AHEAD parts, and a part signed ahead is not asked for again.
      const aheadUrls = new Map<number, string>();
      await eachLimited(parts, IN_FLIGHT, async (partNumber) => {
        const t1 = performance.now();
        const cached = aheadUrls.get(partNumber);
        aheadUrls.delete(partNumber);
        const signed = cached
          ? { url: cached, headers: undefined }
          : await sign(id, { method: "PUT", key, uploadId, partNumber, ahead: SIGN_AHEAD }).then((answer) => {
              for (const next of (answer as { next?: { partNumber: number; url: string }[] }).next ?? []) aheadUrls.set(next.partNumber, next.url);
              return answer;
            });
        const t2 = performance.now();
        if (new URL(signed.url).origin !== storageOrigin)
          throw new Error(`part ${partNumber} was signed for ${new URL(signed.url).origin}, not the storage server`);
        etags[partNumber - 1] = (await putPartSdkTransport(signed.url, partBody(size, partNumber), signed.headers)) ?? "";
        steps?.sign.push(t2 - t1);
        steps?.put.push(performance.now() - t2);
      });
      const t3 = performance.now();
      const complete = await sign(id, { method: "POST", key, uploadId });
      const xml = `<CompleteMultipartUpload>${etags.map((e, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>${e}</ETag></Part>`).join("")}</CompleteMultipartUpload>`;
      const completed = await appFetch(complete.url, { method: "POST", headers: { "content-type": "application/xml" }, body: xml });
      if (completed.status !== 200 || !completed.text.includes("<CompleteMultipartUploadResult>"))
        throw new Error(`complete answered ${completed.status}: ${completed.text}`);
      if (steps) steps.complete = performance.now() - t3;
      const row = await db.upload.findUnique({ where: { id }, select: { state: true } });
      if (row?.state !== "complete") throw new Error(`the upload row is "${row?.state}", not complete`);
      return key;
    };

    /** The same multipart upload with the SDK alone. */
    const uploadWithSdk = async (name: string, size: number, steps?: Steps) => {
      const key = `${FOLDER}${name}`;
      const t0 = performance.now();
      const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ContentType: "application/octet-stream" }));
      if (steps) steps.create = performance.now() - t0;
      const etags: string[] = [];
      const parts = Array.from({ length: partCount(size) }, (_, i) => i + 1);
      try {
        await eachLimited(parts, IN_FLIGHT, async (PartNumber) => {
          const body = partBody(size, PartNumber);
          const t1 = performance.now();
          const { ETag } = await s3.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber, Body: body, ContentLength: body.length }));
          steps?.put.push(performance.now() - t1);
          etags[PartNumber - 1] = ETag ?? "";
        });
        const t3 = performance.now();
        await s3.send(
          new CompleteMultipartUploadCommand({
            Bucket: bucket,
            Key: key,
            UploadId,
            MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) },
          }),
        );
        if (steps) steps.complete = performance.now() - t3;
      } catch (error) {
        await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId })).catch(() => undefined);
        throw error;
      }
      return key;
    };

    /** The bench's own transport without the app: SDK Create, parts presigned here (node:crypto) and PUT with fetch, SDK Complete. */
    const plain = plainPresigner(storage);
    const uploadPresignedFetch = async (name: string, size: number, steps?: Steps) => {
      const key = `${FOLDER}${name}`;
      const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ContentType: "application/octet-stream" }));
      const etags: string[] = [];
      const parts = Array.from({ length: partCount(size) }, (_, i) => i + 1);
      await eachLimited(parts, IN_FLIGHT, async (partNumber) => {
        const url = plain({ bucket, key, uploadId: UploadId!, partNumber, contentLength: partLength(size, partNumber) });
        const t1 = performance.now();
        etags[partNumber - 1] = (await putPart(url, partBody(size, partNumber))) ?? "";
        steps?.put.push(performance.now() - t1);
      });
      await s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: bucket,
          Key: key,
          UploadId,
          MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) },
        }),
      );
      return key;
    };

    const appPids = () => processTree(app.process.pid!);
    // Warm-up (not measured): the routes compiled on first use, the connections open.
    const warmKeys = [
      await uploadThroughApp("warm-up.bin", MiB),
      await uploadWithSdk("warm-up-sdk.bin", MiB),
      ...(FETCH_PATH ? [await uploadPresignedFetch("warm-up-fetch.bin", MiB)] : []),
    ];
    for (const key of warmKeys) await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));

    type Path = "app" | "fetch" | "sdk";
    const uploaders: Record<Path, typeof uploadWithSdk> = { app: uploadThroughApp, fetch: uploadPresignedFetch, sdk: uploadWithSdk };
    const pathNames: Record<Path, string> = {
      app: "upload page's path (app signs)",
      fetch: "presigned here, PUT with fetch (no app)",
      sdk: "AWS SDK direct",
    };
    type Round = {
      round: number;
      path: Path;
      steps: Steps;
      seconds: number;
      mibps: number;
      toApp: number;
      fromApp: number;
      rchar: number;
      etag: string;
      load: string;
    };
    const rounds: Round[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const order = (round % 2 ? (["app", "fetch", "sdk"] as const) : (["sdk", "fetch", "app"] as const)).filter((p) => p !== "fetch" || FETCH_PATH);
      for (const path of order) {
        const load = loadavg()[0]!.toFixed(2);
        note(`round ${round}/${ROUNDS}: ${path}, ${fmt(SIZE / MiB, 0)} MiB in ${partCount(SIZE)} parts, ${IN_FLIGHT} in flight (load ${load})…`);
        const pids = appPids();
        const before = { toApp: proxy.counts.toApp, fromApp: proxy.counts.fromApp, rchar: rchar(pids) };
        const t0 = performance.now();
        const steps = newSteps();
        const key = await uploaders[path](`${path}-${round}.bin`, SIZE, steps);
        const seconds = (performance.now() - t0) / 1000;
        const after = { toApp: proxy.counts.toApp, fromApp: proxy.counts.fromApp, rchar: rchar(pids) };
        const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        if (head.ContentLength !== SIZE) throw new Error(`${key} holds ${head.ContentLength} bytes, not ${SIZE}`);
        await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
        rounds.push({
          round,
          path,
          seconds,
          mibps: SIZE / MiB / seconds,
          toApp: after.toApp - before.toApp,
          fromApp: after.fromApp - before.fromApp,
          rchar: after.rchar - before.rchar,
          etag: head.ETag ?? "",
          steps,
          load,
        });
      }
    }

    // POST /uploads/sign alone (one at a time, nothing else running): the app's own cost per part.
    const alone = await begin("sign-alone.bin", SIZE);
    const signAlone: number[] = [];
    for (let partNumber = 1; partNumber <= Math.min(50, alone.partCount); partNumber++) {
      const t = performance.now();
      await sign(alone.id, { method: "PUT", key: alone.key, uploadId: alone.uploadId, partNumber });
      signAlone.push(performance.now() - t);
    }
    // The same, straight to the app (not through the counting proxy): what the proxy adds.
    const signDirect: number[] = [];
    for (let partNumber = 1; partNumber <= signAlone.length; partNumber++) {
      const t = performance.now();
      const body = JSON.stringify({ id: alone.id, method: "PUT", key: alone.key, uploadId: alone.uploadId, partNumber });
      const answer = await appFetch("/uploads/sign", { method: "POST", headers: { "content-type": "application/json" }, body }, app.url);
      if (answer.status !== 200) throw new Error(`POST /uploads/sign (direct) answered ${answer.status}`);
      signDirect.push(performance.now() - t);
    }
    // The app's floor on this machine now: GET /api/health (a Next route, one SELECT 1), one at a time.
    const health: number[] = [];
    for (let i = 0; i < signAlone.length; i++) {
      const t = performance.now();
      if ((await fetch(`${base}/api/health`)).status !== 200) throw new Error("GET /api/health failed");
      health.push(performance.now() - t);
    }
    // The same checks without signing: POST /uploads/<id>/create (session, the row, the rights, the connection).
    const createAlone: number[] = [];
    for (let i = 0; i < signAlone.length; i++) {
      const t = performance.now();
      if ((await appFetch(`/uploads/${alone.id}/create`, { method: "POST" })).status !== 200) throw new Error("POST /uploads/<id>/create failed");
      createAlone.push(performance.now() - t);
    }
    const aborted = await appFetch(`/uploads/${alone.id}/abort`, { method: "DELETE" });
    if (aborted.status !== 204) throw new Error(`abort answered ${aborted.status}`);

    // Signing: lib/uploads/sign.ts in process (the connection's one signer) against a plain node:crypto presign.
    const clients = buildClients(
      { endpoint: storage.endpoint, region: storage.region, forcePathStyle: true },
      { accessKeyId: storage.accessKeyId, secretAccessKey: storage.secretAccessKey },
    );
    const { UploadId: signUploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: `${FOLDER}signing.bin` }));
    const signSize = MAX_UPLOAD_BYTES; // the largest upload: parts 1..10,000, all of 8 MiB
    const upload = {
      id: "bench",
      bucket,
      key: `${FOLDER}signing.bin`,
      size: signSize,
      partCount: partCount(signSize),
      multipartId: signUploadId!,
      state: "uploading",
    };
    const timeLoop = async (work: (i: number) => unknown) => {
      let n = 0;
      const t0 = performance.now();
      const end = t0 + SIGN_SECONDS * 1000;
      while (performance.now() < end) for (let k = 0; k < 100; k++) await work((n++ % 9_999) + 1);
      return n / ((performance.now() - t0) / 1000);
    };
    const appSign = (partNumber: number) =>
      answerSignRequest(clients.presigner, upload, { method: "PUT", key: upload.key, uploadId: upload.multipartId, partNumber });
    const plainSign = (partNumber: number) => plain({ bucket, key: upload.key, uploadId: upload.multipartId, partNumber, contentLength: PART_SIZE });
    await timeLoop(appSign); // warm-up, as long as a measured run
    const signLoad = loadavg()[0]!.toFixed(2);
    note(`signing: lib/uploads/sign.ts and plain node:crypto SigV4, ${SIGN_SECONDS} s each (load ${signLoad})…`);
    const appRate = await timeLoop(appSign);
    const plainRate = await timeLoop(plainSign);
    // For comparison: the downloads' presigner (lib/storage/presign.ts, made once and reused), a GET.
    const getRate = await timeLoop(() => clients.presigner.presignGet({ bucket, key: upload.key, expiresInSeconds: PART_URL_SECONDS }));
    // Both sign real URLs: one part each, PUT to the storage server.
    await putPartSdkTransport((await appSign(1)).url, BLOCKS[0]!);
    await putPartSdkTransport(plainSign(2), BLOCKS[1]!);
    await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: upload.key, UploadId: signUploadId }));
    clients.s3.destroy();

    // Report
    const of = (path: Path) => rounds.filter((r) => r.path === path);
    const appMiBps = median(of("app").map((r) => r.mibps));
    const sdkMiBps = median(of("sdk").map((r) => r.mibps));
    const fetchMiBps = median(of("fetch").map((r) => r.mibps));
    const ratio = appMiBps / sdkMiBps;
    const maxToApp = Math.max(...of("app").map((r) => r.toApp));
    const maxRchar = Math.max(...of("app").map((r) => r.rchar));
    const sameBytes = new Set(rounds.map((r) => r.etag)).size === 1;
    const lines = [
      `One ${fmt(SIZE / MiB, 0)} MiB file, ${partCount(SIZE)} parts of 8 MiB, ${IN_FLIGHT} in flight, to ${storage.name} (${storage.endpoint}); ${ROUNDS} round(s), order alternating; ${new Date().toISOString()}`,
      "",
      "| round | path | seconds | MiB/s | bytes to the app (proxy) | bytes from the app (proxy) | app processes' rchar | load (1 min) |",
      "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
      ...rounds.map(
        (r) =>
          `| ${r.round} | ${pathNames[r.path]} | ${fmt(r.seconds, 2)} | ${fmt(r.mibps)} | ${r.path === "app" ? fmt(r.toApp, 0) : "–"} | ${r.path === "app" ? fmt(r.fromApp, 0) : "–"} | ${fmt(r.rchar, 0)} | ${r.load} |`,
      ),
      "",
      "| round | path | begin ms | create ms | sign requests, waited ms (all parts) | PUT p50 / p95 ms (per 8 MiB part) | PUTs s (all parts) | complete ms |",
      "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
      ...rounds.map((r) => {
        const s = r.steps;
        const p = (v: number[]) => (v.length ? `${fmt(median(v))} / ${fmt(p95(v))}` : "–");
        const signs = s.sign.filter((ms) => ms > 0.5).length;
        return `| ${r.round} | ${r.path} | ${r.path === "app" ? fmt(s.begin) : "–"} | ${r.path === "fetch" ? "–" : fmt(s.create)} | ${r.path === "app" ? `${signs}, ${fmt(sum(s.sign), 0)}` : "–"} | ${p(s.put)} | ${fmt(sum(s.put) / 1000, 2)} | ${r.path === "fetch" ? "–" : fmt(s.complete)} |`;
      }),
      "",
      "| signer | part URLs / s |",
      "| --- | ---: |",
      `| lib/uploads/sign.ts answerSignRequest (in process) | ${fmt(appRate, 0)} |`,
      `| plain node:crypto SigV4 presign (the baseline) | ${fmt(plainRate, 0)} |`,
      `| for comparison: the downloads' reused presigner (lib/storage/presign.ts), a GET URL | ${fmt(getRate, 0)} |`,
      "",
    ];
    // The app path's extra time against the SDK's, step by step (medians over the rounds).
    const m = (path: Path, pick: (s: Steps) => number) => median(of(path).map((r) => pick(r.steps)));
    const extra = {
      total: (median(of("app").map((r) => r.seconds)) - median(of("sdk").map((r) => r.seconds))) * 1000,
      start: m("app", (s) => s.begin + s.create) - m("sdk", (s) => s.create),
      sign: m("app", (s) => sum(s.sign)),
      puts: m("app", (s) => sum(s.put)) - m("sdk", (s) => sum(s.put)),
      complete: m("app", (s) => s.complete) - m("sdk", (s) => s.complete),
    };
    lines.push(
      `- the app path's extra time against the SDK's (medians): ${fmt(extra.total, 0)} ms = begin + create ${fmt(extra.start, 0)} ms (the SDK's Create included on its side), waiting for part URLs ${fmt(extra.sign, 0)} ms, the PUTs themselves ${fmt(extra.puts, 0)} ms, sign + complete (ListParts, CompleteMultipartUpload, HeadObject, the first bytes, the row) against the SDK's CompleteMultipartUpload ${fmt(extra.complete, 0)} ms, the rest ${fmt(extra.total - extra.start - extra.sign - extra.puts - extra.complete, 0)} ms`,
    );
    // Stricter: the app's own steps (and the unexplained rest) added to the SDK's time, as if its PUTs cost what the SDK's do.
    const sdkMs = median(of("sdk").map((r) => r.seconds)) * 1000;
    const ownMs = extra.total - extra.puts;
    lines.push(
      `- the app's own steps (everything but the PUTs) cost ${fmt(ownMs, 0)} ms per upload: were its PUTs as slow as the SDK's UploadPart (which hashes each body to sign it: x-amz-content-sha256), the app path would reach ${fmt((sdkMs / (sdkMs + ownMs)) * 100, 0)} % of the SDK`,
    );
    const throughputOk = ratio >= TARGET_RATIO;
    const bytesOk = maxToApp < MAX_APP_BYTES;
    const signOk = appRate >= TARGET_SIGN_RATE;
    lines.push(
      `- throughput: app path ${fmt(appMiBps)} MiB/s, SDK ${fmt(sdkMiBps)} MiB/s (medians): ${fmt(ratio * 100, 0)} % (target ≥ ${TARGET_RATIO * 100} %) ${throughputOk ? "✔" : "✘"}`,
      FETCH_PATH
        ? `- the same parts presigned here and PUT with fetch, no app: ${fmt(fetchMiBps)} MiB/s, ${fmt((fetchMiBps / sdkMiBps) * 100, 0)} % of the SDK; the difference is the client's HTTP transport (undici against the SDK's node:http handler, which the app path's PUTs use too)`
        : "- the fetch path was not run (FETCH=0)",
      `- the app received at most ${fmt(maxToApp, 0)} bytes per upload (target < ${fmt(MAX_APP_BYTES, 0)}) ${bytesOk ? "✔" : "✘"}; its processes read at most ${fmt(maxRchar, 0)} bytes from all their descriptors (rchar) while ${fmt(SIZE, 0)} were uploaded`,
      `- POST /uploads/sign alone (one at a time, no upload running, ${signAlone.length} parts): p50 ${fmt(median(signAlone))} ms, p95 ${fmt(p95(signAlone))} ms (straight to the app, not through the proxy: p50 ${fmt(median(signDirect))} ms; the same checks without signing, POST /uploads/<id>/create: p50 ${fmt(median(createAlone))} ms; the app's floor, GET /api/health: p50 ${fmt(median(health))} ms)`,
      `- signing: ${fmt(appRate, 0)} part URLs/s (target ≥ ${fmt(TARGET_SIGN_RATE, 0)}) ${signOk ? "✔" : "✘"}, ${fmt((appRate / plainRate) * 100, 0)} % of plain node:crypto (load ${signLoad})`,
      `- every object ${fmt(SIZE, 0)} bytes; ETags ${sameBytes ? "equal on every path (the same bytes)" : `differ: ${[...new Set(rounds.map((r) => r.etag))].join(", ")}`}`,
    );
    process.stdout.write(`\n${lines.join("\n")}\n`);
    s3.destroy();
    await proxy.close();
    await db.$disconnect();
    void databaseUrl;
    if (!bytesOk) return 1;
    if (!sameBytes) return 1;
    if (failsTarget(!throughputOk) || failsTarget(!signOk)) return 1;
    return 0;
  } finally {
    await bench.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench:upload failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
