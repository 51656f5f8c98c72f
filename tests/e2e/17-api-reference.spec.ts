import { expectNoA11yViolations } from "../support/a11y";
import { ensureSignedIn, expect, test } from "../support/fixtures";

// The API reference page, in Chromium against the production server: it renders the OpenAPI document
// the server serves (the operations' summaries appear), loads nothing from any other origin (the
// viewer, its styles and the document all come from the app), breaks no CSP rule, and passes the
// WCAG 2.1 AA audit in both colour schemes, with an operation of each method and a response schema opened.

type OpenApiDocument = { openapi: string; paths: Record<string, Record<string, { summary?: string }>> };

test("the API reference renders the served OpenAPI document from this origin only", async ({ page, baseURL }) => {
  // Four axe runs (light and dark, desktop and phone) over a long page: slow on a busy machine.
  test.setTimeout(240_000);
  await ensureSignedIn(page);

  const requested: string[] = [];
  const cspViolations: string[] = [];
  const pageErrors: string[] = [];
  page.on("request", (request) => requested.push(request.url()));
  page.on("console", (message) => {
    if (/content security policy/i.test(message.text())) cspViolations.push(message.text());
  });
  page.on("pageerror", (error) => pageErrors.push(error.message));

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "API reference" }).click();
  await expect(page).toHaveURL(/\/api-reference$/);
  await expect(page.getByRole("heading", { name: "API reference", level: 1 })).toBeVisible();

  // The intro: where the API lives, how to authenticate, and the document itself.
  const main = page.getByRole("main");
  await expect(main.getByText(/\/api\/v1$/).first()).toBeVisible();
  await expect(main.getByText("Authorization: Bearer <token>").first()).toBeVisible(); // the intro; the document says it too
  await expect(main.getByRole("link", { name: "Settings → API tokens" })).toHaveAttribute("href", "/settings/api-tokens");
  const download = main.getByRole("link", { name: "Download openapi.json" });
  await expect(download).toHaveAttribute("href", "/api/v1/openapi.json");

  // The viewer shows the operations of the document the server serves.
  const response = await page.request.get((await download.getAttribute("href"))!);
  expect(response.status()).toBe(200);
  const document = (await response.json()) as OpenApiDocument;
  expect(document.openapi).toMatch(/^3\.1\./);
  const operations = Object.values(document.paths).flatMap((byMethod) =>
    Object.entries(byMethod).map(([method, operation]) => ({ method, summary: operation.summary! })),
  );
  expect(operations.length).toBeGreaterThan(0);
  for (const { summary } of operations.slice(0, 3)) await expect(main.getByText(summary, { exact: true })).toBeVisible();
  // One <main> on the page: the app shell's (Swagger UI wraps its operations in another of its own).
  await expect(page.locator("main")).toHaveCount(1);
  await expect(page.getByRole("main")).toHaveCount(1);

  // Open one operation of each method (parameters, request bodies, responses) and a response's schema: what
  // a reader looks at. (Not all of them: each takes Swagger UI a second to render, and axe longer to check.)
  const opened = operations.filter((operation, index) => operations.findIndex((other) => other.method === operation.method) === index);
  for (const { summary } of opened) await main.getByText(summary, { exact: true }).click();
  await expect(main.getByRole("heading", { name: "Responses", exact: true })).toHaveCount(opened.length);
  await main.getByRole("tab", { name: "Schema" }).first().click();
  await expect(main.getByRole("button", { name: /schema/ }).first()).toBeVisible();
  await expectNoA11yViolations(page, "the API reference");

  // The app's look, not Swagger UI's own: the app's font, zinc panels, sky links, a tinted badge per method.
  const operation = main.locator(".opblock").first();
  const look = () =>
    operation.evaluate((block) => {
      const style = (element: Element | null) => (element ? getComputedStyle(element) : null);
      const badge = style(block.querySelector(".opblock-summary-method"));
      return {
        font: style(block.querySelector(".opblock-summary-description"))?.fontFamily,
        appFont: getComputedStyle(block.ownerDocument.body).fontFamily,
        background: style(block)?.backgroundColor,
        border: style(block)?.borderTopColor,
        text: style(block.querySelector(".opblock-summary-description"))?.color,
        badge: badge?.backgroundColor,
      };
    });
  const light = await look();
  expect(light.font).toBe(light.appFont);
  expect(light).toMatchObject({ background: "rgb(255, 255, 255)", border: "rgb(228, 228, 231)", text: "rgb(24, 24, 27)", badge: "rgb(224, 242, 254)" });
  await page.emulateMedia({ colorScheme: "dark" });
  expect(await look()).toMatchObject({ background: "rgb(9, 9, 11)", border: "rgb(39, 39, 42)", text: "rgb(244, 244, 245)", badge: "rgb(8, 47, 73)" });
  await page.emulateMedia({ colorScheme: "light" });

  // On a phone: the same audit.
  await page.setViewportSize({ width: 390, height: 844 });
  await expectNoA11yViolations(page, "the API reference on a phone");

  // Everything the page loaded came from the app's own origin (no CDN, no fonts host), within its CSP.
  const origin = new URL(baseURL).origin;
  const elsewhere = requested.filter((url) => !url.startsWith("data:") && !url.startsWith("blob:") && new URL(url).origin !== origin);
  expect(elsewhere, "requests to other origins").toEqual([]);
  expect(
    requested.some((url) => new URL(url).pathname === "/api/v1/openapi.json"),
    "the viewer loaded the served document",
  ).toBe(true);
  expect(cspViolations, "CSP violations in the console").toEqual([]);
  expect(pageErrors, "uncaught errors in the page").toEqual([]);
});
