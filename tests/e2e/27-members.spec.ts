import type { Page } from "@playwright/test";
import { expectNoA11yViolations } from "../support/a11y";
import { ensureSignedIn, expect, test } from "../support/fixtures";

// Settings → "Members" in Chromium against the production server: the Owner invites a member and copies the
// invite link; the member accepts it in a browser of their own and lands on /buckets; the Owner removes them,
// and the member's open page goes to sign-in on its next step. Each page audited light and dark, desktop and phone.

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 720 };
const MEMBER = { name: "Mina Member", email: `mina-${Date.now()}@example.com`, password: "mina-long-passphrase" };

async function audit(page: Page, label: string) {
  await expectNoA11yViolations(page, label);
  await page.setViewportSize(PHONE);
  await expectNoA11yViolations(page, `${label} on a phone`);
  await page.setViewportSize(DESKTOP);
}

test("the Owner invites a member, who joins in their own browser; removed, their open page goes to sign-in", async ({ page, browser, baseURL, context }) => {
  test.setTimeout(360_000);
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await ensureSignedIn(page);
  await page.goto("/settings");
  await page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Members" }).click();
  await expect(page).toHaveURL(/\/settings\/members$/);
  const members = page.getByRole("region", { name: "Members" });
  await expect(members.getByRole("heading", { level: 2, name: "Members" })).toBeVisible();
  await expect(members.getByRole("row", { name: /Olive Owner/ })).toContainText("Owner");
  await audit(page, "settings: members");

  // A bad email is refused at the field.
  const invite = page.getByRole("region", { name: "Invite member" });
  await invite.getByRole("textbox", { name: "Email" }).fill("not-an-email");
  await invite.getByRole("button", { name: "Invite member" }).click();
  await expect(invite.getByText("Enter a valid email address, like you@example.com.")).toBeVisible();
  await expectNoA11yViolations(page, "settings: members with a field error");

  await invite.getByRole("textbox", { name: "Email" }).fill(MEMBER.email);
  await expect(invite.getByRole("combobox", { name: "Role" })).toHaveValue("member");
  const firstConnection = invite.getByRole("group").first();
  if ((await invite.getByRole("group").count()) > 0) {
    await firstConnection.getByRole("checkbox", { name: "Can browse" }).check();
    await expect(firstConnection.getByRole("textbox", { name: "Folder" })).toBeVisible();
    await expect(firstConnection.getByRole("combobox", { name: "Link types" })).toBeVisible();
    await expect(firstConnection.getByRole("combobox", { name: "Longest expiry" })).toBeVisible();
  }
  await invite.getByRole("button", { name: "Invite member" }).click();
  const link = invite.getByRole("textbox", { name: `Invite link for ${MEMBER.email}` });
  await expect(link).toHaveValue(/\/invite\/[A-Za-z0-9_-]{32}$/);
  await invite.getByRole("button", { name: "Copy invite link" }).click();
  await expect(invite.getByRole("status").filter({ hasText: "Copied" })).toBeVisible();
  const inviteUrl = await page.evaluate(() => navigator.clipboard.readText());
  expect(inviteUrl).toBe(await link.inputValue());
  await expect(members.getByRole("row", { name: new RegExp(MEMBER.email) })).toContainText("Invited");
  await expectNoA11yViolations(page, "settings: members with an invite link shown");

  // The member, in a browser of their own.
  const memberContext = await browser.newContext({ baseURL });
  const memberPage = await memberContext.newPage();
  await memberPage.goto(inviteUrl);
  await expect(memberPage.getByRole("heading", { level: 1, name: "Join Bucketshare" })).toBeVisible();
  await expect(memberPage.getByText(/Olive Owner invited you/)).toBeVisible();
  await expect(memberPage.getByRole("textbox", { name: "Email" })).toHaveValue(MEMBER.email);
  await audit(memberPage, "invite: accept");
  await memberPage.getByRole("textbox", { name: "Name" }).fill(MEMBER.name);
  await memberPage.getByLabel("Password", { exact: true }).fill("too-short");
  await memberPage.getByLabel("Confirm password").fill("too-short");
  await memberPage.getByRole("button", { name: "Join and sign in" }).click();
  await expect(memberPage.getByText("Use at least 12 characters.")).toBeVisible();
  await memberPage.getByLabel("Password", { exact: true }).fill(MEMBER.password);
  await memberPage.getByLabel("Confirm password").fill(MEMBER.password);
  await memberPage.getByRole("button", { name: "Join and sign in" }).click();
  await expect(memberPage).toHaveURL(/\/buckets$/);
  await expect(memberPage.getByRole("navigation", { name: "Main" })).toBeVisible();

  // The link works once: opened again, it is a plain page without a form.
  const again = await (await browser.newContext({ baseURL })).newPage();
  await again.goto(inviteUrl);
  await expect(again.getByRole("heading", { level: 1, name: "This invite has already been used" })).toBeVisible();
  await expect(again.getByRole("button")).toHaveCount(0);
  await audit(again, "invite: already used");
  await again.context().close();

  // A Member sees no Members section, and its address is the not-found page.
  await memberPage.goto("/settings/account");
  await expect(memberPage.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Members" })).toHaveCount(0);
  const notFound = await memberPage.goto("/settings/members");
  expect(notFound?.status()).toBe(404);
  // Nor Background jobs (the Owner and Admins only).
  await memberPage.goto("/settings/account");
  await expect(memberPage.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Background jobs" })).toHaveCount(0);
  expect((await memberPage.goto("/settings/background-jobs"))?.status()).toBe(404);
  await memberPage.goto("/buckets");
  await expect(memberPage).toHaveURL(/\/buckets$/);

  // The Owner removes them, revoking their links.
  await page.reload();
  const row = members.getByRole("row", { name: new RegExp(MEMBER.name) });
  await expect(row).toContainText("Active");
  await row.getByRole("button", { name: "Remove member" }).click();
  const dialog = page.getByRole("dialog", { name: `Remove ${MEMBER.name}?` });
  await expect(dialog.getByRole("radio", { name: "Keep them working" })).toBeChecked();
  await dialog.getByRole("radio", { name: "Revoke them" }).check();
  await dialog.getByRole("button", { name: "Remove member" }).click();
  await expect(dialog).toBeHidden();
  await expect(members.getByRole("row", { name: new RegExp(MEMBER.name) })).toContainText("Removed");

  // The member's open page: its next step goes to sign-in.
  await memberPage.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Links" }).click();
  await expect(memberPage).toHaveURL(/\/sign-in/);
  await expect(memberPage.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await memberContext.close();
});

test("an invite link that was tampered with is a plain page saying so", async ({ page }) => {
  await page.goto("/invite/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
  await expect(page.getByRole("heading", { level: 1, name: "This invite link does not work" })).toBeVisible();
  await expect(page.getByRole("textbox")).toHaveCount(0);
  await audit(page, "invite: unknown link");
});
