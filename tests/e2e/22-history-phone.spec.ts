import type { Page } from "@playwright/test";
import { expectNoA11yViolations } from "../support/a11y";
import { ensureConnection, ensureSignedIn, expect, test } from "../support/fixtures";

// The history and a link's page on a phone: cards instead of a table that scrolls sideways, every
// action in reach; the object's name opens the link's page; dates in the browser's time zone; the
// folder listing's pager says where you are.

const BUCKET = "e2e-phone";
const TAG = "zq7phone";
const ZONE = "Pacific/Auckland";
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };

// Auckland is 12 or 13 hours ahead of UTC, so a date written in UTC can never pass for it.
test.use({ timezoneId: ZONE });

async function quickShare(page: Page, name: string, managed: boolean): Promise<string> {
  await page.goto("/buckets");
  await page.getByRole("link", { name: BUCKET }).click();
  await page.getByRole("button", { name: `Quick Share ${name}` }).click();
  const dialog = page.getByRole("dialog", { name: "Quick Share" });
  if (managed) await dialog.getByRole("group", { name: "Link type" }).getByRole("radio", { name: "Managed link" }).check();
  await dialog.getByRole("button", { name: "Generate link" }).click();
  const field = dialog.getByLabel("Share link", { exact: true });
  await expect(field).toHaveValue(/^http/);
  const url = await field.inputValue();
  await dialog.getByRole("button", { name: "Done" }).click();
  return url;
}

async function expectNoSidewaysScroll(page: Page) {
  const { scrollWidth, clientWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
  }));
  expect(scrollWidth, "the page scrolls sideways").toBeLessThanOrEqual(clientWidth);
}

/** "7 Dec 2026, 03:05" in the test's zone, as the app writes dates. */
function inZone(iso: string): string {
  return new Intl.DateTimeFormat("en-GB", {
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
    timeZone: ZONE,
  }).format(new Date(iso));
}

const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

test("on a phone the history is a list of cards with every action; names open the link's page; dates in the browser's zone", async ({
  page,
  storage,
  context,
}) => {
  test.setTimeout(180_000);
  // Dates are written in UTC by the server and in the browser's zone once hydrated: never a mismatch.
  const hydrationErrors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error" && /hydrat|#418|#425/i.test(message.text())) hydrationErrors.push(message.text());
  });
  page.on("pageerror", (error) => {
    if (/hydrat|#418|#425/i.test(error.message)) hydrationErrors.push(error.message);
  });
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await storage.bucket(BUCKET);
  const managedKey = `${TAG}-managed.txt`;
  const directKey = `${TAG}-direct.txt`;
  const revokeKey = `${TAG}-revoke.txt`;
  for (const key of [managedKey, directKey, revokeKey]) await storage.put(BUCKET, key, `${key}\n`, "text/plain");
  await ensureSignedIn(page);
  await ensureConnection(page, storage);
  const managedUrl = await quickShare(page, managedKey, true);
  await quickShare(page, directKey, false);
  await quickShare(page, revokeKey, true);
  // One visit, for the access log.
  await page.goto(managedUrl);
  await page.goto("/links");

  // Desktop: a table; the name links to the link's page; dates in the browser's zone.
  await page.setViewportSize(DESKTOP);
  await page.goto(`/links?q=${TAG}`);
  const managedRow = page.getByRole("row").filter({ hasText: managedKey });
  await expect(managedRow).toHaveCount(1);
  const created = managedRow.locator("time").first();
  const iso = await created.getAttribute("datetime");
  expect(iso).toBeTruthy();
  await expect(created).toHaveText(new RegExp(`^${literal(inZone(iso!))}\\s*(now|\\d+ (seconds?|minutes?) ago)$`));
  await expect(managedRow.getByText("Created", { exact: true })).toBeHidden();
  await expectNoA11yViolations(page, "links (desktop)");

  // Phone: cards, nothing off to the side, the same rows and actions.
  await page.setViewportSize(PHONE);
  await page.reload();
  await expectNoSidewaysScroll(page);
  await expect(page.getByRole("row").filter({ hasText: TAG })).toHaveCount(3);
  for (const label of ["Created", "Expires", "Downloads", "Last access"]) await expect(managedRow.getByText(label, { exact: true })).toBeVisible();
  const box = await managedRow.boundingBox();
  expect(box && box.x >= 0 && box.x + box.width <= PHONE.width).toBe(true);
  await expectNoA11yViolations(page, "links (phone)");

  // Copy puts the link on the clipboard.
  await managedRow.getByRole("button", { name: "Copy link" }).click();
  await expect(managedRow.getByRole("status").filter({ hasText: "Copied" })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(managedUrl);

  // Actions → Revoke, confirmed.
  const revokeRow = page.getByRole("row").filter({ hasText: revokeKey });
  await revokeRow.getByRole("button", { name: "Actions" }).click();
  await page.getByRole("menu", { name: "Actions" }).getByRole("menuitem", { name: "Revoke" }).click();
  const confirm = page.getByRole("dialog", { name: "Revoke this link?" });
  await confirm.getByRole("button", { name: "Revoke link" }).click();
  await expect(confirm).toHaveCount(0);
  await expect(revokeRow.getByText("Revoked", { exact: true }).first()).toBeVisible();

  // Actions → Share again (a revoked link too).
  await revokeRow.getByRole("button", { name: "Actions" }).click();
  await page.getByRole("menu", { name: "Actions" }).getByRole("menuitem", { name: "Share again" }).click();
  const again = page.getByRole("dialog", { name: "Shared again" });
  await expect(again).toBeVisible();
  await again.getByRole("button", { name: "Done" }).click();
  await expect(again).toHaveCount(0);

  // Actions → Delete from history.
  const directRow = page.getByRole("row").filter({ hasText: directKey });
  await directRow.getByRole("button", { name: "Actions" }).click();
  await page.getByRole("menu", { name: "Actions" }).getByRole("menuitem", { name: "Delete from history" }).click();
  await page.getByRole("dialog", { name: "Delete this link from your history?" }).getByRole("button", { name: "Delete from history" }).click();
  await expect(directRow).toHaveCount(0);

  // Actions → Details….
  await managedRow.getByRole("button", { name: "Actions" }).click();
  await page.getByRole("menu", { name: "Actions" }).getByRole("menuitem", { name: "Details…" }).click();
  await expect(page.getByRole("heading", { name: "Link details", level: 1 })).toBeVisible();
  const detailsUrl = page.url();

  // The object's name is the way to the link's page.
  await page.goto(`/links?q=${TAG}`);
  const name = managedRow.getByRole("link", { name: `Managed: details of the link to ${managedKey}` });
  await expect(name).toHaveText(managedKey);
  await name.click();
  await expect(page).toHaveURL(detailsUrl);
  expect(new URL(detailsUrl).pathname).toMatch(/^\/links\/[^/]+$/);

  // The link's page on a phone: facts and the access log fit; dates in the browser's zone.
  await expectNoSidewaysScroll(page);
  const log = page.getByRole("table", { name: "Access log, newest first" });
  await expect(log.getByRole("row").filter({ hasText: "Viewed the page" }).first()).toBeVisible();
  const logTime = log.locator("time").first();
  await expect(logTime).toContainText(inZone((await logTime.getAttribute("datetime"))!));
  await expectNoA11yViolations(page, "link details (phone)");
  await page.setViewportSize(DESKTOP);
  await expectNoA11yViolations(page, "link details (desktop)");
  expect(hydrationErrors).toEqual([]);
});
