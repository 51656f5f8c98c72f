import { randomBytes } from "node:crypto";
import pg from "pg";
import { newRecordId } from "../../lib/crypto";
import { pdf, png } from "../../lib/dev/sample-files";
import { generateLinkToken, hashLinkToken } from "../../lib/links/token";
import { seal } from "../../lib/storage/sealed";
import { hashPassword } from "../../lib/auth/password";
import { expectNoA11yViolations } from "../support/a11y";
import { expect, test, type Storage } from "../support/fixtures";

// What recipients of a managed link see, in Chromium against the production server: every state of the
// page (file, password, refusals), light and dark, on a desktop and a phone-sized viewport, with the
// axe-core audit. Links are written straight into the database the way issuing stores them.
test.describe.configure({ mode: "serial" });

const BUCKET = "e2e-recipient";
const PHOTO = png(48, 32, (x) => [20 + x * 4, 90, 160]);
const REPORT = randomBytes(5_000);

type Seed = { storage: Storage; client: pg.Client; ownerId: string; connectionId: string };
type LinkOptions = {
  key: string;
  fileName: string;
  contentType: string;
  size: number;
  limit?: number;
  password?: string;
  networks?: string[];
  revoked?: boolean;
  expired?: boolean;
  /** "Open in browser" (inline) or "Download" (attachment, the default here). */
  disposition?: "inline" | "attachment";
};

async function createLink(seed: Seed, options: LinkOptions): Promise<string> {
  const token = generateLinkToken();
  const id = newRecordId();
  const expiresAt = options.expired ? new Date(Date.now() - 60_000) : new Date(Date.now() + 3 * 86_400_000);
  await seed.client.query(
    `INSERT INTO share_links (id, kind, owner_id, connection_id, connection_name, bucket, key, object_size, object_etag, object_content_type,
       requested_expires_at, expires_at, expires_soon_at, disposition, file_name, url_enc, token_hash, download_limit, password_hash,
       allowed_networks, revoked_at, pinned)
     VALUES ($1, 'managed', $2, $3, 'Recipient storage', $4, $5, $6, NULL, $7, $8, $8, $8, $16, $9, $10, $11, $12, $13, $14, $15, false)`,
    [
      id,
      seed.ownerId,
      seed.connectionId,
      BUCKET,
      options.key,
      options.size,
      options.contentType,
      expiresAt,
      options.fileName,
      seal("shareUrl", id, `/s/${token}`, Buffer.from(seed.storage.services.encryptionKey, "base64")),
      hashLinkToken(token),
      options.limit ?? null,
      options.password ? await hashPassword(options.password) : null,
      options.networks ?? [],
      options.revoked ? new Date() : null,
      options.disposition ?? "attachment",
    ],
  );
  return token;
}

let seed: Seed;

test.beforeAll(async () => {
  const { servicesFromEnvironment } = await import("../support/services");
  const { s3ClientFor } = await import("../../lib/dev/s3");
  const { CreateBucketCommand, PutObjectCommand } = await import("@aws-sdk/client-s3");
  const services = servicesFromEnvironment()!;
  const s3 = s3ClientFor(services.s3);
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET })).catch(() => undefined);
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "in/photo.png", Body: PHOTO, ContentType: "image/png" }));
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "in/notes.txt", Body: "Line one\nLine two\n", ContentType: "text/plain" }));
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "in/brief.pdf", Body: pdf("Brief", ["Hello"]), ContentType: "application/pdf" }));
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "in/report.bin", Body: REPORT, ContentType: "application/octet-stream" }));
  const client = new pg.Client({ connectionString: process.env.E2E_DATABASE_URL });
  await client.connect();
  const ownerId = newRecordId();
  const connectionId = newRecordId();
  await client.query(`INSERT INTO users (id, name, email, password_hash, updated_at) VALUES ($1, 'Sam Sharer', $2, 'not-a-hash', now())`, [
    ownerId,
    `sam-${randomBytes(4).toString("hex")}@example.com`,
  ]);
  await client.query(
    `INSERT INTO storage_connections (id, owner_id, name, provider, endpoint, region, force_path_style, access_key_id, secret_access_key_enc, updated_at)
     VALUES ($1, $2, 'Recipient storage', 'custom', $3, $4, true, $5, $6, now())`,
    [
      connectionId,
      ownerId,
      services.s3.endpoint,
      services.s3.region,
      services.s3.accessKeyId,
      seal("secretAccessKey", connectionId, services.s3.secretAccessKey, Buffer.from(services.encryptionKey, "base64")),
    ],
  );
  seed = { storage: { services } as Storage, client, ownerId, connectionId };
  s3.destroy();
});

test.afterAll(async () => {
  await seed?.client.query("DELETE FROM users WHERE id = $1", [seed.ownerId]);
  await seed?.client.end();
});

const PHONE = { width: 390, height: 844 };

test("a recipient sees the file with its preview, downloads it once with the button, and is told the limit is reached", async ({ page }) => {
  // Without a download limit the image is previewed (a preview is never counted).
  const open = await createLink(seed, { key: "in/photo.png", fileName: "Holiday photo.png", contentType: "image/png", size: PHOTO.length });
  const response = await page.goto(`/s/${open}`);
  expect(response?.status()).toBe(200);
  expect(response?.headers()["cache-control"]).toBe("no-store");
  expect(response?.headers()["referrer-policy"]).toBe("no-referrer");
  await expect(page.getByRole("heading", { name: "Holiday photo.png", level: 1 })).toBeVisible();
  await expect(page.getByText("Shared by Sam Sharer")).toBeVisible();
  const preview = page.getByRole("img", { name: "Preview of Holiday photo.png" });
  await expect(preview).toBeVisible();
  // The image really loaded (the CSP lets the preview's redirect to storage through).
  await expect.poll(() => preview.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(48);
  await expectNoA11yViolations(page, "recipient page with an image preview");
  await page.setViewportSize(PHONE);
  await expectNoA11yViolations(page, "recipient page on a phone");
  await page.setViewportSize({ width: 1280, height: 720 });

  // A one-time link previews nothing (the preview would be the whole file, uncounted); Download is a button.
  const token = await createLink(seed, { key: "in/photo.png", fileName: "Holiday photo.png", contentType: "image/png", size: PHOTO.length, limit: 1 });
  await page.goto(`/s/${token}`);
  await expect(page.getByText("Download to view.")).toBeVisible();
  await expect(page.getByRole("img")).toHaveCount(0);
  await expect(page.getByRole("link", { name: "Download" })).toHaveCount(0);
  await expectNoA11yViolations(page, "recipient page of a one-time link");
  // A mail scanner following the download address uses nothing up: it gets the button too.
  const scanned = await page.request.get(`/s/${token}/download`, { maxRedirects: 0 });
  expect(scanned.status()).toBe(200);
  expect(await scanned.text()).toContain('<button class="button" type="submit">Download</button>');

  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download" }).click()]);
  expect(download.suggestedFilename()).toBe("Holiday photo.png");
  const bytes = await new Promise<Buffer>((resolve, reject) => {
    void download.createReadStream().then((stream) => {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => resolve(Buffer.concat(chunks)));
      stream.on("error", reject);
    }, reject);
  });
  expect(bytes.equals(PHOTO)).toBe(true);

  // lib/boot/server.ts answers the download route before Next's router, with the same page; a
  // request it does not know (here a query string) still goes through Next.
  const direct = await page.request.get(`/s/${token}/download`, { maxRedirects: 0 });
  const throughNext = await page.request.get(`/s/${token}/download?via=next`, { maxRedirects: 0 });
  expect([direct.status(), direct.headers()["x-bucketshare-path"]]).toEqual([410, "direct"]);
  expect([throughNext.status(), throughNext.headers()["x-bucketshare-path"]]).toEqual([410, undefined]);
  expect(await direct.text()).toBe(await throughNext.text());

  const again = await page.goto(`/s/${token}`);
  expect(again?.status()).toBe(410);
  await expect(page.getByRole("heading", { name: "Download limit reached", level: 1 })).toBeVisible();
  await expectNoA11yViolations(page, "download limit reached");
});

async function bytesOf(download: import("@playwright/test").Download): Promise<Buffer> {
  const stream = await download.createReadStream();
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const INLINE_PHOTO = { key: "in/photo.png", fileName: "Holiday photo.png", contentType: "image/png", size: PHOTO.length, disposition: "inline" } as const;

test('on an "Open in browser" link, Download saves the file and the page stays; Open shows it', async ({ page }) => {
  const photo = INLINE_PHOTO;
  const token = await createLink(seed, photo);
  await page.goto(`/s/${token}`);
  await expect(page.getByRole("img", { name: "Preview of Holiday photo.png" })).toBeVisible();
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download" }).click()]);
  expect(download.suggestedFilename()).toBe("Holiday photo.png");
  expect((await bytesOf(download)).equals(PHOTO)).toBe(true);
  expect(page.url()).toMatch(new RegExp(`/s/${token}$`));
  await expect(page.getByRole("heading", { name: "Holiday photo.png", level: 1 })).toBeVisible();
  await expect(page.getByRole("link", { name: "Open", exact: true })).toHaveAttribute("href", `/s/${token}/download?open=1`);
  await expectNoA11yViolations(page, "recipient page with Download and Open");

  // Open is answered before Next too, and shows the image inline.
  const opened = await page.request.get(`/s/${token}/download?open=1`, { maxRedirects: 0 });
  expect([opened.status(), opened.headers()["x-bucketshare-path"]]).toEqual([302, "direct"]);
  const target = new URL(opened.headers().location!);
  expect(target.searchParams.get("response-content-disposition")).toBe('inline; filename="Holiday photo.png"');
  expect(target.searchParams.get("response-content-type")).toBe("image/png");
});

test('a one-time "Open in browser" link viewed on its page still downloads once', async ({ page }) => {
  // Looking at its page (twice) uses nothing up; Download saves it once.
  const once = await createLink(seed, { ...INLINE_PHOTO, limit: 1 });
  await page.goto(`/s/${once}`);
  await page.reload();
  await expect(page.getByText("Download to view.")).toBeVisible();
  const [saved] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download" }).click()]);
  expect(saved.suggestedFilename()).toBe("Holiday photo.png");
  expect((await bytesOf(saved)).equals(PHOTO)).toBe(true);
  await expect(page.getByRole("heading", { name: "Holiday photo.png", level: 1 })).toBeVisible();
  // Open there is a button that counts like Download (the link is spent now).
  await expect(page.getByRole("button", { name: "Open", exact: true })).toBeVisible();
  const after = await page.goto(`/s/${once}`);
  expect(after?.status()).toBe(410);
});

test("text and PDF previews", async ({ page }) => {
  const notes = await createLink(seed, { key: "in/notes.txt", fileName: "notes.txt", contentType: "text/plain", size: 18 });
  await page.goto(`/s/${notes}`);
  await expect(page.getByRole("heading", { name: "notes.txt", level: 1 })).toBeVisible();
  await expect(page.getByLabel("Text of notes.txt")).toContainText("Line two");
  await expectNoA11yViolations(page, "recipient page with a text preview");

  const brief = await createLink(seed, { key: "in/brief.pdf", fileName: "brief.pdf", contentType: "application/pdf", size: 600 });
  await page.goto(`/s/${brief}`);
  await expect(page.getByRole("link", { name: "Open the PDF preview" })).toHaveAttribute("href", `/s/${brief}/preview`);
  await expectNoA11yViolations(page, "recipient page with a PDF preview link");
});

test("a protected link asks for the password, explains mistakes, and unlocks", async ({ page }) => {
  const token = await createLink(seed, {
    key: "in/report.bin",
    fileName: "report.bin",
    contentType: "application/octet-stream",
    size: REPORT.length,
    password: "open sesame 42",
  });
  const response = await page.goto(`/s/${token}`);
  expect(response?.status()).toBe(401);
  await expect(page.getByRole("heading", { name: "This file is protected", level: 1 })).toBeVisible();
  await expect(page.getByText("report.bin")).toHaveCount(0);
  await expectNoA11yViolations(page, "password page");
  await page.setViewportSize(PHONE);
  await expectNoA11yViolations(page, "password page on a phone");
  await page.setViewportSize({ width: 1280, height: 720 });

  await page.getByRole("button", { name: "Unlock" }).click();
  await expect(page.getByRole("alert")).toHaveText("Enter the password.");
  await expect(page.getByLabel("Password")).toHaveAttribute("aria-invalid", "true");
  await expectNoA11yViolations(page, "password page with an error");

  await page.getByLabel("Password").fill("not it");
  await page.getByRole("button", { name: "Unlock" }).click();
  await expect(page.getByRole("alert")).toHaveText("Wrong password. Check it and try again.");

  await page.getByLabel("Password").fill("open sesame 42");
  await page.getByRole("button", { name: "Unlock" }).click();
  await expect(page.getByRole("heading", { name: "report.bin", level: 1 })).toBeVisible();
  expect(page.url()).toMatch(new RegExp(`/s/${token}$`));
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download" }).click()]);
  expect(download.suggestedFilename()).toBe("report.bin");
});

test("refusals are plain pages with the right status", async ({ page }) => {
  const cases: [string, number, string][] = [
    [
      await createLink(seed, { key: "in/report.bin", fileName: "r.bin", contentType: "application/octet-stream", size: 1, revoked: true }),
      410,
      "This link was revoked",
    ],
    [
      await createLink(seed, { key: "in/report.bin", fileName: "r.bin", contentType: "application/octet-stream", size: 1, expired: true }),
      410,
      "This link has expired",
    ],
    [
      await createLink(seed, { key: "in/report.bin", fileName: "r.bin", contentType: "application/octet-stream", size: 1, networks: ["10.0.0.0/8"] }),
      403,
      "Not available from your network",
    ],
    [generateLinkToken(), 404, "Link not found"],
    ["not-a-token", 404, "Link not found"],
  ];
  for (const [token, status, heading] of cases) {
    const response = await page.goto(`/s/${token}`);
    expect(response?.status(), heading).toBe(status);
    await expect(page.getByRole("heading", { name: heading, level: 1 })).toBeVisible();
    await expectNoA11yViolations(page, heading);
  }
  await page.setViewportSize(PHONE);
  await page.goto(`/s/${cases[0]![0]}`);
  await expectNoA11yViolations(page, "revoked, on a phone");
});
