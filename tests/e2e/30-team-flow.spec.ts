import pg from "pg";
import { expectNoA11yViolations } from "../support/a11y";
import { ensureConnection, ensureSignedIn, expect, OWNER, test } from "../support/fixtures";
import { readMail } from "../support/smtp";
import { expectManagedOnlyUpTo, expectNotFoundWithout, openQuickShare } from "../support/team";

// A team from start to end in Chromium against the production server (issue 16, "Tests"): the Owner invites a
// Member with a grant made in the invite form (one connection, Folder press/, managed links only, Longest expiry
// 7 days); the invite arrives at the real SMTP server the e2e setup started, and its link is the one the Member
// follows in a browser of their own. They see that connection and folder only, get the 404 page elsewhere, and
// issue a managed link of at most 7 days; the Owner sees it as theirs under "Issued by" and their actions in the
// Audit log, then removes them keeping their links: the link still opens, and the Member's open page goes to
// sign-in. (25 proves the grant's edges with a grant written into the database, 27 the invite and removal screens
// and "Revoke them", 26 and 28 the history and audit pages; this is the chain through the forms.)

const BUCKET = "e2e-team-flow";
const CONNECTION = "Local Swift";
const OTHER_CONNECTION = "Team flow archive";
const TESS = { name: "Tess Teammate", email: `tess-${Date.now()}@example.com`, password: "tess-long-passphrase-7" };

test("invited by e-mail with a folder grant, a Member shares a capped managed link; the Owner sees it, removes them, and their page goes to sign-in", async ({
  page,
  browser,
  baseURL,
  storage,
}) => {
  test.setTimeout(240_000);
  const mailDir = process.env.E2E_MAIL_DIR;
  if (!mailDir) throw new Error("E2E_MAIL_DIR is set by tests/support/e2e-global-setup.ts");
  await storage.bucket(BUCKET);
  await storage.put(BUCKET, "press/plan.txt", "the plan\n", "text/plain");
  await storage.put(BUCKET, "press-old/old-plan.txt", "the old plan\n", "text/plain");
  await storage.put(BUCKET, "secret/salary-list.txt", "salaries\n", "text/plain");
  await ensureSignedIn(page);
  await ensureConnection(page, storage, CONNECTION);
  await ensureConnection(page, storage, OTHER_CONNECTION);
  const db = new pg.Client({ connectionString: process.env.E2E_DATABASE_URL });
  await db.connect();
  try {
    const connectionIds = await db.query<{ id: string; name: string }>(
      "SELECT c.id, c.name FROM storage_connections c JOIN users u ON u.id = c.owner_id WHERE u.email = $1 AND c.name = ANY($2)",
      [OWNER.email, [CONNECTION, OTHER_CONNECTION]],
    );
    const idOf = (name: string) => connectionIds.rows.find((row) => row.name === name)!.id;

    // The Owner invites Tess: browse and share on one connection, inside press/, managed links, 7 days at most.
    await page.goto("/settings/members");
    const invite = page.getByRole("region", { name: "Invite member" });
    await invite.getByRole("textbox", { name: "Email" }).fill(TESS.email);
    await expect(invite.getByRole("combobox", { name: "Role" })).toHaveValue("member");
    const grant = invite.getByRole("group", { name: CONNECTION });
    await grant.getByRole("checkbox", { name: "Can browse" }).check();
    await grant.getByRole("checkbox", { name: "Can share" }).check();
    await grant.getByRole("textbox", { name: "Folder" }).fill("press/");
    await grant.getByRole("combobox", { name: "Link types" }).selectOption({ label: "Managed links only" });
    await grant.getByRole("combobox", { name: "Longest expiry" }).selectOption({ label: "7 days" });
    await expect(invite.getByRole("group", { name: OTHER_CONNECTION }).getByRole("checkbox", { name: "Can browse" })).not.toBeChecked();
    await invite.getByRole("button", { name: "Invite member" }).click();
    const shown = invite.getByRole("textbox", { name: `Invite link for ${TESS.email}` });
    await expect(shown).toHaveValue(/\/invite\/[A-Za-z0-9_-]{32}$/);
    await expect(invite.getByText(/It was e-mailed to them/)).toBeVisible();

    // The e-mail, as the SMTP server received it: to Tess, from the Owner, with the same one-time link.
    const mail = await readMail(mailDir, TESS.email);
    expect(mail.envelopeTo).toEqual([TESS.email]);
    expect(mail.subject).toBe(`${OWNER.name} invited you to Bucketshare`);
    expect(mail.text).toContain("as a Member");
    const inviteUrl = /https?:\/\/\S+\/invite\/[A-Za-z0-9_-]{32}/.exec(mail.text)?.[0];
    expect(inviteUrl).toBe(await shown.inputValue());
    expect(mail.html).toContain(`href="${inviteUrl}"`);

    // Tess follows the e-mailed link in a browser of her own.
    const tessContext = await browser.newContext({ baseURL });
    const tess = await tessContext.newPage();
    await tess.goto(inviteUrl!);
    await expect(tess.getByRole("textbox", { name: "Email" })).toHaveValue(TESS.email);
    await tess.getByRole("textbox", { name: "Name" }).fill(TESS.name);
    await tess.getByLabel("Password", { exact: true }).fill(TESS.password);
    await tess.getByLabel("Confirm password").fill(TESS.password);
    await tess.getByRole("button", { name: "Join and sign in" }).click();
    await expect(tess).toHaveURL(/\/buckets$/);

    // The granted connection only; in the bucket, the granted folder only.
    await expect(tess.getByRole("heading", { name: CONNECTION, level: 2 })).toBeVisible();
    await expect(tess.getByRole("heading", { name: OTHER_CONNECTION })).toHaveCount(0);
    await tess.getByRole("link", { name: BUCKET }).first().click();
    await expect(tess.getByRole("heading", { name: BUCKET, level: 1 })).toBeVisible();
    const listing = tess.getByRole("table");
    await expect(listing.getByRole("link", { name: "press", exact: true })).toBeVisible();
    await expect(listing.getByRole("link")).toHaveCount(1);

    // Typed addresses outside the grant: the 404 page, nothing of what is there.
    const granted = `/buckets/${idOf(CONNECTION)}/${BUCKET}`;
    const other = `/buckets/${idOf(OTHER_CONNECTION)}/${BUCKET}`;
    await expectNotFoundWithout(tess, `${granted}/secret`, ["salary-list", "Size"]);
    await expectNotFoundWithout(tess, `${granted}/press-old`, ["old-plan", "Size"]);
    await expectNotFoundWithout(tess, `${other}/press?object=${encodeURIComponent("press/plan.txt")}`, [BUCKET, OTHER_CONNECTION, "plan.txt"]);
    await expectNotFoundWithout(tess, `${other}/secret?object=${encodeURIComponent("secret/salary-list.txt")}`, [BUCKET, OTHER_CONNECTION, "salary-list"]);

    // A managed link from her folder, offered for 7 days at most (and told so).
    await tess.goto(`${granted}/press`);
    await expect(tess.getByRole("heading", { name: "press", level: 1 })).toBeVisible();
    await expect(tess).toHaveTitle(`${BUCKET} · Bucketshare`);
    const dialog = await openQuickShare(tess, "plan.txt");
    await expectManagedOnlyUpTo(dialog, "7 days", ["30 days", "90 days"]);
    await dialog.getByLabel("Expires in").selectOption({ label: "7 days" });
    await dialog.getByRole("button", { name: "Generate link" }).click();
    const linkField = dialog.getByLabel("Share link", { exact: true });
    await expect(linkField).toHaveValue(/\/s\/[A-Za-z0-9_-]{32}$/);
    const shareUrl = await linkField.inputValue();
    await expect(dialog.getByText(/\(in 7 days\)/)).toBeVisible();
    await dialog.getByRole("button", { name: "Done" }).click();

    // The Owner's history: the link, issued by Tess.
    await page.goto("/links");
    // The filter applies as it changes once the page has hydrated; chosen before that, it is chosen again.
    await expect(async () => {
      await page.getByRole("combobox", { name: "Issued by" }).selectOption({ label: TESS.name });
      await expect(page).toHaveURL(/[?&]issuedBy=/, { timeout: 2_000 });
    }).toPass({ timeout: 15_000 });
    const table = page.getByRole("table", { name: "Issued links" });
    const row = table.getByRole("row").filter({ hasText: "plan.txt" });
    await expect(row).toHaveCount(1);
    await expect(row.getByRole("cell", { name: TESS.name })).toBeVisible();

    // The Audit log, filtered to Tess: joining, signing in is part of it, and the link she issued.
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Audit log" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Audit log" })).toBeVisible();
    await page.getByRole("combobox", { name: "Person" }).selectOption({ label: TESS.name });
    await expect(page).toHaveURL(/[?&]person=/);
    const events = page.getByRole("table", { name: "Audit log" }).getByRole("row").filter({ hasText: TESS.name });
    await expect(events.filter({ hasText: "Link issued" }).filter({ hasText: `${BUCKET}/press/plan.txt` })).toHaveCount(1);
    await expect(events.filter({ hasText: "Invite accepted" })).toHaveCount(1);

    // "Remove member", keeping her links working; the confirmation audited light and dark.
    await page.goto("/settings/members");
    const members = page.getByRole("region", { name: "Members" });
    const member = members.getByRole("row", { name: new RegExp(TESS.name) });
    await expect(member).toContainText("Active");
    await member.getByRole("button", { name: "Remove member" }).click();
    const confirm = page.getByRole("dialog", { name: `Remove ${TESS.name}?` });
    await expect(confirm.getByRole("radio", { name: "Keep them working" })).toBeChecked();
    await expectNoA11yViolations(page, "Remove member confirmation");
    await confirm.getByRole("button", { name: "Remove member" }).click();
    await expect(confirm).toBeHidden();
    await expect(member).toContainText("Removed");

    // Her open page: the next step goes to sign-in. Her link still opens for its recipient.
    await tess.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Links" }).click();
    await expect(tess).toHaveURL(/\/sign-in/);
    await expect(tess.getByRole("heading", { name: "Sign in" })).toBeVisible();
    await tessContext.close();
    const recipient = await browser.newContext();
    const opened = await (await recipient.newPage()).goto(shareUrl);
    expect(opened?.status()).toBe(200);
    await recipient.close();
    await page.goto("/audit?kind=member.removed");
    await expect(page.getByRole("table", { name: "Audit log" }).getByRole("row").filter({ hasText: TESS.name })).toHaveCount(1);
  } finally {
    await db.end();
  }
});
