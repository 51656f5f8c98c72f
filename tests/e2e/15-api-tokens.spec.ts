import { expectNoA11yViolations } from "../support/a11y";
import { createApiTokenInUi } from "../support/api-tokens";
import { ensureSignedIn, expect, test } from "../support/fixtures";

// Settings → "API tokens" in Chromium against the production server: create, copy once, list, revoke.

test("an owner creates an API token, copies it once, sees it listed and revokes it", async ({ page, context }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await ensureSignedIn(page);
  await page.goto("/settings/api-tokens");
  const section = page.getByRole("region", { name: "API tokens" });
  await expect(page.getByRole("heading", { level: 2, name: "API tokens" })).toBeVisible();
  await expect(section.getByRole("link", { name: "API reference" })).toHaveAttribute("href", "/api-reference");
  await expectNoA11yViolations(page, "settings with the API tokens section");

  // Bad input: a message at each field, nothing created.
  const name = section.getByRole("textbox", { name: "Token name", exact: true });
  await section.getByRole("combobox", { name: "Expiry" }).selectOption({ label: "Custom date…" });
  await section.getByLabel("Expires on").fill("2020-01-01");
  await section.getByRole("button", { name: "Create token" }).click();
  await expect(name).toHaveAttribute("aria-invalid", "true");
  await expect(section.getByText("Enter a name that says what the token is for")).toBeVisible();
  await expect(section.getByText("Choose at least one scope.")).toBeVisible();
  await expect(section.getByText("Choose a date after today.")).toBeVisible();
  await expect(section.getByRole("checkbox", { name: /^links:read / })).toHaveAttribute("aria-invalid", "true");
  await expectNoA11yViolations(page, "settings: API token form with field errors");
  await expect(section.getByRole("textbox", { name: "New token" })).toHaveCount(0);

  const tokenName = `Deploy script ${Date.now()}`;
  const token = await createApiTokenInUi(page, { name: tokenName, scopes: ["objects:read", "links:write"] });
  expect(token).toMatch(/^bks_[A-Za-z0-9_-]{32}$/);
  await expect(section.getByText("it will not be shown again", { exact: false })).toBeVisible();
  await expect(section.getByRole("textbox", { name: "New token" })).toBeFocused();
  await section.getByRole("button", { name: "Copy token" }).click();
  await expect(section.getByRole("status").filter({ hasText: "Copied" })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token);
  // The form is empty again, ready for another token.
  await expect(section.getByRole("textbox", { name: "Token name", exact: true })).toHaveValue("");
  await expectNoA11yViolations(page, "settings: API token shown once");

  // Never again: not after a reload, not in the page's HTML; listed by its prefix.
  await page.reload();
  await expect(section.getByRole("textbox", { name: "New token" })).toHaveCount(0);
  expect(await page.content()).not.toContain(token);
  const row = section.getByRole("row").filter({ has: page.getByRole("rowheader", { name: tokenName }) });
  await expect(row).toContainText(`${token.slice(0, 8)}…`);
  await expect(row).toContainText("objects:read");
  await expect(row).toContainText("links:write");
  await expect(row).not.toContainText("links:read");
  await expect(row).toContainText("Never used");
  await expect(row).toContainText("in 30 days");
  await expect(row.getByRole("cell", { name: "Active", exact: true })).toBeVisible();

  await row.getByRole("button", { name: "Revoke token" }).click();
  const confirm = page.getByRole("dialog", { name: "Revoke this token?" });
  await expect(confirm).toContainText(tokenName);
  await expectNoA11yViolations(page, "settings: revoke API token confirmation");
  await confirm.getByRole("button", { name: "Revoke token" }).click();
  await expect(confirm).toBeHidden();
  await expect(section.getByRole("status").filter({ hasText: `Token “${tokenName}” revoked` })).toBeVisible();
  await expect(row.getByRole("cell", { name: "Revoked", exact: true })).toBeVisible();
  await expect(row.getByRole("button", { name: "Revoke token" })).toHaveCount(0);
  await page.reload();
  await expect(row.getByRole("cell", { name: "Revoked", exact: true })).toBeVisible();
});
