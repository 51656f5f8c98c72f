import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { CreateBucketCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { chromium, type Browser, type Page } from "@playwright/test";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { generateApiToken, hashApiToken, shownPrefix } from "@/lib/api/tokens";
import { startEmbeddedPostgres, type RunningPostgres } from "@/lib/db/embedded";
import { s3ClientFor } from "@/lib/dev/s3";
import playwrightConfig from "../../playwright.config";
import { startApp, type AppServer } from "../support/app-server";

/**
 * A database that stops answering, as a stuck server or a network partition would: every process
 * of a real PostgreSQL cluster is paused (SIGSTOP). Each kind of caller of the production app gets
 * an explanation within 15 s (a recipient the plain 503 page, the owner a page saying the database
 * is not answering, an API client a 503 problem), and once PostgreSQL runs again (SIGCONT) each of
 * them is served again by the same app process, without a restart. This test has its own cluster
 * and its own app (`npm start`, which builds the app when its sources changed).
 */

const OWNER = { email: "paused@example.com", password: "a-long-enough-passphrase" };
const BUCKET = "database-paused";
const KEY = "paused/report.txt";
const ANSWER_WITHIN_MS = 15_000;
const run = promisify(execFile);

type Timed<T> = { ms: number; value: T };
async function timed<T>(work: () => Promise<T>): Promise<Timed<T>> {
  const started = performance.now();
  const value = await work();
  return { ms: performance.now() - started, value };
}

/** Every process of the cluster: the postmaster (first line of postmaster.pid) and its children. */
async function clusterProcesses(dataDir: string): Promise<number[]> {
  const postmaster = Number.parseInt(readFileSync(join(dataDir, "postmaster.pid"), "utf8").split("\n")[0]!, 10);
  const { stdout } = await run("pgrep", ["-P", String(postmaster)]).catch(() => ({ stdout: "" }));
  return [postmaster, ...stdout.split("\n").filter(Boolean).map(Number)];
}

function signal(pids: number[], name: "SIGSTOP" | "SIGCONT"): void {
  for (const pid of pids) {
    try {
      process.kill(pid, name);
    } catch {
      // a backend that exited meanwhile
    }
  }
}

async function fetchText(url: string, init: RequestInit = {}): Promise<{ status: number; type: string | null; text: string }> {
  const response = await fetch(url, { ...init, redirect: "manual", signal: AbortSignal.timeout(60_000) });
  return { status: response.status, type: response.headers.get("content-type"), text: await response.text() };
}

describe("a database that stops answering", () => {
  const dir = mkdtempSync(join(tmpdir(), "bucketshare-paused-"));
  const dataDir = join(dir, "postgres");
  let postgres: RunningPostgres | undefined;
  let app: AppServer | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let paused: number[] = [];
  let apiToken = "";
  let linkToken = "";
  let folderPath = "";

  beforeAll(async () => {
    const services = inject("services");
    postgres = await startEmbeddedPostgres({ dataDir });
    const s3 = s3ClientFor(services.s3);
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET })).catch((error: { name?: string }) => {
      if (error.name !== "BucketAlreadyOwnedByYou" && error.name !== "BucketAlreadyExists") throw error;
    });
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: KEY, Body: "quarterly figures", ContentType: "text/plain" }));
    s3.destroy();

    app = await startApp(
      {
        DATABASE_URL: postgres.url,
        AUTH_SECRET: services.authSecret,
        ENCRYPTION_KEY: services.encryptionKey,
        DATA_DIR: join(dir, "data"),
        OWNER_EMAIL: OWNER.email,
        OWNER_PASSWORD: OWNER.password,
        S3_ENDPOINT: services.s3.endpoint,
        S3_REGION: services.s3.region,
        S3_ACCESS_KEY_ID: services.s3.accessKeyId,
        S3_SECRET_ACCESS_KEY: services.s3.secretAccessKey,
        LOG_LEVEL: "error",
      },
      { timeoutMs: 900_000 },
    );

    // An API token for the owner (as Settings → API tokens would store it), then a managed link through the API.
    apiToken = generateApiToken();
    const db = new pg.Client({ connectionString: postgres.url });
    await db.connect();
    try {
      await db.query(
        `INSERT INTO api_tokens (id, owner_id, name, token_hash, prefix, scopes)
         SELECT 'paused-token', id, 'paused', $1, $2, ARRAY['objects:read', 'links:read', 'links:write'] FROM users WHERE email = $3`,
        [hashApiToken(apiToken), shownPrefix(apiToken), OWNER.email],
      );
    } finally {
      await db.end();
    }
    const headers = { authorization: `Bearer ${apiToken}`, "content-type": "application/json" };
    const connections = (await (await fetch(`${app.url}/api/v1/connections`, { headers })).json()) as { connections: { id: string }[] };
    const created = await fetch(`${app.url}/api/v1/links`, {
      method: "POST",
      headers,
      body: JSON.stringify({ connectionId: connections.connections[0]!.id, bucket: BUCKET, key: KEY, type: "managed", expiresIn: 86_400 }),
    });
    const link = (await created.json()) as { url: string };
    expect(created.status, JSON.stringify(link)).toBe(201);
    linkToken = link.url.split("/s/")[1]!;
    folderPath = `/buckets/${connections.connections[0]!.id}/${BUCKET}`;

    // The owner signs in through the form, as a person would.
    browser = await chromium.launch({ ...playwrightConfig.use?.launchOptions, headless: true });
    page = await browser.newPage();
    await page.goto(`${app.url}/sign-in`);
    await page.waitForLoadState("networkidle");
    await page.getByLabel("Email").fill(OWNER.email);
    await page.getByLabel("Password").fill(OWNER.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL((url) => !url.pathname.startsWith("/sign-in"));
  }, 960_000);

  afterAll(async () => {
    signal(paused, "SIGCONT");
    await browser?.close();
    await app?.stop();
    await postgres?.stop();
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it("answers every kind of caller within 15 s while PostgreSQL is paused, and serves them again once it runs", async () => {
    const base = app!.url;
    const api = { headers: { authorization: `Bearer ${apiToken}` } };
    // Everything works first (and the app's pools hold connections that will go silent).
    expect((await fetchText(`${base}/s/${linkToken}`)).status).toBe(200);
    expect((await fetchText(`${base}/api/v1/links`, api)).status).toBe(200);
    await page.goto(`${base}/links`);
    await expect.poll(() => page.getByRole("heading", { name: "Links", level: 1 }).isVisible()).toBe(true);

    const cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
    expect((await fetchText(`${base}/links/export`, { headers: { cookie } })).status).toBe(200);
    expect((await fetchText(`${base}${folderPath}`, { headers: { cookie } })).status).toBe(200);

    paused = await clusterProcesses(dataDir);
    expect(paused.length).toBeGreaterThan(1);
    signal(paused, "SIGSTOP");

    const [recipient, download, listing, exported, ownerPage, folder] = await Promise.all([
      timed(() => fetchText(`${base}/s/${linkToken}`)),
      timed(() => fetchText(`${base}/s/${linkToken}/download`)),
      timed(() => fetchText(`${base}/api/v1/links`, api)),
      timed(() => fetchText(`${base}/links/export`, { headers: { cookie } })),
      timed(async () => {
        const response = await page.goto(`${base}/links`, { timeout: 60_000 });
        return { status: response?.status(), text: await page.locator("body").textContent() };
      }),
      // A folder page reads its connection alongside the session: whichever fails first, the page says why.
      timed(async () => {
        const context = await browser!.newContext();
        await context.addCookies(await page.context().cookies());
        const tab = await context.newPage();
        const response = await tab.goto(`${base}${folderPath}`, { timeout: 60_000 });
        await tab
          .getByText(/database is not answering/i)
          .waitFor({ timeout: 20_000 })
          .catch(() => undefined);
        const answer = { status: response?.status(), text: await tab.locator("body").textContent() };
        await context.close();
        return answer;
      }),
    ]);

    // A recipient: the plain "down" page, 503.
    expect(recipient.value.status).toBe(503);
    expect(recipient.value.type).toMatch(/^text\/html/);
    expect(recipient.value.text).toContain("This link cannot be opened right now");
    expect(recipient.ms).toBeLessThan(ANSWER_WITHIN_MS);
    expect(download.value.status).toBe(503);
    expect(download.value.text).toContain("This link cannot be opened right now");
    expect(download.ms).toBeLessThan(ANSWER_WITHIN_MS);
    // An API client: a 503 problem that says to retry.
    expect(listing.value.status).toBe(503);
    expect(listing.value.type).toBe("application/problem+json");
    expect(JSON.parse(listing.value.text)).toMatchObject({ type: "urn:bucketshare:problem:unavailable", status: 503 });
    expect(listing.ms).toBeLessThan(ANSWER_WITHIN_MS);
    // The owner's download of the history: the same problem.
    expect(exported.value.status).toBe(503);
    expect(exported.value.type).toBe("application/problem+json");
    expect(JSON.parse(exported.value.text)).toMatchObject({ type: "urn:bucketshare:problem:unavailable", status: 503, instance: "/links/export" });
    expect(exported.ms).toBeLessThan(ANSWER_WITHIN_MS);
    // The owner: a page that says the database is not answering, with a way to retry.
    expect(ownerPage.value.status).toBe(503);
    expect(ownerPage.value.text).toMatch(/database is not answering/i);
    expect(ownerPage.ms).toBeLessThan(ANSWER_WITHIN_MS);
    await expect.poll(() => page.getByRole("button", { name: "Try again" }).isVisible()).toBe(true);
    expect(folder.value.status).toBe(503);
    expect(folder.value.text).toMatch(/database is not answering/i);
    expect(folder.ms).toBeLessThan(ANSWER_WITHIN_MS);

    console.log(
      `paused database: /s/<token> ${recipient.ms.toFixed(0)} ms, /download ${download.ms.toFixed(0)} ms, /api/v1/links ${listing.ms.toFixed(0)} ms, ` +
        `/links/export ${exported.ms.toFixed(0)} ms, /links page ${ownerPage.ms.toFixed(0)} ms (HTTP ${ownerPage.value.status})`,
    );
    signal(paused, "SIGCONT");
    paused = [];

    // The same app process serves everyone again: dead connections are dropped and replaced.
    await expect.poll(async () => (await fetchText(`${base}/s/${linkToken}`)).status, { timeout: 20_000 }).toBe(200);
    await expect.poll(async () => (await fetchText(`${base}/api/v1/links`, api)).status, { timeout: 20_000 }).toBe(200);
    await expect.poll(async () => (await fetchText(`${base}/links/export`, { headers: { cookie } })).status, { timeout: 20_000 }).toBe(200);
    await page.getByRole("button", { name: "Try again" }).click();
    await expect.poll(() => page.getByRole("heading", { name: "Links", level: 1 }).isVisible(), { timeout: 20_000 }).toBe(true);
    expect(app!.process.exitCode).toBeNull();
  }, 180_000);
});
