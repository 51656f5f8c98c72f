import { expect, type Page } from "@playwright/test";

/**
 * Creates a personal access token through Settings → "API tokens", as the owner would (signed in
 * already), and returns the token read from the field that shows it once. For specs that call the API.
 */
export async function createApiTokenInUi(
  page: Page,
  { name, scopes, expiry = "30 days" }: { name: string; scopes: string[]; expiry?: string },
): Promise<string> {
  await page.goto("/settings/api-tokens");
  const section = page.getByRole("region", { name: "API tokens" });
  await section.getByRole("textbox", { name: "Token name", exact: true }).fill(name);
  for (const scope of scopes) await section.getByRole("checkbox", { name: new RegExp(`^${scope.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} `) }).check();
  await section.getByRole("combobox", { name: "Expiry" }).selectOption({ label: expiry });
  await section.getByRole("button", { name: "Create token" }).click();
  const field = section.getByRole("textbox", { name: "New token" });
  await expect(field).toHaveValue(/^bks_[A-Za-z0-9_-]{32}$/);
  return field.inputValue();
}
