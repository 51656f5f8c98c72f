import { expect, type Locator, type Page } from "@playwright/test";
import axe from "axe-core";

/** WCAG 2.1 levels A and AA: what the audit holds every page and dialog to. */
export const WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

const SCHEMES = ["light", "dark"] as const;

/**
 * Waits until CSS transitions (a button's colour easing after the scheme changed, say) have finished, on what is
 * rendered. Chromium skips the rendering of a skipped subtree (a closed <details>' content, which it hides with
 * content-visibility, like a member's "Change" form on Settings → Members) and never services its animations: a
 * transition there reports "finished" but its `finished` promise never settles, so waiting on it hung the audit.
 * Such an element is not rendered (checkVisibility() is false) and axe does not look at it either.
 */
async function settleAnimations(page: Page) {
  await page.evaluate(async () => {
    const rendered = (animation: Animation) => {
      const target = animation.effect instanceof KeyframeEffect ? animation.effect.target : null;
      return !target || target.checkVisibility();
    };
    await Promise.all(
      document
        .getAnimations()
        .filter(rendered)
        .map((animation) => animation.finished.catch(() => undefined)),
    );
  });
}

/** What the audit asks of axe-core: WCAG 2.1 A/AA, and every page has a level-one heading (a best practice in axe). */
const AXE_OPTIONS: axe.RunOptions = {
  runOnly: { type: "tag", values: WCAG_21_AA },
  rules: { "page-has-heading-one": { enabled: true } },
};

/**
 * axe-core's violations on the page as it is now, one line each. axe (1.5 MB of script) is put into the document once
 * and run there for both colour schemes: `@axe-core/playwright`'s AxeBuilder, used before, put it in again for every
 * run and opened and closed a blank page to merge each run's results, about half of an audit's time and most of its
 * CPU (docs/testing.md). The app's pages have no frames; a frame would get axe too, as AxeBuilder gave it.
 */
async function axeViolations(page: Page): Promise<string[]> {
  for (const frame of page.frames()) {
    const present = await frame.evaluate(() => typeof (window as unknown as { axe?: unknown }).axe === "object").catch(() => true);
    if (!present) await frame.evaluate(axe.source).catch(() => undefined);
  }
  return page.evaluate(async (options) => {
    const results = await (window as unknown as { axe: typeof axe }).axe.run(document, options);
    return results.violations.flatMap((violation) =>
      violation.nodes.map((node) => `${violation.id} (${violation.impact}): ${node.target.join(" ")}: ${node.failureSummary?.replace(/\s+/g, " ")}`),
    );
  }, AXE_OPTIONS);
}

/**
 * Runs axe-core on the page as it is now (an open dialog included), in the light and then the dark colour
 * scheme (the app follows `prefers-color-scheme`), and records a failure listing every WCAG 2.1 A/AA
 * violation with the elements it found. Soft, so one run reports every page; the test still fails.
 * Leaves the page in the light scheme.
 */
export async function expectNoA11yViolations(page: Page, label: string) {
  for (const colorScheme of SCHEMES) {
    // Next streams the <title> of a page with async metadata just after its body, and puts it back after a refresh
    // (router.refresh, as an upload's end makes): audit once it is there (a page that never gets one still fails, on
    // axe's document-title rule).
    await page.waitForFunction(() => document.title.trim() !== "", undefined, { timeout: 5_000 }).catch(() => undefined);
    await page.emulateMedia({ colorScheme });
    await settleAnimations(page);
    const found = await axeViolations(page);
    expect.soft(found, `axe-core WCAG 2.1 AA violations on ${label} (${colorScheme})`).toEqual([]);
  }
  await page.emulateMedia({ colorScheme: "light" });
}

/** The element has a visible focus indicator: an outline or a ring (box-shadow). */
export async function expectFocusVisible(locator: Locator) {
  await expect(locator).toBeFocused();
  const style = await locator.evaluate((element) => {
    const computed = getComputedStyle(element);
    return { outline: computed.outlineStyle !== "none" && parseFloat(computed.outlineWidth) > 0, ring: computed.boxShadow !== "none" };
  });
  expect(style.outline || style.ring, "a visible focus indicator (outline or ring)").toBe(true);
}

/**
 * Presses Tab (or Shift+Tab) until `target` has the focus, as a keyboard user would, and checks the focus is
 * visible there. Fails when it is not reached within `limit` presses.
 */
export async function tabTo(page: Page, target: Locator, { backwards = false, limit = 40 } = {}) {
  // Resolved once: role queries over a 100-row page are slow, and the target stays the same element.
  const element = await target.elementHandle();
  for (let presses = 0; presses < limit; presses++) {
    if (await element?.evaluate((node) => node === document.activeElement).catch(() => false)) break;
    await page.keyboard.press(backwards ? "Shift+Tab" : "Tab");
  }
  await element?.dispose();
  await expectFocusVisible(target);
}
