/**
 * Issue 18, reminders: a person's links about to expire give ONE e-mail at a real SMTP server (three links,
 * one message), sent by the app's own job queue; its unsubscribe link works in a fresh browser without a
 * session (the page changes nothing until its button is pressed), and a tampered one is refused. Settings →
 * Notifications and the unsubscribe page pass axe, light and dark. This spec runs an app of its own (its
 * own database, PUBLIC_URL set, so background e-mails carry absolute links) beside the shared one.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { hashPassword } from "../../lib/auth/password";
import { expectNoA11yViolations } from "../support/a11y";
import { type AppServer, startApp } from "../support/app-server";
import { expect, test } from "../support/fixtures";
import { createTestDatabase, servicesFromEnvironment } from "../support/services";
import { type ReceivedMail, startSmtpServer } from "../support/smtp";

const PERSON = { name: "Rita Reminded", email: "rita@example.com", password: "a-long-reminder-passphrase" };

let app: AppServer;
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let db: pg.Client;
let dataDir: string;

test.beforeAll(async () => {
  test.setTimeout(300_000);
  const services = servicesFromEnvironment();
  if (!services) throw new Error("test services are started by tests/support/e2e-global-setup.ts");
  const databaseUrl = await createTestDatabase(services, "e2e36");
  smtp = await startSmtpServer();
  dataDir = mkdtempSync(join(tmpdir(), "bucketshare-e2e36-"));
  app = await startApp(
    {
      DATABASE_URL: databaseUrl,
      AUTH_SECRET: services.authSecret,
      ENCRYPTION_KEY: services.encryptionKey,
      DATA_DIR: dataDir,
      SMTP_URL: smtp.url,
      LOG_LEVEL: "warn",
    },
    { ownPublicUrl: true },
  );
  db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  await db.query("INSERT INTO users (id, name, email, password_hash, updated_at) VALUES ('crita0000000000000000000', $1, $2, $3, now())", [
    PERSON.name,
    PERSON.email,
    await hashPassword(PERSON.password),
  ]);
  const soon = (hours: number) => new Date(Date.now() + hours * 3_600_000);
  for (const [i, name] of ["brochure.pdf", "price-list.xlsx", "photos.zip"].entries()) {
    await db.query(
      `INSERT INTO share_links (id, owner_id, issued_by, connection_name, bucket, key, object_size, requested_expires_at, expires_at, expires_soon_at,
                                disposition, file_name, url_enc, kind)
       VALUES ($1, 'crita0000000000000000000', 'crita0000000000000000000', 'Storage', 'b', $2, 10, $3, $3, $3, 'attachment', $2, 'v2.unused', 'managed')`,
      [`clink${i}00000000000000000000`.slice(0, 25), name, soon(12 + i)],
    );
  }
});

test.afterAll(async () => {
  await db?.end();
  await app?.stop();
  await smtp?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function nextMail(timeoutMs = 30_000): Promise<ReceivedMail> {
  const deadline = Date.now() + timeoutMs;
  while (smtp.received.length === 0) {
    if (Date.now() > deadline) throw new Error("no reminder e-mail arrived");
    await new Promise((r) => setTimeout(r, 200));
  }
  return smtp.received[0]!;
}

test("the reminder e-mail arrives (three links, one e-mail) and its unsubscribe link works without a session", async ({ browser }) => {
  test.setTimeout(120_000);
  // The hourly job, run now by the app's own queue.
  await db.query("SELECT graphile_worker.add_job('links:expiring_reminders', '{}'::json)");
  const mail = await nextMail();
  expect(mail.envelopeTo).toEqual([PERSON.email]);
  expect(mail.mail.subject).toBe("3 links about to expire");
  for (const name of ["brochure.pdf", "price-list.xlsx", "photos.zip"]) expect(mail.mail.text).toContain(name);
  const unsubscribeUrl = new RegExp(`${app.url.replace(/[.:/]/g, "\\$&")}/unsubscribe/[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+`).exec(mail.mail.text ?? "")?.[0];
  expect(unsubscribeUrl).toBeTruthy();
  expect(mail.mail.headerLines.find((l) => l.key === "list-unsubscribe")?.line).toContain(unsubscribeUrl!);
  await new Promise((r) => setTimeout(r, 1_000));
  expect(smtp.received).toHaveLength(1);

  // A fresh browser, never signed in.
  const context = await browser.newContext();
  const page = await context.newPage();
  // Tampered: the last characters of the signature changed.
  const tampered = `${unsubscribeUrl!.slice(0, -3)}${unsubscribeUrl!.endsWith("AAA") ? "BBB" : "AAA"}`;
  await page.goto(tampered);
  await expect(page.getByRole("main").getByRole("alert")).toContainText("This unsubscribe link is not valid");
  await expect(page.getByRole("button", { name: "Unsubscribe" })).toHaveCount(0);

  await page.goto(unsubscribeUrl!);
  await expect(page.getByRole("heading", { name: "Unsubscribe", level: 1 })).toBeVisible();
  await expect(page.getByText("Stop “Links about to expire” notifications for r•••@example.com?")).toBeVisible();
  await expectNoA11yViolations(page, "unsubscribe page");
  // Opening the page changed nothing (link previewers open links).
  expect((await db.query("SELECT notify_expiring FROM users WHERE email = $1", [PERSON.email])).rows[0].notify_expiring).toBe(true);
  await page.getByRole("button", { name: "Unsubscribe" }).click();
  await expect(page.getByRole("main").getByRole("status")).toContainText("You are unsubscribed from “Links about to expire” e-mails");
  await expectNoA11yViolations(page, "unsubscribed");
  expect((await db.query("SELECT notify_expiring FROM users WHERE email = $1", [PERSON.email])).rows[0].notify_expiring).toBe(false);
  expect(page.url()).not.toContain("/sign-in");
  await context.close();
});

test("Settings → Notifications shows the person's choices and saves them", async ({ browser }) => {
  test.setTimeout(120_000);
  // As the unsubscribe above left it, whether or not that test ran.
  await db.query("UPDATE users SET notify_expiring = false WHERE email = $1", [PERSON.email]);
  const context = await browser.newContext({ baseURL: app.url });
  const page = await context.newPage();
  await page.goto("/sign-in");
  await page.waitForLoadState("networkidle");
  await page.getByLabel("Email").fill(PERSON.email);
  await page.getByLabel("Password").fill(PERSON.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/sign-in"));
  await page.goto("/settings");
  await page.getByRole("link", { name: "Notifications" }).click();
  const form = page.getByRole("region", { name: "What you hear about" });
  await expect(form.getByRole("checkbox", { name: "Links about to expire" })).not.toBeChecked();
  await expect(form.getByRole("checkbox", { name: "Links that broke" })).toBeChecked();
  await expect(form.getByRole("combobox", { name: "Downloads" })).toHaveValue("off");
  await expect(form.getByRole("checkbox", { name: /Uploads received/ })).toBeChecked();
  await expectNoA11yViolations(page, "settings notifications");
  await form.getByRole("checkbox", { name: "Links about to expire" }).check();
  await form.getByRole("spinbutton", { name: "Days before" }).fill("3");
  await form.getByRole("combobox", { name: "Downloads" }).selectOption({ label: "A daily digest" });
  await form.getByRole("button", { name: "Save notifications" }).click();
  await expect(form.getByText("Notification settings saved.")).toBeVisible();
  await page.reload();
  await expect(form.getByRole("checkbox", { name: "Links about to expire" })).toBeChecked();
  await expect(form.getByRole("spinbutton", { name: "Days before" })).toHaveValue("3");
  await expect(form.getByRole("combobox", { name: "Downloads" })).toHaveValue("digest");
  await context.close();
});
