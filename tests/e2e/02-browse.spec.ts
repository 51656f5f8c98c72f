import { png } from "../../lib/dev/sample-files";
import { ensureSignedIn, expect, test } from "../support/fixtures";

test.describe.configure({ mode: "serial" });

const BUCKET = "e2e-browse";

test("add a connection through the form, test it, then browse folders, pages and an image preview", async ({ page, storage }) => {
  await storage.bucket(BUCKET);
  await storage.put(
    BUCKET,
    "photos/2026/summer/beach.png",
    png(64, 48, () => [30, 120, 200]),
    "image/png",
  );
  await storage.put(BUCKET, "readme.txt", "hello from the root\n", "text/plain");
  const keys = Array.from({ length: 130 }, (_, i) => `many/file-${String(i).padStart(3, "0")}.txt`);
  for (let i = 0; i < keys.length; i += 16) {
    await Promise.all(keys.slice(i, i + 16).map((key) => storage.put(BUCKET, key, `content of ${key}`, "text/plain")));
  }

  await ensureSignedIn(page);
  await page.goto("/settings/connections");
  await page.getByRole("link", { name: "Add connection" }).click();
  // Fill only once the form's page is there.
  await expect(page.getByRole("heading", { name: "Add connection", level: 1 })).toBeVisible();

  // Bad input: field errors, nothing saved.
  await page.getByLabel("Name", { exact: true }).fill("Local Swift");
  await page.getByLabel("Provider").selectOption({ label: "MinIO / self-hosted" });
  await expect(page.getByLabel("Path-style addressing")).toBeChecked();
  await page.getByLabel("Endpoint").fill("not a url");
  await page.getByLabel("Region").fill("us east");
  await page.getByRole("button", { name: "Save connection" }).click();
  await expect(page.getByText("Enter a full URL such as https://s3.us-east-1.amazonaws.com")).toBeVisible();
  await expect(page.getByText("A region has no spaces")).toBeVisible();
  await expect(page.getByText("Enter the access key ID.")).toBeVisible();

  await page.getByLabel("Endpoint").fill(storage.services.s3.endpoint);
  await page.getByLabel("Region").fill(storage.services.s3.region);
  await page.getByLabel("Access key ID").fill(storage.services.s3.accessKeyId);

  // A wrong secret is explained in words the owner can act on.
  await page.getByLabel("Secret access key").fill("definitely-not-the-secret");
  await page.getByRole("button", { name: "Test connection" }).click();
  await expect(page.getByText(/Wrong access key or secret/)).toBeVisible();

  await page.getByLabel("Secret access key").fill(storage.services.s3.secretAccessKey);
  await page.getByRole("button", { name: "Test connection" }).click();
  await expect(page.getByText(/^Connected\./)).toBeVisible();
  await page.getByRole("button", { name: "Save connection" }).click();
  await expect(page.getByText("Connection saved.")).toBeVisible();
  await expect(page.getByText("Local Swift", { exact: true })).toBeVisible();

  // Browse: buckets → nested folder → back out by the breadcrumbs.
  await page.getByRole("link", { name: "Buckets", exact: true }).click();
  await page.getByRole("link", { name: BUCKET }).click();
  await expect(page.getByRole("link", { name: "readme.txt" })).toBeVisible();
  await page.getByRole("link", { name: "photos" }).click();
  await page.getByRole("link", { name: "2026" }).click();
  await page.getByRole("link", { name: "summer" }).click();
  await expect(page.getByRole("link", { name: "beach.png" })).toBeVisible();
  const crumbs = page.getByRole("navigation", { name: "Breadcrumb" });
  await expect(crumbs.getByText("summer")).toHaveAttribute("aria-current", "page");
  await crumbs.getByRole("link", { name: "photos" }).click();
  await expect(page.getByRole("link", { name: "2026" })).toBeVisible();
  await crumbs.getByRole("link", { name: BUCKET }).click();
  await expect(page.getByRole("link", { name: "readme.txt" })).toBeVisible();

  // Pages of 100, kept in the URL: forward, reload, back.
  await page.getByRole("link", { name: "many" }).click();
  await expect(page.getByRole("link", { name: "file-000.txt" })).toBeVisible();
  await expect(page.getByRole("link", { name: "file-099.txt" })).toBeVisible();
  await expect(page.getByRole("link", { name: "file-100.txt" })).toHaveCount(0);
  // The pager says where you are; what cannot be used is visibly off, not a button.
  const pager = page.getByRole("navigation", { name: "Pagination" });
  await expect(pager.getByText("Page 1 · items 1–100")).toBeVisible();
  await expect(pager.getByText("Previous page")).toHaveAttribute("aria-disabled", "true");
  await expect(page.getByRole("button", { name: "Previous page" })).toHaveCount(0);
  await page.getByRole("button", { name: "Next page" }).click();
  await expect(page.getByRole("link", { name: "file-100.txt" })).toBeVisible();
  await expect(page.getByRole("link", { name: "file-129.txt" })).toBeVisible();
  await expect(page.getByRole("link", { name: "file-099.txt" })).toHaveCount(0);
  await expect(pager.getByText("Page 2 · items 101–130")).toBeVisible();
  await expect(pager.getByText("Next page")).toHaveAttribute("aria-disabled", "true");
  await expect(page.getByRole("button", { name: "Next page" })).toHaveCount(0);
  await page.reload();
  await expect(page.getByRole("link", { name: "file-100.txt" })).toBeVisible();
  await page.getByRole("button", { name: "Previous page" }).click();
  await expect(page.getByRole("link", { name: "file-000.txt" })).toBeVisible();
  await page.goBack();
  await expect(page.getByRole("link", { name: "file-100.txt" })).toBeVisible();

  // Filter by name prefix within the folder.
  await page.goto(page.url().split("?")[0]!);
  await page.getByLabel("Filter by name").fill("file-12");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page.getByRole("link", { name: "file-125.txt" })).toBeVisible();
  await expect(page.getByRole("link", { name: "file-000.txt" })).toHaveCount(0);

  // Details with an image preview loaded through a short-lived presigned URL.
  await crumbs.getByRole("link", { name: BUCKET }).click();
  await page.getByRole("link", { name: "photos" }).click();
  await page.getByRole("link", { name: "2026" }).click();
  await page.getByRole("link", { name: "summer" }).click();
  await page.getByRole("link", { name: "beach.png" }).click();
  const details = page.getByRole("complementary");
  await expect(details.getByRole("heading", { name: "beach.png" })).toBeVisible();
  await expect(details.getByText("image/png")).toBeVisible();
  await expect(details.getByRole("button", { name: "Quick Share" })).toBeVisible();
  const preview = details.getByRole("img", { name: "Preview of beach.png" });
  await expect(preview).toBeVisible();
  await expect.poll(() => preview.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(64);
  expect(await preview.getAttribute("src")).toMatch(/X-Amz-Expires=300(&|$)/);
});

test("an unknown bucket or folder shows the not-found page", async ({ page }) => {
  await ensureSignedIn(page);
  await page.goto("/buckets");
  const bucketUrl = (await page.getByRole("link", { name: BUCKET }).getAttribute("href"))!;
  await page.goto(`${bucketUrl}/no-such-folder`);
  await expect(page.getByRole("heading", { name: "Not found" })).toBeVisible();
  await page.goto(bucketUrl.replace(BUCKET, "no-such-bucket-e2e"));
  await expect(page.getByRole("heading", { name: "Not found" })).toBeVisible();
});
