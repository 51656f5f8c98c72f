import { png } from "../../lib/dev/sample-files";
import { expectNoA11yViolations } from "../support/a11y";
import { ensureConnection, ensureSignedIn, expect, test } from "../support/fixtures";

// A managed link from end to end, in Chromium against the production server: the owner issues it in
// Quick Share (one-time, with a password), a recipient in another browser context unlocks it, sees no
// preview (a one-time link gives none) and downloads the right bytes with the Download button; a link preview and a HEAD do not count; the owner watches the
// count and the access log, then revokes the link.

const BUCKET = "e2e-managed";
const KEY = "photos/sunset 2026.png";
const NAME = "sunset 2026.png";
const PASSWORD = "tulip garden 42";
const SLACK = "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)";

test("Quick Share a managed one-time link with a password, watch it used, then revoke it", async ({ page, storage, browser }) => {
  test.setTimeout(120_000);
  const bytes = png(40, 24, (x, y) => [200, 80 + x * 3, 40 + y * 5]);
  await storage.bucket(BUCKET);
  await storage.put(BUCKET, KEY, bytes, "image/png");

  await ensureSignedIn(page);
  await ensureConnection(page, storage);
  await page.getByRole("link", { name: "Buckets", exact: true }).click();
  await page.getByRole("link", { name: BUCKET }).click();
  await page.getByRole("link", { name: "photos" }).click();
  await page.getByRole("button", { name: `Quick Share ${NAME}` }).click();

  const dialog = page.getByRole("dialog", { name: "Quick Share" });
  await expect(dialog).toBeVisible();
  // No PUBLIC_URL here: the default stays Direct, and choosing Managed says why that matters.
  const linkType = dialog.getByRole("group", { name: "Link type" });
  await expect(linkType.getByRole("radio", { name: "Direct link" })).toBeChecked();
  await expect(dialog.getByText(/cannot be revoked/)).toBeVisible();
  await expect(dialog.getByLabel("Download limit")).toHaveCount(0);
  await linkType.getByRole("radio", { name: "Managed link" }).check();
  await expect(dialog.getByText(/revoke it at once/)).toBeVisible();
  await expect(dialog.getByText(/Recipients elsewhere cannot reach a localhost address/)).toBeVisible();
  await expect(dialog.getByLabel("Expires in").locator("option", { hasText: "No expiry" })).toHaveCount(1);
  await expect(dialog.getByLabel("Expires in").locator("option", { hasText: "90 days" })).toHaveCount(1);
  await expectNoA11yViolations(page, "the Quick Share dialog, managed");

  // Bad input is refused at its field, and nothing is issued.
  await dialog.getByLabel("Download limit").fill("0");
  await dialog.getByLabel("Allowed networks").fill("10.0.0.0/8, not-a-network");
  await dialog.getByLabel("Password").fill("sesame!");
  await dialog.getByRole("button", { name: "Generate link" }).click();
  await expect(dialog.getByText("Enter a whole number from 1 to 1,000,000, or leave it empty for unlimited.")).toBeVisible();
  await expect(dialog.getByText("Use at least 8 characters, or leave it empty for no password.")).toBeVisible();
  await expect(dialog.getByText(/Not an IPv4\/IPv6 address or CIDR range: "not-a-network"/)).toBeVisible();
  await expect(dialog.getByLabel("Share link", { exact: true })).toHaveCount(0);

  await dialog.getByLabel("Download limit").fill("1");
  await dialog.getByLabel("Allowed networks").fill("");
  await dialog.getByLabel("Password").fill(PASSWORD);
  await dialog.getByLabel("Expires in").selectOption({ label: "30 days" });
  await dialog.getByLabel("Download", { exact: true }).check();
  await dialog.getByRole("button", { name: "Generate link" }).click();

  const field = dialog.getByLabel("Share link", { exact: true });
  await expect(field).toHaveValue(/^http:\/\/127\.0\.0\.1:\d+\/s\/[A-Za-z0-9_-]{32}$/);
  const url = await field.inputValue();
  const settings = dialog.getByRole("definition");
  await expect(dialog.getByText("Managed link (revocable)")).toBeVisible();
  await expect(settings.filter({ hasText: "1 (one-time)" })).toBeVisible();
  await expect(settings.filter({ hasText: /^Yes$/ })).toBeVisible();
  await expect(dialog.getByRole("img", { name: "QR code of the share link" })).toBeVisible();
  await expect(dialog.getByText(/Works until .* \(in 30 days\)/)).toBeVisible();
  await dialog.getByRole("button", { name: "Done" }).click();

  // The recipient, in a browser of their own.
  const recipientContext = await browser.newContext();
  const recipient = await recipientContext.newPage();
  const locked = await recipient.goto(url);
  expect(locked?.status()).toBe(401);
  await expect(recipient.getByRole("heading", { name: "This file is protected", level: 1 })).toBeVisible();
  await recipient.getByLabel("Password").fill(PASSWORD);
  await recipient.getByRole("button", { name: "Unlock" }).click();
  await expect(recipient.getByRole("heading", { name: NAME, level: 1 })).toBeVisible();
  // A one-time link previews nothing: a preview would give the whole file without counting it.
  await expect(recipient.getByText("Download to view.")).toBeVisible();

  // A chat app's link preview and a HEAD request, with the unlocked browser's cookies: neither counts.
  // (With a limit of 1, the download below would be refused had either of them counted.)
  await recipient.request.get(`${url}/download`, { headers: { "user-agent": SLACK }, maxRedirects: 0 });
  await recipient.request.head(`${url}/download`, { maxRedirects: 0 });

  // The one real download still works, with the right bytes.
  const [download] = await Promise.all([recipient.waitForEvent("download"), recipient.getByRole("button", { name: "Download" }).click()]);
  const path = await download.path();
  const { readFileSync } = await import("node:fs");
  expect(readFileSync(path!).equals(bytes)).toBe(true);

  const again = await recipient.goto(url);
  expect(again?.status()).toBe(410);
  await expect(recipient.getByRole("heading", { name: "Download limit reached", level: 1 })).toBeVisible();

  // The owner sees 1 / 1 and the log.
  await page.goto("/links?type=managed");
  const row = page.getByRole("row").filter({ hasText: KEY });
  await expect(row).toHaveCount(1);
  await expect(row.getByRole("cell", { name: /^1 \/ 1/ })).toBeVisible();
  // Used up, it says so: "Limit reached", not a green "Active"; and the status filter finds it.
  await expect(row.getByRole("cell", { name: "Limit reached", exact: true })).toBeVisible();
  await expect(row.getByRole("cell", { name: "Active", exact: true })).toHaveCount(0);
  await expect(page.getByLabel("Status", { exact: true }).getByRole("option", { name: "Limit reached" })).toHaveCount(1);
  await page.goto("/links?type=managed&status=limit_reached");
  await expect(row.getByRole("cell", { name: "Limit reached", exact: true })).toBeVisible();
  await expect(row.getByRole("link", { name: `Managed: details of the link to ${KEY}` })).toBeVisible();
  await row.getByRole("link", { name: `Managed: details of the link to ${KEY}` }).click();
  await expect(page.getByRole("heading", { name: "Link details", level: 1 })).toBeVisible();
  const log = page.getByRole("region", { name: "Access log" });
  await expect(log.getByRole("cell", { name: "Downloaded", exact: true })).toHaveCount(1);
  await expect(log.getByRole("cell", { name: "Unlocked", exact: true })).toHaveCount(1);
  await expect(log.getByRole("cell", { name: "Viewed the page", exact: true })).toHaveCount(1);
  // The password page shown to a fresh visitor is no refusal.
  await expect(log.getByRole("cell", { name: "Asked for the password", exact: true })).toHaveCount(1);
  // The only refusal: the visit after the one download.
  await expect(log.getByRole("cell", { name: /^Refused/ })).toHaveCount(1);
  await expect(log.getByRole("cell", { name: "Refused The download limit was reached", exact: true })).toHaveCount(1);
  await expect(log.getByRole("row").filter({ hasText: "Checked the link (HEAD request)" })).toHaveCount(1);
  // The chat app's preview: a badge on its row, its user agent summarised, the raw string one click away.
  const unfurl = log.getByRole("row").filter({ hasText: "Shown the title card" });
  await expect(unfurl.getByText("Link preview", { exact: true })).toBeVisible();
  await expect(log.getByText("Link preview", { exact: true })).toHaveCount(1);
  await expect(unfurl.getByText(SLACK, { exact: true })).toBeHidden();
  await unfurl.getByText("Slack link preview", { exact: true }).click();
  await expect(unfurl.getByText(SLACK, { exact: true })).toBeVisible();
  await expect(log.getByText(/^(Headless )?Chrome \d+ on Linux$/).first()).toBeVisible();
  const status = page.getByRole("definition").first();
  await expect(status).toHaveText("Limit reached");
  await expect(page.getByText("Limit reached", { exact: true })).toHaveCount(1);
  await expect(page.getByRole("button", { name: "Change expiry" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Change download limit" })).toBeVisible();
  await expectNoA11yViolations(page, "the link page");

  // Strangers guessed the password from ten addresses: the owner sees it, and the lock, and can clear it.
  await expect(page.getByRole("button", { name: "Clear lock-out" })).toHaveCount(0);
  const linkId = new URL(page.url()).pathname.split("/").at(-1)!;
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: process.env.E2E_DATABASE_URL });
  await client.connect();
  for (const subject of [`link-password:${linkId}`, `link-password-lock:${linkId}`]) {
    await client.query(
      `INSERT INTO sign_in_failures (subject, client_address, created_at) SELECT $1, '198.51.100.' || g, now() - (10 - g) * interval '1 second' FROM generate_series(1, 10) g`,
      [subject],
    );
  }
  await client.end();
  await page.reload();
  await expect(
    page.getByRole("definition").filter({
      hasText: /^Yes · 10 failed password attempts in the last 24 hours, locked until .+ for browsers that have not unlocked it before\s*Clear lock-out$/,
    }),
  ).toBeVisible();
  await page.getByRole("button", { name: "Clear lock-out" }).click();
  await expect(page.getByRole("button", { name: "Clear lock-out" })).toHaveCount(0);
  await expect(page.getByText(/failed password attempts/)).toHaveCount(0);

  // Raising the limit works at once for the recipient; then Revoke ends it for good.
  await page.getByLabel("New download limit").fill("2");
  await page.getByRole("button", { name: "Change download limit" }).click();
  const limitForm = page.getByRole("form", { name: "Change download limit" });
  await expect(limitForm.getByRole("status")).toHaveText("Limit set to 2 (1 used so far).");
  await expect(page.getByText("1 / 2")).toBeVisible();
  await expect(status).toHaveText("Active");
  // The confirmation stays once the page shows the new limit.
  await page.waitForLoadState("networkidle");
  await expect(limitForm.getByRole("status")).toHaveText("Limit set to 2 (1 used so far).");

  await page.getByRole("button", { name: "Revoke", exact: true }).click();
  const confirm = page.getByRole("dialog", { name: "Revoke this link?" });
  await expectNoA11yViolations(page, "the Revoke confirmation");
  await confirm.getByRole("button", { name: "Revoke link" }).click();
  await expect(page.getByText("Revoked", { exact: true }).first()).toBeVisible();
  await expect(page.getByRole("button", { name: "Revoke", exact: true })).toHaveCount(0);

  const revoked = await recipient.goto(url);
  expect(revoked?.status()).toBe(410);
  await expect(recipient.getByRole("heading", { name: "This link was revoked", level: 1 })).toBeVisible();
  await recipientContext.close();

  await page.goto("/links?status=revoked");
  await expect(page.getByRole("row").filter({ hasText: KEY })).toHaveCount(1);
  await page.goto("/links?status=active");
  await expect(page.getByRole("row").filter({ hasText: KEY })).toHaveCount(0);
});

test("Change password and Change allowed networks on the link page: the recipient's next request obeys them", async ({ page, storage, browser }) => {
  test.setTimeout(120_000);
  const key = "photos/harbour 2026.png";
  const name = "harbour 2026.png";
  await storage.bucket(BUCKET);
  await storage.put(
    BUCKET,
    key,
    png(16, 16, (x, y) => [20 + x * 9, 120, 40 + y * 9]),
    "image/png",
  );

  await ensureSignedIn(page);
  await ensureConnection(page, storage);
  await page.getByRole("link", { name: "Buckets", exact: true }).click();
  await page.getByRole("link", { name: BUCKET }).click();
  await page.getByRole("link", { name: "photos" }).click();
  await page.getByRole("button", { name: `Quick Share ${name}` }).click();
  const dialog = page.getByRole("dialog", { name: "Quick Share" });
  await dialog.getByRole("group", { name: "Link type" }).getByRole("radio", { name: "Managed link" }).check();
  await dialog.getByLabel("Password").fill(PASSWORD);
  await dialog.getByRole("button", { name: "Generate link" }).click();
  const field = dialog.getByLabel("Share link", { exact: true });
  await expect(field).toHaveValue(/\/s\/[A-Za-z0-9_-]{32}$/);
  const url = await field.inputValue();
  await dialog.getByRole("button", { name: "Done" }).click();

  // The recipient unlocks it with the first password.
  const recipientContext = await browser.newContext();
  const recipient = await recipientContext.newPage();
  await recipient.goto(url);
  await recipient.getByLabel("Password").fill(PASSWORD);
  await recipient.getByRole("button", { name: "Unlock" }).click();
  await expect(recipient.getByRole("heading", { name, level: 1 })).toBeVisible();

  // The owner changes the password on the link page; a short one is refused at the field first.
  await page.goto("/links?type=managed");
  await page.getByRole("link", { name: `Managed: details of the link to ${key}` }).click();
  await expect(page.getByRole("heading", { name: "Link details", level: 1 })).toBeVisible();
  const passwordForm = page.getByRole("form", { name: "Change password" });
  await passwordForm.getByLabel("New password").fill("short");
  await passwordForm.getByRole("button", { name: "Change password" }).click();
  await expect(passwordForm.getByText("Use at least 8 characters.")).toBeVisible();
  await passwordForm.getByLabel("New password").fill("lighthouse at dawn");
  await passwordForm.getByRole("button", { name: "Change password" }).click();
  await expect(passwordForm.getByText(/^Password changed/)).toBeVisible();
  await expectNoA11yViolations(page, "the link page after Change password");

  // The same browser, with its cookie from the old password, must enter the new one.
  const relocked = await recipient.goto(url);
  expect(relocked?.status()).toBe(401);
  await recipient.getByLabel("Password").fill(PASSWORD);
  await recipient.getByRole("button", { name: "Unlock" }).click();
  await expect(recipient.getByRole("heading", { name, level: 1 })).toHaveCount(0);
  await recipient.getByLabel("Password").fill("lighthouse at dawn");
  await recipient.getByRole("button", { name: "Unlock" }).click();
  await expect(recipient.getByRole("heading", { name, level: 1 })).toBeVisible();

  // Networks: the recipient (on 127.0.0.1) is outside the new list, then the list is cleared.
  const networksForm = page.getByRole("form", { name: "Change allowed networks" });
  await networksForm.getByLabel("Allowed networks").fill("203.0.113.0/24, nope");
  await networksForm.getByRole("button", { name: "Change allowed networks" }).click();
  await expect(networksForm.getByText(/Not an IPv4\/IPv6 address or CIDR range: "nope"/)).toBeVisible();
  await networksForm.getByLabel("Allowed networks").fill("203.0.113.9/24");
  await networksForm.getByRole("button", { name: "Change allowed networks" }).click();
  await expect(networksForm.getByText("The link now opens only from this network: 203.0.113.0/24.")).toBeVisible();
  await expect(page.getByRole("definition").filter({ hasText: /^203\.0\.113\.0\/24$/ })).toBeVisible();
  const outside = await recipient.goto(url);
  expect(outside?.status()).toBe(403);
  await expect(recipient.getByRole("heading", { name: "Not available from your network", level: 1 })).toBeVisible();

  await networksForm.getByLabel("Allowed networks").fill("");
  await networksForm.getByRole("button", { name: "Change allowed networks" }).click();
  await expect(networksForm.getByText("The link now opens from any network.")).toBeVisible();
  const back = await recipient.goto(url);
  expect(back?.status()).toBe(200);
  await expect(recipient.getByRole("heading", { name, level: 1 })).toBeVisible();
  await recipientContext.close();
});
