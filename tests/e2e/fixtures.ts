import { test as base, expect, type Page } from "@playwright/test";

export const OWNER = { name: "Olive Owner", email: "olive@example.com", password: "a-very-long-passphrase" };

export const test = base.extend<{ baseURL: string }>({
  baseURL: async ({}, use) => {
    const url = process.env.E2E_BASE_URL;
    if (!url) throw new Error("E2E_BASE_URL is set by tests/support/e2e-global-setup.ts");
    await use(url);
  },
});

export { expect };

/** Signs in through the form, as a user would. */
export async function signIn(page: Page, email = OWNER.email, password = OWNER.password) {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** Creates the owner on first run, or signs in when an earlier spec already did. */
export async function ensureSignedIn(page: Page) {
  await page.goto("/");
  if (page.url().includes("/setup")) {
    await page.getByLabel("Name").fill(OWNER.name);
    await page.getByLabel("Email").fill(OWNER.email);
    await page.getByLabel("Password", { exact: true }).fill(OWNER.password);
    await page.getByLabel("Confirm password").fill(OWNER.password);
    await page.getByRole("button", { name: "Create owner account" }).click();
  } else if (page.url().includes("/sign-in")) {
    await signIn(page);
  }
  await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
}

export async function signOut(page: Page) {
  await page.getByRole("button", { name: /Account menu/ }).click();
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);
}
