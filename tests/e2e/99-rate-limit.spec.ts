import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import config from "../../playwright.config";
import { startApp } from "../support/app-server";
import { servicesFromEnvironment } from "../support/services";
import { OWNER, ensureSignedIn, expect, signOut, submitAndSettle, test } from "../support/fixtures";

// The browser may also reach the app over IPv6 loopback (a second client address on this machine).
const launchOptions = config.use!.launchOptions!;
test.use({
  launchOptions: {
    ...launchOptions,
    args: launchOptions.args!.map((arg) => (arg.startsWith("--host-resolver-rules=") ? `${arg}, EXCLUDE ::1` : arg)),
  },
});

// Runs last: it makes the owner's email wait at 127.0.0.1. The server runs with TRUSTED_PROXIES=0
// (the default): only the TCP peer's address counts, whatever the request says about itself.
test("six wrong passwords claiming six different addresses are limited as one address", async ({ page }) => {
  await ensureSignedIn(page);
  await signOut(page);
  await page.goto("/sign-in");
  await page.waitForLoadState("networkidle");
  for (let attempt = 1; attempt <= 6; attempt++) {
    // Every header a client could use to pass for someone else, different on each try.
    await page.setExtraHTTPHeaders({
      "x-forwarded-for": `203.0.113.${attempt}`,
      "x-real-ip": `203.0.113.${attempt}`,
      "x-bucketshare-peer": `198.51.100.${attempt}`,
    });
    await page.getByLabel("Email").fill(OWNER.email);
    // The sixth try is the right password: refused all the same while the back-off holds.
    await page.getByLabel("Password").fill(attempt < 6 ? `wrong password ${attempt}` : OWNER.password);
    await submitAndSettle(page, "Sign in");
    await expect(page.getByRole("main").getByRole("alert")).toContainText(
      attempt < 6 ? "Wrong email or password." : "Too many failed attempts. Try again in 1 minute.",
    );
  }
  await expect(page).toHaveURL(/\/sign-in/);
});

test("meanwhile the owner signs in from another address", async ({ page, baseURL }) => {
  // The same server over IPv6 loopback: the TCP peer is ::1 instead of 127.0.0.1.
  const elsewhere = new URL(baseURL);
  elsewhere.hostname = "[::1]";
  await page.goto(new URL("/sign-in", elsewhere).toString());
  await page.waitForLoadState("networkidle");
  await page.getByLabel("Email").fill(OWNER.email);
  await page.getByLabel("Password").fill(OWNER.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
});

test("behind one proxy (TRUSTED_PROXIES=1) the right-most X-Forwarded-For entry is the client", async ({ page }) => {
  test.setTimeout(180_000);
  // A second instance of the same build and database, told that one proxy stands in front; this
  // test plays that proxy, appending the client's address to whatever the client claimed.
  const services = servicesFromEnvironment()!;
  const app = await startApp({
    DATABASE_URL: process.env.E2E_DATABASE_URL!,
    AUTH_SECRET: services.authSecret,
    ENCRYPTION_KEY: services.encryptionKey,
    DATA_DIR: mkdtempSync(join(tmpdir(), "bucketshare-e2e-proxied-")),
    LOG_LEVEL: "warn",
    TRUSTED_PROXIES: "1",
  });
  try {
    const email = `nobody-${randomBytes(4).toString("hex")}@example.com`;
    const attempt = async (forwardedFor: string, expected: string) => {
      await page.setExtraHTTPHeaders({ "x-forwarded-for": forwardedFor });
      await page.getByLabel("Email").fill(email);
      await page.getByLabel("Password").fill("wrong password");
      await submitAndSettle(page, "Sign in");
      await expect(page.getByRole("main").getByRole("alert")).toContainText(expected);
    };
    await page.goto(`${app.url}/sign-in`);
    await page.waitForLoadState("networkidle");
    // The client claims a new address each time; the proxy's entry (203.0.113.9) is what counts.
    for (let i = 1; i <= 5; i++) await attempt(`10.0.0.${i}, 203.0.113.9`, "Wrong email or password.");
    await attempt("10.0.0.6, 203.0.113.9", "Too many failed attempts. Try again in 1 minute.");
    // Another client behind the same proxy is a different address, whatever it claims.
    await attempt("203.0.113.9, 203.0.113.10", "Wrong email or password.");
  } finally {
    expect(await app.stop()).toBe(0);
  }
});
