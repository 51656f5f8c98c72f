import { DeleteObjectCommand } from "@aws-sdk/client-s3";
import { expectNoA11yViolations } from "../support/a11y";
import { ensureConnection, ensureSignedIn, expect, test } from "../support/fixtures";

// Link health in Chromium: Quick Share a managed link, delete its object in storage, press "Check now"
// on the link page: it says Missing, the history's Health column says so, the banner "N links need
// attention" links to the "Needs attention" filter, which lists it. axe on the history with the Health
// column and on the link page with its health history, light and dark. Once the object is back, "Share again" gives
// a new link whose download is the file, and the old row says "Replaced".

const BUCKET = "e2e-health";
const KEY = "health/brochure.txt";
const NAME = "brochure.txt";

test("a link whose object was deleted shows Needs attention after Check now", async ({ page, storage }) => {
  test.setTimeout(120_000);
  await storage.bucket(BUCKET);
  await storage.put(BUCKET, KEY, "the brochure\n", "text/plain");

  await ensureSignedIn(page);
  await ensureConnection(page, storage);
  await page.getByRole("link", { name: "Buckets", exact: true }).click();
  // Earlier specs may have added more connections to the same local S3 server, each listing this bucket.
  await page.getByRole("link", { name: BUCKET }).first().click();
  await page.getByRole("link", { name: "health", exact: true }).click();
  await page.getByRole("button", { name: `Quick Share ${NAME}` }).click();
  const dialog = page.getByRole("dialog", { name: "Quick Share" });
  await dialog.getByRole("group", { name: "Link type" }).getByRole("radio", { name: "Managed link" }).check();
  await dialog.getByLabel("Note (optional)").fill("health check e2e");
  await dialog.getByRole("button", { name: "Generate link" }).click();
  await expect(dialog.getByLabel("Share link", { exact: true })).toHaveValue(/\/s\//);
  await dialog.getByRole("button", { name: "Done" }).click();

  await page.goto("/links");
  const row = page.getByRole("row").filter({ hasText: "health check e2e" });
  await expect(page.getByRole("columnheader", { name: "Health" })).toBeVisible();
  await row.getByRole("link", { name: /^Managed: details of the link to/ }).click();

  const health = page.getByRole("region", { name: "Health" });
  await health.getByRole("button", { name: "Check now" }).click();
  await expect(health.getByRole("status")).toHaveText("Checked: OK.");

  await storage.s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: KEY }));
  await health.getByRole("button", { name: "Check now" }).click();
  await expect(health.getByRole("status")).toHaveText("Checked: Missing.");
  // Newest first: Missing, then the OK before it (a scheduled pass may have checked the new link too, in between).
  const checks = health.getByRole("table", { name: "Health history, newest first" }).getByRole("row");
  await expect(checks.nth(1)).toContainText("Missing");
  await expect(checks.nth(2)).toContainText("OK");
  await expect(health.getByText("No object at this key").first()).toBeVisible();
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await expectNoA11yViolations(page, `the link page with its health history (${scheme})`);
  }

  await page.emulateMedia({ colorScheme: "light" });
  await page.goto("/links");
  await expect(row.getByRole("cell").filter({ hasText: /Missing · \d+ (seconds?|minutes?) ago/ })).toBeVisible();
  const banner = page.getByRole("link", { name: "Show links that need attention" });
  await expect(page.getByText(/^\d+\+? links? needs? attention$/)).toBeVisible();
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await expectNoA11yViolations(page, `the history with the Health column and the banner (${scheme})`);
  }
  await banner.click();
  await expect(page).toHaveURL(/[?&]health=needs-attention/);
  await expect(page.getByRole("combobox", { name: "Health" })).toHaveValue("needs-attention");
  await expect(page.getByRole("combobox", { name: "Health" }).locator("option:checked")).toHaveText("Needs attention");
  await expect(row).toBeVisible();

  // The filter by its name, from "Any health": the row is there, and gone under OK.
  await page.getByRole("combobox", { name: "Health" }).selectOption({ label: "OK" });
  await expect(page).toHaveURL(/[?&]health=ok/);
  await expect(row).toHaveCount(0);

  // Fixed in one click: the object is back, and "Share again" gives a new link that works; the old row says "Replaced".
  await storage.put(BUCKET, KEY, "the brochure, again\n", "text/plain");
  await page.goto("/links?health=needs-attention");
  // The menu opens once the page's scripts run (a click before that does nothing).
  await expect(async () => {
    await row.getByRole("button", { name: "Actions" }).click();
    await expect(page.getByRole("menu", { name: "Actions" })).toBeVisible({ timeout: 1_000 });
  }).toPass();
  await page.getByRole("menu", { name: "Actions" }).getByRole("menuitem", { name: "Share again" }).click();
  const again = page.getByRole("dialog", { name: "Shared again" });
  const fresh = again.getByLabel("Share link", { exact: true });
  await expect(fresh).toHaveValue(/\/s\/[^/]+$/);
  const download = await page.request.get(`${await fresh.inputValue()}/download`);
  expect(download.status()).toBe(200);
  expect(await download.text()).toBe("the brochure, again\n");
  await again.getByRole("button", { name: "Done" }).click();
  await page.goto("/links?q=brochure.txt");
  await expect(row).toHaveCount(2);
  await expect(row.getByRole("link", { name: "Replaced" })).toHaveCount(1);
  await row.getByRole("link", { name: "Replaced" }).click();
  await expect(page.getByRole("heading", { name: "Link details", level: 1 })).toBeVisible();
  await expect(page.getByRole("region", { name: "Health" }).getByRole("button", { name: "Check now" })).toBeVisible();
});
