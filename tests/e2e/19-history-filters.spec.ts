import { ensureConnection, ensureSignedIn, expect, test } from "../support/fixtures";
import type { Page } from "@playwright/test";

// The history page: filters apply as they change (no Apply button), say how many links match and
// can be cleared; each row's actions sit in one "Actions" menu that works from the keyboard.

const BUCKET = "e2e-history";
const TAG = "zq7history";

async function quickShare(page: Page, name: string, managed: boolean): Promise<void> {
  await page.goto("/buckets");
  await page.getByRole("link", { name: BUCKET }).click();
  await page.getByRole("button", { name: `Quick Share ${name}` }).click();
  const dialog = page.getByRole("dialog", { name: "Quick Share" });
  if (managed) await dialog.getByRole("group", { name: "Link type" }).getByRole("radio", { name: "Managed link" }).check();
  await dialog.getByRole("button", { name: "Generate link" }).click();
  await expect(dialog.getByLabel("Share link", { exact: true })).toHaveValue(/^http/);
  await dialog.getByRole("button", { name: "Done" }).click();
}

test("filters apply as they change, count the matches and clear; the Actions menu works with the keyboard", async ({ page, storage }) => {
  test.setTimeout(120_000);
  await storage.bucket(BUCKET);
  await storage.put(BUCKET, `${TAG}-direct.txt`, "direct\n", "text/plain");
  await storage.put(BUCKET, `${TAG}-managed.txt`, "managed\n", "text/plain");
  await ensureSignedIn(page);
  await ensureConnection(page, storage);
  await quickShare(page, `${TAG}-direct.txt`, false);
  await quickShare(page, `${TAG}-managed.txt`, true);

  await page.goto("/links");
  await expect(page.getByRole("link", { name: "Clear filters" })).toHaveCount(0);

  // Typing searches after a pause; no button to press.
  await page.getByLabel("Search").fill(TAG);
  await expect(page).toHaveURL(new RegExp(`[?&]q=${TAG}`));
  await expect(page.getByRole("status").filter({ hasText: /links?$/ })).toHaveText("2 links");
  await expect(page.getByRole("row").filter({ hasText: TAG })).toHaveCount(2);

  // A select applies at once.
  await page.getByLabel("Type").selectOption("managed");
  await expect(page).toHaveURL(/[?&]type=managed/);
  await expect(page.getByRole("status").filter({ hasText: /links?$/ })).toHaveText("1 link");
  const row = page.getByRole("row").filter({ hasText: `${TAG}-managed.txt` });
  // One page: where you are, and both ways on are visibly off.
  const pages = page.getByRole("navigation", { name: "Pagination" });
  await expect(pages.getByText("Page 1 · links 1–1")).toBeVisible();
  await expect(pages.getByText("First page")).toHaveAttribute("aria-disabled", "true");
  await expect(pages.getByText("Older links")).toHaveAttribute("aria-disabled", "true");
  await expect(pages.getByRole("link")).toHaveCount(0);
  await expect(page.getByRole("row").filter({ hasText: TAG })).toHaveCount(1);

  // The Actions menu, by keyboard only.
  const actions = row.getByRole("button", { name: "Actions" });
  await expect(actions).toHaveAttribute("aria-haspopup", "menu");
  await expect(actions).toHaveAttribute("aria-expanded", "false");
  await actions.focus();
  await page.keyboard.press("Enter");
  const menu = page.getByRole("menu", { name: "Actions" });
  await expect(menu).toBeVisible();
  await expect(actions).toHaveAttribute("aria-expanded", "true");
  await expect(menu.getByRole("menuitem")).toHaveText(["Revoke", "Extend", "Share again", "Check now", "Delete from history", "Details…"]);
  await expect(menu.getByRole("menuitem", { name: "Revoke" })).toBeFocused();
  await page.keyboard.press("ArrowDown");
  await expect(menu.getByRole("menuitem", { name: "Extend" })).toBeFocused();
  await page.keyboard.press("End");
  await expect(menu.getByRole("menuitem", { name: "Details…" })).toBeFocused();
  await page.keyboard.press("ArrowDown");
  await expect(menu.getByRole("menuitem", { name: "Revoke" })).toBeFocused();
  await page.keyboard.press("ArrowUp");
  await expect(menu.getByRole("menuitem", { name: "Details…" })).toBeFocused();
  await page.keyboard.press("Home");
  await expect(menu.getByRole("menuitem", { name: "Revoke" })).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(menu).toHaveCount(0);
  await expect(actions).toBeFocused();
  await expect(actions).toHaveAttribute("aria-expanded", "false");

  // Choosing an item: Revoke asks first.
  await page.keyboard.press("ArrowDown");
  await expect(menu.getByRole("menuitem", { name: "Revoke" })).toBeFocused();
  await page.keyboard.press("Enter");
  const confirm = page.getByRole("dialog", { name: "Revoke this link?" });
  await expect(confirm).toBeVisible();
  await confirm.getByRole("button", { name: "Cancel" }).click();
  await expect(confirm).toHaveCount(0);

  // Clear filters empties every field and shows everything again.
  await page.getByRole("link", { name: "Clear filters" }).click();
  await expect(page).toHaveURL(/\/links$/);
  await expect(page.getByLabel("Search")).toHaveValue("");
  await expect(page.getByLabel("Type")).toHaveValue("all");
  await expect(page.getByRole("link", { name: "Clear filters" })).toHaveCount(0);
  await expect(page.getByRole("row").filter({ hasText: TAG })).toHaveCount(2);
});

test("without JavaScript the filters are a plain form: Apply shows and filters, Clear filters clears", async ({ page, storage, browser }) => {
  test.setTimeout(120_000);
  const tag = "zq7nojs";
  await storage.bucket(BUCKET);
  await storage.put(BUCKET, `${tag}-direct.txt`, "direct\n", "text/plain");
  await storage.put(BUCKET, `${tag}-managed.txt`, "managed\n", "text/plain");
  await ensureSignedIn(page);
  await ensureConnection(page, storage);
  await quickShare(page, `${tag}-direct.txt`, false);
  await quickShare(page, `${tag}-managed.txt`, true);

  // With scripts the filters apply as they change: no Apply button.
  await page.goto("/links");
  await expect(page.getByLabel("Type")).toBeVisible();
  await expect(page.getByRole("button", { name: "Apply" })).toHaveCount(0);

  const context = await browser.newContext({ storageState: await page.context().storageState(), javaScriptEnabled: false });
  const plain = await context.newPage();
  await plain.goto("/links");
  const apply = plain.getByRole("button", { name: "Apply" });
  await expect(apply).toBeVisible();
  await plain.getByLabel("Search").fill(tag);
  await plain.getByLabel("Type").selectOption("managed");
  await apply.click();
  await expect(plain).toHaveURL(/\/links\?(.*&)?type=managed(&|$)/);
  await expect(plain).toHaveURL(new RegExp(`[?&]q=${tag}(&|$)`));
  await expect(plain.getByLabel("Type")).toHaveValue("managed");
  await expect(plain.getByLabel("Search")).toHaveValue(tag);
  await expect(plain.getByRole("status").filter({ hasText: /links?$/ })).toHaveText("1 link");
  await expect(plain.getByRole("row").filter({ hasText: tag })).toHaveCount(1);
  await expect(plain.getByRole("row").filter({ hasText: `${tag}-managed.txt` })).toHaveCount(1);

  await plain.getByRole("link", { name: "Clear filters" }).click();
  await expect(plain).toHaveURL(/\/links$/);
  await expect(plain.getByLabel("Type")).toHaveValue("all");
  await expect(plain.getByRole("link", { name: "Clear filters" })).toHaveCount(0);
  await expect(apply).toBeVisible();
  await context.close();
});
