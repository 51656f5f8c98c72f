import { ensureSignedIn, expect, test } from "../support/fixtures";

// On a slow connection the owner can type into the "Add connection" form before its scripts have
// run. What they typed must survive hydration (React alone would clear it on the next render, and
// saving would say "Give the connection a name"), and Save must wait for the scripts (a native
// submission would put the secret into the URL).
test("what is typed before the connection form hydrates is kept, and Save waits for the scripts", async ({ page }) => {
  await ensureSignedIn(page);

  // Hold the app's scripts until the owner has typed.
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  const scripts = /\/_next\/static\/.+\.js(\?|$)/;
  await page.route(scripts, async (route) => {
    await held;
    await route.continue();
  });
  await page.goto("/settings/connections/new", { waitUntil: "domcontentloaded" });
  const save = page.getByRole("button", { name: "Save connection" });
  await expect(save).toBeDisabled();
  await page.getByLabel("Name", { exact: true }).fill("Typed before hydration");
  await page.getByLabel("Secret access key").fill("typed-secret");

  release();
  await expect(save).toBeEnabled();
  await page.unroute(scripts);
  // A change elsewhere re-renders the form: the early input is still there.
  await page.getByLabel("Provider").selectOption({ label: "MinIO / self-hosted" });
  await expect(page.getByLabel("Name", { exact: true })).toHaveValue("Typed before hydration");
  await expect(page.getByLabel("Secret access key")).toHaveValue("typed-secret");

  // Saving checks what was typed: the missing fields are named, the name and secret are not.
  await save.click();
  await expect(page.getByText("Enter the access key ID.")).toBeVisible();
  await expect(page.getByText("Give the connection a name")).toHaveCount(0);
  await expect(page).toHaveURL(/\/settings\/connections\/new$/);
});
