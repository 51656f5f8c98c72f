import { expectNoA11yViolations } from "../support/a11y";
import { OWNER, expect, setupCode, signIn, signOut, submitAndSettle, test } from "../support/fixtures";

test.describe.configure({ mode: "serial" });

test("first visit sets up the owner, then setup is gone for good", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/setup$/);
  await expect(page.getByRole("heading", { name: "Create the owner account" })).toBeVisible();
  await expectNoA11yViolations(page, "setup"); // the only moment the setup page exists (see 04-a11y.spec.ts)

  // Bad input: errors next to the fields, nothing created.
  const passwordHint = page.getByText("At least 12 characters.", { exact: true });
  await expect(passwordHint).toBeVisible();
  await page.getByLabel("Name").fill(OWNER.name);
  await page.getByLabel("Email").fill("not-an-email");
  await page.getByLabel("Password", { exact: true }).fill("short");
  await page.getByLabel("Confirm password").fill("different");
  await submitAndSettle(page, "Create owner account");
  await expect(page.getByText("Enter a valid email address, like you@example.com.")).toBeVisible();
  await expect(page.getByText("Use at least 12 characters.")).toBeVisible();
  await expect(passwordHint, "the error says what the hint said: shown instead of it").toHaveCount(0);
  await expect(page.getByLabel("Email")).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByLabel("Name")).toHaveValue(OWNER.name);
  await expect(page.getByLabel("Email")).toHaveValue("not-an-email");

  // Everything right but the setup code: refused at the code's field, nothing created.
  await expect(page.getByText("Enter the setup code.")).toBeVisible();
  await page.getByLabel("Setup code").fill("AAAA-BBBB-CCCC-DDDD");
  await page.getByLabel("Email").fill(OWNER.email);
  await page.getByLabel("Password", { exact: true }).fill(OWNER.password);
  await page.getByLabel("Confirm password").fill(OWNER.password);
  await submitAndSettle(page, "Create owner account");
  await expect(page.getByText("Wrong setup code.")).toBeVisible();
  await expect(page.getByLabel("Setup code")).toHaveAttribute("aria-invalid", "true");
  await expect(passwordHint).toBeVisible();
  // What was typed in the other fields stays (the passwords are not sent back).
  await expect(page.getByLabel("Name")).toHaveValue(OWNER.name);
  await expect(page.getByLabel("Email")).toHaveValue(OWNER.email);
  await expect(page.getByLabel("Setup code")).toHaveValue("AAAA-BBBB-CCCC-DDDD");
  await page.reload();
  await expect(page).toHaveURL(/\/setup$/);

  // A fresh form, filled in right but for the code: the code is refused, the rest stays as typed.
  await page.getByLabel("Setup code").fill("EEEE-FFFF-GGGG-HHHH");
  await page.getByLabel("Name").fill(OWNER.name);
  await page.getByLabel("Email").fill(OWNER.email);
  await page.getByLabel("Password", { exact: true }).fill(OWNER.password);
  await page.getByLabel("Confirm password").fill(OWNER.password);
  await submitAndSettle(page, "Create owner account");
  await expect(page.getByText("Wrong setup code.")).toBeVisible();
  await expect(page.getByLabel("Name")).toHaveValue(OWNER.name);
  await expect(page.getByLabel("Email")).toHaveValue(OWNER.email);

  // The URL the console printed fills the code in.
  const code = setupCode();
  await page.goto(`/setup?code=${code}`);
  await expect(page.getByLabel("Setup code")).toHaveValue(code);
  await page.getByLabel("Name").fill(OWNER.name);
  await page.getByLabel("Email").fill(OWNER.email);
  await page.getByLabel("Password", { exact: true }).fill(OWNER.password);
  await page.getByLabel("Confirm password").fill(OWNER.password);
  await page.getByRole("button", { name: "Create owner account" }).click();
  await expect(page).toHaveURL(/\/buckets$/);
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Buckets" })).toHaveAttribute("aria-current", "page");

  await page.goto("/setup");
  await expect(page).toHaveURL(/\/(sign-in|buckets)/);
});

test("sign out, a wrong password is refused, the right one signs in", async ({ page }) => {
  await signIn(page);
  await expect(page).toHaveURL(/\/buckets$/);
  await signOut(page);

  await page.goto("/links");
  await expect(page).toHaveURL(/\/sign-in\?callbackUrl=%2Flinks/);

  await page.getByLabel("Email").fill(OWNER.email);
  await page.getByLabel("Password").fill("wrong password here");
  await submitAndSettle(page, "Sign in");
  await expect(page.getByRole("main").getByRole("alert")).toContainText("Wrong email or password.");

  await page.getByLabel("Password").fill(OWNER.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/links$/);
  await expect(page.getByRole("heading", { name: "Links" })).toBeVisible();
});

test("every page names an icon that loads, and /favicon.ico answers with one", async ({ page, request }) => {
  const icons = new Set<string>(["/favicon.ico"]);
  for (const path of ["/sign-in", "/links", "/no-such-page"]) {
    if (path === "/links") {
      await signIn(page);
      await expect(page).toHaveURL(/\/buckets$/);
    }
    await page.goto(path);
    const hrefs = await page.locator('head link[rel~="icon"]').evaluateAll((links) => links.map((link) => link.getAttribute("href")!));
    expect(hrefs.length, `icons linked from ${path}`).toBeGreaterThan(0);
    for (const href of hrefs) icons.add(href);
  }
  for (const href of icons) {
    const response = await request.get(href);
    expect(response.status(), href).toBe(200);
    expect(response.headers()["content-type"], href).toMatch(/^image\//);
  }
});
