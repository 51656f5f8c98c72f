import { randomBytes } from "node:crypto";
import pg from "pg";
import { ensureConnection, ensureSignedIn, expect, OWNER, test } from "../support/fixtures";

// "Whose link is it" (issue 16, item 4): the Owner's history names who issued each link once the team
// has someone else in it, and filters by that person. The Member and their link are put in the database
// directly (inviting is another part of the issue); they are removed at the end, so the other specs
// keep seeing a team of one.

const TAG = "zq7issued";

test("the Owner sees an Issued by column and filter, and filters the history by a Member", async ({ page, storage }) => {
  test.setTimeout(90_000);
  await ensureSignedIn(page);
  await ensureConnection(page, storage);

  const client = new pg.Client({ connectionString: process.env.E2E_DATABASE_URL });
  await client.connect();
  const memberId = `e2emember${randomBytes(6).toString("hex")}`;
  const memberName = `Ana Member ${TAG}`;
  try {
    const {
      rows: [owner],
    } = await client.query<{ id: string }>("SELECT id FROM users WHERE email = $1", [OWNER.email]);
    const {
      rows: [connection],
    } = await client.query<{ id: string; name: string }>("SELECT id, name FROM storage_connections WHERE owner_id = $1 ORDER BY created_at LIMIT 1", [
      owner!.id,
    ]);
    await client.query(`INSERT INTO users (id, name, email, password_hash, role, team_id, updated_at) VALUES ($1, $2, $3, 'not-a-hash', 'member', $4, now())`, [
      memberId,
      memberName,
      `${memberId}@example.com`,
      owner!.id,
    ]);
    const insertLink = async (issuedBy: string, key: string) => {
      const expires = new Date(Date.now() + 86_400_000);
      await client.query(
        `INSERT INTO share_links (id, owner_id, issued_by, connection_id, connection_name, bucket, key, object_size, requested_expires_at,
           expires_at, expires_soon_at, disposition, file_name, url_enc, kind)
         VALUES ($1, $2, $3, $4, $5, 'e2e-issued', $6, 7, $7, $7, $8, 'inline', $6, 'not-revealed', 'direct')`,
        [
          `e2elink${randomBytes(6).toString("hex")}`,
          owner!.id,
          issuedBy,
          connection!.id,
          connection!.name,
          key,
          expires,
          new Date(expires.getTime() - 3_600_000),
        ],
      );
    };
    await insertLink(memberId, `${TAG}-by-ana.txt`);
    await insertLink(owner!.id, `${TAG}-by-olive.txt`);

    await page.goto(`/links?q=${TAG}`);
    const table = page.getByRole("table", { name: "Issued links" });
    await expect(table.getByRole("columnheader", { name: "Issued by" })).toBeVisible();
    const anaRow = table.getByRole("row").filter({ hasText: `${TAG}-by-ana.txt` });
    await expect(anaRow.getByRole("cell", { name: memberName })).toBeVisible();
    await expect(
      table
        .getByRole("row")
        .filter({ hasText: `${TAG}-by-olive.txt` })
        .getByRole("cell", { name: OWNER.name }),
    ).toBeVisible();

    const filter = page.getByRole("combobox", { name: "Issued by" });
    await expect(filter.getByRole("option", { name: memberName })).toHaveCount(1);
    await filter.selectOption({ label: memberName });
    await expect(page).toHaveURL(new RegExp(`[?&]issuedBy=${memberId}`));
    await expect(page.getByRole("status").filter({ hasText: /links?$/ })).toHaveText("1 link");
    await expect(table.getByRole("row").filter({ hasText: TAG })).toHaveCount(1);
    await expect(anaRow).toBeVisible();

    // The link's page names its issuer too.
    await anaRow.getByRole("link", { name: new RegExp(`${TAG}-by-ana.txt`) }).click();
    await expect(page.getByRole("heading", { name: "Link details" })).toBeVisible();
    await expect(page.getByRole("definition").filter({ hasText: memberName })).toBeVisible();
  } finally {
    await client.query("DELETE FROM share_links WHERE key LIKE $1", [`${TAG}-%`]);
    await client.query("DELETE FROM users WHERE id = $1", [memberId]);
    await client.end();
  }
});
