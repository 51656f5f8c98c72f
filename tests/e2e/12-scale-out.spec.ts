import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import type { Page } from "@playwright/test";
import { startApp, type AppServer } from "../support/app-server";
import { startNginx, type NginxServer } from "../support/nginx";
import { ensureConnection, ensureSignedIn, expect, test } from "../support/fixtures";

// Scale-out on real parts: two production instances (`npm start`) on loopback share the e2e
// PostgreSQL database behind nginx (round-robin, never retried on the other instance). The owner
// issues managed links in Quick Share on instance A; 1,000 concurrent downloads of a link limited
// to 100 through nginx give exactly 100 redirects and a count of exactly 100; a revoke through A is
// refused by B on its very next request.

const BUCKET = "e2e-scale-out";
const KEY = "scale/report.bin";
const NAME = "report.bin";
const REQUESTS = 1_000;
const LIMIT = 100;

const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");
const heading = (html: string) => /<h1>([^<]*)<\/h1>/.exec(html)?.[1] ?? null;

/** Quick Share → Managed link on instance A (the owner's own session cookie works on every instance). */
async function issueManagedLink(page: Page, base: string, downloadLimit: string): Promise<string> {
  await page.goto(`${base}/`);
  await page.getByRole("link", { name: "Buckets", exact: true }).click();
  await page.getByRole("link", { name: BUCKET }).click();
  await page.getByRole("link", { name: "scale", exact: true }).click();
  await page.getByRole("button", { name: `Quick Share ${NAME}` }).click();
  const dialog = page.getByRole("dialog", { name: "Quick Share" });
  await dialog.getByRole("group", { name: "Link type" }).getByRole("radio", { name: "Managed link" }).check();
  await dialog.getByLabel("Download limit").fill(downloadLimit);
  await dialog.getByRole("button", { name: "Generate link" }).click();
  const field = dialog.getByLabel("Share link", { exact: true });
  await expect(field).toHaveValue(/\/s\/[A-Za-z0-9_-]{32}$/);
  const token = (await field.inputValue()).split("/s/")[1]!;
  await dialog.getByRole("button", { name: "Done" }).click();
  return token;
}

/** Link page → Revoke → confirm, on instance A. */
async function revokeOn(page: Page, base: string, linkId: string): Promise<void> {
  await page.goto(`${base}/links/${linkId}`);
  await page.getByRole("button", { name: "Revoke", exact: true }).click();
  await page.getByRole("dialog", { name: "Revoke this link?" }).getByRole("button", { name: "Revoke link" }).click();
  await expect(page.getByText("Revoked", { exact: true }).first()).toBeVisible();
}

test("two instances behind nginx: a limit of 100 gives exactly 100 of 1,000 concurrent downloads; a revoke on A is refused by B at once", async ({
  page,
  storage,
}) => {
  test.setTimeout(120_000);
  const started = Date.now();
  const bytes = randomBytes(4_096);
  await storage.bucket(BUCKET);
  await storage.put(BUCKET, KEY, bytes, "application/octet-stream");
  // The owner and the connection exist (created here when this spec runs alone).
  await ensureSignedIn(page);
  await ensureConnection(page, storage);

  const databaseUrl = process.env.E2E_DATABASE_URL!;
  const dirs = [0, 1, 2].map((i) => mkdtempSync(join(tmpdir(), `bucketshare-scale-${i}-`)));
  const instance = (dataDir: string) =>
    startApp(
      {
        DATABASE_URL: databaseUrl,
        AUTH_SECRET: storage.services.authSecret,
        ENCRYPTION_KEY: storage.services.encryptionKey,
        DATA_DIR: dataDir,
        TRUSTED_PROXIES: "1",
        LOG_LEVEL: "warn",
      },
      { timeoutMs: 90_000 },
    );
  const db = new pg.Client({ connectionString: databaseUrl });
  let a: AppServer | undefined;
  let b: AppServer | undefined;
  let nginx: NginxServer | undefined;
  try {
    // The build is current (the global setup built it): both start without building, at once.
    const [first, second] = await Promise.allSettled([instance(dirs[0]!), instance(dirs[1]!)]);
    a = first.status === "fulfilled" ? first.value : undefined;
    b = second.status === "fulfilled" ? second.value : undefined;
    if (!a || !b) throw [first, second].find((x) => x.status === "rejected")!.reason;
    nginx = await startNginx({ dir: dirs[2]!, upstreams: [a.url, b.url], accessLog: true });
    await db.connect();
    const ready = Date.now();

    const token = await issueManagedLink(page, a.url, String(LIMIT));
    const link = await db.query<{ id: string; download_limit: number; download_count: number }>(
      "SELECT id, download_limit, download_count FROM share_links WHERE token_hash = $1",
      [sha256(token)],
    );
    expect(link.rows).toEqual([{ id: expect.any(String), download_limit: LIMIT, download_count: 0 }]);
    const linkId = link.rows[0]!.id;

    // 1,000 downloads at once through nginx, redirects not followed. A link with a limit counts the
    // Download button's POST (a GET only answers the button).
    const fired = Date.now();
    const answers = await Promise.all(
      Array.from({ length: REQUESTS }, async () => {
        const response = await fetch(`${nginx!.url}/s/${token}/download`, { method: "POST", redirect: "manual" });
        const body = await response.text();
        return {
          status: response.status,
          location: response.headers.get("location"),
          cacheControl: response.headers.get("cache-control"),
          heading: heading(body),
        };
      }),
    );
    const loadMs = Date.now() - fired;
    const byStatus = new Map<number, number>();
    for (const answer of answers) byStatus.set(answer.status, (byStatus.get(answer.status) ?? 0) + 1);
    expect(Object.fromEntries(byStatus)).toEqual({ 302: LIMIT, 410: REQUESTS - LIMIT });
    expect(answers.filter((x) => x.status === 410).every((x) => x.heading === "Download limit reached")).toBe(true);
    const redirects = answers.filter((x) => x.status === 302);
    expect(
      redirects.every(
        (x) => x.cacheControl === "no-store" && x.location!.startsWith(storage.services.s3.endpoint) && x.location!.includes("X-Amz-Expires=60&"),
      ),
    ).toBe(true);
    // A redirect's target gives the file's bytes (the storage checks the signature).
    const target = await fetch(redirects[0]!.location!);
    expect(target.status).toBe(200);
    expect(Buffer.from(await target.arrayBuffer()).equals(bytes)).toBe(true);

    // Both instances served some of them (nginx's log names the upstream of each request).
    const perUpstream = new Map<string, number>();
    for (const line of readFileSync(join(dirs[2]!, "access.log"), "utf8").split("\n")) {
      if (!line.includes(`/s/${token}/download`)) continue;
      const upstream = /upstream=(\S+)/.exec(line)?.[1] ?? "?";
      perUpstream.set(upstream, (perUpstream.get(upstream) ?? 0) + 1);
    }
    const servedByA = perUpstream.get(`127.0.0.1:${a.port}`) ?? 0;
    const servedByB = perUpstream.get(`127.0.0.1:${b.port}`) ?? 0;
    expect(servedByA + servedByB).toBe(REQUESTS);
    expect(servedByA).toBeGreaterThan(0);
    expect(servedByB).toBeGreaterThan(0);

    // The database agrees: exactly 100 counted, exactly 100 download rows in the access log.
    const counted = await db.query<{ download_count: number; downloads: string }>(
      "SELECT download_count, (SELECT count(*) FROM link_events WHERE link_id = $1 AND outcome = 'download') AS downloads FROM share_links WHERE id = $1",
      [linkId],
    );
    expect(counted.rows[0]).toEqual({ download_count: LIMIT, downloads: String(LIMIT) });

    // Revoke through A: B refuses on its very next request.
    await revokeOn(page, a.url, linkId);
    const afterRevoke = await fetch(`${b.url}/s/${token}/download`, { redirect: "manual" });
    expect(afterRevoke.status).toBe(410);
    expect(heading(await afterRevoke.text())).toBe("This link was revoked");

    // A fresh, unlimited managed link: B serves it, A revokes it, B's very next request is refused.
    const fresh = await issueManagedLink(page, a.url, "");
    const freshId = (await db.query<{ id: string }>("SELECT id FROM share_links WHERE token_hash = $1", [sha256(fresh)])).rows[0]!.id;
    const beforeFresh = await fetch(`${b.url}/s/${fresh}/download`, { redirect: "manual" });
    expect(beforeFresh.status).toBe(302);
    await revokeOn(page, a.url, freshId);
    const [download, view] = await Promise.all([
      fetch(`${b.url}/s/${fresh}/download`, { redirect: "manual" }),
      fetch(`${b.url}/s/${fresh}`, { redirect: "manual" }),
    ]);
    expect(download.status).toBe(410);
    expect(heading(await download.text())).toBe("This link was revoked");
    expect(view.status).toBe(410);
    expect(heading(await view.text())).toBe("This link was revoked");
    const freshCount = await db.query<{ download_count: number }>("SELECT download_count FROM share_links WHERE id = $1", [freshId]);
    expect(freshCount.rows[0]!.download_count).toBe(1);

    console.log(
      `scale-out: ${REQUESTS} downloads through nginx in ${loadMs} ms (A ${servedByA}, B ${servedByB}): ` +
        `${byStatus.get(302)} × 302, ${byStatus.get(410)} × 410, download_count ${LIMIT}; ` +
        `instances up in ${((ready - started) / 1000).toFixed(1)} s, whole test ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  } finally {
    await db.end().catch(() => undefined);
    await nginx?.stop();
    await Promise.all([a?.stop(), b?.stop()]);
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
});
