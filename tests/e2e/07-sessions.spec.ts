import type { Browser, Page } from "@playwright/test";
import { OWNER, ensureSignedIn, expect, signIn, signOut, submitAndSettle, test } from "../support/fixtures";

test.describe.configure({ mode: "serial" });

/** A second browser (its own cookies), optionally starting with copies of another one's cookies. */
async function secondBrowser(browser: Browser, baseURL: string, copyFrom?: Page): Promise<Page> {
  const context = await browser.newContext({ baseURL });
  if (copyFrom) await context.addCookies(await copyFrom.context().cookies());
  return context.newPage();
}

async function expectSignedIn(page: Page) {
  await page.goto("/links");
  await expect(page).toHaveURL(/\/links$/);
  await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
}

async function expectSentToSignIn(page: Page, path = "/links") {
  await page.goto(path);
  await expect(page).toHaveURL(/\/sign-in/);
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
}

async function changePassword(page: Page, current: string, next: string, confirm = next) {
  await page.getByLabel("Current password").fill(current);
  await page.getByLabel("New password", { exact: true }).fill(next);
  await page.getByLabel("Confirm new password").fill(confirm);
  await submitAndSettle(page, "Change password");
}

test("a copied session cookie stops working the moment its owner signs out", async ({ page, browser, baseURL }) => {
  await ensureSignedIn(page);
  const thief = await secondBrowser(browser, baseURL, page);
  await expectSignedIn(thief);

  await signOut(page);
  await expectSentToSignIn(thief, "/settings/account");
  await expectSentToSignIn(thief, "/buckets");
  await thief.context().close();
});

test("Sign out everywhere ends the sessions of every browser", async ({ page, browser, baseURL }) => {
  // Earlier specs left sessions behind: start from none, so the count below is exact.
  await ensureSignedIn(page);
  await page.goto("/settings/account");
  await page.getByRole("button", { name: "Sign out everywhere" }).click();
  await expect(page).toHaveURL(/\/sign-in/);

  await ensureSignedIn(page);
  const laptop = await secondBrowser(browser, baseURL);
  await signIn(laptop);
  await expect(laptop).toHaveURL(/\/buckets$/);

  await page.goto("/settings/account");
  await expect(page.getByText("Signed in on 2 browsers or devices, this one included.")).toBeVisible();
  await page.getByRole("button", { name: "Sign out everywhere" }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  await expectSentToSignIn(page);
  await expectSentToSignIn(laptop);
  await laptop.context().close();
});

test("Change password: a wrong current password is refused; the change signs out every other browser", async ({ page, browser, baseURL }) => {
  const newPassword = "a-brand-new-passphrase";
  await ensureSignedIn(page);
  const other = await secondBrowser(browser, baseURL);
  await signIn(other);
  await expect(other).toHaveURL(/\/buckets$/);

  await page.goto("/settings/account");
  await expect(page.getByRole("heading", { name: "Change password" })).toBeVisible();
  // Bad input: each refused near its field, nothing changed.
  await changePassword(page, "not my password at all", newPassword);
  await expect(page.getByText("Wrong current password.")).toBeVisible();
  await expect(page.getByLabel("Current password")).toHaveAttribute("aria-invalid", "true");
  await changePassword(page, OWNER.password, "too-short");
  await expect(page.getByText("Use at least 12 characters.")).toBeVisible();
  await changePassword(page, OWNER.password, newPassword, `${newPassword}!`);
  await expect(page.getByText("The new passwords do not match.")).toBeVisible();
  await expectSignedIn(other);

  await page.goto("/settings/account");
  await changePassword(page, OWNER.password, newPassword);
  await expect(page.getByRole("status").filter({ hasText: "Password changed. Every other session was signed out." })).toBeVisible();
  // This browser stays signed in; the other one is sent to sign-in.
  await expectSignedIn(page);
  await expectSentToSignIn(other);

  // The old password no longer works; the new one does.
  await other.getByLabel("Email").fill(OWNER.email);
  await other.getByLabel("Password").fill(OWNER.password);
  await submitAndSettle(other, "Sign in");
  await expect(other.getByRole("main").getByRole("alert")).toContainText("Wrong email or password.");
  await other.getByLabel("Password").fill(newPassword);
  await other.getByRole("button", { name: "Sign in" }).click();
  await expect(other).toHaveURL(/\/buckets$/);
  await other.context().close();

  // Back to the password the other specs use.
  await page.goto("/settings/account");
  await changePassword(page, newPassword, OWNER.password);
  await expect(page.getByText("Password changed. Every other session was signed out.")).toBeVisible();
});
