import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import type { Browser, Page } from "@playwright/test";
import { hashPassword } from "../../lib/auth/password";
import { expectNoA11yViolations } from "../support/a11y";
import { startApp, type AppServer } from "../support/app-server";
import { ensureConnection, ensureSignedIn, expect, OWNER, test } from "../support/fixtures";
import { startOidcProvider, type Tamper, type TestOidcProvider } from "../support/oidc";

// Single sign-on in Chromium against a real OpenID provider (oidc-provider on loopback, its own login page):
// a production instance (`npm start`) sharing the e2e database runs with OIDC_* set and OIDC_ONLY=true. An
// invited email joins with the invite's role and grants; an allowed domain joins as a Member with no grants;
// an admin group makes an Admin, and leaving it makes a Member at the next sign-in; an uninvited email is
// refused with nothing created. The password form is only the Owner's (a second instance without OIDC_ONLY
// shows it to everyone). A provider answer with another issuer (in discovery or in the ID token), another
// audience, another nonce, or a callback whose state was changed is refused with a plain message and no session.

const PROVIDER_NAME = "Acme ID";
const ADMINS = "bucketshare-admins";
const stamp = Date.now();
const DOMAIN = "sso-corp.test";
const PEOPLE = {
  invited: { email: `ivy-${stamp}@example.com`, name: "Ivy Invited", emailVerified: true, groups: [] as string[] },
  domain: { email: `dana-${stamp}@${DOMAIN}`, name: "Dana Domain", emailVerified: true, groups: [] as string[] },
  admin: { email: `adam-${stamp}@${DOMAIN}`, name: "Adam Admin", emailVerified: true, groups: ["staff", ADMINS] },
  stranger: { email: `sam-${stamp}@elsewhere.test`, name: "Sam Stranger", emailVerified: true, groups: [] as string[] },
  unverified: { email: `uma-${stamp}@${DOMAIN}`, name: "Uma Unverified", emailVerified: false, groups: [] as string[] },
};
const REFUSED = `Single sign-on did not finish: the answer from ${PROVIDER_NAME} could not be verified, so you were not signed in.`;

/** Opens the SSO instance's sign-in page (or `path`) and goes through the provider's own login page as `email`. */
async function ssoSignIn(page: Page, app: AppServer, provider: TestOidcProvider, email: string, path = "/sign-in") {
  await page.goto(`${app.url}${path}`);
  await page.getByRole("button", { name: `Sign in with ${PROVIDER_NAME}` }).click();
  await page.waitForURL((url) => url.href.startsWith(provider.issuer));
  await page.getByPlaceholder("Enter any login").fill(email);
  await page.getByPlaceholder("and password").fill("anything");
  await page.getByRole("button", { name: "Sign-in" }).click();
  await page.waitForURL((url) => !url.href.startsWith(provider.issuer));
  expect(page.url().startsWith(app.url), `back at ${app.url}, not ${page.url()}`).toBe(true);
}

/** The page says `text` in an alert (the empty live regions of the forms are alerts too). */
async function expectAlert(page: Page, text: string) {
  await expect(page.getByRole("alert").filter({ hasText: text })).toBeVisible();
}

async function freshPage(browser: Browser): Promise<Page> {
  return (await browser.newContext()).newPage();
}

test("single sign-on through a real OpenID provider: invited, allowed domain, admin group, refusals, OIDC_ONLY and bad answers", async ({
  page,
  browser,
  storage,
}) => {
  test.setTimeout(360_000);
  const databaseUrl = process.env.E2E_DATABASE_URL!;
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  const provider = await startOidcProvider();
  for (const person of Object.values(PEOPLE)) provider.addAccount(person);
  const dataDir = mkdtempSync(join(tmpdir(), "bucketshare-sso-"));
  let app: AppServer | undefined;
  const userByEmail = async (email: string) =>
    (await db.query<{ id: string; role: string; team_id: string | null }>("SELECT id, role, team_id FROM users WHERE email = $1", [email])).rows[0];
  const sessionsOf = async (id: string) => Number((await db.query<{ n: string }>("SELECT count(*) AS n FROM sessions WHERE user_id = $1", [id])).rows[0]!.n);
  const grantsOf = async (id: string) =>
    (await db.query<{ connection_id: string; can_browse: boolean }>("SELECT connection_id, can_browse FROM member_grants WHERE user_id = $1", [id])).rows;
  const auditKinds = async (subjectId: string) =>
    (await db.query<{ kind: string }>("SELECT kind FROM audit_events WHERE subject_id = $1 ORDER BY created_at", [subjectId])).rows.map((r) => r.kind);
  try {
    // The Owner and a connection exist (created here when this spec runs alone).
    await ensureSignedIn(page);
    await ensureConnection(page, storage);
    const owner = (await userByEmail(OWNER.email))!;

    app = await startApp(
      {
        DATABASE_URL: databaseUrl,
        AUTH_SECRET: storage.services.authSecret,
        ENCRYPTION_KEY: storage.services.encryptionKey,
        DATA_DIR: dataDir,
        LOG_LEVEL: "warn",
        OIDC_ISSUER: provider.issuer,
        OIDC_CLIENT_ID: provider.clientId,
        OIDC_CLIENT_SECRET: provider.clientSecret,
        OIDC_NAME: PROVIDER_NAME,
        OIDC_ALLOWED_DOMAINS: DOMAIN,
        OIDC_ADMIN_GROUPS: ADMINS,
        OIDC_ONLY: "true",
      },
      { timeoutMs: 120_000 },
    );
    provider.allowRedirect(`${app.url}/api/auth/callback/oidc`);

    await test.step("the sign-in page offers the provider; the password form is only the Owner's", async () => {
      const visitor = await freshPage(browser);
      await visitor.goto(`${app!.url}/sign-in`);
      await expect(visitor.getByRole("button", { name: `Sign in with ${PROVIDER_NAME}` })).toBeVisible();
      await expect(visitor.getByLabel("Password")).toBeHidden();
      await expectNoA11yViolations(visitor, "sign-in with single sign-on (password form closed)");
      await visitor.getByRole("button", { name: "Owner sign-in with password" }).click();
      await expect(visitor.getByLabel("Password")).toBeVisible();
      await expectNoA11yViolations(visitor, "sign-in with single sign-on (Owner's password form open)");

      // A non-Owner's right password is refused while OIDC_ONLY is set; nothing starts.
      const member = `pat-${stamp}@example.com`;
      const inserted = await db.query<{ id: string }>(
        "INSERT INTO users (id, name, email, password_hash, role, team_id, updated_at) VALUES ($1, 'Pat Password', $2, $3, 'member', $4, now()) RETURNING id",
        [`pat${stamp}`, member, await hashPassword("pat-long-passphrase"), owner.id],
      );
      await visitor.getByLabel("Email").fill(member);
      await visitor.getByLabel("Password").fill("pat-long-passphrase");
      await visitor.getByRole("button", { name: "Sign in", exact: true }).click();
      await expect(visitor.getByRole("alert").filter({ hasText: "Wrong email or password." })).toBeVisible();
      expect(await sessionsOf(inserted.rows[0]!.id)).toBe(0);

      // The Owner still gets in with a password.
      await visitor.getByLabel("Email").fill(OWNER.email);
      await visitor.getByLabel("Password").fill(OWNER.password);
      await visitor.getByRole("button", { name: "Sign in", exact: true }).click();
      await expect(visitor).toHaveURL(/\/buckets$/);
      await expect(visitor.getByRole("navigation", { name: "Main" })).toBeVisible();
      await visitor.context().close();
    });

    await test.step("without OIDC_ONLY the password form is there for everyone, beside the provider's button", async () => {
      const plainDir = mkdtempSync(join(tmpdir(), "bucketshare-sso-plain-"));
      const plain = await startApp(
        {
          DATABASE_URL: databaseUrl,
          AUTH_SECRET: storage.services.authSecret,
          ENCRYPTION_KEY: storage.services.encryptionKey,
          DATA_DIR: plainDir,
          LOG_LEVEL: "warn",
          OIDC_ISSUER: provider.issuer,
          OIDC_CLIENT_ID: provider.clientId,
          OIDC_CLIENT_SECRET: provider.clientSecret,
          OIDC_NAME: PROVIDER_NAME,
        },
        { timeoutMs: 120_000 },
      );
      try {
        const visitor = await freshPage(browser);
        await visitor.goto(`${plain.url}/sign-in`);
        await expect(visitor.getByRole("button", { name: `Sign in with ${PROVIDER_NAME}` })).toBeVisible();
        await expect(visitor.getByLabel("Password")).toBeVisible();
        await expectNoA11yViolations(visitor, "sign-in with single sign-on beside the password form");
        // The Member refused above signs in with the same password here.
        await visitor.getByLabel("Email").fill(`pat-${stamp}@example.com`);
        await visitor.getByLabel("Password").fill("pat-long-passphrase");
        await visitor.getByRole("button", { name: "Sign in", exact: true }).click();
        await expect(visitor).toHaveURL(/\/buckets$/);
        await visitor.context().close();
      } finally {
        await plain.stop();
        rmSync(plainDir, { recursive: true, force: true });
      }
    });

    await test.step("an invited email joins with the invite's role and grants", async () => {
      await page.goto("/settings/members");
      const invite = page.getByRole("region", { name: "Invite member" });
      await invite.getByRole("textbox", { name: "Email" }).fill(PEOPLE.invited.email);
      await invite.getByRole("group").first().getByRole("checkbox", { name: "Can browse" }).check();
      await invite.getByRole("button", { name: "Invite member" }).click();
      const link = invite.getByRole("textbox", { name: `Invite link for ${PEOPLE.invited.email}` });
      await expect(link).toHaveValue(/\/invite\/[A-Za-z0-9_-]{32}$/);
      const invitePath = new URL(await link.inputValue()).pathname;

      // With OIDC_ONLY the invite page offers only single sign-on: no password to choose.
      const ivy = await freshPage(browser);
      await ivy.goto(`${app!.url}${invitePath}`);
      await expect(ivy.getByRole("heading", { level: 1, name: "Join Bucketshare" })).toBeVisible();
      await expect(ivy.getByText(`Sign in with ${PROVIDER_NAME} as ${PEOPLE.invited.email} to join.`)).toBeVisible();
      await expect(ivy.getByLabel("Password", { exact: true })).toHaveCount(0);
      await expectNoA11yViolations(ivy, "invite: single sign-on only");
      await ssoSignIn(ivy, app!, provider, PEOPLE.invited.email, invitePath);
      await expect(ivy).toHaveURL(/\/buckets$/);
      await expect(ivy.getByRole("navigation", { name: "Main" })).toBeVisible();
      const user = (await userByEmail(PEOPLE.invited.email))!;
      expect(user).toMatchObject({ role: "member", team_id: owner.id });
      expect(await grantsOf(user.id)).toEqual([expect.objectContaining({ can_browse: true })]);
      const used = await db.query("SELECT 1 FROM invites WHERE email = $1 AND accepted_at IS NOT NULL", [PEOPLE.invited.email]);
      expect(used.rowCount).toBe(1);
      expect(await sessionsOf(user.id)).toBe(1);
      const kinds = await db.query<{ kind: string }>("SELECT kind FROM audit_events WHERE actor_id = $1 ORDER BY created_at", [user.id]);
      expect(kinds.rows.map((r) => r.kind)).toEqual(["invite.accepted", "sign_in"]);
      await ivy.context().close();
    });

    await test.step("an allowed domain joins as a Member with no grants", async () => {
      const dana = await freshPage(browser);
      await ssoSignIn(dana, app!, provider, PEOPLE.domain.email);
      await expect(dana).toHaveURL(/\/buckets$/);
      await expect(dana.getByRole("navigation", { name: "Main" })).toBeVisible();
      const user = (await userByEmail(PEOPLE.domain.email))!;
      expect(user).toMatchObject({ role: "member", team_id: owner.id });
      expect(await grantsOf(user.id)).toEqual([]);
      // A Member has no Members section.
      await dana.goto(`${app!.url}/settings/account`);
      await expect(dana.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Members" })).toHaveCount(0);
      await dana.context().close();
    });

    await test.step("an admin group makes an Admin; out of the group, a Member at the next sign-in", async () => {
      const adam = await freshPage(browser);
      await ssoSignIn(adam, app!, provider, PEOPLE.admin.email);
      await expect(adam).toHaveURL(/\/buckets$/);
      const user = (await userByEmail(PEOPLE.admin.email))!;
      expect(user.role).toBe("admin");
      await adam.goto(`${app!.url}/settings/members`);
      await expect(adam.getByRole("region", { name: "Members" }).getByRole("row", { name: new RegExp(PEOPLE.admin.email) })).toContainText("Admin");
      await adam.context().close();

      provider.addAccount({ ...PEOPLE.admin, groups: ["staff"] });
      const again = await freshPage(browser);
      await ssoSignIn(again, app!, provider, PEOPLE.admin.email);
      await expect(again).toHaveURL(/\/buckets$/);
      expect((await userByEmail(PEOPLE.admin.email))!.role).toBe("member");
      const notFound = await again.goto(`${app!.url}/settings/members`);
      expect(notFound?.status()).toBe(404);
      expect(await auditKinds(user.id)).toEqual(["member.role_changed", "sign_in", "member.role_changed", "sign_in"]);
      await again.context().close();
    });

    await test.step("the Owner's role is never touched by groups", async () => {
      provider.addAccount({ email: OWNER.email, name: OWNER.name, emailVerified: true, groups: [] });
      const olive = await freshPage(browser);
      await ssoSignIn(olive, app!, provider, OWNER.email);
      await expect(olive).toHaveURL(/\/buckets$/);
      expect((await userByEmail(OWNER.email))!.role).toBe("owner");
      await olive.context().close();
    });

    await test.step("an uninvited email, or one the provider has not verified, is refused and nothing is created", async () => {
      const sam = await freshPage(browser);
      await ssoSignIn(sam, app!, provider, PEOPLE.stranger.email);
      await expect(sam).toHaveURL(/\/sign-in\?/);
      await expectAlert(sam, `${PEOPLE.stranger.email} is not invited to this Bucketshare. Ask an Admin for an invite.`);
      await expect(sam.getByRole("button", { name: `Sign in with ${PROVIDER_NAME}` })).toBeVisible();
      expect(await userByEmail(PEOPLE.stranger.email)).toBeUndefined();
      await expectNoA11yViolations(sam, "sign-in: not invited");
      await sam.context().close();

      const uma = await freshPage(browser);
      await ssoSignIn(uma, app!, provider, PEOPLE.unverified.email);
      await expectAlert(uma, `${PROVIDER_NAME} has not confirmed that ${PEOPLE.unverified.email} is yours`);
      expect(await userByEmail(PEOPLE.unverified.email)).toBeUndefined();
      await uma.context().close();
    });

    await test.step("a removed person is refused", async () => {
      const dana = (await userByEmail(PEOPLE.domain.email))!;
      await db.query("UPDATE users SET removed_at = now() WHERE id = $1", [dana.id]);
      const before = await sessionsOf(dana.id);
      const page2 = await freshPage(browser);
      await ssoSignIn(page2, app!, provider, PEOPLE.domain.email);
      await expectAlert(page2, `${PEOPLE.domain.email} was removed from this Bucketshare. Ask an Admin if this is a mistake.`);
      expect(await sessionsOf(dana.id)).toBe(before);
      await page2.context().close();
    });

    // Each bad answer: a plain message on the sign-in page, and no session for the (existing) person.
    const ivy = (await userByEmail(PEOPLE.invited.email))!;
    // The server log names the check that refused it (oauth4webapi's words, through Auth.js).
    const cases: [Tamper, string, RegExp][] = [
      ["id-token-issuer", "an ID token from another issuer", /unexpected JWT \\"iss\\"/],
      ["id-token-audience", "an ID token for another client", /unexpected JWT \\"aud\\"/],
      ["id-token-nonce", "an ID token with another nonce", /unexpected ID Token \\"nonce\\"/],
      ["state", "a callback whose state was changed", /unexpected \\"state\\" response parameter/],
    ];
    for (const [mode, label, reason] of cases) {
      await test.step(`refused: ${label}`, async () => {
        provider.tamper.mode = mode;
        const before = await sessionsOf(ivy.id);
        const tokensBefore = provider.issuedIdTokens.length;
        const visitor = await freshPage(browser);
        await ssoSignIn(visitor, app!, provider, PEOPLE.invited.email);
        await expect(visitor).toHaveURL(/\/sign-in\?error=/);
        await expectAlert(visitor, REFUSED);
        expect(await sessionsOf(ivy.id)).toBe(before);
        await expect.poll(() => app!.output()).toMatch(reason);
        // The tampered ID token was really issued (the state case never reaches the token endpoint).
        expect(provider.issuedIdTokens.length).toBe(mode === "state" ? tokensBefore : tokensBefore + 1);
        await visitor.goto(`${app!.url}/buckets`);
        await expect(visitor).toHaveURL(/\/sign-in/);
        await visitor.context().close();
        provider.tamper.mode = "none";
      });
    }

    await test.step("refused: a discovery document naming another issuer than OIDC_ISSUER", async () => {
      provider.tamper.mode = "discovery-issuer";
      const before = await sessionsOf(ivy.id);
      const visitor = await freshPage(browser);
      await visitor.goto(`${app!.url}/sign-in`);
      await visitor.getByRole("button", { name: `Sign in with ${PROVIDER_NAME}` }).click();
      await expect(visitor).toHaveURL(/\/sign-in\?error=/);
      await expectAlert(visitor, REFUSED);
      await expectNoA11yViolations(visitor, "sign-in: single sign-on refused");
      expect(await sessionsOf(ivy.id)).toBe(before);
      await visitor.context().close();
      provider.tamper.mode = "none";
    });
  } finally {
    if (app) await test.info().attach("sso instance output", { body: app.output(), contentType: "text/plain" });
    await app?.stop();
    await provider.close();
    await db.end();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
