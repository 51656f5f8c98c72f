/**
 * `npm run screenshots`: pictures of the main screens for the docs, taken from the real app.
 *
 * Starts the test services (PostgreSQL and the local S3 servers), fills a `demo` bucket with the
 * sample files of `npm run demo`, starts the production app (`npm start`, built first if the
 * sources changed) with an owner and that bucket's server as a connection, issues a few links
 * through Quick Share as a person would, and an upload request (Request files, with a password and
 * "Ask for name") into a bucket of the local Ceph RGW server, added as a second connection (its bucket
 * CORS lets the upload page's browser PUT there), then captures each screen in Chromium at desktop
 * (1280×800) and phone (390×844) width, in light and dark: docs/screenshots/<screen>-<width>-<theme>.png.
 * Only the visible part of each page is kept, which keeps every picture small.
 */
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateBucketCommand, DeleteObjectCommand, PutBucketCorsCommand } from "@aws-sdk/client-s3";
import { chromium, type Browser, type BrowserContext, type LaunchOptions, type Page } from "@playwright/test";
import playwrightConfig from "../../playwright.config";
import { startApp, type AppServer } from "./app-server";
import { allowServerOnlyImports } from "./server-only-hook";
import { createTestDatabase, startServices } from "./services";

const OUT_DIR = join(import.meta.dirname, "..", "..", "docs", "screenshots");
const OWNER = { name: "Olive Owner", email: "olive@example.com", password: "a-very-long-passphrase" };
const CONNECTION_NAME = "Demo storage";
const BUCKET = "demo";
/** Upload requests need a bucket whose CORS lets browsers PUT: on Ceph RGW (Swift's s3api has no bucket CORS). */
const REQUEST_CONNECTION = "Studio storage";
const REQUEST_BUCKET = "client-uploads";
const REQUEST_PASSWORD = "tulip orbit seven";
const UPLOADERS = ["Ann Lee", "Bo Grant", "Cleo Park", "Dev Rao"];
/** What recipients' links show; the pictures never name the machine they were taken on. */
const PUBLIC_URL = "https://share.example.com";

export const SCREENS = [
  "sign-in",
  "bucket-browser",
  "quick-share",
  "link-history",
  "link-details",
  "recipient",
  "recipient-one-time",
  "settings",
  "notifications",
  "background-jobs",
  "appearance",
  "members",
  "audit-log",
  "request-files",
  "upload-password",
  "upload-list",
  "upload-done",
] as const;
type Screen = (typeof SCREENS)[number];
const WIDTHS = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } } as const;
const THEMES = ["light", "dark"] as const;

const say = (line: string) => process.stdout.write(`screenshots: ${line}\n`);

/** Chromium as the end-to-end tests launch it (playwright.config.ts), headless. */
function launchOptions(): LaunchOptions {
  const fromConfig = playwrightConfig.use?.launchOptions ?? {};
  return { ...fromConfig, executablePath: fromConfig.executablePath ?? process.env.CHROMIUM_PATH ?? "/usr/bin/chromium-headless-shell", headless: true };
}

async function signIn(page: Page, base: string) {
  await page.goto(`${base}/sign-in`);
  await page.waitForLoadState("networkidle");
  await page.getByLabel("Email").fill(OWNER.email);
  await page.getByLabel("Password").fill(OWNER.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("navigation", { name: "Main" }).waitFor();
}

/** Opens Quick Share on a file of the bucket's top level and issues a managed link; returns its URL. */
async function shareManaged(page: Page, base: string, bucketPath: string, fileName: string, options: { limit?: string; expiry?: string; note?: string } = {}) {
  await page.goto(`${base}${bucketPath}`);
  await page.getByRole("button", { name: `Quick Share ${fileName}` }).click();
  const dialog = page.getByRole("dialog", { name: "Quick Share" });
  await dialog.waitFor();
  await dialog.getByRole("group", { name: "Link type" }).getByRole("radio", { name: "Managed link" }).check();
  await dialog.getByLabel("Expires in").selectOption({ label: options.expiry ?? "30 days" });
  if (options.limit) await dialog.getByLabel("Download limit").fill(options.limit);
  if (options.note) {
    await dialog.getByText("More options").click();
    await dialog.getByLabel("Note (optional)").fill(options.note);
  }
  await dialog.getByRole("button", { name: "Generate link" }).click();
  const field = dialog.getByLabel("Share link", { exact: true });
  await field.waitFor();
  return { dialog, url: await field.inputValue() };
}

/** The link page's "Check now", waiting for its outcome. */
async function checkNow(page: Page, outcome: string) {
  const health = page.getByRole("region", { name: "Health" });
  await health.getByRole("button", { name: "Check now" }).click();
  await health.getByRole("status").filter({ hasText: outcome }).waitFor();
}

async function shareDirect(page: Page, base: string, bucketPath: string, fileName: string) {
  await page.goto(`${base}${bucketPath}`);
  await page.getByRole("button", { name: `Quick Share ${fileName}` }).click();
  const dialog = page.getByRole("dialog", { name: "Quick Share" });
  await dialog.waitFor();
  await dialog.getByRole("group", { name: "Link type" }).getByRole("radio", { name: "Direct link" }).check();
  await dialog.getByLabel("Expires in").selectOption({ label: "1 day" });
  await dialog.getByRole("button", { name: "Generate link" }).click();
  await dialog.getByLabel("Share link", { exact: true }).waitFor();
  await dialog.getByRole("button", { name: "Done" }).click();
}

type Sharp = (input: Buffer) => { png(options: { palette: boolean; compressionLevel: number; effort: number }): { toBuffer(): Promise<Buffer> } };

/**
 * The picture as a 256-colour PNG (a third of the size; a page of flat colours loses nothing a reader
 * sees), through sharp, the image library Next installs; as taken where sharp is missing.
 */
async function smaller(png: Buffer): Promise<Buffer> {
  let sharp: Sharp;
  try {
    sharp = ((await import("sharp" as string)) as { default: Sharp }).default;
  } catch {
    return png;
  }
  return sharp(png).png({ palette: true, compressionLevel: 9, effort: 10 }).toBuffer();
}

/** The history's row of the newest link to `fileName`. */
/** The row's Actions menu (its button is enabled once the page's scripts have arrived). */
async function openActions(page: Page, fileName: string) {
  const menu = page.getByRole("menu", { name: "Actions" });
  // A click that lands before the page has hydrated opens nothing: click again (on a busy machine it happens).
  for (let attempt = 1; ; attempt++) {
    await newestRow(page, fileName).getByRole("button", { name: "Actions" }).click();
    try {
      await menu.waitFor({ timeout: 5_000 });
      return menu;
    } catch (error) {
      if (attempt >= 4) throw error;
    }
  }
}

function newestRow(page: Page, fileName: string) {
  return page.getByRole("row").filter({ hasText: fileName }).first();
}

async function revokeNewest(page: Page, base: string, fileName: string) {
  await page.goto(`${base}/links`);
  await (await openActions(page, fileName)).getByRole("menuitem", { name: "Revoke", exact: true }).click();
  await page.getByRole("dialog", { name: "Revoke this link?" }).getByRole("button", { name: "Revoke link" }).click();
  await newestRow(page, fileName).getByText("Revoked", { exact: true }).waitFor();
}

async function deleteNewest(page: Page, base: string, fileName: string) {
  await page.goto(`${base}/links`);
  const rows = page.getByRole("row").filter({ hasText: fileName });
  await rows.first().waitFor(); // past the loading skeleton
  const before = await rows.count();
  await (await openActions(page, fileName)).getByRole("menuitem", { name: "Delete from history" }).click();
  await page.getByRole("dialog", { name: "Delete this link from your history?" }).getByRole("button", { name: "Delete from history" }).click();
  const deadline = Date.now() + 30_000;
  while ((await rows.count()) >= before) {
    if (Date.now() > deadline) {
      await page.screenshot({ path: join(tmpdir(), "bucketshare-screenshots-failed.png") });
      throw new Error(`the link to ${fileName} is still in the history (picture: ${join(tmpdir(), "bucketshare-screenshots-failed.png")})`);
    }
    await page.waitForTimeout(250);
  }
}

/** Adds a connection through Settings as a person would (MinIO / self-hosted: path-style, the endpoint given). */
async function addConnection(
  page: Page,
  base: string,
  name: string,
  storage: { endpoint: string; region: string; accessKeyId: string; secretAccessKey: string },
) {
  await page.goto(`${base}/settings/connections/new`);
  await page.getByRole("heading", { name: "Add connection", level: 1 }).waitFor();
  await page.getByLabel("Provider").selectOption({ label: "MinIO / self-hosted" });
  const fields: [string, string][] = [
    ["Name", name],
    ["Endpoint", storage.endpoint],
    ["Region", storage.region],
    ["Access key ID", storage.accessKeyId],
    ["Secret access key", storage.secretAccessKey],
  ];
  for (const [label, value] of fields) await page.getByLabel(label, { exact: true }).fill(value);
  await page.getByRole("button", { name: "Save connection" }).click();
  await page.getByText("Connection saved.").waitFor();
}

/** Fills "Request files" as the owner would for a client's photos (the dialog stays open). */
async function fillRequestFiles(page: Page, base: string, requestBucketPath: string) {
  await page.goto(`${base}${requestBucketPath}`);
  await page.getByRole("button", { name: "Request files" }).click();
  const dialog = page.getByRole("dialog", { name: `Request files into ${REQUEST_BUCKET}` });
  await dialog.getByLabel("Title", { exact: true }).fill("Photos from the shoot");
  await dialog.getByLabel("Message to uploaders", { exact: true }).fill("Please send the RAW files and your shot list. Thank you!");
  await dialog.getByLabel("Max files", { exact: true }).fill("50");
  await dialog.getByLabel("Max file size", { exact: true }).fill("2 GB");
  await dialog.getByLabel("Password", { exact: true }).fill(REQUEST_PASSWORD);
  await dialog.getByLabel("Ask for name", { exact: true }).check();
  await dialog.getByLabel("A folder per uploader", { exact: true }).check();
  return dialog;
}

async function capture(page: Page, screen: Screen, width: keyof typeof WIDTHS, theme: (typeof THEMES)[number]) {
  await page.waitForLoadState("networkidle");
  // Web fonts and images settle before the picture.
  await page.evaluate(() => document.fonts.ready.then(() => undefined));
  const path = join(OUT_DIR, `${screen}-${width}-${theme}.png`);
  writeFileSync(path, await smaller(await page.screenshot({ animations: "disabled", caret: "hide" })));
  say(`${path} (${Math.round(statSync(path).size / 1024)} KiB)`);
}

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), "bucketshare-screenshots-"));
  let stopServices: (() => Promise<void>) | undefined;
  let app: AppServer | undefined;
  let browser: Browser | undefined;
  try {
    say("starting PostgreSQL and the S3 servers…");
    const started = await startServices();
    stopServices = started.stop;
    const { services } = started;
    const databaseUrl = await createTestDatabase(services, "screenshots");

    allowServerOnlyImports();
    const { fillDemoBucket } = await import("@/lib/boot/demo");
    const { s3ClientFor } = await import("@/lib/dev/s3");
    const s3 = s3ClientFor(services.s3);
    try {
      await fillDemoBucket(s3, BUCKET);
      // Chromium draws a row of boxes for a name whose script no installed font covers (Japanese,
      // on a machine with Debian's default fonts): the pictures leave that sample file out.
      await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: "日本語.txt" }));
    } finally {
      s3.destroy();
    }

    say("starting the production app (npm start; builds first if the sources changed)…");
    app = await startApp({
      DATABASE_URL: databaseUrl,
      AUTH_SECRET: services.authSecret,
      ENCRYPTION_KEY: services.encryptionKey,
      DATA_DIR: dataDir,
      LOG_LEVEL: "warn",
      PUBLIC_URL,
      OWNER_NAME: OWNER.name,
      OWNER_EMAIL: OWNER.email,
      OWNER_PASSWORD: OWNER.password,
      S3_ENDPOINT: services.s3.endpoint,
      S3_REGION: services.s3.region,
      S3_ACCESS_KEY_ID: services.s3.accessKeyId,
      S3_SECRET_ACCESS_KEY: services.s3.secretAccessKey,
      S3_FORCE_PATH_STYLE: "true",
      S3_CONNECTION_NAME: CONNECTION_NAME,
      S3_BUCKETS: "",
    });
    const base = app.url;
    browser = await chromium.launch(launchOptions());

    // Some history first, as an owner would leave it: a few links, one of them opened by its recipient.
    const setup = await browser.newPage({ viewport: WIDTHS.desktop });
    await signIn(setup, base);
    await setup.goto(`${base}/buckets`);
    await setup.getByRole("link", { name: BUCKET, exact: true }).first().click();
    await setup.getByRole("button", { name: "Quick Share résumé.pdf" }).waitFor();
    const bucketPath = new URL(setup.url()).pathname;
    await shareDirect(setup, base, `${bucketPath}/docs/reports`, "2025-q1.pdf");
    await shareManaged(setup, base, `${bucketPath}/docs/reports`, "2025-q2.pdf", { expiry: "90 days", note: "for the board" });
    await shareManaged(setup, base, bucketPath, "notes.md", { expiry: "1 day" });
    await revokeNewest(setup, base, "notes.md");
    const recipientLink = await shareManaged(setup, base, `${bucketPath}/photos/2025/summer`, "sunset.png", { note: "holiday pictures for Sam" });
    const recipientPath = new URL(recipientLink.url).pathname;
    // A one-time link: its page offers no preview that would hand over the file, and Download is a button (POST).
    const oneTimeLink = await shareManaged(setup, base, `${bucketPath}/photos/2025/summer`, "sunset.png", { limit: "1", expiry: "30 days" });
    const oneTimePath = new URL(oneTimeLink.url).pathname;
    const visitor = await browser.newPage({ viewport: WIDTHS.desktop });
    await visitor.goto(`${base}${recipientPath}`);
    await visitor.close();
    await setup.goto(`${base}/links`);
    await setup
      .getByRole("link", { name: /details of the link to photos\/2025\/summer\/sunset\.png/ })
      .first()
      .click();
    await setup.getByRole("heading", { name: "Link details", level: 1 }).waitFor();
    const detailsPath = new URL(setup.url()).pathname;
    await checkNow(setup, "Checked: OK.");
    // A link whose file was deleted since: "Check now" marks it Missing (the history's banner and Health column).
    await shareManaged(setup, base, `${bucketPath}/docs/reports`, "summary.csv", { note: "numbers for finance" });
    const deleting = s3ClientFor(services.s3);
    await deleting.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: "docs/reports/summary.csv" }));
    deleting.destroy();
    await setup.goto(`${base}/links`);
    await setup.getByRole("link", { name: /details of the link to docs\/reports\/summary\.csv/ }).click();
    await setup.getByRole("heading", { name: "Link details", level: 1 }).waitFor();
    await checkNow(setup, "Checked: Missing.");

    // An upload request into a Ceph RGW bucket whose CORS lets the app's pages PUT there.
    const ceph = services.storages.find((storage) => storage.name === "ceph");
    if (!ceph) throw new Error("the test services list no Ceph RGW server");
    const cephS3 = s3ClientFor(ceph);
    try {
      await cephS3.send(new CreateBucketCommand({ Bucket: REQUEST_BUCKET }));
      await cephS3.send(
        new PutBucketCorsCommand({
          Bucket: REQUEST_BUCKET,
          CORSConfiguration: {
            CORSRules: [
              {
                AllowedOrigins: [new URL(base).origin, PUBLIC_URL],
                AllowedMethods: ["PUT", "GET", "HEAD"],
                AllowedHeaders: ["*"],
                ExposeHeaders: ["ETag"],
                MaxAgeSeconds: 3600,
              },
            ],
          },
        }),
      );
    } finally {
      cephS3.destroy();
    }
    await addConnection(setup, base, REQUEST_CONNECTION, ceph);
    await setup.goto(`${base}/buckets`);
    await setup.getByRole("link", { name: REQUEST_BUCKET, exact: true }).first().click();
    await setup.getByRole("heading", { name: REQUEST_BUCKET, level: 1 }).waitFor();
    const requestBucketPath = new URL(setup.url()).pathname;
    const requestDialog = await fillRequestFiles(setup, base, requestBucketPath);
    await requestDialog.getByRole("button", { name: "Create request" }).click();
    const uploadPath = new URL(await requestDialog.getByLabel("Upload link").inputValue()).pathname;
    await setup.close();

    mkdirSync(OUT_DIR, { recursive: true });
    let uploaded = 0;
    for (const theme of THEMES) {
      for (const width of Object.keys(WIDTHS) as (keyof typeof WIDTHS)[]) {
        const context: BrowserContext = await browser.newContext({ viewport: WIDTHS[width], colorScheme: theme, deviceScaleFactor: 1 });
        const page = await context.newPage();
        await page.goto(`${base}/sign-in`);
        await page.getByRole("button", { name: "Sign in" }).waitFor();
        await capture(page, "sign-in", width, theme);

        await signIn(page, base);
        await page.goto(`${base}${bucketPath}`);
        await page.getByRole("button", { name: "Quick Share résumé.pdf" }).waitFor();
        await capture(page, "bucket-browser", width, theme);

        const { dialog } = await shareManaged(page, base, bucketPath, "résumé.pdf", { limit: "1", expiry: "30 days" });
        await capture(page, "quick-share", width, theme);
        await dialog.getByRole("button", { name: "Done" }).click();
        // Each width and theme makes this link again: only one of them stays in the history.
        await deleteNewest(page, base, "résumé.pdf");

        await page.goto(`${base}/links`);
        await page.getByRole("heading", { name: "Links", level: 1 }).waitFor();
        await capture(page, "link-history", width, theme);

        await page.goto(`${base}${detailsPath}`);
        await page.getByRole("region", { name: "Access log" }).waitFor();
        await capture(page, "link-details", width, theme);

        const recipient = await context.browser()!.newContext({ viewport: WIDTHS[width], colorScheme: theme, deviceScaleFactor: 1 });
        const recipientPage = await recipient.newPage();
        await recipientPage.goto(`${base}${recipientPath}`);
        await recipientPage.getByRole("heading", { name: "sunset.png", level: 1 }).waitFor();
        await capture(recipientPage, "recipient", width, theme);
        await recipientPage.goto(`${base}${oneTimePath}`);
        await recipientPage.getByRole("button", { name: "Download" }).waitFor();
        await capture(recipientPage, "recipient-one-time", width, theme);
        await recipient.close();

        await page.goto(`${base}/settings/connections`);
        await page.getByRole("heading", { name: "Connections", level: 2 }).waitFor();
        await capture(page, "settings", width, theme);

        await page.goto(`${base}/settings/notifications`);
        await page.getByRole("heading", { name: "Notifications", level: 2 }).waitFor();
        await capture(page, "notifications", width, theme);

        await page.goto(`${base}/settings/background-jobs`);
        await page.getByRole("heading", { name: "Background jobs", level: 2 }).waitFor();
        await capture(page, "background-jobs", width, theme);

        await page.goto(`${base}/settings/appearance`);
        await page.getByRole("heading", { name: "Appearance", level: 2 }).waitFor();
        await capture(page, "appearance", width, theme);

        await page.goto(`${base}/settings/members`);
        await page.getByRole("heading", { name: "Members", level: 2 }).waitFor();
        await capture(page, "members", width, theme);

        await page.goto(`${base}/audit`);
        await page.getByRole("heading", { name: "Audit log", level: 1 }).waitFor();
        await capture(page, "audit-log", width, theme);

        const requestDialog = await fillRequestFiles(page, base, requestBucketPath);
        // Its top (the title and where files land) in the picture, not the last field filled.
        await requestDialog.evaluate((element) => {
          for (const node of [element, ...element.querySelectorAll("*")]) node.scrollTop = 0;
        });
        await capture(page, "request-files", width, theme);
        await context.close();

        // The upload page, as someone with only the link sees it: the password, the files ready, Done.
        const uploader = await browser.newContext({ viewport: WIDTHS[width], colorScheme: theme, deviceScaleFactor: 1 });
        const uploadPage = await uploader.newPage();
        await uploadPage.goto(`${base}${uploadPath}`);
        await uploadPage.getByRole("button", { name: "Unlock" }).waitFor();
        await capture(uploadPage, "upload-password", width, theme);
        await uploadPage.getByLabel("Password").fill(REQUEST_PASSWORD);
        await uploadPage.getByRole("button", { name: "Unlock" }).click();
        const chooser = uploadPage.waitForEvent("filechooser");
        await uploadPage.getByRole("button", { name: "Add files" }).click();
        await (await chooser).setFiles([
          { name: "IMG_2041.CR3", mimeType: "application/octet-stream", buffer: Buffer.alloc(2_400_000, 7) },
          { name: "IMG_2042.CR3", mimeType: "application/octet-stream", buffer: Buffer.alloc(2_300_000, 9) },
          { name: "shot list.txt", mimeType: "text/plain", buffer: Buffer.from("1. wide\n2. close\n") },
        ]);
        // Another uploader each time (a folder per uploader): no "(1)" from the same names sent again.
        await uploadPage.getByLabel("Your name").fill(UPLOADERS[uploaded++ % UPLOADERS.length]!);
        await uploadPage.getByRole("listitem").filter({ hasText: "shot list.txt" }).waitFor();
        await capture(uploadPage, "upload-list", width, theme);
        await uploadPage.getByRole("button", { name: "Upload", exact: true }).click();
        await uploadPage.getByRole("heading", { name: "Done" }).waitFor({ timeout: 60_000 });
        await capture(uploadPage, "upload-done", width, theme);
        await uploader.close();
      }
    }
    say(`${SCREENS.length * THEMES.length * Object.keys(WIDTHS).length} pictures in ${OUT_DIR}`);
  } catch (error) {
    if (app && error instanceof Error) error.message += `\n--- app output (last 2,000 characters) ---\n${app.output().slice(-2_000)}`;
    throw error;
  } finally {
    await browser?.close().catch(() => undefined);
    await app?.stop().catch(() => undefined);
    await stopServices?.().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`screenshots: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
