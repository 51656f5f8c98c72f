import type { Browser, Page, PageAssertionsToHaveScreenshotOptions } from "@playwright/test";
import pg from "pg";
import { hashPassword } from "../../lib/auth/password";
import { newRecordId } from "../../lib/crypto";
import { pdf, png } from "../../lib/dev/sample-files";
import { generateLinkToken, hashLinkToken } from "../../lib/links/token";
import { seal } from "../../lib/storage/sealed";
import { expect, test } from "../support/fixtures";
import { servicesFromEnvironment, type TestServices } from "../support/services";

// A visual check of what recipients see (one file, several files) and of the owner's history, at desktop
// and phone size, light and dark: each page is compared with a committed picture
// (tests/visual/21-visual.spec.ts/, see docs/testing.md), so a layout that breaks is seen.
//
// Determinism is the point. Everything on these pages comes from fixed data written straight into the
// database (fixed names, sizes, notes and dates) for an account of this spec's own, so the history shows
// only these links whatever other specs ran before; what still depends on the moment (relative times
// such as "in 3,491 days") is rewritten to a fixed phrase and masked, and the browser runs in UTC, en-US,
// at a fixed clock, without animations or caret. Not serial: one picture that differs does not skip the others
// (after a failure Playwright starts a new worker, whose beforeAll writes the same data again).

const BUCKET = "e2e-visual";
const USER = { name: "Vera Visual", email: "vera-visual@example.com", password: "visual-check-passphrase" };
const CONNECTION = "Studio storage";
const SIZES = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } } as const;
const SCHEMES = ["light", "dark"] as const;
type Size = keyof typeof SIZES;
type Scheme = (typeof SCHEMES)[number];

/** What the browser's clock says (pages that work out "now" in the browser see this moment). */
const BROWSER_NOW = new Date("2026-12-01T12:00:00Z");
/** Far enough ahead that these links stay active whenever the suite runs. */
const FAR_EXPIRY = new Date("2036-06-30T12:00:00Z");
const at = (iso: string) => new Date(iso);

const HARBOUR = png(480, 270, (x, y) => [30 + Math.round(x / 4), 90 + Math.round(y / 6), 150 + Math.round((x + y) / 8)]);
const PIER = png(96, 64, (x, y) => [200 - x, 120 + Math.round(y / 2), 80]);
const FILES = {
  "projects/alder/brief.pdf": { body: pdf("Alder brief", ["Scope", "Timeline", "Budget"]), type: "application/pdf" },
  "projects/alder/budget.csv": { body: Buffer.from("item,cost\nframes,1200\nglass,800\nfittings,350\n"), type: "text/csv" },
  "projects/alder/minutes.txt": { body: Buffer.from("Site visit, 24 November.\nAgreed: north wall first.\n".repeat(20)), type: "text/plain" },
  "projects/alder/photos/harbour.png": { body: HARBOUR, type: "image/png" },
  "projects/alder/photos/pier.png": { body: PIER, type: "image/png" },
  "reports/2026-q3.pdf": { body: pdf("Quarterly report", ["Q3 2026"]), type: "application/pdf" },
  "notes.txt": { body: Buffer.from("A short note.\n"), type: "text/plain" },
} as const;
type Key = keyof typeof FILES;

type Seed = { client: pg.Client; services: TestServices; ownerId: string; connectionId: string; single: string; multi: string; storageState: string };
let seed: Seed;

type LinkRow = {
  kind: "managed" | "direct";
  key: string;
  fileName: string;
  size: number;
  contentType?: string;
  createdAt: Date;
  expiresAt: Date;
  note?: string;
  disposition?: "inline" | "attachment";
  revokedAt?: Date;
  downloads?: number;
  lastAccessAt?: Date;
  files?: Key[];
  title?: string;
};

/** One link as issuing stores it (and, for several files, its snapshot rows); returns the managed link's token. */
async function insertLink(client: pg.Client, services: TestServices, ownerId: string, connectionId: string, link: LinkRow): Promise<string> {
  const id = newRecordId();
  const token = generateLinkToken();
  const url = link.kind === "managed" ? `/s/${token}` : `${services.s3.endpoint}/${BUCKET}/${link.key}?X-Amz-Signature=visual`;
  await client.query(
    `INSERT INTO share_links (id, kind, owner_id, connection_id, connection_name, bucket, key, object_size, object_etag, object_content_type,
       requested_expires_at, expires_at, expires_soon_at, disposition, file_name, note, url_enc, token_hash, revoked_at, download_count,
       last_access_at, created_at, pinned, target, title, file_count, health_checked_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL, $9, $10, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, false, $21, $22, $23,
       -- Never due for a health check (the schedule runs in the app under test): the Health column says "Not checked yet".
       '9999-12-31')`,
    [
      id,
      link.kind,
      ownerId,
      connectionId,
      CONNECTION,
      BUCKET,
      link.key,
      link.size,
      link.contentType ?? null,
      link.expiresAt,
      new Date(link.expiresAt.getTime() - 86_400_000),
      link.disposition ?? "attachment",
      link.fileName,
      link.note ?? null,
      seal("shareUrl", id, url, Buffer.from(services.encryptionKey, "base64")),
      link.kind === "managed" ? hashLinkToken(token) : null,
      link.revokedAt ?? null,
      link.downloads ?? 0,
      link.lastAccessAt ?? null,
      link.createdAt,
      link.files ? "files" : "object",
      link.title ?? null,
      link.files?.length ?? null,
    ],
  );
  for (const key of link.files ?? []) {
    await client.query(`INSERT INTO share_link_files (link_id, path, key, size, content_type) VALUES ($1, $2, $3, $4, $5)`, [
      id,
      key.slice(link.key.length),
      key,
      FILES[key].body.length,
      FILES[key].type,
    ]);
  }
  return token;
}

test.beforeAll(async ({ browser, baseURL }) => {
  const services = servicesFromEnvironment();
  if (!services) throw new Error("test services are started by tests/support/e2e-global-setup.ts");
  const { s3ClientFor } = await import("../../lib/dev/s3");
  const { CreateBucketCommand, PutObjectCommand } = await import("@aws-sdk/client-s3");
  const s3 = s3ClientFor(services.s3);
  try {
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET })).catch(() => undefined);
    for (const [key, file] of Object.entries(FILES)) await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: file.body, ContentType: file.type }));
  } finally {
    s3.destroy();
  }

  const client = new pg.Client({ connectionString: process.env.E2E_DATABASE_URL });
  await client.connect();
  // An account of this spec's own: its history holds exactly the links below.
  await client.query("DELETE FROM users WHERE email = $1", [USER.email]);
  const ownerId = newRecordId();
  const connectionId = newRecordId();
  await client.query(`INSERT INTO users (id, name, email, password_hash, updated_at) VALUES ($1, $2, $3, $4, now())`, [
    ownerId,
    USER.name,
    USER.email,
    await hashPassword(USER.password),
  ]);
  await client.query(
    `INSERT INTO storage_connections (id, owner_id, name, provider, endpoint, region, force_path_style, access_key_id, secret_access_key_enc, updated_at)
     VALUES ($1, $2, $3, 'custom', $4, $5, true, $6, $7, now())`,
    [
      connectionId,
      ownerId,
      CONNECTION,
      services.s3.endpoint,
      services.s3.region,
      services.s3.accessKeyId,
      seal("secretAccessKey", connectionId, services.s3.secretAccessKey, Buffer.from(services.encryptionKey, "base64")),
    ],
  );
  const insert = (link: LinkRow) => insertLink(client, services, ownerId, connectionId, link);
  const size = (key: Key) => FILES[key].body.length;
  const albumFiles: Key[] = [
    "projects/alder/brief.pdf",
    "projects/alder/budget.csv",
    "projects/alder/minutes.txt",
    "projects/alder/photos/harbour.png",
    "projects/alder/photos/pier.png",
  ];
  // Oldest first; the history lists them newest first.
  await insert({
    kind: "direct",
    key: "reports/2026-q3.pdf",
    fileName: "2026-q3.pdf",
    size: size("reports/2026-q3.pdf"),
    contentType: "application/pdf",
    createdAt: at("2026-11-12T08:30:00Z"),
    expiresAt: at("2026-11-19T08:30:00Z"),
  });
  await insert({
    kind: "managed",
    key: "notes.txt",
    fileName: "notes.txt",
    size: size("notes.txt"),
    contentType: "text/plain",
    createdAt: at("2026-11-20T16:05:00Z"),
    expiresAt: FAR_EXPIRY,
    note: "draft, sent by mistake",
    revokedAt: at("2026-11-20T16:20:00Z"),
  });
  const multi = await insert({
    kind: "managed",
    key: "projects/alder/",
    fileName: "Project Alder",
    title: "Project Alder",
    size: albumFiles.reduce((sum, key) => sum + size(key), 0),
    files: albumFiles,
    createdAt: at("2026-11-24T10:00:00Z"),
    expiresAt: FAR_EXPIRY,
    note: "for the site meeting",
  });
  const single = await insert({
    kind: "managed",
    key: "projects/alder/photos/harbour.png",
    fileName: "harbour.png",
    size: size("projects/alder/photos/harbour.png"),
    contentType: "image/png",
    disposition: "inline",
    createdAt: at("2026-11-28T14:45:00Z"),
    expiresAt: FAR_EXPIRY,
    note: "the view from the north wall",
    downloads: 2,
    lastAccessAt: at("2026-11-29T09:10:00Z"),
  });

  // Signed in once; each picture's browser context starts from this state.
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  await page.goto("/sign-in");
  await page.waitForLoadState("networkidle");
  await page.getByLabel("Email").fill(USER.email);
  await page.getByLabel("Password").fill(USER.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
  const storageState = JSON.stringify(await context.storageState());
  await context.close();
  seed = { client, services, ownerId, connectionId, single, multi, storageState };
});

test.afterAll(async () => {
  // The account goes with its connection, links and sessions (cascade): later specs see the database as before.
  await seed?.client.query("DELETE FROM users WHERE id = $1", [seed.ownerId]);
  await seed?.client.end();
});

const SHOT: PageAssertionsToHaveScreenshotOptions = {
  fullPage: true,
  animations: "disabled",
  caret: "hide",
  scale: "css",
  // Runs on one kind of machine give identical pictures (0 pixels apart, also under load); the margin is for
  // anti-aliasing of another Chromium build. Moving the recipient page's content down by 8 px changes 2–8%.
  maxDiffPixelRatio: 0.005,
};

async function openPage(browser: Browser, baseURL: string, size: Size, scheme: Scheme, signedIn: boolean): Promise<Page> {
  const context = await browser.newContext({
    baseURL,
    viewport: SIZES[size],
    deviceScaleFactor: 1,
    isMobile: false,
    colorScheme: scheme,
    reducedMotion: "reduce",
    timezoneId: "UTC",
    locale: "en-US",
    storageState: signedIn ? JSON.parse(seed.storageState) : undefined,
  });
  const page = await context.newPage();
  await page.clock.setFixedTime(BROWSER_NOW);
  return page;
}

/**
 * Ready for the picture: fonts and images loaded, no pointer or focus on anything, and every relative
 * time ("in 3,491 days", "8 days ago": they change every day) rewritten to one fixed phrase so the layout
 * around it stays put. Times and dates are then masked: painted over in one flat colour where they stand.
 * (Playwright's own `mask` option paints its boxes on top of the page without the clipping of scrolled
 * containers, so a phone history table's hidden columns would widen the picture.) The dates are fixed
 * data, but their wording follows the server's time zone.
 */
async function settle(page: Page) {
  await page.waitForLoadState("networkidle");
  await page.evaluate(async () => {
    await document.fonts.ready;
    // Whatever renders right after hydration (a date in the browser's time zone, say) has rendered.
    await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
    await Promise.all(
      [...document.images].map((img) => (img.complete ? undefined : new Promise((resolve) => img.addEventListener("load", resolve, { once: true })))),
    );
    (document.activeElement as HTMLElement | null)?.blur();
    const relative =
      /\b(?:in (?:a|an|[\d,]+) (?:second|minute|hour|day|week|month|year)s?|(?:a|an|[\d,]+) (?:second|minute|hour|day|week|month|year)s? ago)\b/g;
    const exactDate = /\b(?:\d{1,2} [A-Z][a-z]{2,8},? \d{4}|[A-Z][a-z]{2,8} \d{1,2}, \d{4}|\d{4}-\d{2}-\d{2})\b/;
    const masked = new Set<Element>();
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.nodeValue ?? "";
      if (relative.test(text)) node.nodeValue = text.replace(relative, (phrase) => (phrase.startsWith("in ") ? "in 30 days" : "5 days ago"));
      relative.lastIndex = 0;
      if (exactDate.test(text) && node.parentElement && node.parentElement !== document.body) masked.add(node.parentElement);
    }
    for (const time of document.querySelectorAll("time")) masked.add(time);
    // Through the CSSOM: the recipient pages' CSP allows no added style sheet or style attribute.
    for (const element of masked) {
      if (!(element instanceof HTMLElement)) continue;
      element.style.setProperty("color", "transparent", "important");
      element.style.setProperty("background", "#ff00ff", "important");
    }
  });
  await page.mouse.move(0, 0);
}

async function closePage(page: Page) {
  await page.context().close();
}

for (const size of Object.keys(SIZES) as Size[]) {
  for (const scheme of SCHEMES) {
    test.describe(`${size}, ${scheme}`, () => {
      test(`recipient page of one file (${size}, ${scheme})`, async ({ browser, baseURL }) => {
        const page = await openPage(browser, baseURL, size, scheme, false);
        try {
          await page.goto(`/s/${seed.single}`);
          await expect(page.getByRole("heading", { name: "harbour.png", level: 1 })).toBeVisible();
          // The preview (its picture comes through a redirect to storage) has loaded.
          const preview = page.getByRole("img", { name: /harbour\.png/ });
          await expect.poll(() => preview.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(480);
          await settle(page);
          await expect(page).toHaveScreenshot(`recipient-file-${size}-${scheme}.png`, SHOT);
        } finally {
          await closePage(page);
        }
      });

      test(`recipient page of several files (${size}, ${scheme})`, async ({ browser, baseURL }) => {
        const page = await openPage(browser, baseURL, size, scheme, false);
        try {
          await page.goto(`/s/${seed.multi}`);
          await expect(page.getByRole("heading", { name: "Project Alder", level: 1 })).toBeVisible();
          await expect(page.getByText("minutes.txt", { exact: true }).first()).toBeVisible();
          await settle(page);
          await expect(page).toHaveScreenshot(`recipient-files-${size}-${scheme}.png`, SHOT);
        } finally {
          await closePage(page);
        }
      });

      test(`link history (${size}, ${scheme})`, async ({ browser, baseURL }) => {
        const page = await openPage(browser, baseURL, size, scheme, true);
        try {
          await page.goto("/links");
          await expect(page.getByRole("heading", { name: "Links", level: 1 })).toBeVisible();
          await expect(page.getByText("Project Alder", { exact: true }).first()).toBeVisible();
          // A row's Actions button is enabled once the page has hydrated.
          await expect(page.getByRole("button", { name: "Actions" }).first()).toBeEnabled();
          await settle(page);
          await expect(page).toHaveScreenshot(`history-${size}-${scheme}.png`, SHOT);
        } finally {
          await closePage(page);
        }
      });
    });
  }
}
