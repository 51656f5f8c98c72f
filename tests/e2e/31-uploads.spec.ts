import { createHash, randomBytes } from "node:crypto";
import { CreateBucketCommand, GetObjectCommand, PutBucketCorsCommand, type S3Client } from "@aws-sdk/client-s3";
import type { Page } from "@playwright/test";
import { s3ClientFor } from "../../lib/dev/s3";
import { expectNoA11yViolations, tabTo } from "../support/a11y";
import { ensureConnection, ensureSignedIn, expect, type Storage, test } from "../support/fixtures";

// Uploads in the bucket browser, on Ceph RGW (it implements bucket CORS; the browser sends parts straight to it).
test.describe.configure({ mode: "serial" });

const BUCKET = "e2e-uploads";
const CONNECTION = "Local Ceph";
const MiB = 1024 * 1024;

/** Names unique to this run (the Ceph bucket outlives one run of the app). */
const RUN = Date.now().toString(36);
const INBOX = `inbox ${RUN}`;

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

function ceph(storage: Storage) {
  const server = storage.services.storages.find((candidate) => candidate.name === "ceph");
  if (!server) throw new Error("The test services list no Ceph RGW server.");
  return server;
}

async function objectBytes(s3: S3Client, key: string): Promise<Buffer> {
  const answer = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return Buffer.from(await answer.Body!.transformToByteArray());
}

/** The owner's folder page for the bucket on Ceph, opened as a document (its CSP lets parts reach Ceph). */
async function openBucket(page: Page, storage: Storage) {
  await ensureSignedIn(page);
  const server = ceph(storage);
  await ensureConnection(page, { ...storage, services: { ...storage.services, s3: server } }, CONNECTION);
  await page.goto("/buckets");
  await page.getByRole("link", { name: BUCKET, exact: true }).click();
  await expect(page.getByRole("heading", { name: BUCKET, level: 1 })).toBeVisible();
  await page.reload();
  await expect(page.getByRole("button", { name: "Upload", exact: true })).toBeVisible();
}

/**
 * Drops a folder onto the listing as a browser does: the drop's items are entries (a directory read in
 * batches, then files), built in the page from real File objects.
 */
async function dropFolder(page: Page, folder: string, files: Record<string, string>) {
  await page.locator("[data-upload-drop]").evaluate(
    (zone, { folder, files }) => {
      type Node = { name: string; children?: Node[]; file?: File };
      const root: Node = { name: folder, children: [] };
      for (const [path, text] of Object.entries(files)) {
        const parts = path.split("/");
        let dir = root;
        for (const part of parts.slice(0, -1)) {
          let next = dir.children!.find((child) => child.name === part && child.children);
          if (!next) dir.children!.push((next = { name: part, children: [] }));
          dir = next;
        }
        const name = parts.at(-1)!;
        dir.children!.push({ name, file: new File([text], name, { type: "text/plain" }) });
      }
      const entry = (node: Node): object =>
        node.children
          ? {
              isFile: false,
              isDirectory: true,
              name: node.name,
              createReader: () => {
                const batches = [node.children!.map(entry), []];
                return { readEntries: (ok: (entries: object[]) => void) => setTimeout(() => ok(batches.shift() ?? []), 0) };
              },
            }
          : { isFile: true, isDirectory: false, name: node.name, file: (ok: (file: File) => void) => setTimeout(() => ok(node.file!), 0) };
      const data = {
        types: ["Files"],
        items: [{ kind: "file", webkitGetAsEntry: () => entry(root), getAsFile: () => null }],
        files: [],
        dropEffect: "none",
      };
      for (const type of ["dragenter", "dragover", "drop"]) {
        const event = new Event(type, { bubbles: true, cancelable: true });
        Object.defineProperty(event, "dataTransfer", { value: data });
        zone.dispatchEvent(event);
      }
    },
    { folder, files },
  );
}

test("the owner uploads a 30 MiB file and shares it in the same flow, drops a folder, and is asked before a name is replaced", async ({
  page,
  storage,
  request,
  baseURL,
}) => {
  test.setTimeout(240_000);
  const s3 = s3ClientFor(ceph(storage));
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET })).catch((error: { name?: string }) => {
    if (error.name !== "BucketAlreadyOwnedByYou" && error.name !== "BucketAlreadyExists") throw error;
  });
  // The rule the app's "Add CORS rule" adds: the app's origin may PUT parts and list them, and read each ETag.
  await s3.send(
    new PutBucketCorsCommand({
      Bucket: BUCKET,
      CORSConfiguration: {
        CORSRules: [
          {
            AllowedOrigins: [new URL(baseURL).origin],
            AllowedMethods: ["PUT", "GET", "HEAD"],
            AllowedHeaders: ["*"],
            ExposeHeaders: ["ETag"],
            MaxAgeSeconds: 3600,
          },
        ],
      },
    }),
  );

  await openBucket(page, storage);

  // New folder, and it opens.
  await page.getByRole("button", { name: "New folder" }).click();
  const folderDialog = page.getByRole("dialog", { name: "New folder" });
  await folderDialog.getByLabel("Name").fill(INBOX);
  await folderDialog.getByRole("button", { name: "Create folder" }).click();
  await expect(folderDialog).toHaveCount(0);
  await page.getByRole("link", { name: INBOX }).click();
  await expect(page.getByRole("heading", { name: INBOX, level: 1 })).toBeVisible();
  await expect(page.getByText("This folder is empty.")).toBeVisible();

  // "Upload and share": 30 MiB (four 8 MiB parts), then Quick Share on it at once.
  const big = randomBytes(30 * MiB);
  await page.locator('input[data-upload-input="share"]').setInputFiles({ name: "big.bin", mimeType: "application/octet-stream", buffer: big });
  const share = page.getByRole("dialog", { name: "Quick Share" });
  await expect(share).toBeVisible({ timeout: 120_000 });
  await expect(page.getByRole("status").filter({ hasText: "1 of 1 file uploaded." })).toBeVisible();
  await expect(page.getByRole("link", { name: "big.bin" })).toBeVisible();
  await share.getByRole("button", { name: "Generate link" }).click();
  const link = await share.getByLabel("Share link", { exact: true }).inputValue();
  const download = await request.get(link);
  expect(download.status()).toBe(200);
  expect(sha256(await download.body())).toBe(sha256(big));
  await share.getByRole("button", { name: "Done" }).click();
  expect(sha256(await objectBytes(s3, `${INBOX}/big.bin`))).toBe(sha256(big));

  // A folder of three dropped onto the list keeps its structure.
  await dropFolder(page, "trip", { "a.txt": "first version of a\n", "b.txt": "bee\n", "day 2/c.txt": "sea\n" });
  await expect(page.getByRole("status").filter({ hasText: "3 of 3 files uploaded." })).toBeVisible({ timeout: 60_000 });
  await page.getByRole("link", { name: "trip" }).click();
  await expect(page.getByRole("heading", { name: "trip", level: 1 })).toBeVisible();
  await expect(page.getByRole("link", { name: "a.txt" })).toBeVisible();
  await expect(page.getByRole("link", { name: "b.txt" })).toBeVisible();
  await page.getByRole("link", { name: "day 2" }).click();
  await expect(page.getByRole("link", { name: "c.txt" })).toBeVisible();
  expect((await objectBytes(s3, `${INBOX}/trip/day 2/c.txt`)).toString()).toBe("sea\n");
  await page.getByRole("navigation", { name: "Breadcrumb" }).getByRole("link", { name: "trip" }).click();
  await expect(page.getByRole("heading", { name: "trip", level: 1 })).toBeVisible();

  // A name that is taken: asked first; Replace puts the new bytes there.
  const files = page.locator('input[data-upload-input="files"]');
  await files.setInputFiles({ name: "a.txt", mimeType: "text/plain", buffer: Buffer.from("second version of a\n") });
  const clash = page.getByRole("dialog", { name: "A file with this name is already here" });
  await expect(clash).toBeVisible();
  expect((await objectBytes(s3, `${INBOX}/trip/a.txt`)).toString()).toBe("first version of a\n");
  await expectNoA11yViolations(page, "folder page: a name clash");
  await clash.getByRole("button", { name: "Replace" }).click();
  await expect(page.getByRole("status").filter({ hasText: "1 of 1 file uploaded." })).toBeVisible();
  expect((await objectBytes(s3, `${INBOX}/trip/a.txt`)).toString()).toBe("second version of a\n");

  // Keep both: the new file arrives as "a (1).txt", the old one stays.
  await files.setInputFiles({ name: "a.txt", mimeType: "text/plain", buffer: Buffer.from("third version of a\n") });
  await clash.getByRole("button", { name: "Keep both" }).click();
  await expect(page.getByRole("link", { name: "a (1).txt" })).toBeVisible();
  expect((await objectBytes(s3, `${INBOX}/trip/a (1).txt`)).toString()).toBe("third version of a\n");
  expect((await objectBytes(s3, `${INBOX}/trip/a.txt`)).toString()).toBe("second version of a\n");

  // Two taken names at once: one question, "Apply to all", and both are kept.
  await files.setInputFiles([
    { name: "a.txt", mimeType: "text/plain", buffer: Buffer.from("fourth a\n") },
    { name: "b.txt", mimeType: "text/plain", buffer: Buffer.from("second bee\n") },
  ]);
  await expect(clash).toBeVisible();
  await clash.getByLabel("Apply to all").check();
  await clash.getByRole("button", { name: "Keep both" }).click();
  await expect(page.getByRole("status").filter({ hasText: "2 of 2 files uploaded." })).toBeVisible();
  await expect(clash).toHaveCount(0);
  expect((await objectBytes(s3, `${INBOX}/trip/a (2).txt`)).toString()).toBe("fourth a\n");
  expect((await objectBytes(s3, `${INBOX}/trip/b (1).txt`)).toString()).toBe("second bee\n");
  expect((await objectBytes(s3, `${INBOX}/trip/b.txt`)).toString()).toBe("bee\n");
  s3.destroy();
});

test("the folder page with the upload controls passes the audit (light, dark, phone) and works with the keyboard", async ({ page, storage }) => {
  test.setTimeout(120_000);
  await openBucket(page, storage);
  await expectNoA11yViolations(page, "folder page with Upload");

  // By keyboard alone: New folder, a name, Enter; the folder is there.
  await tabTo(page, page.getByRole("button", { name: "New folder" }));
  await page.keyboard.press("Enter");
  const dialog = page.getByRole("dialog", { name: "New folder" });
  await expect(dialog.getByLabel("Name")).toBeFocused();
  await expectNoA11yViolations(page, "New folder dialog");
  await page.keyboard.type(`by keyboard ${RUN}`);
  await page.keyboard.press("Enter");
  await expect(dialog).toHaveCount(0);
  await expect(page.getByRole("link", { name: `by keyboard ${RUN}` })).toBeVisible();
  // An existing name is a field error, and nothing changes.
  await page.getByRole("button", { name: "New folder" }).click();
  await dialog.getByLabel("Name").fill(`by keyboard ${RUN}`);
  await dialog.getByRole("button", { name: "Create folder" }).click();
  await expect(dialog.getByLabel("Name")).toHaveAttribute("aria-invalid", "true");
  await expectNoA11yViolations(page, "New folder dialog with an error");
  await page.keyboard.press("Escape");
  await expect(dialog).toHaveCount(0);

  // The upload panel (a finished upload, with Quick Share on it) by keyboard.
  await page.locator('input[data-upload-input="files"]').setInputFiles({ name: `note ${RUN}.txt`, mimeType: "text/plain", buffer: Buffer.from("a note\n") });
  await expect(page.getByRole("status").filter({ hasText: "1 of 1 file uploaded." })).toBeVisible();
  // The listing has been refreshed with the new file: the page the audit reads is the settled one.
  await expect(page.getByRole("checkbox", { name: `Select note ${RUN}.txt` })).toBeVisible();
  await expectNoA11yViolations(page, "folder page with the upload list");
  const quickShare = page.getByRole("button", { name: `Quick Share note ${RUN}.txt` }).first();
  await tabTo(page, quickShare);
  await page.keyboard.press("Enter");
  await expect(page.getByRole("dialog", { name: "Quick Share" })).toBeVisible();
  await page.keyboard.press("Escape");

  await page.setViewportSize({ width: 390, height: 844 });
  await expect(page.getByRole("button", { name: "Upload", exact: true })).toBeVisible();
  await expectNoA11yViolations(page, "folder page with Upload (phone)");
});

test("an upload pauses and resumes, and one whose parts failed is retried from where it stopped", async ({ page, storage }) => {
  test.setTimeout(180_000);
  const s3 = s3ClientFor(ceph(storage));
  await openBucket(page, storage);
  const storageOrigin = new URL(ceph(storage).endpoint).origin;
  const files = page.locator('input[data-upload-input="files"]');

  // Parts reach storage slowly (each PUT held for a moment), so there is time to pause; or fail after the first.
  let mode: "slow" | "fail-after-one" = "slow";
  let puts = 0;
  let lists = 0;
  await page.route(`${storageOrigin}/**`, async (route) => {
    const method = route.request().method();
    if (method === "GET") lists++;
    if (method !== "PUT") return route.continue();
    puts++;
    if (mode === "fail-after-one" && puts > 1) return route.abort("connectionreset");
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await route.continue().catch(() => undefined);
  });

  const paused = `paused ${RUN}.bin`;
  const pausedBytes = randomBytes(20 * MiB);
  await files.setInputFiles({ name: paused, mimeType: "application/octet-stream", buffer: pausedBytes });
  await page.getByRole("button", { name: `Pause ${paused}` }).click();
  await expect(page.getByText(/^Paused \d+%/)).toBeVisible();
  await expect(page.getByRole("button", { name: "Resume all" })).toBeVisible();
  await page.getByRole("button", { name: `Resume ${paused}` }).click();
  await expect(page.getByRole("status").filter({ hasText: "1 of 1 file uploaded." })).toBeVisible({ timeout: 60_000 });
  expect(sha256(await objectBytes(s3, paused))).toBe(sha256(pausedBytes));

  // The storage cannot be reached after the first part: the file fails with a reason and "Retry"; nothing is in
  // the bucket yet. Retry asks storage which parts it has (ListParts) and sends only the missing one.
  mode = "fail-after-one";
  puts = 0;
  const retried = `retried ${RUN}.bin`;
  const retriedBytes = randomBytes(12 * MiB);
  await files.setInputFiles({ name: retried, mimeType: "application/octet-stream", buffer: retriedBytes });
  const retry = page.getByRole("button", { name: `Retry ${retried}` });
  await expect(retry).toBeVisible({ timeout: 30_000 });
  await expect(page.getByText(/could not be reached/)).toBeVisible();
  await expect(objectBytes(s3, retried)).rejects.toThrow();
  mode = "slow";
  puts = 0;
  lists = 0;
  await retry.click();
  await expect(page.getByRole("status").filter({ hasText: "1 of 1 file uploaded." })).toBeVisible({ timeout: 60_000 });
  expect(sha256(await objectBytes(s3, retried))).toBe(sha256(retriedBytes));
  expect(lists).toBeGreaterThanOrEqual(1);
  expect(puts).toBe(1);
  await expect(page.getByRole("link", { name: retried })).toBeVisible();
  s3.destroy();
});
