import { randomBytes } from "node:crypto";
import pg from "pg";
import { hashPassword } from "../../lib/auth/password";
import { newRecordId } from "../../lib/crypto";
import { pdf, png } from "../../lib/dev/sample-files";
import { generateLinkToken, hashLinkToken } from "../../lib/links/token";
import { seal } from "../../lib/storage/sealed";
import { expectNoA11yViolations } from "../support/a11y";
import { expect, test } from "../support/fixtures";

// Recipient pages follow the browser's language (Accept-Language): French and German here, English for the
// rest; types in words, sizes and dates in the language, layouts that hold on a 360 px phone, light and dark.
// Links are written straight into the database the way issuing stores them.
test.describe.configure({ mode: "serial" });

const BUCKET = "e2e-recipient-languages";
const PHOTO = png(40, 30, (x) => [200, 60 + x * 3, 90]);
const BRIEF = pdf("Brief", ["Bonjour"]);
const NOTES = "Erste Zeile\nZweite Zeile\n";
const BIG = randomBytes(1_572_864); // 1.5 MB: "1,5 Mo", "1,5 MB"
const PHONE = { width: 360, height: 780 };
const DESKTOP = { width: 1280, height: 800 };
const SHOTS = process.env.RECIPIENT_SCREENSHOTS;

type Seed = { client: pg.Client; ownerId: string; connectionId: string; encryptionKey: Buffer };
let seed: Seed;

const ROW = `INSERT INTO share_links (id, kind, target, owner_id, connection_id, connection_name, bucket, key, object_size, object_etag, object_content_type,
   requested_expires_at, expires_at, expires_soon_at, disposition, file_name, title, file_count, url_enc, token_hash, allowed_networks, pinned,
   password_hash)
 VALUES ($1, 'managed', $2, $3, $4, 'Storage', $5, $6, $7, NULL, $8, $9, $9, $9, $15, $10, $11, $12, $13, $14, '{}', false, $16)`;

/** A link expiring in 3 days (plus a minute: "in 3 days" whenever the page is read). */
async function createLink(options: {
  target: "object" | "files";
  key: string;
  name: string;
  size: number;
  contentType?: string;
  files?: { path: string; size: number; contentType: string }[];
  disposition?: "inline" | "attachment";
  password?: string;
}): Promise<string> {
  const token = generateLinkToken();
  const id = newRecordId();
  const expiresAt = new Date(Date.now() + 3 * 86_400_000 + 60_000);
  await seed.client.query(ROW, [
    id,
    options.target,
    seed.ownerId,
    seed.connectionId,
    BUCKET,
    options.key,
    options.size,
    options.contentType ?? null,
    expiresAt,
    options.name,
    options.target === "files" ? options.name : null,
    options.files?.length ?? null,
    seal("shareUrl", id, `/s/${token}`, seed.encryptionKey),
    hashLinkToken(token),
    options.disposition ?? "attachment",
    options.password ? await hashPassword(options.password) : null,
  ]);
  for (const file of options.files ?? []) {
    await seed.client.query("INSERT INTO share_link_files (link_id, path, key, size, etag, version_id, content_type) VALUES ($1, $2, $3, $4, NULL, NULL, $5)", [
      id,
      file.path,
      options.key + file.path,
      file.size,
      file.contentType,
    ]);
  }
  return token;
}

test.beforeAll(async () => {
  const { servicesFromEnvironment } = await import("../support/services");
  const { s3ClientFor } = await import("../../lib/dev/s3");
  const { CreateBucketCommand, PutObjectCommand } = await import("@aws-sdk/client-s3");
  const services = servicesFromEnvironment()!;
  const s3 = s3ClientFor(services.s3);
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET })).catch(() => undefined);
  const put = (Key: string, Body: Uint8Array | string, ContentType: string) => s3.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body, ContentType }));
  await put("one/Rapport annuel 2026 – version finale (signée).pdf", BRIEF, "application/pdf");
  await put("set/photos/plage.png", PHOTO, "image/png");
  await put("set/notes.txt", NOTES, "text/plain; charset=utf-8");
  await put("set/Quarterly_financial_statement_Q3_2026_consolidated_final_v12.xlsx", BIG, "application/octet-stream");
  await put("set/archive.zip", BIG, "application/zip");
  s3.destroy();
  const client = new pg.Client({ connectionString: process.env.E2E_DATABASE_URL });
  await client.connect();
  const ownerId = newRecordId();
  const connectionId = newRecordId();
  const encryptionKey = Buffer.from(services.encryptionKey, "base64");
  await client.query(`INSERT INTO users (id, name, email, password_hash, updated_at) VALUES ($1, 'Léa Dubois', $2, 'not-a-hash', now())`, [
    ownerId,
    `lea-${randomBytes(4).toString("hex")}@example.com`,
  ]);
  await client.query(
    `INSERT INTO storage_connections (id, owner_id, name, provider, endpoint, region, force_path_style, access_key_id, secret_access_key_enc, updated_at)
     VALUES ($1, $2, 'Storage', 'custom', $3, $4, true, $5, $6, now())`,
    [
      connectionId,
      ownerId,
      services.s3.endpoint,
      services.s3.region,
      services.s3.accessKeyId,
      seal("secretAccessKey", connectionId, services.s3.secretAccessKey, encryptionKey),
    ],
  );
  seed = { client, ownerId, connectionId, encryptionKey };
});

test.afterAll(async () => {
  await seed?.client.query("DELETE FROM users WHERE id = $1", [seed.ownerId]);
  await seed?.client.end();
});

const FILE_NAME = "Rapport annuel 2026 – version finale (signée).pdf";
const fileLink = (options: { disposition?: "inline" | "attachment"; password?: string } = {}) =>
  createLink({ target: "object", key: `one/${FILE_NAME}`, name: FILE_NAME, size: BRIEF.length, contentType: "application/pdf", ...options });
const filesLink = () =>
  createLink({
    target: "files",
    key: "set/",
    name: "Dossier client",
    size: PHOTO.length + NOTES.length + 2 * BIG.length,
    files: [
      { path: "archive.zip", size: BIG.length, contentType: "application/zip" },
      { path: "notes.txt", size: NOTES.length, contentType: "text/plain; charset=utf-8" },
      { path: "photos/plage.png", size: PHOTO.length, contentType: "image/png" },
      { path: "Quarterly_financial_statement_Q3_2026_consolidated_final_v12.xlsx", size: BIG.length, contentType: "application/octet-stream" },
    ],
  });

/** Phone and desktop, light and dark: axe, no sideways scrolling, and (with RECIPIENT_SCREENSHOTS=dir) a picture each. */
async function checkLayouts(page: import("@playwright/test").Page, label: string) {
  for (const [size, viewport] of [
    ["desktop", DESKTOP],
    ["phone", PHONE],
  ] as const) {
    await page.setViewportSize(viewport);
    await expectNoA11yViolations(page, `${label} (${size})`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, `${label} (${size}) scrolls sideways`).toBeLessThanOrEqual(0);
    if (SHOTS) {
      for (const colorScheme of ["light", "dark"] as const) {
        await page.emulateMedia({ colorScheme });
        await page.screenshot({ path: `${SHOTS}/${label.replace(/\W+/g, "-")}-${size}-${colorScheme}.png`, fullPage: true });
      }
      await page.emulateMedia({ colorScheme: "light" });
    }
  }
  await page.setViewportSize(DESKTOP);
}

test.describe("in French", () => {
  test.use({ locale: "fr-FR", extraHTTPHeaders: { "Accept-Language": "fr-CA,fr;q=0.9,en;q=0.5" } });

  test("the file page: type, size, date and buttons in French", async ({ page }) => {
    const response = await page.goto(`/s/${await fileLink()}`);
    expect(response?.status()).toBe(200);
    expect(response?.headers().vary).toMatch(/Accept-Language/i);
    expect(await page.locator("html").getAttribute("lang")).toBe("fr");
    await expect(page.getByRole("heading", { name: FILE_NAME, level: 1 })).toBeVisible();
    await expect(page.getByText("Partagé par Léa Dubois")).toBeVisible();
    await expect(page.getByRole("definition").filter({ hasText: "Document PDF" })).toBeVisible();
    await expect(page.getByRole("definition").filter({ hasText: /dans 3 jours/ })).toBeVisible();
    await expect(page.getByRole("definition").filter({ hasText: /\d{1,2} déc\. 2026.* UTC/ })).toBeVisible();
    await expect(page.getByRole("link", { name: "Télécharger", exact: true })).toBeVisible();
    await expect(page.getByRole("link", { name: "Ouvrir l’aperçu du PDF" })).toBeVisible();
    await expect(page.getByText("Partagé avec Bucketshare")).toBeVisible();
    await checkLayouts(page, "fr file page");
  });

  test("the multi-file page: Tout télécharger, the ZIP note, types and sizes in French, stacked rows on a phone", async ({ page }) => {
    await page.goto(`/s/${await filesLink()}`);
    expect(await page.locator("html").getAttribute("lang")).toBe("fr");
    await expect(page.getByRole("heading", { name: "Dossier client", level: 1 })).toBeVisible();
    await expect(page.getByRole("link", { name: "Tout télécharger" })).toBeVisible();
    await expect(page.getByText("Télécharge tous les fichiers en un seul ZIP.")).toBeVisible();
    const notes = page.getByRole("row", { name: /notes\.txt/ });
    await expect(notes.getByText("Fichier texte")).toBeVisible();
    await expect(page.getByRole("row", { name: /archive\.zip/ }).getByText("Archive ZIP")).toBeVisible();
    await expect(page.getByRole("row", { name: /archive\.zip/ }).getByText("1,5 Mo")).toBeVisible();
    await expect(page.getByRole("row", { name: /Quarterly/ }).getByText("Classeur Excel")).toBeVisible();
    await expect(page.getByRole("link", { name: "Télécharger notes.txt" })).toBeVisible();
    await expect(page.getByText("text/plain")).toHaveCount(0);
    await checkLayouts(page, "fr files page");
    // On a phone the rows stack: the name, then its type and size, then the actions, all inside 360 px.
    await page.setViewportSize(PHONE);
    const name = await notes.getByRole("rowheader").boundingBox();
    const download = await notes.getByRole("link", { name: "Télécharger notes.txt" }).boundingBox();
    expect(download!.y).toBeGreaterThan(name!.y + name!.height - 1);
    expect(download!.x + download!.width).toBeLessThanOrEqual(PHONE.width);
  });

  test("the password page and its mistakes in French", async ({ page }) => {
    const response = await page.goto(`/s/${await fileLink({ password: "cheval correct" })}`);
    expect(response?.status()).toBe(401);
    await expect(page.getByRole("heading", { name: "Ce fichier est protégé", level: 1 })).toBeVisible();
    await page.getByRole("button", { name: "Déverrouiller" }).click();
    await expect(page.getByRole("alert")).toHaveText("Saisissez le mot de passe.");
    await page.getByLabel("Mot de passe").fill("cheval faux");
    await page.getByRole("button", { name: "Déverrouiller" }).click();
    await expect(page.getByRole("alert")).toHaveText("Mot de passe incorrect. Vérifiez-le et réessayez.");
    await checkLayouts(page, "fr password page");
    await page.getByLabel("Mot de passe").fill("cheval correct");
    await page.getByRole("button", { name: "Déverrouiller" }).click();
    await expect(page.getByRole("link", { name: "Télécharger", exact: true })).toBeVisible();
  });

  test("refusals in French", async ({ page }) => {
    const response = await page.goto(`/s/${generateLinkToken()}`);
    expect(response?.status()).toBe(404);
    await expect(page.getByRole("heading", { name: "Lien introuvable", level: 1 })).toBeVisible();
    expect(await page.locator("html").getAttribute("lang")).toBe("fr");
    await expectNoA11yViolations(page, "fr unknown link");
  });
});

test.describe("in German", () => {
  test.use({ locale: "de-DE", extraHTTPHeaders: { "Accept-Language": "de-DE,de;q=0.9,en;q=0.8" } });

  test("the file page and the multi-file page in German", async ({ page }) => {
    await page.goto(`/s/${await fileLink({ disposition: "inline" })}`);
    expect(await page.locator("html").getAttribute("lang")).toBe("de");
    await expect(page.getByRole("link", { name: "Herunterladen", exact: true })).toBeVisible();
    await expect(page.getByRole("link", { name: "Öffnen", exact: true })).toBeVisible();
    await expect(page.getByRole("definition").filter({ hasText: "PDF-Dokument" })).toBeVisible();
    await expect(page.getByRole("definition").filter({ hasText: /in 3 Tagen/ })).toBeVisible();
    await expect(page.getByRole("definition").filter({ hasText: /\d{1,2}\. Dez\. 2026.* UTC/ })).toBeVisible();
    await checkLayouts(page, "de file page");

    await page.goto(`/s/${await filesLink()}`);
    expect(await page.locator("html").getAttribute("lang")).toBe("de");
    await expect(page.getByRole("link", { name: "Alle herunterladen" })).toBeVisible();
    await expect(page.getByRole("row", { name: /archive\.zip/ }).getByText("1,5 MB")).toBeVisible();
    await expect(page.getByRole("row", { name: /plage|photos/ }).getByText("Ordner")).toBeVisible();
    await expect(page.getByRole("link", { name: "Herunterladen notes.txt" })).toBeVisible();
    await checkLayouts(page, "de files page");
  });
});

test.describe("in a language not translated", () => {
  test.use({ locale: "ja-JP", extraHTTPHeaders: { "Accept-Language": "ja,zh;q=0.8" } });

  test("English, with the contract names", async ({ page }) => {
    await page.goto(`/s/${await filesLink()}`);
    expect(await page.locator("html").getAttribute("lang")).toBe("en");
    await expect(page.getByRole("link", { name: "Download all" })).toBeVisible();
    await expect(page.getByText("Downloads all files as one ZIP.")).toBeVisible();
    await expect(page.getByRole("row", { name: /notes\.txt/ }).getByText("Text file")).toBeVisible();
    await checkLayouts(page, "en files page");
  });
});
