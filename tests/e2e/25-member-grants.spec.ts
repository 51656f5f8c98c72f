import { randomBytes } from "node:crypto";
import pg from "pg";
import { hashPassword } from "../../lib/auth/password";
import { newRecordId } from "../../lib/crypto";
import { seal } from "../../lib/storage/sealed";
import { expectNoA11yViolations } from "../support/a11y";
import { ensureConnection, ensureSignedIn, expect, OWNER, signIn, test } from "../support/fixtures";
import { expectManagedOnlyUpTo, expectNotFoundWithout, openQuickShare } from "../support/team";

// A Member's grant in the browser (issue 16, item 3): Ana may browse and share from press/ of one
// connection, managed links only, at most 30 days. She sees that connection only (not another of the
// team's, nor its settings), that folder only; an object's URL outside it is the plain 404 page with
// nothing of the object in it; Quick Share offers only managed links up to 30 days and says why.
// The grant is written straight into member_grants (the Members page that edits grants is its own part).

const BUCKET = "e2e-members";
const CONNECTION = "Local Swift";
const OTHER_CONNECTION = "Finance storage";
const ANA = { name: "Ana Member", email: `ana-${randomBytes(4).toString("hex")}@example.com`, password: "ana-long-passphrase-1" };

test("a Member sees only the granted connection and folder, gets the 404 page elsewhere, and Quick Share offers managed links up to 30 days", async ({
  page,
  browser,
  storage,
}) => {
  test.setTimeout(120_000);
  await storage.bucket(BUCKET);
  await storage.put(BUCKET, "press/plan.txt", "the plan\n", "text/plain");
  await storage.put(BUCKET, "press-old/old-plan.txt", "the old plan\n", "text/plain");
  await storage.put(BUCKET, "secret/salary-list.txt", "salaries\n", "text/plain");
  await ensureSignedIn(page);
  await ensureConnection(page, storage, CONNECTION);

  const client = new pg.Client({ connectionString: process.env.E2E_DATABASE_URL });
  await client.connect();
  let memberId = "";
  try {
    const owner = await client.query<{ id: string }>("SELECT id FROM users WHERE email = $1", [OWNER.email]);
    const ownerId = owner.rows[0]!.id;
    const granted = await client.query<{ id: string }>("SELECT id FROM storage_connections WHERE owner_id = $1 AND name = $2", [ownerId, CONNECTION]);
    const connectionId = granted.rows[0]!.id;
    const otherId = newRecordId();
    await client.query(
      `INSERT INTO storage_connections (id, owner_id, name, provider, endpoint, region, force_path_style, access_key_id, secret_access_key_enc, updated_at)
       VALUES ($1, $2, $3, 'custom', $4, $5, true, $6, $7, now()) ON CONFLICT DO NOTHING`,
      [
        otherId,
        ownerId,
        OTHER_CONNECTION,
        storage.services.s3.endpoint,
        storage.services.s3.region,
        storage.services.s3.accessKeyId,
        seal("secretAccessKey", otherId, storage.services.s3.secretAccessKey, Buffer.from(storage.services.encryptionKey, "base64")),
      ],
    );
    memberId = newRecordId();
    await client.query(`INSERT INTO users (id, name, email, password_hash, role, team_id, updated_at) VALUES ($1, $2, $3, $4, 'member', $5, now())`, [
      memberId,
      ANA.name,
      ANA.email,
      await hashPassword(ANA.password),
      ownerId,
    ]);
    await client.query(
      `INSERT INTO member_grants (user_id, connection_id, can_browse, can_share, folder, link_types, longest_expiry_seconds)
       VALUES ($1, $2, true, true, 'press/', 'managed', $3)`,
      [memberId, connectionId, 30 * 86_400],
    );

    // Ana signs in in a browser of her own.
    const context = await browser.newContext();
    const ana = await context.newPage();
    await signIn(ana, ANA.email, ANA.password);
    await expect(ana.getByRole("navigation", { name: "Main" })).toBeVisible();

    await ana.goto("/buckets");
    await expect(ana.getByRole("heading", { name: CONNECTION, level: 2 })).toBeVisible();
    await expect(ana.getByRole("heading", { name: OTHER_CONNECTION })).toHaveCount(0);
    // Not the connection's settings: no provider, no endpoint.
    await expect(ana.getByText(storage.services.s3.endpoint)).toHaveCount(0);
    await ana.getByRole("link", { name: BUCKET }).click();
    await expect(ana.getByRole("heading", { name: BUCKET, level: 1 })).toBeVisible();
    const listing = ana.getByRole("table");
    await expect(listing.getByRole("link", { name: "press", exact: true })).toBeVisible();
    await expect(listing.getByRole("link")).toHaveCount(1);
    await expect(ana.getByText("press-old")).toHaveCount(0);
    await expect(ana.getByText("secret")).toHaveCount(0);

    // Typing another object's address: the 404 page, nothing of the object in it.
    const bucketPath = `/buckets/${connectionId}/${BUCKET}`;
    await expectNotFoundWithout(ana, `${bucketPath}/secret?object=${encodeURIComponent("secret/salary-list.txt")}`, ["salar", "Size"]);
    await expectNotFoundWithout(ana, `${bucketPath}/press?object=${encodeURIComponent("press-old/old-plan.txt")}`, ["old plan", "old-plan", "Size"]);
    await ana.goto(`/buckets/${otherId}/${BUCKET}`);
    await expect(ana.getByRole("heading", { name: "Not found", level: 1 })).toBeVisible();
    await ana.goto("/settings/connections");
    await expect(ana.getByRole("heading", { name: "Not found", level: 1 })).toBeVisible();
    await ana.goto(`/settings/connections/${connectionId}`);
    await expect(ana.getByRole("heading", { name: "Not found", level: 1 })).toBeVisible();

    // Inside her folder: Quick Share offers a managed link of at most 30 days, and says why.
    await ana.goto(`${bucketPath}/press`);
    await expect(ana.getByRole("heading", { name: "press", level: 1 })).toBeVisible();
    const dialog = await openQuickShare(ana, "plan.txt");
    await expectManagedOnlyUpTo(dialog, "30 days", ["90 days"]);
    const expires = dialog.getByLabel("Expires in");
    await expect(expires).toHaveValue("7d");
    // A longer custom duration is refused in the dialog already.
    await expires.selectOption("custom");
    await dialog.getByLabel("Duration").fill("31");
    await dialog.getByLabel("Unit").selectOption("days");
    await expect(dialog.getByText("Your access allows links of at most 30 days. Choose a shorter expiry.")).toBeVisible();
    await expectNoA11yViolations(ana, "Quick Share of a Member with a managed-only, 30-day grant");
    await expires.selectOption({ label: "30 days" });
    await dialog.getByRole("button", { name: "Generate link" }).click();
    await expect(dialog.getByLabel("Share link", { exact: true })).toHaveValue(/\/s\/[A-Za-z0-9_-]{32}$/);
    await expect(dialog.getByText(/\(in 30 days\)/)).toBeVisible();
    await dialog.getByRole("button", { name: "Done" }).click();

    // Share selected: the same cap, said the same way; no 90 days and no No expiry.
    await ana.getByRole("checkbox", { name: "Select plan.txt" }).check();
    await ana.getByRole("region", { name: "Selection" }).getByRole("button", { name: "Share selected" }).click();
    const files = ana.getByRole("dialog", { name: "Share 1 file" });
    await expect(files.getByText("Your access allows links of at most 30 days.")).toBeVisible();
    const fileOptions = await files.getByLabel("Expires in").locator("option").allTextContents();
    expect(fileOptions).toContain("30 days");
    expect(fileOptions).not.toContain("90 days");
    expect(fileOptions).not.toContain("No expiry");
    await context.close();

    const issued = await client.query<{ issued_by: string; owner_id: string; kind: string }>(
      "SELECT issued_by, owner_id, kind FROM share_links WHERE key = 'press/plan.txt' AND issued_by = $1",
      [memberId],
    );
    expect(issued.rows).toEqual([{ issued_by: memberId, owner_id: ownerId, kind: "managed" }]);
  } finally {
    if (memberId) await client.query("DELETE FROM users WHERE id = $1", [memberId]).catch(() => undefined);
    await client.end();
  }
});
