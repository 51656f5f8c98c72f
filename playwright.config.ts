import { defineConfig } from "@playwright/test";

const chromiumArgs = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-features=AutofillServerCommunication,OptimizationHints,MediaRouter,Translate",
  "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
];

export default defineConfig({
  testDir: "tests/e2e",
  globalSetup: "./tests/support/e2e-global-setup.ts",
  // A stray test.only must never silently skip the rest of the suite.
  forbidOnly: true,
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: {
    timeout: 10_000,
    // The visual check's committed pictures (tests/e2e/21-visual.spec.ts; docs/testing.md says how to refresh them).
    // No platform in the name: CI runs the same Debian Chromium and fonts as the machines that made them.
    toHaveScreenshot: { pathTemplate: "{testDir}/../visual/{testFilePath}/{arg}{ext}" },
  },
  reporter: [["list"]],
  use: {
    // baseURL comes from the global setup (the app runs on a free port).
    browserName: "chromium",
    headless: true,
    // Debian's headless shell (package chromium-headless-shell): the same Blink and Skia as /usr/bin/chromium, so the
    // same pictures, without the full browser's compositor and GPU process; about 30% less CPU per spec
    // (docs/testing.md). CHROMIUM_PATH=/usr/bin/chromium runs the full browser instead.
    launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium-headless-shell", args: chromiumArgs },
    // No trace unless asked for: recording one for every test (to keep a failed one's) cost about a tenth of an
    // end-to-end run's CPU, its screencast a seventh more (docs/testing.md), and CI keeps only what the run prints.
    // E2E_TRACE=1: a failed test keeps its trace (actions, DOM snapshots, network), without the screencast.
    trace: process.env.E2E_TRACE === "1" ? { mode: "retain-on-failure", screenshots: false } : "off",
    screenshot: "only-on-failure",
  },
});
