import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { png } from "../../lib/dev/sample-files";
import { expectNoA11yViolations } from "../support/a11y";
import { ensureConnection, ensureSignedIn, expect, test } from "../support/fixtures";

// One link for several files, from end to end in Chromium against the production server: the owner
// selects three files across two pages of one folder, shares them as one managed link; a recipient in
// another browser context sees the three, downloads one (right bytes) and Download all (a ZIP with the three).

const BUCKET = "e2e-multi";
const FOLDER = "many";
const name = (i: number) => `f${String(i).padStart(3, "0")}.txt`;
const body = (i: number) => `contents of file ${i}\n`;

test("select three files across two pages, share them as one link, download one and all", async ({ page, storage, browser }) => {
  test.setTimeout(180_000);
  await storage.bucket(BUCKET);
  // 105 objects: page 1 lists f000–f099, page 2 f100–f104.
  for (let start = 0; start < 105; start += 15) {
    await Promise.all(
      Array.from({ length: Math.min(15, 105 - start) }, (_, j) => storage.put(BUCKET, `${FOLDER}/${name(start + j)}`, body(start + j), "text/plain")),
    );
  }

  await ensureSignedIn(page);
  await ensureConnection(page, storage);
  await page.getByRole("link", { name: "Buckets", exact: true }).click();
  await page.getByRole("link", { name: BUCKET }).click();

  // Share folder: Include subfolders and a name pattern; the dialog counts before generating.
  await page.getByRole("button", { name: `Share folder ${FOLDER}` }).click();
  const folderDialog = page.getByRole("dialog", { name: `Share folder ${FOLDER}` });
  await expect(folderDialog.getByText("105 files · ", { exact: false })).toBeVisible();
  await expect(folderDialog.getByRole("checkbox", { name: "Include subfolders" })).not.toBeChecked();
  await folderDialog.getByLabel("Name pattern (optional)").fill("F10?.TXT");
  await folderDialog.getByRole("button", { name: "Apply" }).click();
  await expect(folderDialog.getByText(/^5 files · .* will be shared\.$/)).toBeVisible();
  await folderDialog.getByLabel("Name pattern (optional)").fill("*.pdf");
  await folderDialog.getByRole("button", { name: "Apply" }).click();
  await expect(folderDialog.getByText("No file in this folder matches “*.pdf”, so there is nothing to share.")).toBeVisible();
  await expect(folderDialog.getByRole("button", { name: "Generate link" })).toBeDisabled();
  await folderDialog.getByRole("button", { name: "Cancel" }).click();

  await page.getByRole("link", { name: FOLDER }).click();
  await page.getByRole("checkbox", { name: `Select ${name(1)}` }).check();
  await page.getByRole("checkbox", { name: `Select ${name(2)}` }).check();
  const bar = page.getByRole("region", { name: "Selection" });
  await expect(bar.getByText("2 selected")).toBeVisible();
  await expect(page.getByRole("checkbox", { name: "Select all on this page" })).not.toBeChecked();

  await page.getByRole("button", { name: "Next page" }).click();
  await expect(page.getByRole("checkbox", { name: `Select ${name(103)}` })).toBeVisible();
  // The selection made on page 1 is still there.
  await expect(bar.getByText("2 selected")).toBeVisible();
  await page.getByRole("checkbox", { name: "Select all on this page" }).check();
  await expect(bar.getByText("7 selected")).toBeVisible();
  await page.getByRole("checkbox", { name: "Select all on this page" }).uncheck();
  await expect(bar.getByText("2 selected")).toBeVisible();
  await page.getByRole("checkbox", { name: `Select ${name(103)}` }).check();
  await expect(bar.getByText("3 selected")).toBeVisible();
  await expectNoA11yViolations(page, "the folder listing with the selection bar");

  await bar.getByRole("button", { name: "Share selected" }).click();
  const dialog = page.getByRole("dialog", { name: "Share 3 files" });
  await expect(dialog.getByText(/^3 files · \d+ B will be shared\.$/)).toBeVisible();
  await expect(dialog.getByRole("checkbox", { name: "Allow Download all (ZIP; these bytes pass through this server)" })).toBeChecked();
  await expect(dialog.getByLabel("Expires in").locator("option", { hasText: "No expiry" })).toHaveCount(1);
  // The same expiry choices as a managed Quick Share: a custom duration (beyond 7 days), checked as it is typed.
  await dialog.getByLabel("Expires in").selectOption({ label: "Custom duration…" });
  await dialog.getByLabel("Duration").fill("0");
  await expect(dialog.getByText("Enter a whole number greater than 0.")).toBeVisible();
  await expect(dialog.getByRole("button", { name: "Generate link" })).toBeDisabled();
  await dialog.getByLabel("Duration").fill("45");
  await dialog.getByLabel("Unit").selectOption("days");
  await expect(dialog.getByText(/^The link will work until .+\.$/)).toBeVisible();
  await expectNoA11yViolations(page, "the multi-file share dialog");
  await dialog.getByLabel("Note (optional)").fill("for the e2e recipient");
  await dialog.getByRole("button", { name: "Generate link" }).click();
  const field = dialog.getByLabel("Share link", { exact: true });
  await expect(field).toHaveValue(/^http:\/\/127\.0\.0\.1:\d+\/s\/[A-Za-z0-9_-]{32}$/);
  const url = await field.inputValue();
  await expect(dialog.getByText(/Works until .* \(in 45 days\)/)).toBeVisible();
  await dialog.getByRole("button", { name: "Done" }).click();
  // A made share clears the selection.
  await expect(bar.getByText(/selected/)).toHaveCount(0);

  // The recipient.
  const context = await browser.newContext({ acceptDownloads: true });
  const recipient = await context.newPage();
  await recipient.goto(url);
  await expect(recipient.getByRole("heading", { name: "3 files", level: 1 })).toBeVisible();
  for (const i of [1, 2, 103]) await expect(recipient.getByRole("rowheader", { name: name(i) })).toBeVisible();
  await expect(recipient.getByRole("rowheader", { name: name(0) })).toHaveCount(0);

  const [download] = await Promise.all([recipient.waitForEvent("download"), recipient.getByRole("link", { name: `Download ${name(103)}` }).click()]);
  expect(readFileSync((await download.path())!).toString("utf8")).toBe(body(103));

  const [zipDownload] = await Promise.all([recipient.waitForEvent("download"), recipient.getByRole("link", { name: "Download all" }).click()]);
  const zipPath = join(mkdtempSync(join(tmpdir(), "e2e-zip-")), "all.zip");
  writeFileSync(zipPath, readFileSync((await zipDownload.path())!));
  const listing = execFileSync("unzip", ["-Z1", zipPath], { encoding: "utf8" }).split("\n").filter(Boolean).sort();
  expect(listing).toEqual([name(1), name(2), name(103)]);
  expect(execFileSync("unzip", ["-p", zipPath, name(2)], { encoding: "utf8" })).toBe(body(2));
  await context.close();

  // The owner's history: the count and total size, and the link page lists the files.
  await page.goto("/links");
  const row = page.getByRole("row").filter({ hasText: "for the e2e recipient" });
  await expect(row.getByText(/^3 files · \d+ B$/)).toBeVisible();
  await expect(row.getByText("in 45 days")).toBeVisible();
  await row.getByRole("link", { name: /^Managed: details of the link to/ }).click();
  const files = page.getByRole("region", { name: "Files" });
  await expect(files.getByRole("cell", { name: name(103), exact: true })).toBeVisible();
  await expect(files.getByRole("row")).toHaveCount(4);
});

test("a share's recipient opens a picture or a text file in the browser, downloads the rest; HTML and SVG are never opened", async ({
  page,
  storage,
  browser,
}) => {
  test.setTimeout(180_000);
  const folder = "open-me";
  const photo = png(24, 16, (x) => [30 + x * 8, 120, 200]);
  await storage.bucket(BUCKET);
  await storage.put(BUCKET, `${folder}/photo.png`, photo, "image/png");
  await storage.put(BUCKET, `${folder}/notes.txt`, "Line one\nLine two\n", "text/plain");
  await storage.put(BUCKET, `${folder}/page.html`, "<!doctype html><title>x</title><script>alert(1)</script>", "text/html");
  await storage.put(BUCKET, `${folder}/logo.svg`, '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "image/svg+xml");

  await ensureSignedIn(page);
  await ensureConnection(page, storage);
  await page.goto("/buckets");
  await page.getByRole("link", { name: BUCKET }).click();
  await page.getByRole("link", { name: folder }).click();
  await page.getByRole("checkbox", { name: "Select all on this page" }).check();
  await page.getByRole("region", { name: "Selection" }).getByRole("button", { name: "Share selected" }).click();
  const dialog = page.getByRole("dialog", { name: "Share 4 files" });
  await dialog.getByRole("button", { name: "Generate link" }).click();
  const url = await dialog.getByLabel("Share link", { exact: true }).inputValue();
  expect(url).toMatch(/\/s\/[A-Za-z0-9_-]{32}$/);
  await dialog.getByRole("button", { name: "Done" }).click();

  const context = await browser.newContext({ acceptDownloads: true });
  const recipient = await context.newPage();
  await recipient.goto(url);
  const token = new URL(url).pathname.split("/")[2];
  // Open next to Download where the type is safe to show; none for HTML or SVG (they would run script).
  for (const file of ["photo.png", "notes.txt"]) {
    await expect(recipient.getByRole("link", { name: `Open ${file}` })).toHaveAttribute("href", `/s/${token}/download?path=${file}&open=1`);
  }
  for (const file of ["page.html", "logo.svg"]) {
    await expect(recipient.getByRole("link", { name: `Download ${file}` })).toBeVisible();
    await expect(recipient.getByRole("link", { name: `Open ${file}` })).toHaveCount(0);
  }
  await expectNoA11yViolations(recipient, "a multi-file share's page with Open");

  // Open shows the picture in a new tab (inline, its own type); the share's page stays.
  const shown = context.waitForEvent("response", (response) => response.url().includes("response-content-disposition=inline"));
  const [tab] = await Promise.all([context.waitForEvent("page"), recipient.getByRole("link", { name: "Open photo.png" }).click()]);
  const response = await shown;
  expect(response.headers()["content-disposition"]).toMatch(/^inline; filename="photo.png"/);
  expect(response.headers()["content-type"]).toBe("image/png");
  expect((await response.body()).equals(photo)).toBe(true);
  await expect(tab.locator("img")).toBeVisible();
  await tab.close();

  // Download saves the file under its name, and the page stays.
  const [download] = await Promise.all([recipient.waitForEvent("download"), recipient.getByRole("link", { name: "Download notes.txt" }).click()]);
  expect(download.suggestedFilename()).toBe("notes.txt");
  expect(readFileSync((await download.path())!).toString("utf8")).toBe("Line one\nLine two\n");
  expect(recipient.url()).toBe(url);
  await context.close();
});
