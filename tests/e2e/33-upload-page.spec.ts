import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { CreateBucketCommand, GetObjectCommand, PutBucketCorsCommand, type S3Client } from "@aws-sdk/client-s3";
import type { BrowserContext, FileChooser, Page, Request as PlaywrightRequest } from "@playwright/test";
import { s3ClientFor } from "../../lib/dev/s3";
import { expectNoA11yViolations, tabTo } from "../support/a11y";
import { ensureConnection, ensureSignedIn, expect, OWNER, type Storage, test } from "../support/fixtures";
import type { StoredMail } from "../support/smtp";

// Issue 17's upload request from end to end, in Chromium against Ceph RGW (it implements bucket CORS: parts go from
// the browser straight to it): the owner makes a request with a password and "Ask for name" in "Request files"; a
// second browser context, with no account, unlocks it, drops three files (one of 30 MiB, multipart), reloads
// mid-way, resumes and sees Done; the owner then finds them under the request's folder with the uploader's name,
// the bytes are the same, the `upload.received` webhook reached a receiver this spec runs, and the real SMTP server
// of the e2e setup got ONE e-mail naming all three files. Spec 32 covers the dialog's other states and bad input.
test.describe.configure({ mode: "serial" });
// No traces here: the uploader's would hold the 60 MiB of parts sent, and writing it took ~2 s at the end of every
// run (Playwright allows trace settings per file only). A failure still leaves its screenshot.
test.use({ trace: "off" });

const BUCKET = "e2e-requests";
const CONNECTION = "Local Ceph";
const MiB = 1024 * 1024;
const RUN = Date.now().toString(36);
const PASSWORD = "tulip orbit seven";
const TITLE = `Photos from the shoot ${RUN}`;
const UPLOADER = "Ann Lee";
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
/** The owner's signed-in browser state, for the owner's side after the upload. */
let ownerState: Awaited<ReturnType<BrowserContext["storageState"]>>;
/** The request's folder: the dialog puts its files under the title (a folder per uploader: then their name). */
const FOLDER = `${TITLE}/${UPLOADER}/`;

/** The spec's webhook receiver (the Owner's webhook may target loopback, as in spec 11). */
let receiver: Server;
let receiverUrl = "";
// Every webhook event of the Owner arrives here (other kinds too: a link's download, a health notice): filtered by request.
const events: { type: string; request?: { title: string }; file: { name: string; size: number; key: string }; uploader: { name: string | null } }[] = [];

test.beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      events.push(JSON.parse(Buffer.concat(chunks).toString("utf8")));
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
});

test.afterAll(async () => {
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

/** The e-mails the e2e setup's SMTP server received about this request. */
function mailsAbout(title: string): StoredMail[] {
  const dir = process.env.E2E_MAIL_DIR!;
  return readdirSync(dir)
    .filter((name) => name.endsWith(".json"))
    .map((name) => JSON.parse(readFileSync(join(dir, name), "utf8")) as StoredMail)
    .filter((mail) => mail.subject?.includes(title));
}

test("the owner requests files with a password and Ask for name through Request files", async ({ page, storage, baseURL }) => {
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
            AllowedOrigins: [new URL(baseURL!).origin],
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

  // The Owner's webhook goes to this spec's receiver.
  await page.goto("/settings/notifications");
  const notifications = page.getByRole("region", { name: "Notifications" });
  await notifications.getByLabel("Webhook URL").fill(receiverUrl);
  await notifications.getByRole("button", { name: "Save webhook" }).click();
  await expect(notifications.getByRole("textbox", { name: "Signing secret" })).toHaveValue(/^whsec_/);

  await page.goto("/buckets");
  await page.getByRole("link", { name: BUCKET, exact: true }).click();
  await expect(page.getByRole("heading", { name: BUCKET, level: 1 })).toBeVisible();
  await page.getByRole("button", { name: "Request files" }).click();
  const dialog = page.getByRole("dialog", { name: `Request files into ${BUCKET}` });
  await dialog.getByLabel("Title", { exact: true }).fill(TITLE);
  await dialog.getByLabel("Message to uploaders", { exact: true }).fill("Please send the raw files and your notes.\nThank you!");
  await dialog.getByLabel("Max file size", { exact: true }).fill("100 MB");
  await dialog.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await dialog.getByLabel("Ask for name", { exact: true }).check();
  await dialog.getByLabel("A folder per uploader", { exact: true }).check();
  await dialog.getByRole("button", { name: "Create request" }).click();

  const link = dialog.getByLabel("Upload link");
  await expect(link).toHaveValue(/\/u\/[A-Za-z0-9_-]{32}$/);
  await expect(dialog.getByText(`Files land in ${BUCKET}/${TITLE}/`, { exact: false })).toBeVisible();
  await expect(dialog.getByRole("button", { name: "Copy link" })).toBeVisible();
  await expect(dialog.getByRole("img", { name: "QR code of the share link" })).toBeVisible();
  await expectNoA11yViolations(page, "Request files, link made");
  requestUrl = await link.inputValue();
  ownerState = await page.context().storageState();
  await dialog.getByRole("button", { name: "Done" }).click();
  await expect(dialog).toBeHidden();
});

test("someone without an account unlocks the request, drops three files, reloads mid-way, resumes, and sees Done", async ({ browser, baseURL }) => {
  test.setTimeout(240_000);
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  // Listened for from the start: Playwright intercepts the file chooser only once a listener is there, and set up
  // just before the key press it raced the press (the chooser then opened unseen).
  const chooser = new Promise<FileChooser>((resolve) => page.once("filechooser", resolve));
  await page.goto(requestUrl);
  // Locked: a generic heading and the password form, nothing of the request itself (its title, message, requester, limits).
  await expect(page.getByRole("heading", { name: "Files requested", level: 1 })).toBeVisible();
  const locked = await page.content();
  for (const secret of [TITLE, "Olive Owner", "Up to 10 files", "Please send the raw files"]) expect(locked).not.toContain(secret);
  // Nothing in the page (its HTML and the data it carries) names the bucket or the connection.
  expect(locked).not.toContain(BUCKET);
  expect(locked).not.toContain(CONNECTION);
  await expectNoA11yViolations(page, "upload page: the password form");

  // The password by keyboard: a wrong one is said, the right one unlocks (once the page has hydrated: Unlock is
  // disabled before, so that Enter cannot submit the form natively, the password in the URL).
  await expect(page.getByRole("button", { name: "Unlock" })).toBeEnabled();
  await tabTo(page, page.getByLabel("Password"));
  await page.keyboard.type("not it");
  await page.keyboard.press("Enter");
  await expect(page.getByLabel("Password")).toHaveAccessibleDescription("Wrong password.");
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Unlock" }).click();
  // The page reloads unlocked; Add files is enabled once it has hydrated (pressed before, it would open nothing).
  await expect(page.getByRole("button", { name: "Add files" })).toBeEnabled();
  await expect(page.getByRole("heading", { name: TITLE, level: 1 })).toBeVisible();
  await expect(page.getByText("Requested by Olive Owner")).toBeVisible();
  await expect(page.getByText("Up to 10 files, 100 MB each")).toBeVisible();
  await expect(page.getByText("Please send the raw files")).toBeVisible();
  const text = await page.content();
  expect(text).not.toContain(BUCKET);
  expect(text).not.toContain(CONNECTION);

  // "Add files" by keyboard opens the file chooser; then Upload without a name: the name is asked for first.
  await tabTo(page, page.getByRole("button", { name: "Add files" }));
  await page.keyboard.press("Enter");
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error("Add files opened no file chooser")), 15_000));
  await (await Promise.race([chooser, timeout])).setFiles({ name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("notes from the shoot\n") });
  await expect(page.getByRole("listitem").filter({ hasText: "notes.txt" })).toContainText("Ready");
  await page.getByRole("button", { name: "Upload", exact: true }).click();
  await expect(page.getByText("Enter your name.")).toBeVisible();
  await expect(page.getByLabel("Your name")).toBeFocused();
  await page.getByLabel("Your name").fill(UPLOADER);
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
  await expect(page.getByLabel("Your name")).toHaveValue(UPLOADER);
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
  // Nothing is left to send: no "Upload" that would only answer "Add files first."; Add files starts another batch.
  await expect(page.getByRole("button", { name: "Upload", exact: true })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Add files" })).toBeEnabled();
  await expectNoA11yViolations(page, "upload page: Done");
  await page.setViewportSize({ width: 390, height: 844 });
  await expectNoA11yViolations(page, "upload page: Done on a phone");

  await context.close();
});

test("the owner sees the three files under the uploader's name, the same bytes, the webhook events and one e-mail", async ({ browser, storage, baseURL }) => {
  test.setTimeout(120_000);
  const context = await browser.newContext({ baseURL, storageState: ownerState });
  const page = await context.newPage();
  // The history: the request, Open, 3 of 10 files; its page lists the files with their size and uploader.
  await page.goto("/links?type=request");
  const details = page.getByRole("link", { name: `Upload request: details of ${TITLE}` });
  const row = page.getByRole("row").filter({ has: details });
  await expect(row.getByText("Upload request", { exact: true })).toBeVisible();
  await expect(row.getByText("Open", { exact: true })).toBeVisible();
  await expect(row.getByText("3 / 10 files")).toBeVisible();
  await details.click();
  await expect(page.getByRole("heading", { name: `Upload request: ${TITLE}`, level: 1 })).toBeVisible();
  await expect(page.getByText(`${BUCKET} / ${TITLE}/ (a folder per uploader)`)).toBeVisible();
  await expect(page.getByText("their name", { exact: true })).toBeVisible();
  const received = page.getByRole("table", { name: "Files received through this request" }).getByRole("row");
  for (const [name, size] of [
    [BIG.name, "30 MB"],
    ["notes.txt", "21 B"],
    ["shot list.txt", "17 B"],
  ] as const) {
    const file = received.filter({ has: page.getByRole("link", { name, exact: true }) });
    await expect(file.getByRole("cell").nth(1)).toHaveText(size);
    await expect(file.getByRole("cell").nth(2)).toHaveText(UPLOADER);
  }
  await expectNoA11yViolations(page, "an upload request's page with received files");

  // Change limits, then Close request (the files stay, and so do their links).
  const limits = page.getByRole("form", { name: "Change limits" });
  await limits.getByLabel("Max files").fill("25");
  await limits.getByRole("button", { name: "Change limits" }).click();
  await expect(page.getByText(/Limits changed: 25 files/)).toBeVisible();
  await expect(page.getByText(/^3 of at most 25/)).toBeVisible();
  await page.getByRole("button", { name: "Close request" }).click();
  await page.getByRole("dialog", { name: "Close this request?" }).getByRole("button", { name: "Close request" }).click();
  await expect(page.getByText("Closed", { exact: true }).first()).toBeVisible();
  await expect(page.getByRole("button", { name: "Close request" })).toBeHidden();

  // A file's link opens the bucket browser in the request's folder, under the uploader's name.
  await received.getByRole("link", { name: "notes.txt", exact: true }).click();
  await expect(page.getByRole("heading", { name: UPLOADER, level: 1 })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Breadcrumb" }).getByRole("link", { name: TITLE })).toBeVisible();
  for (const name of [BIG.name, "notes.txt", "shot list.txt"]) await expect(page.getByRole("link", { name, exact: true }).first()).toBeVisible();

  // The bytes at the storage are the very bytes.
  const s3 = s3ClientFor(ceph(storage));
  expect(sha256(await objectBytes(s3, `${FOLDER}${BIG.name}`))).toBe(sha256(bigBytes(BIG.size)));
  expect((await objectBytes(s3, `${FOLDER}notes.txt`)).toString()).toBe("notes from the shoot\n");
  expect((await objectBytes(s3, `${FOLDER}shot list.txt`)).toString()).toBe("1. wide\n2. close\n");
  s3.destroy();

  // The webhook: one upload.received per file (the Owner issued the request: told once), with the uploader's name.
  await expect.poll(() => events.filter((event) => event.request?.title === TITLE).length, { timeout: 20_000 }).toBe(3);
  const mine = events.filter((event) => event.request?.title === TITLE);
  expect(mine.map((event) => event.type)).toEqual(["upload.received", "upload.received", "upload.received"]);
  expect(mine.map((event) => event.file.name).sort()).toEqual([BIG.name, "notes.txt", "shot list.txt"]);
  expect(mine.map((event) => event.uploader.name)).toEqual([UPLOADER, UPLOADER, UPLOADER]);
  expect(mine.find((event) => event.file.name === BIG.name)!.file).toMatchObject({ size: BIG.size, key: `${FOLDER}${BIG.name}` });

  // The e-mail, batched: ONE to the requester naming all three (the small files waited for the big one). It may take
  // up to the interval (UPLOAD_NOTIFY_INTERVAL_SECONDS, 30 s here) after a file that waited, plus the job's next round
  // (a CI run once took longer than 30 s): up to a minute.
  await expect.poll(() => mailsAbout(TITLE).length, { timeout: 60_000 }).toBe(1);
  const [mail] = mailsAbout(TITLE);
  expect(mail!.envelopeTo).toEqual([OWNER.email]);
  expect(mail!.subject).toBe(`3 files received for “${TITLE}”`);
  for (const line of [`${BIG.name} (30 MB) from ${UPLOADER}`, `notes.txt (21 B) from ${UPLOADER}`, `shot list.txt (17 B) from ${UPLOADER}`]) {
    expect(mail!.text).toContain(line);
  }
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
