import { OWNER, ensureSignedIn, expect, signOut, submitAndSettle, test } from "./fixtures";

// Runs last: it locks the owner's email for 15 minutes.
test("too many failures lock sign-in for that email and say when to try again", async ({ page }) => {
  await ensureSignedIn(page);
  await signOut(page);
  await page.goto("/sign-in");
  await page.waitForLoadState("networkidle");
  for (let attempt = 1; attempt <= 5; attempt++) {
    await page.getByLabel("Email").fill(OWNER.email);
    await page.getByLabel("Password").fill(`wrong password ${attempt}`);
    await submitAndSettle(page, "Sign in");
    await expect(page.getByRole("main").getByRole("alert")).toContainText(attempt < 5 ? "Wrong email or password." : "Try again in 15 minutes.");
  }
  // Even the right password is refused while the limit holds.
  await page.getByLabel("Email").fill(OWNER.email);
  await page.getByLabel("Password").fill(OWNER.password);
  await submitAndSettle(page, "Sign in");
  await expect(page.getByRole("main").getByRole("alert")).toContainText(/Too many failed sign-in attempts\. Try again in 1[45] minutes\./);
  await expect(page).toHaveURL(/\/sign-in/);
});
