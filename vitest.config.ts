import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL(".", import.meta.url));

export default defineConfig({
  resolve: {
    alias: {
      "@/": root,
      // `server-only` throws outside React Server Components; tests run lib code directly.
      "server-only": `${root}tests/support/server-only.ts`,
    },
  },
  test: {
    // A stray .only must fail the run, not silently skip the rest of the suite.
    allowOnly: false,
    // A child process per file (the default), not worker threads: threads took less CPU, but V8 aborted the whole run
    // once ("Check failed: jit_page.has_value()", WebAssembly code freed across threads; docs/testing.md).
    // next-auth imports "next/server" without an extension; let Vite resolve it.
    server: { deps: { inline: ["next-auth", "@auth/core"] } },
    projects: [
      {
        extends: true,
        test: { name: "unit", include: ["tests/unit/**/*.test.ts"], environment: "node" },
      },
      {
        extends: true,
        resolve: {
          alias: {
            // Server actions call these; outside a running Next server they have nothing to act on.
            "next/cache": `${root}tests/support/next-cache.ts`,
            "next/navigation": `${root}tests/support/next-navigation.ts`,
          },
        },
        test: {
          name: "integration",
          include: ["tests/integration/**/*.test.ts"],
          environment: "node",
          globalSetup: ["tests/support/vitest-global-setup.ts"],
          setupFiles: ["tests/support/vitest-setup.ts"],
          // One file at a time. Each worker has a database of its own (tests/support/vitest-global-setup.ts), so files
          // could run two at a time (alone: 269 s instead of about 420 s), but beside the end-to-end lane of npm test
          // that took the CPU the other lane needed, and the whole run ended later (docs/testing.md).
          fileParallelism: false,
          testTimeout: 30_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
