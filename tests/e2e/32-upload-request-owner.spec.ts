import { CreateBucketCommand, DeleteBucketCorsCommand, PutBucketCorsCommand, type S3Client } from "@aws-sdk/client-s3";
import type { Page } from "@playwright/test";
import { s3ClientFor } from "../../lib/dev/s3";
import { expectNoA11yViolations } from "../support/a11y";
import { ensureConnection, ensureSignedIn, expect, type Storage, test } from "../support/fixtures";

// Issue 17, the owner's side of upload requests, on Ceph RGW (it implements bucket CORS): "Request files" on a
// folder checks the bucket's CORS first, then makes a request with a password and "Ask for name"; the history
// lists it as an "Upload request"; its page shows the limits and the access log, and "Close request" closes it.
test.describe.configure({ mode: "serial" });

const BUCKET = "e2e-requests";
const CONNECTION = "Local Ceph";
/** Names unique to this run (the Ceph bucket outlives one run of the app). */
const RUN = Date.now().toString(36);
const TITLE = `Wedding photos ${RUN}`;

function ceph(storage: Storage) {
  const server = storage.services.storages.find((candidate) => candidate.name === "ceph");
  if (!server) throw new Error("The test services list no Ceph RGW server.");
  return server;
}

async function corsFor(s3: S3Client, origin: string | null) {
  if (origin === null) {
    await s3.send(new DeleteBucketCorsCommand({ Bucket: BUCKET })).catch(() => undefined);
    return;
  }
  await s3.send(
    new PutBucketCorsCommand({
      Bucket: BUCKET,
      CORSConfiguration: {
        CORSRules: [{ AllowedOrigins: [origin], AllowedMethods: ["PUT", "GET", "HEAD"], AllowedHeaders: ["*"], ExposeHeaders: ["ETag"], MaxAgeSeconds: 3600 }],
      },
    }),
  );
}

async function openBucket(page: Page, storage: Storage) {
  await ensureSignedIn(page);
  await ensureConnection(page, { ...storage, services: { ...storage.services, s3: ceph(storage) } }, CONNECTION);
  await page.goto("/buckets");
  await page.getByRole("link", { name: BUCKET, exact: true }).click();
  await expect(page.getByRole("heading", { name: BUCKET, level: 1 })).toBeVisible();
}

test("the owner requests files into a folder, finds the request in the history, and closes it", async ({ page, storage, baseURL }) => {
  test.setTimeout(180_000);
  const s3 = s3ClientFor(ceph(storage));
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET })).catch((error: { name?: string }) => {
    if (error.name !== "BucketAlreadyOwnedByYou" && error.name !== "BucketAlreadyExists") throw error;
  });
  await corsFor(s3, null);
  await openBucket(page, storage);

  // Without the bucket's CORS rule: what is missing, the exact rule, and Add CORS rule for the Owner.
  await page.getByRole("button", { name: "Request files" }).click();
  let dialog = page.getByRole("dialog", { name: `Request files into ${BUCKET}` });
  await expect(dialog.getByText(/does not let them yet/)).toBeVisible();
  await expect(dialog.getByText(/"AllowedMethods"/)).toBeVisible();
  await expect(dialog.getByRole("button", { name: "Add CORS rule" })).toBeVisible();
  await expectNoA11yViolations(page, "Request files, CORS missing");
  await dialog.getByRole("button", { name: "Close" }).click();

  // With the rule (the one Add CORS rule adds for the app's address): the request's fields.
  await corsFor(s3, new URL(baseURL!).origin);
  await page.getByRole("button", { name: "Request files" }).click();
  dialog = page.getByRole("dialog", { name: `Request files into ${BUCKET}` });
  await expect(dialog.getByLabel("Title", { exact: true })).toBeVisible();
  for (const label of [
    "Message to uploaders",
    "Max files",
    "Max file size",
    "Max total size",
    "Allowed file types",
    "Ask for name",
    "Ask for email",
    "Password",
  ]) {
    await expect(dialog.getByLabel(label, { exact: true })).toBeVisible();
  }
  await expectNoA11yViolations(page, "Request files dialog");

  // Bad input is said at its field; nothing is made.
  await dialog.getByLabel("Max file size", { exact: true }).fill("lots");
  await dialog.getByLabel("Allowed file types", { exact: true }).fill("pdf, ***");
  await dialog.getByRole("button", { name: "Create request" }).click();
  await expect(dialog.getByText(/Not a size/)).toBeVisible();
  await expect(dialog.getByText(/Not an extension or a MIME type: “\*\*\*”/)).toBeVisible();

  await dialog.getByLabel("Title", { exact: true }).fill(TITLE);
  await dialog.getByLabel("Message to uploaders", { exact: true }).fill("The RAW files, please.");
  await dialog.getByLabel("Max file size", { exact: true }).fill("2 GB");
  await dialog.getByLabel("Allowed file types", { exact: true }).fill("jpg, image/*");
  await dialog.getByLabel("Password", { exact: true }).fill("a-long-request-password");
  await dialog.getByLabel("Ask for name", { exact: true }).check();
  await dialog.getByLabel("A folder per uploader", { exact: true }).check();
  await dialog.getByRole("button", { name: "Create request" }).click();

  const link = dialog.getByLabel("Upload link");
  await expect(link).toHaveValue(/\/u\/[A-Za-z0-9_-]{32}$/);
  await expect(dialog.getByText(`Files land in ${BUCKET}/${TITLE}/`, { exact: false })).toBeVisible();
  await expect(dialog.getByRole("button", { name: "Copy link" })).toBeVisible();
  await expect(dialog.getByRole("img", { name: "QR code of the share link" })).toBeVisible();
  await expectNoA11yViolations(page, "Request files, link made");
  await dialog.getByRole("button", { name: "Done" }).click();
  await expect(dialog).toBeHidden();

  // The history: type "Upload request", Open, 0 of 10 files.
  await page.goto("/links?type=request");
  const row = page.getByRole("row").filter({ has: page.getByRole("link", { name: `Upload request: details of ${TITLE}` }) });
  await expect(row.getByText("Upload request", { exact: true })).toBeVisible();
  await expect(row.getByText("Open", { exact: true })).toBeVisible();
  await expect(row.getByText("0 / 10 files")).toBeVisible();
  await expect(page.getByLabel("Type")).toHaveValue("request");

  // Its page: where files land, the limits, the received files (none yet), the access log; then Close request.
  await row.getByRole("link", { name: `Upload request: details of ${TITLE}` }).click();
  await expect(page.getByRole("heading", { name: `Upload request: ${TITLE}`, level: 1 })).toBeVisible();
  await expect(page.getByText(`${BUCKET} / ${TITLE}/ (a folder per uploader)`)).toBeVisible();
  await expect(page.getByText("2 GB", { exact: true })).toBeVisible();
  await expect(page.getByText(".jpg, image/*")).toBeVisible();
  await expect(page.getByText("their name", { exact: true })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Received files" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Access log" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Change limits" })).toBeVisible();
  await expectNoA11yViolations(page, "an upload request's page");

  // Change limits, then close it.
  const limits = page.getByRole("form", { name: "Change limits" });
  await limits.getByLabel("Max files").fill("25");
  await limits.getByRole("button", { name: "Change limits" }).click();
  await expect(page.getByText(/Limits changed: 25 files/)).toBeVisible();
  await expect(page.getByText("0 of at most 25")).toBeVisible();

  await page.getByRole("button", { name: "Close request" }).click();
  const confirm = page.getByRole("dialog", { name: "Close this request?" });
  await confirm.getByRole("button", { name: "Close request" }).click();
  await expect(page.getByText("Closed", { exact: true }).first()).toBeVisible();
  await expect(page.getByRole("button", { name: "Close request" })).toBeHidden();
  await page.goto("/links?type=request");
  await expect(page.getByRole("row").filter({ hasText: TITLE }).getByText("Closed", { exact: true })).toBeVisible();
});
