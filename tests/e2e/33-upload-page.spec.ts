import { createHash } from "node:crypto";
import { CreateBucketCommand, GetObjectCommand, PutBucketCorsCommand, type S3Client } from "@aws-sdk/client-s3";
import type { Page, Request as PlaywrightRequest } from "@playwright/test";
import pg from "pg";
import { s3ClientFor } from "../../lib/dev/s3";
import { expectNoA11yViolations, tabTo } from "../support/a11y";
import { ensureConnection, ensureSignedIn, expect, OWNER, type Storage, test } from "../support/fixtures";
import { insertUploadRequest } from "../support/upload-requests";

// An upload request's page (/u/<token>) in Chromium against Ceph RGW (it implements bucket CORS: parts go from the
// browser straight to it). The request is put in the database directly (the owner's "Request files" is another
// part of the issue); a second browser context, with no account, uploads to it.
test.describe.configure({ mode: "serial" });

const BUCKET = "e2e-requests";
const CONNECTION = "Local Ceph";
const MiB = 1024 * 1024;
const RUN = Date.now().toString(36);
const PASSWORD = "tulip orbit seven";
const BIG = { name: "big.bin", size: 30 * MiB, lastModified: 1_700_000_000_000 };

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/** The same pseudo-random bytes here and in the page (xorshift32), so 30 MiB need not cross the wire twice. */
function bigBytes(size: number): Uint8Array {
  const out = new Uint8Array(size);
  let x = 2463534242;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 255;
  }
  return out;
}

function ceph(storage: Storage) {
  const server = storage.services.storages.find((candidate) => candidate.name === "ceph");
  if (!server) throw new Error("The test services list no Ceph RGW server.");
  return server;
}

async function objectBytes(s3: S3Client, key: string): Promise<Buffer> {
  const answer = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return Buffer.from(await answer.Body!.transformToByteArray());
}

/** Drops files onto the page's drop zone as a browser does (a DataTransfer of File objects made in the page). */
async function dropFiles(page: Page, files: { name: string; text?: string; big?: boolean }[]) {
  const transfer = await page.evaluateHandle(
    ({ files, big }) => {
      const data = new DataTransfer();
      for (const file of files) {
        let body: BlobPart;
        if (file.big) {
          const out = new Uint8Array(big.size);
          let x = 2463534242;
          for (let i = 0; i < big.size; i++) {
            x ^= x << 13;
            x ^= x >>> 17;
            x ^= x << 5;
            x >>>= 0;
            out[i] = x & 255;
          }
          body = out;
        } else body = file.text ?? "";
        data.items.add(
          new File([body], file.name, {
            type: file.big ? "application/octet-stream" : "text/plain",
            lastModified: file.big ? big.lastModified : 1_700_000_000_000,
          }),
        );
      }
      return data;
    },
    { files, big: BIG },
  );
  const zone = page.locator("[data-upload-drop]");
  await zone.dispatchEvent("dragenter", { dataTransfer: transfer });
  await zone.dispatchEvent("dragover", { dataTransfer: transfer });
  await zone.dispatchEvent("drop", { dataTransfer: transfer });
  await transfer.dispose();
}

const partOf = (request: PlaywrightRequest) => (request.method() === "PUT" ? new URL(request.url()).searchParams.get("partNumber") : null);

let requestUrl = "";
let prefix = "";

test("the owner's storage is ready and a request with a password and Ask for name exists", async ({ page, storage, baseURL }) => {
  test.setTimeout(120_000);
  const server = ceph(storage);
  const s3 = s3ClientFor(server);
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET })).catch((error: { name?: string }) => {
    if (error.name !== "BucketAlreadyOwnedByYou" && error.name !== "BucketAlreadyExists") throw error;
  });
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
  s3.destroy();
  await ensureSignedIn(page);
  await ensureConnection(page, { ...storage, services: { ...storage.services, s3: server } }, CONNECTION);

  const client = new pg.Client({ connectionString: process.env.E2E_DATABASE_URL });
  await client.connect();
  try {
    const {
      rows: [row],
    } = await client.query<{ owner: string; connection: string }>(
      `SELECT u.id AS owner, c.id AS connection FROM users u JOIN storage_connections c ON c.owner_id = u.id WHERE u.email = $1 AND c.name = $2 LIMIT 1`,
      [OWNER.email, CONNECTION],
    );
    prefix = `requests ${RUN}/Photos from the shoot/`;
    const inserted = await insertUploadRequest(
      (sql, values) => client.query(sql, values),
      {
        ownerId: row!.owner,
        connectionId: row!.connection,
        connectionName: CONNECTION,
        bucket: BUCKET,
        prefix,
        title: "Photos from the shoot",
        message: "Please send the raw files and your notes.\nThank you!",
        maxFiles: 10,
        maxFileSize: 100 * MiB,
        maxTotalSize: 500 * MiB,
        askName: true,
        folderPerUploader: true,
        password: PASSWORD,
      },
      baseURL,
    );
    requestUrl = inserted.url;
  } finally {
    await client.end();
  }
});

test("someone without an account unlocks the request, drops three files, reloads mid-way, resumes, and sees Done", async ({ browser, storage, baseURL }) => {
  test.setTimeout(240_000);
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  await page.goto(requestUrl);
  // Locked: a generic heading and the password form, nothing of the request itself (its title, message, requester, limits).
  await expect(page.getByRole("heading", { name: "Files requested", level: 1 })).toBeVisible();
  const locked = await page.content();
  for (const secret of ["Photos from the shoot", "Olive Owner", "Up to 10 files", "Please send the raw files"]) expect(locked).not.toContain(secret);
  // Nothing in the page (its HTML and the data it carries) names the bucket or the folder.
  expect(locked).not.toContain(BUCKET);
  expect(locked).not.toContain(`requests ${RUN}`);
  await expectNoA11yViolations(page, "upload page: the password form");

  // The password by keyboard: a wrong one is said, the right one unlocks.
  await tabTo(page, page.getByLabel("Password"));
  await page.keyboard.type("not it");
  await page.keyboard.press("Enter");
  await expect(page.getByLabel("Password")).toHaveAccessibleDescription("Wrong password.");
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Unlock" }).click();
  await expect(page.getByRole("button", { name: "Add files" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Photos from the shoot", level: 1 })).toBeVisible();
  await expect(page.getByText("Requested by Olive Owner")).toBeVisible();
  await expect(page.getByText("Up to 10 files, 100 MB each")).toBeVisible();
  await expect(page.getByText("Please send the raw files")).toBeVisible();
  const text = await page.content();
  expect(text).not.toContain(BUCKET);
  expect(text).not.toContain(`requests ${RUN}`);

  // "Add files" by keyboard opens the file chooser; then Upload without a name: the name is asked for first.
  await tabTo(page, page.getByRole("button", { name: "Add files" }));
  const chooser = page.waitForEvent("filechooser");
  await page.keyboard.press("Enter");
  await (await chooser).setFiles({ name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("notes from the shoot\n") });
  await expect(page.getByRole("listitem").filter({ hasText: "notes.txt" })).toContainText("Ready");
  await page.getByRole("button", { name: "Upload", exact: true }).click();
  await expect(page.getByText("Enter your name.")).toBeVisible();
  await expect(page.getByLabel("Your name")).toBeFocused();
  await page.getByLabel("Your name").fill("Ann Lee");
  await expect(page.getByText("Enter your name.")).toHaveCount(0);

  await dropFiles(page, [
    { name: "shot list.txt", text: "1. wide\n2. close\n" },
    { name: BIG.name, big: true },
  ]);
  await expect(page.getByRole("listitem").filter({ hasText: BIG.name })).toContainText("Ready");
  await expectNoA11yViolations(page, "upload page: files ready to send");

  // The connection drops during part 3 of the big file (the request hangs), and the page is reloaded then.
  const sentParts: string[] = [];
  page.on("requestfinished", (request) => {
    const part = partOf(request);
    if (part) sentParts.push(part);
  });
  await page.route(
    (url) => url.searchParams.get("partNumber") === "3",
    async (route) => {
      if (route.request().method() !== "PUT") await route.continue();
      // A PUT of part 3 never gets an answer: the connection dropped.
    },
  );
  await page.getByRole("button", { name: "Upload", exact: true }).click();
  await expect(page.getByRole("listitem").filter({ hasText: "notes.txt" })).toContainText("Arrived", { timeout: 60_000 });
  await expect(page.getByRole("listitem").filter({ hasText: "shot list.txt" })).toContainText("Arrived", { timeout: 60_000 });
  await expect.poll(() => sentParts.filter((part) => part === "2").length, { timeout: 60_000 }).toBeGreaterThan(0);
  await page.reload();
  await page.unrouteAll({ behavior: "ignoreErrors" });
  sentParts.length = 0;

  // After the reload: the page says which file was interrupted; added again, it resumes (parts 1 and 2 are not sent again).
  await expect(page.getByRole("status").filter({ hasText: "One file was interrupted" })).toContainText(BIG.name);
  await expect(page.getByLabel("Your name")).toHaveValue("Ann Lee");
  await dropFiles(page, [{ name: BIG.name, big: true }]);
  await expect(page.getByRole("listitem").filter({ hasText: BIG.name })).toContainText("it will resume where it stopped");
  await page.getByRole("button", { name: "Upload", exact: true }).click();
  const done = page.getByRole("heading", { name: "Done" });
  await expect(done).toBeVisible({ timeout: 120_000 });
  await expect(done).toBeFocused();
  // Done lists every file that arrived, those sent before the reload too.
  const arrived = page.getByRole("list", { name: "Files that arrived" }).getByRole("listitem");
  await expect(arrived).toHaveCount(3);
  expect((await arrived.allTextContents()).sort()).toEqual([`${BIG.name} (30 MB)`, "notes.txt (21 B)", "shot list.txt (17 B)"]);
  expect(sentParts.sort()).toEqual(["3", "4"]);
  await expectNoA11yViolations(page, "upload page: Done");
  await page.setViewportSize({ width: 390, height: 844 });
  await expectNoA11yViolations(page, "upload page: Done on a phone");

  // The bytes at the storage are the very bytes, under the request's folder and the uploader's name.
  const s3 = s3ClientFor(ceph(storage));
  expect(sha256(await objectBytes(s3, `${prefix}Ann Lee/${BIG.name}`))).toBe(sha256(bigBytes(BIG.size)));
  expect((await objectBytes(s3, `${prefix}Ann Lee/notes.txt`)).toString()).toBe("notes from the shoot\n");
  expect((await objectBytes(s3, `${prefix}Ann Lee/shot list.txt`)).toString()).toBe("1. wide\n2. close\n");
  s3.destroy();
  await context.close();
});

test("an unknown or malformed upload link is a plain page; /s/ of a request's link too", async ({ page }) => {
  const unknown = await page.goto("/u/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
  expect(unknown?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Link not found" })).toBeVisible();
  expect((await page.goto("/u/short"))?.status()).toBe(404);
  const token = new URL(requestUrl).pathname.split("/").at(-1)!;
  expect((await page.goto(`/s/${token}`))?.status()).toBe(404);
});
