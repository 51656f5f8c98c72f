import { png } from "../../lib/dev/sample-files";
import { expectFocusVisible, expectNoA11yViolations, tabTo } from "../support/a11y";
import { ensureConnection, ensureSignedIn, expect, signOut, test, type Storage } from "../support/fixtures";

// axe-core on every page and dialog, light and dark; then the browser and Quick Share by keyboard alone.
// (The setup page is audited in 01-auth.spec.ts, the only moment it exists.)
test.describe.configure({ mode: "serial" });

const BUCKET = "e2e-a11y";
const UNREACHABLE = "A11y unreachable";

async function seed(storage: Storage) {
  await storage.bucket(BUCKET);
  await storage.put(
    BUCKET,
    "docs/photo.png",
    png(32, 24, () => [200, 80, 40]),
    "image/png",
  );
  await storage.put(BUCKET, "docs/notes.txt", "plain text notes\n", "text/plain");
  // A second page of entries (pages hold 100).
  const keys = Array.from({ length: 104 }, (_, i) => `many/entry-${String(i).padStart(3, "0")}.txt`);
  for (let i = 0; i < keys.length; i += 16) {
    await Promise.all(keys.slice(i, i + 16).map((key) => storage.put(BUCKET, key, key, "text/plain")));
  }
}

test("every page and dialog has no WCAG 2.1 A/AA violation, in light and dark", async ({ page, storage, context }) => {
  // About 60 audits, light and dark: 90 s alone, over 240 s once with the other lane on the same 2 cores.
  test.setTimeout(420_000);
  await seed(storage);
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);

  // Signed out (once an owner exists, which running this spec alone needs too).
  await ensureSignedIn(page);
  await signOut(page);
  await page.waitForLoadState("networkidle");
  await expect(page.getByRole("heading", { name: "Sign in", level: 1 })).toBeVisible();
  await expectNoA11yViolations(page, "sign-in");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByLabel("Email")).toHaveAttribute("aria-invalid", "true");
  await expectNoA11yViolations(page, "sign-in with field errors");

  await ensureSignedIn(page);
  await ensureConnection(page, storage);

  await page.goto("/buckets");
  await expect(page.getByRole("link", { name: BUCKET })).toBeVisible();
  await expectNoA11yViolations(page, "buckets");

  await page.getByRole("button", { name: /Account menu/ }).click();
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
  await expectNoA11yViolations(page, "user menu");
  await page.keyboard.press("Escape");
  await expect(page.getByRole("button", { name: "Sign out" })).toHaveCount(0);

  await page.getByRole("link", { name: BUCKET }).click();
  await expect(page.getByRole("heading", { name: BUCKET, level: 1 })).toBeVisible();
  await expectNoA11yViolations(page, "bucket listing");

  await page.getByRole("link", { name: "many" }).click();
  await expect(page.getByRole("heading", { name: "many", level: 1 })).toBeVisible();
  await expect(page.getByRole("link", { name: "entry-000.txt" })).toBeVisible();
  await expectNoA11yViolations(page, "folder page");
  await page.getByRole("button", { name: "Next page" }).click();
  await expect(page.getByRole("link", { name: "entry-103.txt" })).toBeVisible();
  await expectNoA11yViolations(page, "folder page 2");

  await page.getByRole("navigation", { name: "Breadcrumb" }).getByRole("link", { name: BUCKET }).click();
  await page.getByRole("link", { name: "docs" }).click();
  await page.getByRole("link", { name: "photo.png" }).click();
  const details = page.getByRole("complementary");
  await expect(details.getByRole("img", { name: "Preview of photo.png" })).toBeVisible();
  await expectNoA11yViolations(page, "object details (image)");
  await page.getByRole("link", { name: "notes.txt" }).click();
  await expect(details.getByLabel("Preview of notes.txt")).toContainText("plain text notes");
  await expectNoA11yViolations(page, "object details (text)");

  await details.getByRole("button", { name: "Quick Share" }).click();
  const dialog = page.getByRole("dialog", { name: "Quick Share" });
  await expect(dialog).toBeVisible();
  await expectNoA11yViolations(page, "Quick Share dialog");
  await dialog.getByLabel("Expires in").selectOption({ label: "Custom duration…" });
  await dialog.getByLabel("Duration").fill("8");
  await dialog.getByLabel("Unit").selectOption("days");
  await expect(dialog.getByRole("button", { name: "Use the longest allowed (7 days)" })).toBeVisible();
  await dialog.getByText("More options").click();
  await expect(dialog.getByLabel("Note (optional)")).toBeVisible();
  await expectNoA11yViolations(page, "Quick Share dialog with an expiry error and more options");
  await dialog.getByRole("button", { name: "Use the longest allowed (7 days)" }).click();
  await dialog.getByLabel("Note (optional)").fill("a11y audit");
  await dialog.getByRole("button", { name: "Generate link" }).click();
  await expect(dialog.getByLabel("Share link", { exact: true })).toHaveValue(/^http/);
  await dialog.getByRole("button", { name: "Copy link" }).click();
  await expect(dialog.getByText("Copied", { exact: true })).toBeVisible();
  await expectNoA11yViolations(page, "Quick Share result");
  await dialog.getByRole("button", { name: "Show QR code" }).click();
  await expect(dialog.getByRole("img", { name: "QR code of the share link" })).toBeVisible();
  await expectNoA11yViolations(page, "Quick Share result with its QR code");
  await dialog.getByRole("button", { name: "Done" }).click();
  await expect(dialog).toHaveCount(0);

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Links" }).click();
  const row = page.getByRole("row").filter({ hasText: "docs/notes.txt" }).first();
  await expect(row).toBeVisible();
  await expectNoA11yViolations(page, "links");
  await row.getByRole("button", { name: "Actions" }).click();
  await expect(page.getByRole("menu", { name: "Actions" })).toBeVisible();
  await expectNoA11yViolations(page, "links: the Actions menu");
  await page.getByRole("menu", { name: "Actions" }).getByRole("menuitem", { name: "Share again" }).click();
  const again = page.getByRole("dialog", { name: "Shared again" });
  await expect(again.getByLabel("Share link", { exact: true })).toHaveValue(/^http/);
  await expectNoA11yViolations(page, "links: shared again");
  await again.getByRole("button", { name: "Done" }).click();
  await expect(again).toHaveCount(0);
  await row.getByRole("button", { name: "Actions" }).click();
  await page.getByRole("menu", { name: "Actions" }).getByRole("menuitem", { name: "Delete from history" }).click();
  const confirm = page.getByRole("dialog", { name: "Delete this link from your history?" });
  await expect(confirm).toBeVisible();
  await expectNoA11yViolations(page, "links: delete from history");
  await confirm.getByRole("button", { name: "Cancel" }).click();
  await expect(confirm).toHaveCount(0);

  // Settings: one page per section, reached through the section nav, which marks the one shown.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" }).click();
  const sections = page.getByRole("navigation", { name: "Settings" });
  await expect(sections.getByRole("link", { name: "Connections" })).toHaveAttribute("aria-current", "page");
  for (const section of ["Notifications", "API tokens", "Account", "Appearance", "Background jobs", "Connections"]) {
    await sections.getByRole("link", { name: section }).click();
    await expect(page).toHaveURL(new RegExp(`/settings/${section.toLowerCase().replace(" ", "-")}$`));
    await expect(sections.getByRole("link", { name: section })).toHaveAttribute("aria-current", "page");
    await expect(sections.locator("[aria-current]")).toHaveCount(1);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Settings");
    await expect(page.getByRole("heading", { level: 2 })).toHaveText(section);
    await expectNoA11yViolations(page, `settings: ${section}`);
    if (section === "Account") {
      await page.getByRole("button", { name: "Change password" }).click();
      await expect(page.getByLabel("Current password")).toHaveAttribute("aria-invalid", "true");
      await expectNoA11yViolations(page, "settings: change password with field errors");
    }
  }

  await page.getByRole("link", { name: "Add connection" }).click();
  await expect(page.getByRole("heading", { name: "Add connection", level: 1 })).toBeVisible();
  await page.waitForLoadState("networkidle");
  await expectNoA11yViolations(page, "new connection");
  await page.getByRole("button", { name: "Save connection" }).click();
  await expect(page.getByLabel("Access key ID")).toHaveAttribute("aria-invalid", "true");
  await expectNoA11yViolations(page, "new connection with field errors");

  // A connection whose endpoint refuses connections: its storage error panel, its edit page, its delete dialog.
  await page.getByLabel("Name", { exact: true }).fill(UNREACHABLE);
  await page.getByLabel("Provider").selectOption({ label: "MinIO / self-hosted" });
  await page.getByLabel("Endpoint").fill("http://127.0.0.1:9");
  await page.getByLabel("Region").fill("us-east-1");
  await page.getByLabel("Access key ID").fill("a11y-key");
  await page.getByLabel("Secret access key").fill("a11y-secret");
  await page.getByRole("button", { name: "Test connection" }).click();
  await expect(page.getByRole("main").getByRole("alert").filter({ hasText: /\w/ }).first()).toBeVisible({ timeout: 20_000 });
  await expectNoA11yViolations(page, "new connection with a failed test");
  await page.getByRole("button", { name: "Save connection" }).click();
  await expect(page.getByText("Connection saved.")).toBeVisible();

  await page.getByRole("link", { name: `Edit ${UNREACHABLE}` }).click();
  await expect(page.getByRole("heading", { name: `Edit ${UNREACHABLE}`, level: 1 })).toBeVisible();
  await page.waitForLoadState("networkidle");
  await expectNoA11yViolations(page, "edit connection");

  await page.goto("/buckets");
  const failed = page.getByRole("region", { name: new RegExp(UNREACHABLE) });
  await expect(failed.getByRole("alert")).toBeVisible({ timeout: 20_000 });
  await expect(failed.getByRole("link", { name: "Retry" })).toBeVisible();
  await expectNoA11yViolations(page, "storage error panel");

  await page.goto("/no-such-page");
  await expect(page.getByRole("heading", { name: "Not found", level: 1 })).toBeVisible();
  await expectNoA11yViolations(page, "not found");
  await page.goto("/buckets");
  await page.getByRole("link", { name: BUCKET }).click();
  await expect(page.getByRole("heading", { name: BUCKET, level: 1 })).toBeVisible();
  await page.goto(`${page.url()}/no-such-folder`);
  await expect(page.getByRole("heading", { name: "Not found", level: 1 })).toBeVisible();
  await expectNoA11yViolations(page, "folder not found");

  await page.goto("/settings/connections");
  await page
    .getByRole("listitem")
    .filter({ hasText: UNREACHABLE })
    .getByRole("button", { name: /Delete/ })
    .click();
  const remove = page.getByRole("dialog", { name: `Delete “${UNREACHABLE}”?` });
  await expect(remove).toBeVisible();
  await expectNoA11yViolations(page, "settings: delete connection");
  await remove.getByRole("button", { name: "Delete connection" }).click();
  await expect(page.getByText("Connection deleted.")).toBeVisible();
  await expect(page.getByText(UNREACHABLE, { exact: true })).toHaveCount(0);
});

test("the browser and Quick Share work with the keyboard alone", async ({ page, storage }) => {
  test.setTimeout(120_000);
  await seed(storage);
  await ensureSignedIn(page);
  await ensureConnection(page, storage);
  await page.goto("/buckets");
  await expect(page.getByRole("link", { name: BUCKET })).toBeVisible();
  await page.waitForLoadState("networkidle");

  // The first Tab offers to skip the header; then open the bucket and a folder.
  await page.keyboard.press("Tab");
  await expectFocusVisible(page.getByRole("link", { name: "Skip to content" }));
  await page.keyboard.press("Enter");
  await page.keyboard.press("Tab");
  await expectFocusVisible(page.getByRole("main").locator(":focus"));
  await tabTo(page, page.getByRole("link", { name: BUCKET }));
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { name: BUCKET, level: 1 })).toBeVisible();
  await tabTo(page, page.getByRole("link", { name: "many" }));
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { name: "many", level: 1 })).toBeVisible();
  await expect(page.getByRole("link", { name: "entry-000.txt" })).toBeVisible();

  // Pagination, past a page of 100 rows (each with a "Select <name>" checkbox, its link and Quick Share).
  await tabTo(page, page.getByRole("button", { name: "Next page" }), { limit: 420 });
  await page.keyboard.press("Enter");
  await expect(page.getByRole("link", { name: "entry-103.txt" })).toBeVisible();
  await tabTo(page, page.getByRole("button", { name: "Previous page" }), { backwards: true, limit: 30 });
  await page.keyboard.press("Enter");
  await expect(page.getByRole("link", { name: "entry-000.txt" })).toBeVisible();

  // Back to the bucket by the breadcrumbs, into "docs", open a file: the details panel takes the focus.
  await tabTo(page, page.getByRole("navigation", { name: "Breadcrumb" }).getByRole("link", { name: BUCKET }), { backwards: true, limit: 420 });
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { name: BUCKET, level: 1 })).toBeVisible();
  await tabTo(page, page.getByRole("link", { name: "docs" }));
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { name: "docs", level: 1 })).toBeVisible();
  await tabTo(page, page.getByRole("link", { name: "photo.png" }));
  await page.keyboard.press("Enter");
  const details = page.getByRole("complementary", { name: "photo.png" });
  await expect(details.getByRole("heading", { name: "photo.png" })).toBeFocused();

  // Quick Share from the panel: the dialog holds the focus, Escape closes it and gives the focus back.
  const share = details.getByRole("button", { name: "Quick Share" });
  await tabTo(page, share, { limit: 5 });
  await page.keyboard.press("Enter");
  const dialog = page.getByRole("dialog", { name: "Quick Share" });
  await expect(dialog).toBeVisible();
  await expect(dialog.locator(":focus")).toHaveCount(1);
  for (let presses = 1; presses <= 25; presses++) {
    await page.keyboard.press("Tab");
    const place = await page.evaluate(() => {
      const active = document.activeElement;
      // Between the last and the first stop the focus may visit the browser's own controls.
      if (!active || active === document.body) return "browser";
      return active.closest("dialog[open]") ? "dialog" : `outside: ${active.outerHTML.slice(0, 100)}`;
    });
    expect(place, `focus after ${presses} Tab presses`).not.toMatch(/^outside/);
  }
  await page.keyboard.press("Escape");
  await expect(dialog).toHaveCount(0);
  await expect(share).toBeFocused();

  // Again, all the way to a link: another preset with the arrow keys, then Generate link, then Done.
  await page.keyboard.press("Enter");
  await expect(dialog).toBeVisible();
  const expiresIn = dialog.getByLabel("Expires in");
  await tabTo(page, expiresIn, { limit: 10 });
  await page.keyboard.press("ArrowDown");
  await expect(expiresIn).not.toHaveValue("1h");
  await tabTo(page, dialog.getByRole("button", { name: "Generate link" }), { limit: 15 });
  await page.keyboard.press("Enter");
  await expect(dialog.getByLabel("Share link", { exact: true })).toHaveValue(/^http/);
  await tabTo(page, dialog.getByRole("button", { name: "Done" }), { limit: 15 });
  await page.keyboard.press("Enter");
  await expect(dialog).toHaveCount(0);
  await expect(share).toBeFocused();

  // Close the details; a row's own Quick Share button opens the dialog too, and Escape gives the focus back.
  await tabTo(page, details.getByRole("link", { name: "Close details" }), { backwards: true, limit: 5 });
  await page.keyboard.press("Enter");
  await expect(page.getByRole("complementary")).toHaveCount(0);
  const rowShare = page.getByRole("button", { name: "Quick Share notes.txt" });
  await tabTo(page, rowShare, { limit: 40 });
  await page.keyboard.press("Enter");
  await expect(dialog).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(dialog).toHaveCount(0);
  await expect(rowShare).toBeFocused();

  // The account menu: open it, reach Sign out, Escape closes it and the focus is back on its button.
  const account = page.getByRole("button", { name: /Account menu/ });
  await tabTo(page, account, { backwards: true, limit: 40 });
  await page.keyboard.press("Enter");
  await expect(account).toHaveAttribute("aria-expanded", "true");
  await tabTo(page, page.getByRole("button", { name: "Sign out" }), { limit: 3 });
  await page.keyboard.press("Escape");
  await expect(page.getByRole("button", { name: "Sign out" })).toHaveCount(0);
  await expect(account).toBeFocused();
});
