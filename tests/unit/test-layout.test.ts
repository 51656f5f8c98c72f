import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * How the tests themselves are laid out: helpers in tests/support only, e2e specs numbered in the
 * order a person meets the features (each number once), and Next's request APIs stubbed once for
 * the integration project (vitest.config.ts) rather than in each file.
 */

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? files(path) : [relative(process.cwd(), path)];
  });
}

describe("test layout", () => {
  it("keeps helpers in tests/support: tests/integration and tests/e2e hold test files only", () => {
    expect(files("tests/integration").filter((f) => !f.endsWith(".test.ts"))).toEqual([]);
    expect(files("tests/e2e").filter((f) => !f.endsWith(".spec.ts"))).toEqual([]);
  });

  it("numbers each e2e spec once, as NN-name.spec.ts", () => {
    const specs = files("tests/e2e").map((f) => f.slice("tests/e2e/".length));
    expect(specs.filter((f) => !/^\d{2}-[a-z0-9-]+\.spec\.ts$/.test(f))).toEqual([]);
    const numbers = specs.map((f) => f.slice(0, 2));
    expect(numbers.filter((n, i) => numbers.indexOf(n) !== i)).toEqual([]);
  });

  it("stubs next/cache and next/navigation through the integration project's alias, not per file", () => {
    const mocking = files("tests/integration").filter((f) => /vi\.mock\(\s*["']next\/(cache|navigation)["']/.test(readFileSync(f, "utf8")));
    expect(mocking).toEqual([]);
  });
});
