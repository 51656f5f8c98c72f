import { expectNoA11yViolations } from "../support/a11y";
import { createApiTokenInUi } from "../support/api-tokens";
import { ensureSignedIn, expect, test } from "../support/fixtures";

// The Audit log in Chromium against the production server: the Owner creates and revokes an API token, finds both
// in the Audit log (reached by its nav link) with who and from where, filters by kind, pages, and exports the CSV.

const PHONE = { width: 390, height: 844 };

test("the Owner sees what they just did in the Audit log, filters it by kind and exports it", async ({ page }) => {
  await ensureSignedIn(page);
  const tokenName = `Audit e2e ${Date.now()}`;
  await createApiTokenInUi(page, { name: tokenName, scopes: ["links:read"] });
  await page.reload();
  const section = page.getByRole("region", { name: "API tokens" });
  const row = section.getByRole("row").filter({ has: page.getByRole("rowheader", { name: tokenName }) });
  await row.getByRole("button", { name: "Revoke token" }).click();
  await page.getByRole("dialog", { name: "Revoke this token?" }).getByRole("button", { name: "Revoke token" }).click();
  await expect(section.getByRole("status").filter({ hasText: `Token “${tokenName}” revoked` })).toBeVisible();

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Audit log" }).click();
  await expect(page).toHaveURL(/\/audit$/);
  await expect(page.getByRole("heading", { level: 1, name: "Audit log" })).toBeVisible();
  const table = page.getByRole("table", { name: "Audit log" });
  const ours = table.getByRole("row").filter({ hasText: tokenName });
  await expect(ours).toHaveCount(2);
  await expect(ours.nth(0)).toContainText("API token revoked");
  await expect(ours.nth(1)).toContainText("API token created");
  await expect(ours.nth(0).getByRole("cell").nth(1)).not.toBeEmpty();
  await expect(ours.nth(0).getByRole("cell").nth(4)).toHaveText(/\d|unknown|—/);
  await expect(page.getByRole("navigation", { name: "Pagination" }).getByText(/^Page 1/)).toBeVisible();
  await expectNoA11yViolations(page, "audit log");

  // Filter by kind: applied as it changes, in the URL; only creations are left.
  await page.getByRole("combobox", { name: "Kind" }).selectOption({ label: "API token created" });
  await expect(page).toHaveURL(/\/audit\?kind=token\.created$/);
  await expect(ours).toHaveCount(1);
  await expect(ours).toContainText("API token created");
  await expect(table.getByRole("row").filter({ hasText: "API token revoked" })).toHaveCount(0);
  await expectNoA11yViolations(page, "audit log filtered by kind");

  // The CSV carries the same filter.
  const exported = page.getByRole("link", { name: "Export CSV" });
  await expect(exported).toHaveAttribute("href", "/audit/export?kind=token.created");
  const response = await page.request.get("/audit/export?kind=token.created");
  expect(response.status()).toBe(200);
  const csv = await response.text();
  expect(csv).toContain(`"token.created","API token created","${tokenName}"`);
  expect(csv).not.toContain("token.revoked");

  // On a phone each row is a card with its own labels.
  await page.setViewportSize(PHONE);
  await expect(ours.getByText("Who", { exact: true })).toBeVisible();
  await expectNoA11yViolations(page, "audit log on a phone");
  await page.getByRole("link", { name: "Clear filters" }).click();
  await expect(page).toHaveURL(/\/audit$/);
  await expect(ours).toHaveCount(2);
  await expectNoA11yViolations(page, "audit log on a phone, unfiltered");
});
