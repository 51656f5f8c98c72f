import type { Page, Request } from "@playwright/test";
import { ensureConnection, ensureSignedIn, expect, OWNER, test } from "../support/fixtures";

// On a slow connection the owner can type into a form before its scripts have run (see
// 03-connection-form.spec.ts for the connection form). Every form's submit waits for them: a native
// submit of a form whose submit is JavaScript's is a GET of the page with the fields in the URL, and
// one of a form posting to a server action is refused by Next (the page's no-referrer policy sends
// `Origin: null`). What was typed or chosen before then is kept, and is what the form sends.

const SCRIPTS = /\/_next\/static\/.+\.js(\?|$)/;

/** Holds the app's scripts until `release` is called (then lets them through for good). */
async function holdScripts(page: Page): Promise<() => void> {
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route(SCRIPTS, async (route) => {
    await held;
    // A script held for a page the form's native submit has left is gone: nothing to continue.
    await route.continue().catch(() => {});
  });
  return release;
}

/** Every request the page makes, to check where typed secrets went. */
function recordRequests(page: Page): Request[] {
  const requests: Request[] = [];
  page.on("request", (request) => requests.push(request));
  return requests;
}

function expectNotInAnyUrl(requests: Request[], secret: string) {
  const urls = requests.map((r) => decodeURIComponent(r.url().replaceAll("+", " ")));
  expect(urls.filter((url) => url.includes(secret))).toEqual([]);
}

test("Sign in waits for its scripts and keeps what was typed before them", async ({ page, browser, baseURL }) => {
  await ensureSignedIn(page); // the owner exists

  const context = await browser.newContext({ baseURL });
  const visitor = await context.newPage();
  const requests = recordRequests(visitor);
  const release = await holdScripts(visitor);
  await visitor.goto("/sign-in", { waitUntil: "domcontentloaded" });
  const signIn = visitor.getByRole("button", { name: "Sign in" });
  await expect(signIn).toBeDisabled();
  await visitor.getByLabel("Email").fill(OWNER.email);
  await visitor.getByLabel("Password").fill(OWNER.password);
  await visitor.getByLabel("Password").press("Enter");

  release();
  await expect(signIn).toBeEnabled();
  await expect(visitor.getByLabel("Email")).toHaveValue(OWNER.email);
  await expect(visitor.getByLabel("Password")).toHaveValue(OWNER.password);
  await signIn.click();
  await expect(visitor.getByRole("navigation", { name: "Main" })).toBeVisible();
  expect(requests.filter((r) => r.isNavigationRequest() && r.method() !== "GET")).toEqual([]);
  expectNotInAnyUrl(requests, OWNER.password);
  await context.close();
});

test("Settings forms wait for their scripts and keep what was chosen before them", async ({ page }) => {
  await ensureSignedIn(page);
  const requests = recordRequests(page);

  // API tokens: the expiry and name chosen early are the form's.
  let release = await holdScripts(page);
  await page.goto("/settings/api-tokens", { waitUntil: "domcontentloaded" });
  const createToken = page.getByRole("button", { name: "Create token" });
  await expect(createToken).toBeDisabled();
  const tokenForm = page.getByRole("form", { name: "New token" });
  await tokenForm.getByLabel("Token name").fill("Typed early");
  await tokenForm.getByLabel("Expiry").selectOption({ label: "Custom date…" });
  release();
  await expect(createToken).toBeEnabled();
  // "Expires on" appears for the expiry chosen early, and the name is kept.
  await expect(tokenForm.getByLabel("Expires on")).toBeVisible();
  await expect(tokenForm.getByLabel("Token name")).toHaveValue("Typed early");
  await page.unroute(SCRIPTS);

  // Notifications: the webhook URL typed early is kept.
  release = await holdScripts(page);
  await page.goto("/settings/notifications", { waitUntil: "domcontentloaded" });
  const saveWebhook = page.getByRole("button", { name: "Save webhook" });
  await expect(saveWebhook).toBeDisabled();
  await page.getByLabel("Webhook URL").fill("https://hooks.example.com/early");
  release();
  await expect(saveWebhook).toBeEnabled();
  await expect(page.getByLabel("Webhook URL")).toHaveValue("https://hooks.example.com/early");
  await page.unroute(SCRIPTS);

  // Account: saving re-renders the form; the box ticked early stays ticked, and is what was saved.
  release = await holdScripts(page);
  await page.goto("/settings/account", { waitUntil: "domcontentloaded" });
  await expect(page.getByRole("button", { name: "Save privacy setting" })).toBeDisabled();
  const networkOnly = page.getByLabel(/Log only the network part/);
  await expect(networkOnly).not.toBeChecked();
  await networkOnly.check();
  release();
  await page.getByRole("button", { name: "Save privacy setting" }).click();
  await expect(page.getByText("Access logs now keep only the network part of addresses")).toBeVisible();
  await expect(networkOnly).toBeChecked();
  await page.reload();
  await expect(networkOnly).toBeChecked();
  await networkOnly.uncheck();
  await page.getByRole("button", { name: "Save privacy setting" }).click();
  await expect(page.getByText("Access logs now keep recipients' full addresses.")).toBeVisible();
  expect(requests.filter((r) => r.isNavigationRequest() && new URL(r.url()).search !== "")).toEqual([]);
});

test("Change password waits for its scripts and keeps what was typed before them", async ({ page }) => {
  await ensureSignedIn(page);
  const requests = recordRequests(page);
  const release = await holdScripts(page);
  await page.goto("/settings/account", { waitUntil: "domcontentloaded" });
  const change = page.getByRole("button", { name: "Change password" });
  await expect(change).toBeDisabled();
  await expect(page.getByRole("button", { name: "Sign out everywhere" })).toBeDisabled();
  const wrong = "not the current one, typed early";
  const next = "a brand new passphrase typed early";
  await page.getByLabel("Current password").fill(wrong);
  await page.getByLabel("New password", { exact: true }).fill(next);
  await page.getByLabel("Confirm new password").fill(next);
  await page.getByLabel("Confirm new password").press("Enter");

  release();
  await expect(change).toBeEnabled();
  await expect(page.getByRole("button", { name: "Sign out everywhere" })).toBeEnabled();
  await change.click();
  // What was typed early is what was checked: the current password is wrong, so nothing changed.
  await expect(page.getByText("Wrong current password.")).toBeVisible();
  expect(requests.filter((r) => r.isNavigationRequest() && r.method() !== "GET")).toEqual([]);
  expectNotInAnyUrl(requests, wrong);
  expectNotInAnyUrl(requests, next);
});

test("a link's Change expiry and Change download limit wait for their scripts and send what was chosen before them", async ({ page, storage }) => {
  test.setTimeout(120_000);
  const bucket = "e2e-early-input";
  const key = "early.txt";
  await storage.bucket(bucket);
  await storage.put(bucket, key, "typed before hydration\n", "text/plain");
  await ensureSignedIn(page);
  await ensureConnection(page, storage);
  await page.getByRole("link", { name: "Buckets", exact: true }).click();
  await page.getByRole("link", { name: bucket }).click();
  await page.getByRole("button", { name: `Quick Share ${key}` }).click();
  const dialog = page.getByRole("dialog", { name: "Quick Share" });
  await dialog.getByRole("group", { name: "Link type" }).getByRole("radio", { name: "Managed link" }).check();
  await dialog.getByRole("button", { name: "Generate link" }).click();
  await expect(dialog.getByLabel("Share link", { exact: true })).toHaveValue(/\/s\//);
  await page.goto("/links?type=managed");
  await page.getByRole("link", { name: `Managed: details of the link to ${key}` }).click();
  await expect(page.getByRole("heading", { name: "Link details", level: 1 })).toBeVisible();
  const linkPage = page.url();

  const requests = recordRequests(page);
  const release = await holdScripts(page);
  await page.goto(linkPage, { waitUntil: "domcontentloaded" });
  const changeExpiry = page.getByRole("button", { name: "Change expiry" });
  const changeLimit = page.getByRole("button", { name: "Change download limit" });
  await expect(changeExpiry).toBeDisabled();
  await expect(changeLimit).toBeDisabled();
  await page.getByLabel("New expiry, from now").selectOption({ label: "No expiry" });
  await page.getByLabel("New download limit").fill("5");
  await page.getByLabel("New download limit").press("Enter");

  release();
  await expect(changeLimit).toBeEnabled();
  await changeLimit.click();
  await expect(page.getByText("Limit set to 5 (0 used so far).")).toBeVisible();
  await expect(page.getByLabel("New expiry, from now")).toHaveValue("never");
  await changeExpiry.click();
  await expect(page.getByText("The link now never expires.")).toBeVisible();
  expect(requests.filter((r) => r.isNavigationRequest() && new URL(r.url()).search !== "")).toEqual([]);
});
