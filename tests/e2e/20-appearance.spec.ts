import sharp from "sharp";
import { expectNoA11yViolations } from "../support/a11y";
import { ensureSignedIn, expect, test } from "../support/fixtures";

// Settings → "Appearance" in Chromium against the production server: the name, accent colour and logo recipients
// see; refusals at each field; the logo served to anyone, as a PNG with safe headers. Ends back on Bucketshare's own,
// so the specs after this one see the default recipient page.

const PHONE = { width: 390, height: 844 };

test("an owner sets the name, accent colour and logo recipients see, and is told what is wrong with a bad colour", async ({ page, browser }) => {
  await ensureSignedIn(page);
  await page.goto("/settings");
  await page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Appearance" }).click();
  await expect(page).toHaveURL(/\/settings\/appearance$/);
  await expect(page.getByRole("heading", { level: 2, name: "Appearance" })).toBeVisible();
  const name = page.getByRole("textbox", { name: "Name shown to recipients" });
  const accent = page.getByRole("textbox", { name: "Accent colour" });
  const logo = page.getByLabel("Logo", { exact: true });
  const save = page.getByRole("button", { name: "Save appearance" });
  await expect(name).toHaveValue("Bucketshare");
  await expect(accent).toHaveValue("#0369a1");
  await expect(page.getByLabel("Accent colour")).toHaveCount(1);
  await expectNoA11yViolations(page, "settings: appearance");
  await page.setViewportSize(PHONE);
  await expectNoA11yViolations(page, "settings: appearance on a phone");
  await page.setViewportSize({ width: 1280, height: 720 });

  // A colour white text cannot be read on: refused at the field, with the figures.
  await expect(save).toBeEnabled();
  await accent.fill("#ffcc00");
  await save.click();
  await expect(accent).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByText("This colour is too light: white text on it has a contrast of 1.5:1; WCAG needs 4.5:1. Try a darker shade.")).toBeVisible();
  await expectNoA11yViolations(page, "settings: appearance with a field error");
  await page.setViewportSize(PHONE);
  await expectNoA11yViolations(page, "settings: appearance with a field error on a phone");
  await page.setViewportSize({ width: 1280, height: 720 });
  // Not a colour at all.
  await accent.fill("dark blue");
  await save.click();
  await expect(page.getByText("Enter the colour as # and 3 or 6 hexadecimal digits, such as #0369a1.")).toBeVisible();

  // Not an image: refused at the logo field, what was typed stays.
  await name.fill("Acme Studio");
  await accent.fill("#1D4ED8");
  await logo.setInputFiles({ name: "notes.png", mimeType: "image/png", buffer: Buffer.from("not a picture at all") });
  await save.click();
  await expect(page.getByText("Logo must be a PNG, JPEG, WebP, GIF or SVG image.")).toBeVisible();
  await expect(logo).toHaveAttribute("aria-invalid", "true");
  await expect(name).toHaveValue("Acme Studio");
  // Too large: said before anything is sent.
  await logo.setInputFiles({ name: "huge.png", mimeType: "image/png", buffer: Buffer.alloc(600 * 1024) });
  await save.click();
  await expect(page.getByText(/^Logo must be at most 512 KiB/)).toBeVisible();

  // A real logo: saved, shown, and the colour as stored.
  const png = await sharp({ create: { width: 400, height: 200, channels: 4, background: { r: 29, g: 78, b: 216, alpha: 1 } } })
    .png()
    .toBuffer();
  await logo.setInputFiles({ name: "acme.png", mimeType: "image/png", buffer: png });
  await save.click();
  await expect(page.getByRole("status").filter({ hasText: "Appearance saved." })).toBeVisible();
  await expect(accent).toHaveValue("#1d4ed8");
  await expect(accent).not.toHaveAttribute("aria-invalid", "true");
  const current = page.getByRole("img", { name: "Current logo" });
  await expect(current).toBeVisible();
  const src = await current.getAttribute("src");
  expect(src).toMatch(/^\/brand\/logo\/[0-9a-f]{64}\.png$/);
  await expect.poll(() => current.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(256);
  await expectNoA11yViolations(page, "settings: appearance saved, with a logo");

  await page.reload();
  await expect(name).toHaveValue("Acme Studio");
  await expect(accent).toHaveValue("#1d4ed8");

  // The logo is public (recipients are strangers): no session, a PNG with safe headers; an unknown one is a 404.
  const stranger = await browser.newContext();
  const response = await stranger.request.get(new URL(src!, page.url()).toString(), { maxRedirects: 0 });
  expect(response.status()).toBe(200);
  expect(response.headers()).toMatchObject({
    "content-type": "image/png",
    "x-content-type-options": "nosniff",
    "cache-control": "public, max-age=31536000, immutable",
    "content-security-policy": "default-src 'none'",
  });
  expect((await sharp(await response.body()).metadata()).format).toBe("png");
  const unknown = await stranger.request.get(new URL(`/brand/logo/${"0".repeat(64)}.png`, page.url()).toString(), { maxRedirects: 0 });
  expect(unknown.status()).toBe(404);
  // Recipients see it: an unknown link's page (a stranger, no session) carries the logo, named, and the accent.
  const recipient = await stranger.newPage();
  await recipient.goto(new URL("/s/not-a-real-link-token", page.url()).toString());
  await expect(recipient.getByRole("img", { name: "Acme Studio" })).toBeVisible();
  await expect(recipient.getByRole("img", { name: "Acme Studio" })).toHaveAttribute("src", src!);
  expect(await recipient.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue("--accent").trim())).toBe("#1d4ed8");
  await stranger.close();

  // Back to Bucketshare's own.
  await page.getByRole("button", { name: "Reset to Bucketshare’s" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Appearance reset to Bucketshare’s." })).toBeVisible();
  await expect(name).toHaveValue("Bucketshare");
  await expect(accent).toHaveValue("#0369a1");
  await expect(page.getByRole("img", { name: "Current logo" })).toHaveCount(0);
});
