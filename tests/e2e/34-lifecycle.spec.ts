import { CreateBucketCommand, GetBucketLifecycleConfigurationCommand } from "@aws-sdk/client-s3";
import { s3ClientFor } from "../../lib/dev/s3";
import { expectNoA11yViolations } from "../support/a11y";
import { startHangingServer } from "../support/hanging-storage";
import { ensureSignedIn, expect, type Storage, test } from "../support/fixtures";

// Issue 17, item 5: Settings → Connections says per bucket whether the storage aborts incomplete uploads
// (a lifecycle rule) and "Add lifecycle rule" adds one. On Ceph RGW (it implements bucket lifecycle);
// the Swift connection of the other specs shows "Not supported by this storage".
test.describe.configure({ mode: "serial" });

/** Names unique to this run (the Ceph bucket and the app's database may outlive one run). */
const RUN = Date.now().toString(36);
const BUCKET = `e2e-lifecycle-${RUN}`;
const CONNECTION = `Lifecycle Ceph ${RUN}`;
const SHOTS = process.env.E2E_SCREENSHOTS_DIR;

function ceph(storage: Storage) {
  const server = storage.services.storages.find((candidate) => candidate.name === "ceph");
  if (!server) throw new Error("The test services list no Ceph RGW server.");
  return server;
}

test("Settings shows whether each bucket aborts incomplete uploads, and adds the rule", async ({ page, storage }) => {
  test.setTimeout(120_000);
  const server = ceph(storage);
  const s3 = s3ClientFor(server);
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));

  // A connection to Ceph that names its bucket (Settings checks the configured buckets).
  await ensureSignedIn(page);
  await page.goto("/settings/connections/new");
  await expect(page.getByRole("heading", { name: "Add connection", level: 1 })).toBeVisible();
  await page.getByLabel("Provider").selectOption({ label: "MinIO / self-hosted" });
  const fields: [string, string][] = [
    ["Name", CONNECTION],
    ["Endpoint", server.endpoint],
    ["Region", server.region],
    ["Access key ID", server.accessKeyId],
    ["Secret access key", server.secretAccessKey],
  ];
  for (const [label, value] of fields) await page.getByLabel(label, { exact: true }).fill(value);
  await page.getByText("Temporary credentials and bucket list").click();
  await page.getByLabel("Bucket names").fill(BUCKET);
  for (const [label, value] of fields) await expect(page.getByLabel(label, { exact: true })).toHaveValue(value);
  await page.getByRole("button", { name: "Save connection" }).click();
  await expect(page.getByText("Connection saved.")).toBeVisible();

  const section = page.getByRole("region", { name: `Clean-up of incomplete uploads in ${CONNECTION}` });
  await expect(section.getByText(BUCKET, { exact: true })).toBeVisible();
  await expect(section.getByText(/No rule: incomplete uploads stay in the bucket/)).toBeVisible();
  const add = section.getByRole("button", { name: `Add lifecycle rule to ${BUCKET}` });
  await expect(add).toHaveText("Add lifecycle rule");
  await expectNoA11yViolations(page, "settings: connections with lifecycle rules");
  if (SHOTS) {
    for (const [label, viewport] of [
      ["desktop", { width: 1280, height: 900 }],
      ["phone", { width: 390, height: 844 }],
    ] as const) {
      await page.setViewportSize(viewport);
      for (const colorScheme of ["light", "dark"] as const) {
        await page.emulateMedia({ colorScheme });
        await page.screenshot({ path: `${SHOTS}/lifecycle-${label}-${colorScheme}.png`, fullPage: true });
      }
    }
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.emulateMedia({ colorScheme: "light" });
  }

  await add.click();
  await expect(section.getByText("Rule in place: incomplete uploads are aborted after 2 days.")).toBeVisible();
  await expect(section.getByRole("button", { name: `Add lifecycle rule to ${BUCKET}` })).toHaveCount(0);
  if (SHOTS) {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: `${SHOTS}/lifecycle-added-phone-light.png`, fullPage: true });
    await page.setViewportSize({ width: 1280, height: 720 });
  }
  const rules = (await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: BUCKET }))).Rules ?? [];
  expect(rules).toEqual([
    expect.objectContaining({ ID: "bucketshare-abort-incomplete-uploads", Status: "Enabled", AbortIncompleteMultipartUpload: { DaysAfterInitiation: 2 } }),
  ]);
  // The Swift connection of the other specs (if any) says its storage has no lifecycle rules.
  if (await page.getByText("Local Swift", { exact: true }).count()) {
    await expect(
      page.getByRole("region", { name: "Clean-up of incomplete uploads in Local Swift" }).getByText("Not supported by this storage.").first(),
    ).toBeVisible();
  }
  await expectNoA11yViolations(page, "settings: connections after a lifecycle rule was added");
});

test("a storage that never answers does not hold up the list of connections, and says so within the bound", async ({ page }) => {
  test.setTimeout(120_000);
  const silent = await startHangingServer("silent");
  const name = `Hanging lifecycle ${RUN}`;
  try {
    await ensureSignedIn(page);
    await page.goto("/settings/connections/new");
    await expect(page.getByRole("heading", { name: "Add connection", level: 1 })).toBeVisible();
    await page.getByLabel("Provider").selectOption({ label: "MinIO / self-hosted" });
    await page.getByLabel("Name", { exact: true }).fill(name);
    await page.getByLabel("Endpoint").fill(silent.endpoint);
    await page.getByLabel("Region").fill("us-east-1");
    await page.getByLabel("Access key ID").fill("AKIAHANGING");
    await page.getByLabel("Secret access key").fill("hanging-secret");
    await page.getByRole("button", { name: "Save connection" }).click();
    await expect(page.getByText("Connection saved.")).toBeVisible();

    // "commit": the document streams; the list is there at once, the check of the hanging storage follows.
    const started = Date.now();
    await page.goto("/settings/connections", { waitUntil: "commit" });
    await expect(page.getByRole("button", { name: `Delete ${name}` })).toBeVisible({ timeout: 5_000 });
    expect(Date.now() - started).toBeLessThan(5_000);
    const section = page.getByRole("region", { name: `Clean-up of incomplete uploads in ${name}` });
    await expect(section.getByText(/Could not check the buckets: The endpoint did not answer within 10 seconds/)).toBeVisible({ timeout: 15_000 });
    expect(Date.now() - started).toBeLessThan(15_000);
  } finally {
    await page.goto("/settings/connections");
    const remove = page.getByRole("button", { name: `Delete ${name}` });
    if (await remove.count()) {
      await remove.click();
      await page.getByRole("button", { name: "Delete connection" }).click();
      await expect(remove).toHaveCount(0);
    }
    await silent.close();
  }
});
