/**
 * `npm run demo`: Bucketshare with something to look at. Starts a real S3-compatible server
 * (OpenStack Swift + s3api, Debian packages) whose objects live in <DATA_DIR>/demo-s3 and so
 * survive restarts, fills a bucket `demo` with sample files (once: later starts upload only
 * what is missing), then runs the app exactly as `npm start` does, with that server as the
 * owner's read-only "Demo storage" connection. Ctrl-C stops the app, PostgreSQL and Swift.
 */
import { join, resolve } from "node:path";
import { deflateSync } from "node:zlib";
import {
  CreateBucketCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type ListObjectsV2CommandOutput,
} from "@aws-sdk/client-s3";
import { EnvError, parseEnv, type Env } from "@/lib/env";
import { main } from "@/lib/boot/cli";
import { startSwift, swiftPackagesInstalled, type SwiftServer } from "@/tests/support/swift";

export const DEMO_BUCKET = "demo";
export const DEMO_CONNECTION_NAME = "Demo storage";
const MANY_COUNT = 1_000;
const UPLOAD_CONCURRENCY = 16;

const say = (line: string) => process.stdout.write(`demo: ${line}\n`);
const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

// ------------------------------------------------------------------ sample files

export type SampleObject = { key: string; body: Buffer; contentType: string };

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(data: Buffer): number {
  let c = 0xffffffff;
  for (const byte of data) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

type Rgb = readonly [number, number, number];

/** A truecolour (8-bit RGB) PNG whose pixel (x, y) is `pixel(x, y)`. */
export function png(width: number, height: number, pixel: (x: number, y: number) => Rgb): Buffer {
  const stride = width * 3 + 1;
  const raw = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    raw[y * stride] = 0; // filter: none
    for (let x = 0; x < width; x++) {
      const [r, g, b] = pixel(x, y);
      const at = y * stride + 1 + x * 3;
      raw[at] = r;
      raw[at + 1] = g;
      raw[at + 2] = b;
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // bit depth 8, colour type RGB, deflate, adaptive filtering, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk("IHDR", header),
    pngChunk("IDAT", deflateSync(raw, { level: 9 })),
    pngChunk("IEND", Buffer.alloc(0)),
  ]);
}

const mix = (a: Rgb, b: Rgb, t: number): Rgb => [
  Math.round(a[0] + (b[0] - a[0]) * t),
  Math.round(a[1] + (b[1] - a[1]) * t),
  Math.round(a[2] + (b[2] - a[2]) * t),
];

/** A one-page PDF (Helvetica, WinAnsi text) with a correct cross-reference table. */
export function pdf(title: string, lines: string[]): Buffer {
  const escape = (text: string) => text.replace(/[\\()]/g, (c) => `\\${c}`);
  const stream = [
    "BT",
    "/F1 24 Tf",
    "72 720 Td",
    `(${escape(title)}) Tj`,
    "/F1 12 Tf",
    "0 -36 Td",
    "16 TL",
    ...lines.map((line) => `(${escape(line)}) '`),
    "ET",
  ].join("\n");
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
    `<< /Length ${Buffer.byteLength(stream, "latin1")} >>\nstream\n${stream}\nendstream`,
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    `<< /Title (${escape(title)}) /Producer (Bucketshare demo) >>`,
  ];
  let text = "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n";
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(text, "latin1"));
    text += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(text, "latin1");
  text += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) text += `${String(offset).padStart(10, "0")} 00000 n \n`;
  text += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Info ${objects.length} 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(text, "latin1");
}

const text = (value: string) => Buffer.from(value, "utf8");
const PNG = "image/png";
const PDF = "application/pdf";
const TXT = "text/plain; charset=utf-8";

/** Everything the demo bucket holds (1,021 objects). Deterministic: same bytes every time. */
export function demoObjects(): SampleObject[] {
  const sky: Rgb = [86, 160, 230];
  const sea: Rgb = [20, 90, 160];
  const sand: Rgb = [236, 212, 160];
  const objects: SampleObject[] = [
    {
      key: "README.txt",
      contentType: TXT,
      body: text(
        "Bucketshare demo bucket\n" +
          "=======================\n\n" +
          "Everything here was generated by `npm run demo` and lives in <DATA_DIR>/demo-s3\n" +
          "(OpenStack Swift with its S3 API). Delete that folder to start over.\n\n" +
          "  photos/   PNG images in nested folders (photos/2025/summer/...)\n" +
          "  docs/     PDF reports, notes, CSV and JSON\n" +
          "  many/     1,000 small text files, to try paging\n" +
          "  empty-folder/  a folder that exists only as a zero-byte marker\n",
      ),
    },
    {
      key: "notes.md",
      contentType: "text/markdown; charset=utf-8",
      body: text(
        "# Notes\n\n" +
          "- Share a file: open it, choose **Share**, pick an expiry.\n" +
          "- Links are presigned S3 URLs: they keep working without Bucketshare.\n" +
          "- Keys may contain spaces and any Unicode: see `résumé.pdf` and `日本語.txt`.\n",
      ),
    },
    {
      key: "data.csv",
      contentType: "text/csv; charset=utf-8",
      body: text(
        "date,city,temperature_c,rain_mm\n" +
          Array.from({ length: 30 }, (_, i) => {
            const day = String(i + 1).padStart(2, "0");
            return `2025-06-${day},${["Lisbon", "Oslo", "Kyoto"][i % 3]},${(14 + ((i * 7) % 17)).toFixed(1)},${(i * 3) % 11}`;
          }).join("\n") +
          "\n",
      ),
    },
    {
      key: "config.json",
      contentType: "application/json",
      body: text(
        `${JSON.stringify(
          { name: "demo", version: 1, features: { sharing: true, previews: ["image", "pdf", "text"] }, owners: ["you@example.com"] },
          null,
          2,
        )}\n`,
      ),
    },
    {
      key: "日本語.txt",
      contentType: TXT,
      body: text("こんにちは、世界。\nこれはデモ用のテキストファイルです。\n"),
    },
    {
      key: "résumé.pdf",
      contentType: PDF,
      body: pdf("Résumé", ["Jane Doe - storage engineer", "", "Experience: S3, Swift, PostgreSQL", "Languages: English, Français, Español"]),
    },
    {
      key: "docs/reports/2025-q1.pdf",
      contentType: PDF,
      body: pdf("Quarterly report 2025 Q1", ["Revenue: 1,234", "Costs: 987", "Objects stored: 1,030"]),
    },
    {
      key: "docs/reports/2025-q2.pdf",
      contentType: PDF,
      body: pdf("Quarterly report 2025 Q2", ["Revenue: 1,456", "Costs: 1,001", "Objects stored: 2,048"]),
    },
    {
      key: "docs/reports/summary.csv",
      contentType: "text/csv; charset=utf-8",
      body: text("quarter,revenue,costs\n2025-Q1,1234,987\n2025-Q2,1456,1001\n"),
    },
    {
      key: "docs/meeting notes 2025-03.md",
      contentType: "text/markdown; charset=utf-8",
      body: text("# Meeting notes (March 2025)\n\n1. Move archives to cold storage.\n2. Share the Q1 report with the auditors (link valid 7 days).\n"),
    },
    {
      key: "docs/metadata.json",
      contentType: "application/json",
      body: text(`${JSON.stringify({ generatedBy: "npm run demo", files: 1021, tags: ["demo", "sample"] }, null, 2)}\n`),
    },
    {
      key: "photos/2025/summer/beach.png",
      contentType: PNG,
      body: png(640, 426, (_x, y) => (y < 200 ? mix([180, 220, 250], sky, y / 200) : y < 300 ? mix(sea, [40, 130, 190], (y - 200) / 100) : mix(sand, [210, 180, 120], (y - 300) / 126))),
    },
    {
      key: "photos/2025/summer/sunset.png",
      contentType: PNG,
      body: png(480, 320, (x, y) => {
        const inSun = (x - 240) ** 2 + (y - 210) ** 2 < 60 ** 2;
        return inSun ? [255, 220, 120] : mix([255, 140, 60], [90, 40, 120], y / 320);
      }),
    },
    {
      key: "photos/2025/summer/family picnic.png",
      contentType: PNG,
      body: png(320, 240, (x, y) =>
        x > 80 && x < 240 && y > 80 && y < 200 ? ((Math.floor(x / 16) + Math.floor(y / 16)) % 2 ? [220, 40, 40] : [250, 250, 250]) : [70, 150, 60],
      ),
    },
    {
      key: "photos/2025/winter/snow.png",
      contentType: PNG,
      body: png(256, 256, (x, y) => ((x * 7919 + y * 104729) % 97 === 0 ? [255, 255, 255] : mix([200, 220, 240], [150, 180, 220], y / 256))),
    },
    {
      key: "photos/2024/autumn/leaves.png",
      contentType: PNG,
      body: png(200, 200, (x, y) => mix([200, 80, 20], [240, 180, 40], (Math.sin(x / 9) + Math.cos(y / 11) + 2) / 4)),
    },
    { key: "photos/logo.png", contentType: PNG, body: png(64, 64, (x, y) => ((x - 32) ** 2 + (y - 32) ** 2 < 26 ** 2 ? [37, 99, 235] : [255, 255, 255])) },
    ...(
      [
        ["red", [220, 38, 38]],
        ["green", [22, 163, 74]],
        ["blue", [37, 99, 235]],
      ] as const
    ).map(([name, colour]) => ({ key: `photos/icons/${name}.png`, contentType: PNG, body: png(16, 16, () => colour) })),
    { key: "empty-folder/", contentType: "application/x-directory", body: Buffer.alloc(0) },
  ];
  for (let i = 1; i <= MANY_COUNT; i++) {
    const n = String(i).padStart(4, "0");
    objects.push({ key: `many/item-${n}.txt`, contentType: TXT, body: text(`Item ${i} of ${MANY_COUNT}\n`) });
  }
  return objects;
}

// ------------------------------------------------------------------ S3

function s3ClientFor(server: SwiftServer): S3Client {
  return new S3Client({
    endpoint: server.endpoint,
    region: server.region,
    forcePathStyle: true,
    credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
}

async function ensureBucket(s3: S3Client, bucket: string): Promise<void> {
  try {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  } catch (error) {
    const name = (error as Error).name;
    if (name !== "BucketAlreadyOwnedByYou" && name !== "BucketAlreadyExists") throw error;
  }
}

async function listAllKeys(s3: S3Client, bucket: string): Promise<Set<string>> {
  const keys = new Set<string>();
  let token: string | undefined;
  do {
    const page: ListObjectsV2CommandOutput = await s3.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
    for (const object of page.Contents ?? []) if (object.Key !== undefined) keys.add(object.Key);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys;
}

/** Runs `work` over `items`, at most `limit` at a time; stops at the first failure. */
export async function eachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const item = items[next++]!;
      try {
        await work(item);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** Creates the bucket and uploads whichever sample objects it lacks. Returns how many were uploaded. */
export async function fillDemoBucket(s3: S3Client, bucket = DEMO_BUCKET): Promise<{ uploaded: number; total: number }> {
  await ensureBucket(s3, bucket);
  const objects = demoObjects();
  const present = await listAllKeys(s3, bucket);
  const missing = objects.filter((o) => !present.has(o.key));
  await eachLimited(missing, UPLOAD_CONCURRENCY, async (o) => {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: o.key, Body: o.body, ContentType: o.contentType }));
  });
  return { uploaded: missing.length, total: objects.length };
}

// ------------------------------------------------------------------ main

/** The S3_* variables that make the demo server the owner's read-only "Demo storage" connection. */
function demoConnectionEnv(server: Pick<SwiftServer, "endpoint" | "accessKeyId" | "secretAccessKey">): Record<string, string> {
  return {
    S3_ENDPOINT: server.endpoint,
    S3_REGION: "us-east-1",
    S3_ACCESS_KEY_ID: server.accessKeyId,
    S3_SECRET_ACCESS_KEY: server.secretAccessKey,
    S3_FORCE_PATH_STYLE: "true",
    S3_CONNECTION_NAME: DEMO_CONNECTION_NAME,
    S3_BUCKETS: "", // show every bucket of the demo server, whatever the shell's environment says
  };
}

async function demo(): Promise<number> {
  let settings: Env;
  try {
    // Everything main() will check, checked before Swift starts (the endpoint is known only then).
    settings = parseEnv({ ...process.env, ...demoConnectionEnv({ endpoint: "http://127.0.0.1:1", accessKeyId: "-", secretAccessKey: "-" }) });
  } catch (error) {
    if (error instanceof EnvError) {
      process.stderr.write(`bucketshare: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
  if (!(await swiftPackagesInstalled())) {
    process.stderr.write(
      "bucketshare demo: OpenStack Swift and memcached are not installed; install them with: sudo bash tests/support/install-os-packages.sh\n",
    );
    return 1;
  }

  const started = performance.now();
  const dir = resolve(join(settings.DATA_DIR, "demo-s3"));
  say(`starting the S3 server (OpenStack Swift) with its data in ${dir}…`);
  const swift = await startSwift({ dir });
  say(`S3 server ready at ${swift.endpoint} in ${seconds(started)}`);

  try {
    const filling = performance.now();
    const s3 = s3ClientFor(swift);
    try {
      const { uploaded, total } = await fillDemoBucket(s3);
      say(
        uploaded === 0
          ? `bucket "${DEMO_BUCKET}" already holds its ${total.toLocaleString("en-US")} sample objects (checked in ${seconds(filling)})`
          : `uploaded ${uploaded.toLocaleString("en-US")} of ${total.toLocaleString("en-US")} sample objects to bucket "${DEMO_BUCKET}" in ${seconds(filling)}`,
      );
    } finally {
      s3.destroy();
    }
    say(`storage ready in ${seconds(started)}; starting Bucketshare…`);
    say(
      `open http://localhost:${settings.PORT} (the very first visit asks for the owner account); ` +
        `the bucket appears under the "${DEMO_CONNECTION_NAME}" connection (access key ${swift.accessKeyId}, secret ${swift.secretAccessKey}).`,
    );
    return await main("start", demoConnectionEnv(swift));
  } finally {
    await swift.stop();
  }
}

const invokedDirectly = process.argv[1] && /lib[\\/]boot[\\/]demo\.ts$/.test(process.argv[1]);
if (invokedDirectly) {
  // The SDK's nine-line notice that releases after January 2027 need Node 22: versions are pinned.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  demo().then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`bucketshare demo: ${(error as Error).message}\n`);
      process.exit(1);
    },
  );
}
