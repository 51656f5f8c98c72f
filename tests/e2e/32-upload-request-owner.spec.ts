import { CreateBucketCommand, DeleteBucketCorsCommand, PutBucketCorsCommand, type S3Client } from "@aws-sdk/client-s3";
import type { Page } from "@playwright/test";
import { s3ClientFor } from "../../lib/dev/s3";
import { expectNoA11yViolations } from "../support/a11y";
import { ensureConnection, ensureSignedIn, expect, type Storage, test } from "../support/fixtures";

// Issue 17, the owner's "Request files" dialog on Ceph RGW (it implements bucket CORS): it checks the bucket's CORS
// first (what is missing, the rule, "Add CORS rule"), then shows the request's fields and says bad input at its field.
// Making a request and everything after it (the upload page, the history row, the request's page with the received
// files, Change limits, Close request, the webhook and the e-mail) is spec 33's one flow.
test.describe.configure({ mode: "serial" });

const BUCKET = "e2e-requests";
const CONNECTION = "Local Ceph";

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

test("Request files says what CORS is missing, lists the request's fields, and says bad input at its field", async ({ page, storage, baseURL }) => {
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

  await expect(dialog.getByLabel("Upload link")).toHaveCount(0);
});
