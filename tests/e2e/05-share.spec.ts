import { pdf } from "../../lib/dev/sample-files";
import { ensureConnection, ensureSignedIn, expect, test } from "../support/fixtures";

const BUCKET = "e2e-share";
const KEY = "docs/report 2026.pdf";

test("Quick Share an object, copy the link, download it, find it in the history, delete it", async ({ page, storage, request, context }) => {
  const bytes = pdf("Quarterly report", ["Figures for Q3."]);
  await storage.bucket(BUCKET);
  await storage.put(BUCKET, KEY, bytes, "application/pdf");
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);

  await ensureSignedIn(page);
  await ensureConnection(page, storage);
  await page.getByRole("link", { name: "Buckets", exact: true }).click();
  await page.getByRole("link", { name: BUCKET }).click();
  await page.getByRole("link", { name: "docs" }).click();
  await page.getByRole("button", { name: "Quick Share report 2026.pdf" }).click();

  const dialog = page.getByRole("dialog", { name: "Quick Share" });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByLabel("Expires in")).toHaveValue("1h");
  await expect(dialog.getByLabel("File name")).toHaveValue("report 2026.pdf");
  // The test storage listens on 127.0.0.1: the dialog says a link to it works only here.
  await expect(dialog.getByText(/This storage is at a private address \(127\.0\.0\.1\): .*recipients elsewhere cannot open it/)).toBeVisible();

  // More than 7 days is refused with the reason and the longest allowed on offer.
  await dialog.getByLabel("Expires in").selectOption({ label: "Custom duration…" });
  await dialog.getByLabel("Duration").fill("8");
  await dialog.getByLabel("Unit").selectOption("days");
  await expect(dialog.getByText(/at most 7 days/)).toBeVisible();
  await expect(dialog.getByRole("button", { name: "Generate link" })).toBeDisabled();
  await dialog.getByRole("button", { name: "Use the longest allowed (7 days)" }).click();
  await expect(dialog.getByLabel("Expires in")).toHaveValue("7d");

  await dialog.getByLabel("Expires in").selectOption({ label: "1 day" });
  await dialog.getByLabel("Download").check();
  await dialog.getByLabel("File name").fill("quarterly report.pdf");
  await dialog.getByText("More options").click();
  await dialog.getByLabel("Note (optional)").fill("for Bob in finance");
  await dialog.getByRole("button", { name: "Generate link" }).click();

  const field = dialog.getByLabel("Share link", { exact: true });
  await expect(field).toHaveValue(/^http:\/\/127\.0\.0\.1:\d+\/e2e-share\/docs\/report%202026\.pdf\?/);
  await expect(field).toHaveAttribute("readonly", "");
  const url = await field.inputValue();
  expect(new URL(url).searchParams.get("X-Amz-Expires")).toBe("86400");
  await expect(dialog.getByText(/Works until .* \(in 1 day\)/)).toBeVisible();
  // A presigned URL's QR code is dense: shown only on request.
  const qr = dialog.getByRole("img", { name: "QR code of the share link" });
  await expect(dialog.getByRole("button", { name: "Open link" })).toBeVisible();
  await expect(qr).toHaveCount(0);
  await dialog.getByRole("button", { name: "Show QR code" }).click();
  await expect(qr).toBeVisible();
  await dialog.getByRole("button", { name: "Hide QR code" }).click();
  await expect(qr).toHaveCount(0);

  await dialog.getByRole("button", { name: "Copy link" }).click();
  await expect(dialog.getByText("Copied", { exact: true })).toBeVisible();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied).toBe(url);

  // What the recipient gets.
  const response = await request.get(copied);
  expect(response.status()).toBe(200);
  expect(Buffer.from(await response.body()).equals(bytes)).toBe(true);
  expect(response.headers()["content-disposition"]).toBe('attachment; filename="quarterly report.pdf"');

  await dialog.getByRole("button", { name: "Done" }).click();

  // The history shows it, Active, with the note.
  await page.getByRole("link", { name: "Links", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Links" })).toBeVisible();
  const row = page.getByRole("row").filter({ hasText: KEY });
  await expect(row).toHaveCount(1);
  await expect(row.getByText("Active", { exact: true })).toBeVisible();
  await expect(row.getByText("for Bob in finance")).toBeVisible();

  // Deleting from the history asks first, and says honestly that the link keeps working.
  await row.getByRole("button", { name: "Actions" }).click();
  await page.getByRole("menu", { name: "Actions" }).getByRole("menuitem", { name: "Delete from history" }).click();
  const confirm = page.getByRole("dialog", { name: "Delete this link from your history?" });
  await expect(confirm.getByText("It does not stop the link.")).toBeVisible();
  await confirm.getByRole("button", { name: "Delete from history" }).click();
  await expect(page.getByRole("row").filter({ hasText: KEY })).toHaveCount(0);
  expect((await request.get(copied)).status()).toBe(200);
});
