import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import type { Locator, Page } from "@playwright/test";
import { hashPassword } from "../../lib/auth/password";
import { newRecordId } from "../../lib/crypto";
import { startApp, type AppServer } from "../support/app-server";
import { startNginx, type NginxServer } from "../support/nginx";
import { ensureConnection, ensureSignedIn, expect, OWNER, type Storage, test } from "../support/fixtures";

// Scale-out on real parts: two production instances (`npm start`) on loopback share the e2e
// PostgreSQL database behind nginx (round-robin, never retried on the other instance). The owner
// issues managed links in Quick Share on instance A; 1,000 concurrent downloads of a link limited
// to 100 through nginx give exactly 100 redirects and a count of exactly 100; a revoke through A is
// refused by B on its very next request. A Member signed in through nginx: the Owner's change of their grant
// through one instance holds on both at their very next request, and removal ends their session on both.

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

type ScaledOut = { a: AppServer; b: AppServer; nginx: NginxServer; dirs: string[]; stop(): Promise<void> };

/** Two production instances on the e2e database (started at once: the global setup built the app) behind nginx. */
async function startScaledOut(storage: Storage): Promise<ScaledOut> {
  const dirs = [0, 1, 2].map((i) => mkdtempSync(join(tmpdir(), `bucketshare-scale-${i}-`)));
  const instance = (dataDir: string) =>
    startApp(
      {
        DATABASE_URL: process.env.E2E_DATABASE_URL!,
        AUTH_SECRET: storage.services.authSecret,
        ENCRYPTION_KEY: storage.services.encryptionKey,
        DATA_DIR: dataDir,
        TRUSTED_PROXIES: "1",
        LOG_LEVEL: "warn",
      },
      { timeoutMs: 90_000 },
    );
  let a: AppServer | undefined;
  let b: AppServer | undefined;
  let nginx: NginxServer | undefined;
  const stop = async () => {
    await nginx?.stop();
    await Promise.all([a?.stop(), b?.stop()]);
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  };
  try {
    const [first, second] = await Promise.allSettled([instance(dirs[0]!), instance(dirs[1]!)]);
    a = first.status === "fulfilled" ? first.value : undefined;
    b = second.status === "fulfilled" ? second.value : undefined;
    if (!a || !b) throw [first, second].find((x) => x.status === "rejected")!.reason;
    nginx = await startNginx({ dir: dirs[2]!, upstreams: [a.url, b.url], accessLog: true });
    return { a, b, nginx, dirs, stop };
  } catch (error) {
    await stop();
    throw error;
  }
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

  const db = new pg.Client({ connectionString: process.env.E2E_DATABASE_URL! });
  let servers: ScaledOut | undefined;
  try {
    servers = await startScaledOut(storage);
    const { a, b, nginx, dirs } = servers;
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
    await servers?.stop();
  }
});

const MEMBER = { name: "Sam Scaled", email: `sam-${Date.now()}@example.com`, password: "sam-long-passphrase-12" };

/** The member's page on one instance shows the folder (its heading), or the 404 page. */
async function expectFolder(member: Page, base: string, path: string, folder: string, shown: boolean) {
  await member.goto(`${base}${path}`);
  await expect(member.getByRole("heading", { level: 1, name: shown ? folder : "Not found" })).toBeVisible();
}

/** The Owner's "Change" form of the member on one instance: `edit` sets the grant, then "Save changes". */
async function changeGrant(page: Page, base: string, connection: string, edit: (grant: Locator) => Promise<void>) {
  await page.goto(`${base}/settings/members`);
  await page.getByLabel(`Change role and grants of ${MEMBER.name}`).click();
  const form = page.getByRole("form", { name: `Role and grants of ${MEMBER.name}` });
  await edit(form.getByRole("group", { name: connection }));
  await form.getByRole("button", { name: "Save changes" }).click();
  await expect(form.getByText(`${MEMBER.name}: role and grants saved.`)).toBeVisible();
}

test("two instances behind nginx: a Member's grant changed on A holds on A and B at their very next request; removal ends the session on both", async ({
  page,
  browser,
  storage,
}) => {
  test.setTimeout(150_000);
  await storage.bucket(BUCKET);
  await storage.put(BUCKET, "press/brief.txt", "the brief\n", "text/plain");
  await storage.put(BUCKET, KEY, randomBytes(64), "application/octet-stream");
  await ensureSignedIn(page);
  await ensureConnection(page, storage);

  const db = new pg.Client({ connectionString: process.env.E2E_DATABASE_URL! });
  await db.connect();
  let servers: ScaledOut | undefined;
  let memberId = "";
  try {
    const owner = (await db.query<{ id: string }>("SELECT id FROM users WHERE email = $1", [OWNER.email])).rows[0]!;
    const connection = (
      await db.query<{ id: string; name: string }>("SELECT id, name FROM storage_connections WHERE owner_id = $1 AND name = $2", [owner.id, "Local Swift"])
    ).rows[0]!;
    // Sam may browse the whole connection (written straight in: inviting is e2e 27 and 30).
    memberId = newRecordId();
    await db.query(`INSERT INTO users (id, name, email, password_hash, role, team_id, updated_at) VALUES ($1, $2, $3, $4, 'member', $5, now())`, [
      memberId,
      MEMBER.name,
      MEMBER.email,
      await hashPassword(MEMBER.password),
      owner.id,
    ]);
    await db.query(
      `INSERT INTO member_grants (user_id, connection_id, can_browse, can_share, folder, link_types, longest_expiry_seconds)
       VALUES ($1, $2, true, false, '', 'managed', NULL)`,
      [memberId, connection.id],
    );
    servers = await startScaledOut(storage);
    const { a, b, nginx } = servers;

    // Sam signs in through nginx; the session cookie (host-only, so for every port of 127.0.0.1) reaches A and B as well.
    const context = await browser.newContext();
    const sam = await context.newPage();
    await sam.goto(`${nginx.url}/sign-in`);
    await sam.waitForLoadState("networkidle");
    await sam.getByLabel("Email").fill(MEMBER.email);
    await sam.getByLabel("Password").fill(MEMBER.password);
    await sam.getByRole("button", { name: "Sign in" }).click();
    await expect(sam.getByRole("navigation", { name: "Main" })).toBeVisible();
    const cookie = (await context.cookies(nginx.url)).map((c) => `${c.name}=${c.value}`).join("; ");
    /** Sam's history export on one instance with the cookie of that sign-in: a session route answering per request. */
    const exportStatus = async (base: string) => (await fetch(`${base}/links/export`, { headers: { cookie }, redirect: "manual" })).status;

    const bucketPath = `/buckets/${connection.id}/${BUCKET}`;
    for (const base of [a.url, b.url]) {
      await expectFolder(sam, base, `${bucketPath}/scale`, "scale", true);
      await expectFolder(sam, base, `${bucketPath}/press`, "press", true);
      expect(await exportStatus(base)).toBe(200);
    }

    // The Owner narrows the grant to press/ on A: scale/ is gone for Sam on A and on B at once, press/ stays.
    await changeGrant(page, a.url, connection.name, (grant) => grant.getByRole("textbox", { name: "Folder" }).fill("press/"));
    for (const base of [b.url, a.url]) {
      await expectFolder(sam, base, `${bucketPath}/scale`, "scale", false);
      await expectFolder(sam, base, `${bucketPath}/press`, "press", true);
    }

    // Can browse taken away on B this time: the connection no longer exists for Sam on either instance.
    await changeGrant(page, b.url, connection.name, (grant) => grant.getByRole("checkbox", { name: "Can browse" }).uncheck());
    for (const base of [a.url, b.url]) {
      await expectFolder(sam, base, `${bucketPath}/press`, "press", false);
      await sam.goto(`${base}/buckets`);
      await expect(sam.getByRole("heading", { level: 1, name: "Buckets" })).toBeVisible();
      await expect(sam.getByRole("heading", { level: 2, name: connection.name })).toHaveCount(0);
    }

    // Removed through A: the same session cookie is refused by both instances on its very next request, and Sam's
    // page (through nginx) goes to sign-in on its next step.
    await page.goto(`${a.url}/settings/members`);
    await page
      .getByRole("region", { name: "Members" })
      .getByRole("button", { name: `Remove member ${MEMBER.name}` })
      .click();
    const confirm = page.getByRole("dialog", { name: `Remove ${MEMBER.name}?` });
    await confirm.getByRole("button", { name: "Remove member" }).click();
    await expect(confirm).toBeHidden();
    expect([await exportStatus(b.url), await exportStatus(a.url)]).toEqual([401, 401]);
    await sam.goto(`${nginx.url}/links`);
    await expect(sam).toHaveURL(/\/sign-in/);
    await context.close();
  } finally {
    if (memberId) await db.query("DELETE FROM users WHERE id = $1", [memberId]).catch(() => undefined);
    await db.end().catch(() => undefined);
    await servers?.stop();
  }
});
