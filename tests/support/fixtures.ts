import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CreateBucketCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { test as base, type Cookie, expect, type Page } from "@playwright/test";
import { s3ClientFor } from "../../lib/dev/s3";
import { servicesFromEnvironment, type TestServices } from "./services";

export const OWNER = { name: "Olive Owner", email: "olive@example.com", password: "a-very-long-passphrase" };

export type Storage = {
  services: TestServices;
  s3: S3Client;
  put(bucket: string, key: string, body: Buffer | string, contentType?: string): Promise<void>;
  bucket(name: string): Promise<string>;
};

export const test = base.extend<{ baseURL: string; storage: Storage }>({
  // biome-ignore lint/correctness/noEmptyPattern: Playwright reads the fixtures a fixture needs from this pattern; it needs none
  baseURL: async ({}, use) => {
    const url = process.env.E2E_BASE_URL;
    if (!url) throw new Error("E2E_BASE_URL is set by tests/support/e2e-global-setup.ts");
    await use(url);
  },
  /** The real S3 server the app talks to, for putting test objects in place. */
  // biome-ignore lint/correctness/noEmptyPattern: as above
  storage: async ({}, use) => {
    const services = servicesFromEnvironment();
    if (!services) throw new Error("test services are started by tests/support/e2e-global-setup.ts");
    const s3 = s3ClientFor(services.s3);
    await use({
      services,
      s3,
      async put(bucket, key, body, contentType) {
        await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }));
      },
      async bucket(name) {
        await s3.send(new CreateBucketCommand({ Bucket: name })).catch((error: { name?: string }) => {
          if (error.name !== "BucketAlreadyOwnedByYou" && error.name !== "BucketAlreadyExists") throw error;
        });
        return name;
      },
    });
    s3.destroy();
  },
});

export { expect };

/** Clicks a form's submit button and waits until its server action has answered and the form is idle again. */
export async function submitAndSettle(page: Page, buttonName: string) {
  const button = page.getByRole("button", { name: buttonName, exact: true });
  await Promise.all([page.waitForResponse((r) => r.request().method() === "POST"), button.click()]);
  await expect(button).toBeEnabled();
}

/** Signs in through the form, as a user would. */
export async function signIn(page: Page, email = OWNER.email, password = OWNER.password) {
  await page.goto("/sign-in");
  await page.waitForLoadState("networkidle");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** The first-run setup code, read where the launcher keeps it (the console shows it too). */
export function setupCode(): string {
  const dataDir = process.env.E2E_DATA_DIR;
  if (!dataDir) throw new Error("E2E_DATA_DIR is set by tests/support/e2e-global-setup.ts");
  return readFileSync(join(dataDir, "setup-code"), "utf8").trim();
}

/** The session cookie of the owner's last sign-in through the form in this run (one Playwright worker, one app). */
let ownerSession: Cookie | undefined;
const isSessionCookie = (cookie: Cookie) => cookie.name.endsWith("authjs.session-token");

/**
 * Creates the owner on first run, or makes the page signed in as the owner. A browser without a session reuses the
 * owner's session from an earlier sign-in of this run, as a returning browser would (the sign-in form itself is
 * spec 01's and 07's); when that session has ended (signed out, Sign out everywhere, password changed) the page is
 * sent to sign-in and signs in through the form.
 */
export async function ensureSignedIn(page: Page) {
  const context = page.context();
  const reused = ownerSession && !(await context.cookies()).some(isSessionCookie) ? ownerSession : undefined;
  if (reused) await context.addCookies([reused]);
  await page.goto("/");
  let signedIn = false;
  if (page.url().includes("/setup")) {
    await page.getByLabel("Setup code").fill(setupCode());
    await page.getByLabel("Name", { exact: true }).fill(OWNER.name);
    await page.getByLabel("Email").fill(OWNER.email);
    await page.getByLabel("Password", { exact: true }).fill(OWNER.password);
    await page.getByLabel("Confirm password").fill(OWNER.password);
    await page.getByRole("button", { name: "Create owner account" }).click();
    signedIn = true;
  } else if (page.url().includes("/sign-in")) {
    await signIn(page);
    signedIn = true;
  }
  await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
  if (signedIn) ownerSession = (await context.cookies()).find(isSessionCookie) ?? ownerSession;
  // As after a sign-in through the form (signIn waits so on the sign-in page): the page the caller goes on from has
  // hydrated and its requests have ended. Spec 06 once waited 7 minutes for the network to go idle after signing out
  // of a page it had not let settle.
  else if (reused) await page.waitForLoadState("networkidle");
}

export async function signOut(page: Page) {
  await page.getByRole("button", { name: /Account menu/ }).click();
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);
}

/** Adds the test S3 server as a connection through Settings (once per run). */
export async function ensureConnection(page: Page, storage: Storage, name = "Local Swift") {
  await page.goto("/settings/connections");
  if (await page.getByText(name, { exact: true }).count()) return;
  await page.getByRole("link", { name: "Add connection" }).click();
  // Fill only once the form's page is there.
  await expect(page.getByRole("heading", { name: "Add connection", level: 1 })).toBeVisible();
  const fields: [string, string][] = [
    ["Name", name],
    ["Endpoint", storage.services.s3.endpoint],
    ["Region", storage.services.s3.region],
    ["Access key ID", storage.services.s3.accessKeyId],
    ["Secret access key", storage.services.s3.secretAccessKey],
  ];
  // The provider first: choosing it prefills the endpoint and region.
  await page.getByLabel("Provider").selectOption({ label: "MinIO / self-hosted" });
  for (const [label, value] of fields) await page.getByLabel(label, { exact: true }).fill(value);
  for (const [label, value] of fields) await expect(page.getByLabel(label, { exact: true })).toHaveValue(value);
  // Save stays disabled until the form has hydrated (and taken over what was typed before).
  await page.getByRole("button", { name: "Save connection" }).click();
  await expect(page.getByText("Connection saved.")).toBeVisible();
}
