import type { Locator, Page } from "@playwright/test";
import { expectNoA11yViolations } from "../support/a11y";
import { ensureConnection, ensureSignedIn, expect, test } from "../support/fixtures";

// The two share dialogs keep their word and are one family: "Change options" after a link was made
// changes that very link when it is managed (same address, one row in the history, the link page shows
// the new expiry and limit), says plainly that a new link will be made when it is direct, and offers
// "Revoke the first" when a new link replaces a managed one. Quick Share and Share selected show the
// same "Protection" group, with the same fields in the same order, and their intro goes once a link is shown.

const BUCKET = "e2e-family";
const PHONE = { width: 390, height: 844 };
const INTRO = /^Goes through Bucketshare: you can revoke it at once/;

async function openFolder(page: Page, folder: string) {
  await page.getByRole("link", { name: "Buckets", exact: true }).click();
  await page.getByRole("link", { name: BUCKET }).click();
  await expect(page.getByRole("heading", { name: BUCKET, level: 1 })).toBeVisible();
  // A click while the listing is still arriving (or hydrating) can be lost: click until the folder is open.
  await expect(async () => {
    if (!new URL(page.url()).pathname.endsWith(`/${folder}`)) await page.getByRole("link", { name: folder, exact: true }).click({ timeout: 5_000 });
    await expect(page).toHaveURL(new RegExp(`/${folder}$`), { timeout: 5_000 });
  }).toPass({ timeout: 30_000 });
}

/** The labels of the form fields in the dialog's "Protection" group, in document order. */
async function protectionFields(dialog: Locator): Promise<string[]> {
  const group = dialog.getByRole("group", { name: "Protection" });
  await expect(group).toBeVisible();
  await expect(group.getByRole("textbox", { name: "Download limit" })).toBeVisible();
  await expect(group.getByLabel("Password", { exact: true })).toBeVisible();
  await expect(group.getByRole("textbox", { name: "Allowed networks" })).toBeVisible();
  return group.locator("input, textarea, select").evaluateAll((fields) => fields.map((f) => (f as HTMLInputElement).labels?.[0]?.textContent?.trim() ?? ""));
}

/** The headings of the dialog's groups and first fields, in document order (legends and labels). */
async function fieldOrder(dialog: Locator): Promise<string[]> {
  return dialog
    .locator("form legend, form label[for]")
    .evaluateAll((nodes) => nodes.map((n) => n.textContent?.trim() ?? "").filter((t) => ["Link type", "Expires in", "Protection"].includes(t)));
}

async function historyRows(page: Page, key: string): Promise<Locator> {
  await page.goto("/links");
  return page.getByRole("row").filter({ hasText: key });
}

test("Change options on a managed link changes that link: same address, one row, the link page shows the new expiry and limit", async ({ page, storage }) => {
  test.setTimeout(120_000);
  await storage.bucket(BUCKET);
  await storage.put(BUCKET, "edit/plan.txt", "the plan\n", "text/plain");
  await ensureSignedIn(page);
  await ensureConnection(page, storage);
  await openFolder(page, "edit");
  await page.getByRole("button", { name: "Quick Share plan.txt" }).click();
  const dialog = page.getByRole("dialog", { name: "Quick Share" });
  await dialog.getByRole("group", { name: "Link type" }).getByRole("radio", { name: "Managed link" }).check();
  // A managed link's default expiry, the same as Share selected's.
  await expect(dialog.getByLabel("Expires in")).toHaveValue("7d");
  await dialog.getByRole("textbox", { name: "Download limit" }).fill("1");
  await dialog.getByRole("button", { name: "Generate link" }).click();
  const field = dialog.getByLabel("Share link", { exact: true });
  await expect(field).toHaveValue(/\/s\/[A-Za-z0-9_-]{32}$/);
  const url = await field.inputValue();
  await expect(dialog.getByText(INTRO)).toHaveCount(0);

  await dialog.getByRole("button", { name: "Change options" }).click();
  await expect(dialog.getByRole("radio", { name: "Change this link" })).toBeChecked();
  await expect(dialog.getByText("A new link will be made.", { exact: false })).toHaveCount(0);
  await expectNoA11yViolations(page, "Quick Share, changing a managed link");
  await dialog.getByLabel("Expires in").selectOption({ label: "30 days" });
  await dialog.getByRole("textbox", { name: "Download limit" }).fill("3");
  await dialog.getByRole("button", { name: "Save changes" }).click();
  await expect(dialog.getByRole("status").filter({ hasText: "Saved: the link keeps its address" })).toBeVisible();
  await expect(field).toHaveValue(url);
  await expect(dialog.getByText(/Works until .* \(in 30 days\)/)).toBeVisible();
  await expect(dialog.getByRole("definition").filter({ hasText: /^3$/ })).toBeVisible();
  await dialog.getByRole("button", { name: "Done" }).click();

  const rows = await historyRows(page, "edit/plan.txt");
  await expect(rows).toHaveCount(1);
  await rows.getByRole("link", { name: /^Managed: details of the link to/ }).click();
  await expect(page.getByRole("heading", { name: "Link details", level: 1 })).toBeVisible();
  await expect(page.getByRole("definition").filter({ hasText: /^3$/ })).toBeVisible();
  await expect(page.getByRole("definition").filter({ hasText: /in 30 days/ })).toBeVisible();
});

test("Change options on a direct link says a new link will be made, and makes one; the first stays in the history", async ({ page, storage }) => {
  test.setTimeout(120_000);
  await storage.bucket(BUCKET);
  await storage.put(BUCKET, "direct/notes.txt", "notes\n", "text/plain");
  await ensureSignedIn(page);
  await ensureConnection(page, storage);
  await openFolder(page, "direct");
  await page.getByRole("button", { name: "Quick Share notes.txt" }).click();
  const dialog = page.getByRole("dialog", { name: "Quick Share" });
  await expect(dialog.getByRole("group", { name: "Link type" }).getByRole("radio", { name: "Direct link" })).toBeChecked();
  await dialog.getByRole("button", { name: "Generate link" }).click();
  const field = dialog.getByLabel("Share link", { exact: true });
  await expect(field).toHaveValue(/^http/);
  const first = await field.inputValue();

  await dialog.getByRole("button", { name: "Change options" }).click();
  await expect(dialog.getByText("A new link will be made. The first link keeps working until it expires.", { exact: true })).toBeVisible();
  await expect(dialog.getByRole("radio", { name: "Change this link" })).toHaveCount(0);
  await expect(dialog.getByRole("button", { name: "Revoke the first" })).toHaveCount(0);
  await dialog.getByLabel("Expires in").selectOption({ label: "1 day" });
  await dialog.getByRole("button", { name: "Generate link" }).click();
  await expect(field).toHaveValue(/^http/);
  await expect(field).not.toHaveValue(first);

  await expect(await historyRows(page, "direct/notes.txt")).toHaveCount(2);
});

test("making a new link instead of changing a managed one offers Revoke the first, and it revokes it", async ({ page, storage, browser }) => {
  test.setTimeout(120_000);
  await storage.bucket(BUCKET);
  await storage.put(BUCKET, "again/deck.txt", "deck\n", "text/plain");
  await ensureSignedIn(page);
  await ensureConnection(page, storage);
  await openFolder(page, "again");
  await page.getByRole("button", { name: "Quick Share deck.txt" }).click();
  const dialog = page.getByRole("dialog", { name: "Quick Share" });
  await dialog.getByRole("group", { name: "Link type" }).getByRole("radio", { name: "Managed link" }).check();
  await dialog.getByRole("button", { name: "Generate link" }).click();
  const field = dialog.getByLabel("Share link", { exact: true });
  await expect(field).toHaveValue(/\/s\/[A-Za-z0-9_-]{32}$/);
  const first = await field.inputValue();

  await dialog.getByRole("button", { name: "Change options" }).click();
  await dialog.getByRole("radio", { name: "Make a new link" }).check();
  await expect(dialog.getByText("A new link will be made. The first link keeps working until it expires.", { exact: true })).toBeVisible();
  await expect(dialog.getByRole("button", { name: "Revoke the first" })).toBeVisible();
  await expectNoA11yViolations(page, "Quick Share, making a new link after a managed one");
  await dialog.getByRole("button", { name: "Generate link" }).click();
  await expect(field).toHaveValue(/\/s\/[A-Za-z0-9_-]{32}$/);
  await expect(field).not.toHaveValue(first);
  const second = await field.inputValue();
  // Under the new link: the first still works, and can be revoked from here.
  await expect(dialog.getByText(/The first link \(.*\) still works until it expires\./)).toBeVisible();
  await dialog.getByRole("button", { name: "Revoke the first" }).click();
  await expect(dialog.getByRole("status").filter({ hasText: "The first link is revoked: it no longer works." })).toBeVisible();
  await expect(dialog.getByRole("button", { name: "Revoke the first" })).toHaveCount(0);

  const context = await browser.newContext();
  const recipient = await context.newPage();
  expect((await recipient.goto(first))?.status()).toBe(410);
  expect((await recipient.goto(second))?.status()).toBe(200);
  await context.close();
});

test("Quick Share and Share selected are one family: same groups in the same order, Protection, the intro gone once a link is shown; axe", async ({
  page,
  storage,
}, testInfo) => {
  test.setTimeout(180_000);
  await storage.bucket(BUCKET);
  await Promise.all([storage.put(BUCKET, "family/a.txt", "a\n", "text/plain"), storage.put(BUCKET, "family/b.txt", "b\n", "text/plain")]);
  await ensureSignedIn(page);
  await ensureConnection(page, storage);
  await openFolder(page, "family");

  const shots = process.env.DIALOG_SCREENSHOTS;
  async function look(name: string) {
    for (const [size, viewport] of [
      ["desktop", { width: 1280, height: 900 }],
      ["phone", PHONE],
    ] as const) {
      await page.setViewportSize(viewport);
      await expectNoA11yViolations(page, `${name} (${size})`);
      if (shots)
        for (const colorScheme of ["light", "dark"] as const) {
          await page.emulateMedia({ colorScheme });
          await page.screenshot({ path: `${shots}/${name}-${size}-${colorScheme}.png`, fullPage: true });
          // The dialog scrolls on its own: its end too.
          await page.getByRole("dialog").evaluate((dialog) => dialog.scrollTo(0, dialog.scrollHeight));
          await page.screenshot({ path: `${shots}/${name}-${size}-${colorScheme}-end.png` });
          await page.getByRole("dialog").evaluate((dialog) => dialog.scrollTo(0, 0));
        }
    }
    await page.emulateMedia({ colorScheme: "light" });
    await page.setViewportSize({ width: 1280, height: 720 });
  }
  void testInfo;

  // Quick Share, managed (the public address is not set here, so Direct is the default: both say why Managed needs it).
  await page.getByRole("button", { name: "Quick Share a.txt" }).click();
  const quick = page.getByRole("dialog", { name: "Quick Share" });
  await quick.getByRole("group", { name: "Link type" }).getByRole("radio", { name: "Managed link" }).check();
  await expect(quick.getByText(INTRO)).toBeVisible();
  await expect(quick.getByText(/Recipients elsewhere cannot reach a localhost address/)).toBeVisible();
  const quickFields = await protectionFields(quick);
  const quickOrder = await fieldOrder(quick);
  await look("quick-share");
  await quick.getByRole("button", { name: "Generate link" }).click();
  await expect(quick.getByLabel("Share link", { exact: true })).toHaveValue(/\/s\//);
  await expect(quick.getByText(INTRO)).toHaveCount(0);
  await look("quick-share-result");
  await quick.getByRole("button", { name: "Done" }).click();

  // Share selected: the same groups, in the same order, the same Protection fields.
  await page.getByRole("checkbox", { name: "Select a.txt" }).check();
  await page.getByRole("checkbox", { name: "Select b.txt" }).check();
  await page.getByRole("region", { name: "Selection" }).getByRole("button", { name: "Share selected" }).click();
  const files = page.getByRole("dialog", { name: "Share 2 files" });
  await expect(files.getByText(/^2 files · \d+ B will be shared\.$/)).toBeVisible();
  await expect(files.getByLabel("Expires in")).toHaveValue("7d");
  await expect(files.getByText(INTRO)).toBeVisible();
  await expect(files.getByText(/Recipients elsewhere cannot reach a localhost address/)).toBeVisible();
  expect(await protectionFields(files)).toEqual(quickFields);
  expect(quickFields).toEqual(["Download limit", "Password", "Allowed networks"]);
  expect(await fieldOrder(files)).toEqual(quickOrder);
  expect(quickOrder).toEqual(["Link type", "Expires in", "Protection"]);
  await look("share-selected");
  await files.getByRole("textbox", { name: "Download limit" }).fill("2");
  await files.getByRole("button", { name: "Generate link" }).click();
  const field = files.getByLabel("Share link", { exact: true });
  await expect(field).toHaveValue(/\/s\/[A-Za-z0-9_-]{32}$/);
  const url = await field.inputValue();
  await expect(files.getByText(INTRO)).toHaveCount(0);
  await look("share-selected-result");

  // Change options on the several-files link changes it too (a managed link).
  await files.getByRole("button", { name: "Change options" }).click();
  await expect(files.getByRole("radio", { name: "Change this link" })).toBeChecked();
  await look("share-selected-change");
  await files.getByRole("textbox", { name: "Download limit" }).fill("");
  await files.getByRole("button", { name: "Save changes" }).click();
  await expect(files.getByRole("status").filter({ hasText: "Saved: the link keeps its address" })).toBeVisible();
  await expect(field).toHaveValue(url);
  await expect(files.getByRole("definition").filter({ hasText: /^Unlimited$/ })).toBeVisible();

  // Then a new one instead: Revoke the first is offered in the form.
  await files.getByRole("button", { name: "Change options" }).click();
  await files.getByRole("radio", { name: "Make a new link" }).check();
  await expect(files.getByText("A new link will be made. The first link keeps working until it expires.", { exact: true })).toBeVisible();
  await look("share-selected-new-link");
  await files.getByRole("button", { name: "Revoke the first" }).click();
  await expect(files.getByText("A new link will be made. The first link is revoked.", { exact: true })).toBeVisible();
  await files.getByRole("button", { name: "Generate link" }).click();
  await expect(field).toHaveValue(/\/s\/[A-Za-z0-9_-]{32}$/);
  await expect(field).not.toHaveValue(url);
  await expect(files.getByRole("button", { name: "Revoke the first" })).toHaveCount(0);
});
