import { expect, type Locator, type Page } from "@playwright/test";

/**
 * What the team specs (25, 30) share: a Member's browser meeting the edges of their grant.
 */

/** Opens Quick Share for a file of the listing shown (retried: the row's button answers once hydrated). */
export async function openQuickShare(page: Page, fileName: string): Promise<Locator> {
  const dialog = page.getByRole("dialog", { name: "Quick Share" });
  await expect(async () => {
    await page.getByRole("button", { name: `Quick Share ${fileName}` }).click({ timeout: 5_000 });
    await expect(dialog).toBeVisible({ timeout: 5_000 });
  }).toPass({ timeout: 30_000 });
  return dialog;
}

/** The durations a managed-only grant capped at `longest` gives in a share dialog, and the line saying why. */
export async function expectManagedOnlyUpTo(dialog: Locator, longest: string, refused: string[]) {
  const linkType = dialog.getByRole("group", { name: "Link type" });
  await expect(linkType).toContainText("Your access allows managed links only.");
  await expect(linkType.getByRole("radio")).toHaveCount(0);
  const options = await dialog.getByLabel("Expires in").locator("option").allTextContents();
  expect(options).toContain(longest);
  for (const label of [...refused, "No expiry"]) expect(options).not.toContain(label);
  await expect(dialog.getByText(`Your access allows links of at most ${longest}.`)).toBeVisible();
}

/**
 * Typing an address outside the grant: the 404 page (streamed, so its heading is what tells), with none of
 * `hidden` (the object's name, its folder, the bucket…) anywhere in the page, its title included.
 */
export async function expectNotFoundWithout(page: Page, path: string, hidden: string[]) {
  await page.goto(path);
  await expect(page.getByRole("heading", { name: "Not found", level: 1 })).toBeVisible();
  for (const text of hidden) {
    await expect(page.locator("body")).not.toContainText(text);
    expect(await page.title()).not.toContain(text);
  }
}
