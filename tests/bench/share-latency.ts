/**
 * Quick Share latency as the owner feels it: the time from the "Generate link" click to the
 * link shown in the dialog, in a real browser against the production app (`npm start`), with
 * everything behind the click real: the server action (session check, HeadObject on the S3
 * server, presign, QR code, encrypted INSERT into PostgreSQL) and React rendering the result.
 *
 * Starts the test services (embedded PostgreSQL + OpenStack Swift S3), a migrated database, a
 * bucket with one object, the app (owner from OWNER_*, the Swift server as the read-only S3_*
 * connection "Environment") and headless Chromium (same binary and flags as playwright.config.ts);
 * signs in through the form, opens the Quick Share dialog from the object's row, then per run:
 * t0 = performance.now() in the page right before the click, t1 = the first DOM mutation after
 * which the "Share link" field holds a value (MutationObserver, in the page: no Playwright
 * round-trip inside the figure), then "Change options" back to the form.
 *
 * Used by tests/bench/presign.ts (`npm run bench:presign`), which prints the figures.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { chromium, type Browser, type LaunchOptions } from "@playwright/test";
import pg from "pg";
import playwrightConfig from "../../playwright.config";
import { startApp, type AppServer } from "../support/app-server";
import { pdf } from "@/lib/dev/sample-files";
import { createTestDatabase, servicesFromEnvironment, startServices } from "../support/services";
import { QUICK } from "./quick";

export type ShareLatency = { runs: number; warmUp: number; medianMs: number; p95Ms: number; minMs: number; maxMs: number };

const WARM_UP = QUICK ? 1 : 3;
/** A bucket of this run's own: the S3 server may be shared with other runs (`npm test`). */
const BUCKET = `bench-share-${Date.now().toString(36)}`;
const OBJECT_NAME = "report.pdf";
const OWNER = { email: "bench@example.com", password: "bench-owner-passphrase" };
/** Longest a single click may take before the run is declared failed. */
const RUN_TIMEOUT_MS = 30_000;

const median = (sorted: number[]) => {
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
/** Nearest-rank p95 (as tests/bench/list.ts). */
const p95 = (sorted: number[]) => sorted[Math.ceil(sorted.length * 0.95) - 1]!;

async function waitUntil(check: () => Promise<boolean>, what: string, timeoutMs = RUN_TIMEOUT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Chromium as the end-to-end tests launch it (playwright.config.ts), headless. */
function launchOptions(): LaunchOptions {
  const fromConfig = playwrightConfig.use?.launchOptions ?? {};
  return { ...fromConfig, executablePath: fromConfig.executablePath ?? process.env.CHROMIUM_PATH ?? "/usr/bin/chromium-headless-shell", headless: true };
}

/**
 * Runs in the page: clicks "Generate link" in the open Quick Share dialog and resolves with the
 * milliseconds until the "Share link" field holds a value; rejects when the form shows an error.
 * Plain JavaScript in a string: tsx compiles this file with esbuild's keepNames, whose `__name`
 * helper a serialised TypeScript function would carry into the page, where it does not exist.
 */
const CLICK_AND_TIME = `(timeoutMs) => new Promise((resolve, reject) => {
  const dialog = document.querySelector("dialog[open]");
  const button = dialog && Array.from(dialog.querySelectorAll("button")).find((b) => b.textContent.trim() === "Generate link");
  if (!dialog || !button || button.disabled) return reject(new Error("no enabled Generate link button in an open dialog"));
  let t0 = 0;
  let timer;
  // The field by its label, as a person finds it (its id is React's, different on every render).
  const shareLink = () => Array.from(dialog.querySelectorAll("label")).find((l) => l.textContent.trim() === "Share link")?.control;
  const observer = new MutationObserver(() => {
    const field = shareLink();
    if (field && field.value) {
      const t1 = performance.now();
      observer.disconnect();
      clearTimeout(timer);
      return resolve(t1 - t0);
    }
    const alert = dialog.querySelector('[role="alert"]');
    const message = alert ? alert.textContent.trim() : "";
    if (message) {
      observer.disconnect();
      clearTimeout(timer);
      reject(new Error("the dialog shows an error: " + message));
    }
  });
  timer = setTimeout(() => {
    observer.disconnect();
    reject(new Error("no link after " + timeoutMs + " ms"));
  }, timeoutMs);
  observer.observe(dialog, { childList: true, subtree: true, characterData: true, attributes: true });
  t0 = performance.now();
  button.click();
})`;

export async function measureShareLatency(options: { runs?: number } = {}): Promise<ShareLatency> {
  const runs = options.runs ?? 30;
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`runs must be a positive integer (got ${runs})`);

  let stopServices: (() => Promise<void>) | undefined;
  let s3: S3Client | undefined;
  let app: AppServer | undefined;
  let browser: Browser | undefined;
  const dataDir = mkdtempSync(join(tmpdir(), "bucketshare-bench-share-"));
  try {
    // The test services of `npm test` when it started them, else our own.
    let services = servicesFromEnvironment();
    if (!services) {
      const started = await startServices();
      stopServices = started.stop;
      services = started.services;
    }
    const databaseUrl = await createTestDatabase(services, "bench_share");

    s3 = new S3Client({
      endpoint: services.s3.endpoint,
      region: services.s3.region,
      forcePathStyle: true,
      credentials: { accessKeyId: services.s3.accessKeyId, secretAccessKey: services.s3.secretAccessKey },
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
    });
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: OBJECT_NAME, Body: pdf("Share latency", []), ContentType: "application/pdf" }));

    app = await startApp({
      DATABASE_URL: databaseUrl,
      AUTH_SECRET: services.authSecret,
      ENCRYPTION_KEY: services.encryptionKey,
      DATA_DIR: dataDir,
      OWNER_NAME: "Bench Owner",
      OWNER_EMAIL: OWNER.email,
      OWNER_PASSWORD: OWNER.password,
      S3_ENDPOINT: services.s3.endpoint,
      S3_REGION: services.s3.region,
      S3_ACCESS_KEY_ID: services.s3.accessKeyId,
      S3_SECRET_ACCESS_KEY: services.s3.secretAccessKey,
      S3_FORCE_PATH_STYLE: "true",
    });

    browser = await chromium.launch(launchOptions());
    const page = await browser.newPage();
    page.setDefaultTimeout(RUN_TIMEOUT_MS);

    // Sign in through the form.
    await page.goto(`${app.url}/sign-in`);
    await page.waitForLoadState("networkidle");
    await page.getByLabel("Email").fill(OWNER.email);
    await page.getByLabel("Password").fill(OWNER.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("navigation", { name: "Main" }).waitFor();

    // Buckets → the bucket → the object's Quick Share.
    await page.goto(`${app.url}/buckets`);
    await page.getByRole("link", { name: BUCKET }).click();
    await page.getByRole("button", { name: `Quick Share ${OBJECT_NAME}` }).click();
    const dialog = page.getByRole("dialog", { name: "Quick Share" });
    await dialog.waitFor();
    const shareLink = dialog.getByLabel("Share link", { exact: true });
    const changeOptions = dialog.getByRole("button", { name: "Change options" });
    const generate = dialog.getByRole("button", { name: "Generate link", exact: true });

    const samples: number[] = [];
    const expectedPrefix = `${services.s3.endpoint}/${BUCKET}/${OBJECT_NAME}?`;
    for (let i = 0; i < WARM_UP + runs; i++) {
      await generate.waitFor();
      await waitUntil(() => generate.isEnabled(), "the Generate link button to be enabled");
      const elapsed = await page.evaluate<number>(`(${CLICK_AND_TIME})(${RUN_TIMEOUT_MS})`);
      // Outside the figure: the link is the object's presigned URL, then back to the form.
      const url = await shareLink.inputValue();
      if (!url.startsWith(expectedPrefix) || !url.includes("X-Amz-Signature=")) throw new Error(`unexpected share link: ${url}`);
      if (i >= WARM_UP) samples.push(elapsed);
      await changeOptions.click();
    }

    // Each click issued a link: one history row per click.
    const db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    try {
      const issued = Number((await db.query<{ n: string }>("SELECT count(*) AS n FROM share_links")).rows[0]?.n);
      if (issued !== WARM_UP + runs) throw new Error(`expected ${WARM_UP + runs} share links in the database, found ${issued}`);
    } finally {
      await db.end();
    }

    const sorted = [...samples].sort((a, b) => a - b);
    return { runs, warmUp: WARM_UP, medianMs: median(sorted), p95Ms: p95(sorted), minMs: sorted[0]!, maxMs: sorted.at(-1)! };
  } catch (error) {
    if (app && error instanceof Error) error.message += `\n--- app output (last 2,000 characters) ---\n${app.output().slice(-2_000)}`;
    throw error;
  } finally {
    await browser?.close().catch(() => undefined);
    await app?.stop().catch(() => undefined);
    s3?.destroy();
    await stopServices?.().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  }
}
