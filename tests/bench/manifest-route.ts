/**
 * The manifest through the production route: `npm start` (lib/boot/cli.ts; builds when the
 * sources changed) on an embedded PostgreSQL, the owner signed in through the form in headless
 * Chromium, then GET /links/<id>/manifest with that session cookie from Node, read to the end.
 * The figure is files / (first request byte → last response byte). Used by tests/bench/manifest.ts
 * (`npm run bench:manifest -- --route`).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { chromium, type LaunchOptions } from "@playwright/test";
import pg from "pg";
import playwrightConfig from "../../playwright.config";
import { startApp } from "../support/app-server";
import { startEmbeddedPostgres } from "@/lib/db/embedded";
import { applyMigrations } from "@/lib/db/migrate";
import { seal } from "@/lib/storage/sealed";

const OWNER = { email: "bench@example.com", password: "bench-owner-passphrase" };

function launchOptions(): LaunchOptions {
  const fromConfig = playwrightConfig.use?.launchOptions ?? {};
  return { ...fromConfig, executablePath: fromConfig.executablePath ?? process.env.CHROMIUM_PATH ?? "/usr/bin/chromium-headless-shell", headless: true };
}

export async function measureManifestRoute(files: number, runs: number): Promise<{ format: string; perSecond: number[] }[]> {
  const dir = mkdtempSync(join(tmpdir(), "bucketshare-bench-manifest-route-"));
  const postgres = await startEmbeddedPostgres({ dataDir: join(dir, "postgres") });
  let app: Awaited<ReturnType<typeof startApp>> | undefined;
  const browser = await chromium.launch(launchOptions());
  try {
    await applyMigrations(postgres.url);
    const encryptionKey = randomBytes(32).toString("base64");
    app = await startApp({
      DATABASE_URL: postgres.url,
      AUTH_SECRET: randomBytes(48).toString("base64"),
      ENCRYPTION_KEY: encryptionKey,
      DATA_DIR: join(dir, "data"),
      OWNER_NAME: "Bench Owner",
      OWNER_EMAIL: OWNER.email,
      OWNER_PASSWORD: OWNER.password,
      LOG_LEVEL: "warn",
    });
    const page = await browser.newPage();
    await page.goto(`${app.url}/sign-in`);
    await page.waitForLoadState("networkidle");
    await page.getByLabel("Email").fill(OWNER.email);
    await page.getByLabel("Password").fill(OWNER.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("navigation", { name: "Main" }).waitFor();
    const cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join("; ");

    const client = new pg.Client({ connectionString: postgres.url });
    await client.connect();
    const owner = (await client.query<{ id: string }>("SELECT id FROM users WHERE email = $1", [OWNER.email])).rows[0]!.id;
    const secret = seal("secretAccessKey", "bench-conn", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", Buffer.from(encryptionKey, "base64"));
    await client.query(
      `INSERT INTO storage_connections (id, owner_id, name, provider, endpoint, region, access_key_id, secret_access_key_enc, updated_at)
       VALUES ('bench-conn', $1, 'Bench', 'custom', 'http://127.0.0.1:9000', 'us-east-1', 'AKIAIOSFODNN7EXAMPLE', $2, now())`,
      [owner, secret],
    );
    await client.query(
      `INSERT INTO share_links (id, owner_id, connection_id, connection_name, bucket, key, object_size, requested_expires_at,
                                expires_at, expires_soon_at, disposition, file_name, url_enc, kind, target, title, file_count)
       VALUES ('bench-link', $1, 'bench-conn', 'Bench', 'bench-bucket', 'photos/', 0, now() + interval '7 days',
               now() + interval '7 days', now() + interval '6 days', 'attachment', 'photos', 'v2.x.x.x.x', 'managed', 'files', 'photos', $2)`,
      [owner, files],
    );
    const names = ["report.pdf", "résumé final.docx", "photo 2026-11-22.jpg", "日本語.txt", "a+b&c#d.csv"];
    await client.query(
      `INSERT INTO share_link_files (link_id, path, key, size, etag, content_type)
       SELECT 'bench-link', p, 'photos/' || p, n * 17, '"' || md5(n::text) || '"', 'application/octet-stream'
       FROM (SELECT n, 'album-' || (n % 97) || '/day ' || (n % 13) || '/' || n || '-' || ($2::text[])[1 + n % 5] AS p
             FROM generate_series(1, $1::int) n) s`,
      [files, names],
    );
    await client.query("ANALYZE share_link_files");
    await client.end();

    const results: { format: string; perSecond: number[] }[] = [];
    for (const format of ["csv", "json"]) {
      const perSecond: number[] = [];
      for (let run = -1; run < runs; run++) {
        const t0 = performance.now();
        const response = await fetch(`${app.url}/links/bench-link/manifest?format=${format}&expires=604800`, { headers: { cookie } });
        if (response.status !== 200) throw new Error(`manifest: HTTP ${response.status} ${await response.text()}`);
        let lines = 0;
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) for (let i = 0; i < chunk.length; i++) if (chunk[i] === 10) lines++;
        const seconds = (performance.now() - t0) / 1_000;
        if (lines < files + 1) throw new Error(`${format}: ${lines} lines for ${files} files`);
        if (run >= 0) perSecond.push(files / seconds);
      }
      results.push({ format, perSecond });
    }
    return results;
  } catch (error) {
    if (app && error instanceof Error) error.message += `\n--- app output ---\n${app.output().slice(-2_000)}`;
    throw error;
  } finally {
    await browser.close().catch(() => undefined);
    await app?.stop().catch(() => undefined);
    await postgres.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
