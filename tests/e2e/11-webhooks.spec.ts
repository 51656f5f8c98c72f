import { createHmac } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expectNoA11yViolations } from "../support/a11y";
import { ensureSignedIn, expect, test } from "../support/fixtures";

// Settings → "Webhook URL" in Chromium against the production server, with a real receiver the server POSTs to.
test.describe.configure({ mode: "serial" });

type Received = { headers: IncomingHttpHeaders; body: string };
let server: Server;
let receiverUrl: string;
const received: Received[] = [];
/** Statuses to answer with, in turn; 204 once they run out. */
const answers: number[] = [];

test.beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      res.writeHead(answers.shift() ?? 204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  receiverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
});

test.afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

test("an owner sets a webhook, copies the secret shown once, and sees a signed test event delivered", async ({ page, context }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await ensureSignedIn(page);
  await page.goto("/settings/notifications");
  const section = page.getByRole("region", { name: "Notifications" });
  const field = section.getByLabel("Webhook URL");

  // Bad input: a field error, nothing saved.
  await field.fill("ftp://hooks.example.com/in");
  await section.getByRole("button", { name: "Save webhook" }).click();
  await expect(field).toHaveAttribute("aria-invalid", "true");
  await expect(section.getByText("Enter a full http or https URL, such as https://hooks.example.com/bucketshare.")).toBeVisible();
  await expectNoA11yViolations(page, "settings: webhook URL with a field error");
  await page.reload();
  await expect(section.getByLabel("Webhook URL")).toHaveValue("");
  await expect(section.getByRole("button", { name: "Send test event" })).toHaveCount(0);

  await section.getByLabel("Webhook URL").fill(receiverUrl);
  await section.getByRole("button", { name: "Save webhook" }).click();
  const secretField = section.getByRole("textbox", { name: "Signing secret" });
  await expect(secretField).toHaveValue(/^whsec_[A-Za-z0-9_-]{43}$/);
  await expect(section.getByText(/shown only this once/).first()).toBeVisible();
  const secret = await secretField.inputValue();
  await section.getByRole("button", { name: "Copy secret" }).click();
  await expect(section.getByRole("status").filter({ hasText: "Copied" })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
  await expectNoA11yViolations(page, "settings: webhook secret shown once");

  // Never again: not after a reload, not in the page's HTML.
  await page.reload();
  await expect(section.getByLabel("Webhook URL")).toHaveValue(receiverUrl);
  await expect(section.getByRole("textbox", { name: "Signing secret" })).toHaveCount(0);
  expect(await page.content()).not.toContain(secret);

  await section.getByRole("button", { name: "Send test event" }).click();
  await expect(section.getByText("Test event delivered: the receiver answered HTTP 204.")).toBeVisible();
  const event = received.at(-1)!;
  expect(event.headers["x-bucketshare-event"]).toBe("webhook.test");
  const expected = createHmac("sha256", secret).update(`${event.headers["x-bucketshare-timestamp"]}.${event.body}`).digest("hex");
  expect(event.headers["x-bucketshare-signature"]).toBe(`sha256=${expected}`);

  const deliveries = section.getByRole("region", { name: "Recent deliveries" });
  const row = deliveries.getByRole("row").filter({ hasText: "Test event" }).first();
  await expect(row).toContainText("Delivered");
  await expect(row).toContainText("HTTP 204");
  await expectNoA11yViolations(page, "settings: webhook with deliveries");

  // A failed test event stays queued; the server's background worker (started by instrumentation.ts) retries it
  // after the back-off (10 s) and the list then shows it delivered on the second attempt.
  answers.push(500);
  const before = received.length;
  await section.getByRole("button", { name: "Send test event" }).click();
  await expect(section.getByText(/^Test event not delivered: HTTP 500\. It stays queued/)).toBeVisible();
  const failing = deliveries.getByRole("row").filter({ hasText: "Test event" }).first();
  await expect(failing).toContainText(/Retrying \d{1,2} \w{3} \d{4}, \d{2}:\d{2} · in /);
  await expect(failing).toContainText("HTTP 500");
  await expectNoA11yViolations(page, "settings: webhook delivery retrying");
  await expect.poll(() => received.length, { timeout: 20_000 }).toBe(before + 2);
  expect(received.at(-1)!.headers["x-bucketshare-delivery"]).toBe(received.at(-2)!.headers["x-bucketshare-delivery"]);
  await page.reload();
  const retried = deliveries.getByRole("row").filter({ hasText: "Test event" }).first();
  await expect(retried).toContainText("Delivered");
  await expect(retried.getByRole("cell").nth(3)).toHaveText("2");

  await section.getByRole("button", { name: "Rotate secret" }).click();
  const rotate = page.getByRole("dialog", { name: "Rotate the signing secret?" });
  await expectNoA11yViolations(page, "settings: rotate webhook secret");
  await rotate.getByRole("button", { name: "Rotate secret" }).click();
  await expect(section.getByRole("textbox", { name: "Signing secret" })).not.toHaveValue(secret);
  await expect(section.getByRole("textbox", { name: "Signing secret" })).toHaveValue(/^whsec_/);

  await section.getByRole("button", { name: "Remove webhook" }).click();
  const remove = page.getByRole("dialog", { name: "Remove the webhook?" });
  await remove.getByRole("button", { name: "Remove webhook" }).click();
  await expect(section.getByText(/Webhook removed/)).toBeVisible();
  await expect(section.getByRole("textbox", { name: "Signing secret" })).toHaveCount(0);
  await expect(section.getByLabel("Webhook URL")).toHaveValue("");
});
