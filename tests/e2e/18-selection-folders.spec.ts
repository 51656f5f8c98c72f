import { ensureConnection, ensureSignedIn, expect, test } from "../support/fixtures";

// A selection spans folders: a file ticked in one folder stays selected when another folder of the
// same bucket is opened, the bar says how many in how many folders, and Share selected shares them all.

const BUCKET = "e2e-span";

test("tick files in two folders, share both as one link, clear the selection", async ({ page, storage, browser }) => {
  test.setTimeout(120_000);
  await storage.bucket(BUCKET);
  await Promise.all([
    storage.put(BUCKET, "alpha/one.txt", "one\n", "text/plain"),
    storage.put(BUCKET, "alpha/skip.txt", "skip\n", "text/plain"),
    storage.put(BUCKET, "beta/two.txt", "two\n", "text/plain"),
  ]);

  await ensureSignedIn(page);
  await ensureConnection(page, storage);
  await page.getByRole("link", { name: "Buckets", exact: true }).click();
  await page.getByRole("link", { name: BUCKET }).click();
  const bar = page.getByRole("region", { name: "Selection" });

  await page.getByRole("link", { name: "alpha" }).click();
  await page.getByRole("checkbox", { name: "Select one.txt" }).check();
  await expect(bar.getByText("1 selected", { exact: true })).toBeVisible();

  await page.goto(page.url().replace(/alpha\/?$/, "beta"));
  await expect(page.getByRole("checkbox", { name: "Select two.txt" })).toBeVisible();
  // The file ticked in alpha is still selected here.
  await expect(bar.getByText("1 selected in 1 folder", { exact: true })).toBeVisible();
  await page.getByRole("checkbox", { name: "Select two.txt" }).check();
  await expect(bar.getByText("2 selected in 2 folders", { exact: true })).toBeVisible();

  // Back in alpha the tick is still shown on its row.
  await page.goBack();
  await expect(page.getByRole("checkbox", { name: "Select one.txt" })).toBeChecked();
  await expect(page.getByRole("checkbox", { name: "Select skip.txt" })).not.toBeChecked();
  await expect(bar.getByText("2 selected in 2 folders", { exact: true })).toBeVisible();

  await bar.getByRole("button", { name: "Share selected" }).click();
  const dialog = page.getByRole("dialog", { name: "Share 2 files" });
  await expect(dialog.getByText(/^2 files · \d+ B will be shared\.$/)).toBeVisible();
  await dialog.getByRole("button", { name: "Generate link" }).click();
  const field = dialog.getByLabel("Share link", { exact: true });
  await expect(field).toHaveValue(/\/s\/[A-Za-z0-9_-]{32}$/);
  const url = await field.inputValue();
  await dialog.getByRole("button", { name: "Done" }).click();
  // A made share clears the selection.
  await expect(bar.getByText(/selected/)).toHaveCount(0);

  const context = await browser.newContext();
  const recipient = await context.newPage();
  await recipient.goto(url);
  await expect(recipient.getByRole("heading", { name: "2 files", level: 1 })).toBeVisible();
  // Paths are relative to the keys' common folder: the recipient sees both folders, each with its file.
  await recipient.getByRole("link", { name: "alpha/" }).click();
  await expect(recipient.getByRole("rowheader", { name: "one.txt" })).toBeVisible();
  await expect(recipient.getByRole("rowheader", { name: "skip.txt" })).toHaveCount(0);
  await recipient.goBack();
  await recipient.getByRole("link", { name: "beta/" }).click();
  await expect(recipient.getByRole("rowheader", { name: "two.txt" })).toBeVisible();
  await context.close();

  // Clear selection empties a selection spanning folders.
  await page.getByRole("checkbox", { name: "Select skip.txt" }).check();
  await expect(bar.getByText("1 selected", { exact: true })).toBeVisible();
  await page.goto(page.url().replace(/alpha\/?$/, "beta"));
  // The bar shows the selection kept from alpha only once the page has hydrated; a tick before
  // that would be a native one that React never hears about.
  await expect(bar.getByText("1 selected in 1 folder", { exact: true })).toBeVisible();
  await page.getByRole("checkbox", { name: "Select two.txt" }).check();
  await expect(bar.getByText("2 selected in 2 folders", { exact: true })).toBeVisible();
  await bar.getByRole("button", { name: "Clear selection" }).click();
  await expect(bar.getByText(/selected/)).toHaveCount(0);
  await expect(page.getByRole("checkbox", { name: "Select two.txt" })).not.toBeChecked();
  await page.goBack();
  await expect(page.getByRole("checkbox", { name: "Select skip.txt" })).not.toBeChecked();
  await expect(bar.getByText(/selected/)).toHaveCount(0);
});

test("a folder share counts the name pattern as typed, and Generate waits for the count", async ({ page, storage }) => {
  test.setTimeout(120_000);
  const bucket = "e2e-pattern";
  await storage.bucket(bucket);
  await Promise.all([
    storage.put(bucket, "docs/a.txt", "a\n", "text/plain"),
    storage.put(bucket, "docs/b.txt", "b\n", "text/plain"),
    storage.put(bucket, "docs/c.pdf", "c\n", "application/pdf"),
  ]);
  await ensureSignedIn(page);
  await ensureConnection(page, storage);
  await page.getByRole("link", { name: "Buckets", exact: true }).click();
  await page.getByRole("link", { name: bucket }).click();
  await page.getByRole("button", { name: "Share folder docs" }).click();
  const dialog = page.getByRole("dialog", { name: "Share folder docs" });
  const pattern = dialog.getByLabel("Name pattern (optional)");
  const generate = dialog.getByRole("button", { name: "Generate link" });
  await expect(dialog.getByText(/^3 files · .* will be shared\.$/)).toBeVisible();

  // Typing re-counts without Apply, Enter or leaving the field.
  await pattern.fill("*.txt");
  await expect(generate).toBeDisabled();
  await expect(dialog.getByText(/^2 files · .* will be shared\.$/)).toBeVisible();
  await expect(generate).toBeEnabled();

  await pattern.fill("*.zip");
  await expect(dialog.getByText("No file in this folder matches “*.zip”, so there is nothing to share.")).toBeVisible();
  await expect(generate).toBeDisabled();
  // A stale "nothing to share" does not linger once the pattern changes.
  await pattern.fill("*.pdf");
  await expect(dialog.getByText(/nothing to share/)).toHaveCount(0);
  await expect(dialog.getByText(/^1 file · .* will be shared\.$/)).toBeVisible();

  // Generate shares what the dialog last showed: the one PDF.
  await generate.click();
  await expect(dialog.getByText(/^Shared 1 file · .* as “docs”\.$/)).toBeVisible();
});
