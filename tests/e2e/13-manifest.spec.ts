import { readFileSync } from "node:fs";
import { expectNoA11yViolations } from "../support/a11y";
import { ensureConnection, ensureSignedIn, expect, test } from "../support/fixtures";

// "Export manifest" on the link page of a multi-file share, in Chromium against the production
// server: the owner picks JSON and 7 days, the page streams the manifest, says how many URLs it
// made and offers the file; every URL in it downloads its file straight from the storage.

const BUCKET = "e2e-manifest";
const FOLDER = "batch";
const FILES = { "alpha.txt": "first file\n", "beta two.txt": "second file\n", "gämma.txt": "third file\n" } as const;

test("export a multi-file share's manifest as JSON with 7-day direct URLs", async ({ page, storage, request }) => {
  test.setTimeout(120_000);
  await storage.bucket(BUCKET);
  for (const [file, text] of Object.entries(FILES)) await storage.put(BUCKET, `${FOLDER}/${file}`, text, "text/plain");

  await ensureSignedIn(page);
  await ensureConnection(page, storage);
  await page.getByRole("link", { name: "Buckets", exact: true }).click();
  await page.getByRole("link", { name: BUCKET }).click();
  await page.getByRole("link", { name: FOLDER }).click();
  await page.getByRole("checkbox", { name: "Select all on this page" }).check();
  await page.getByRole("region", { name: "Selection" }).getByRole("button", { name: "Share selected" }).click();
  const dialog = page.getByRole("dialog", { name: "Share 3 files" });
  await dialog.getByLabel("Note (optional)").fill("for the manifest test");
  // Manifest URLs never outlive their share: a 30-day share leaves room for 7-day URLs.
  await dialog.getByLabel("Expires in").selectOption({ label: "30 days" });
  await dialog.getByRole("button", { name: "Generate link" }).click();
  await expect(dialog.getByLabel("Share link", { exact: true })).toHaveValue(/\/s\//);
  await dialog.getByRole("button", { name: "Done" }).click();

  await page.goto("/links");
  await page
    .getByRole("row")
    .filter({ hasText: "for the manifest test" })
    .getByRole("link", { name: /^Managed: details of the link to/ })
    .click();
  const section = page.getByRole("region", { name: "Export manifest" });
  await section.getByLabel("Format").selectOption("json");
  await section.getByLabel("Expires in").selectOption({ label: "7 days" });
  await expectNoA11yViolations(page, "the link page with Export manifest");
  const [download] = await Promise.all([page.waitForEvent("download"), section.getByRole("button", { name: "Export manifest" }).click()]);
  expect(download.suggestedFilename()).toMatch(/ manifest\.json$/);
  await expect(section.getByRole("status")).toContainText("Manifest ready: 3 URLs");

  const entries = JSON.parse(readFileSync((await download.path())!, "utf8")) as { path: string; size: number; url: string }[];
  expect(entries.map((e) => e.path).sort()).toEqual(Object.keys(FILES).sort());
  for (const entry of entries) {
    expect(new URL(entry.url).searchParams.get("X-Amz-Expires")).toBe("604800");
    const response = await request.get(entry.url);
    expect(response.status()).toBe(200);
    expect(await response.text()).toBe(FILES[entry.path as keyof typeof FILES]);
  }
});
