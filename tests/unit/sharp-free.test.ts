import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * libvips (sharp) is loaded only when an owner saves a logo: recipient pages, the download fast path and the logo
 * route never import it, directly or through another module (a dynamic `await import()` does not count).
 */

const STATIC_IMPORT = /^\s*(?:import|export)\s[^;]*?from\s+["']([^"']+)["']|^\s*import\s+["']([^"']+)["']/gm;

function resolve(from: string, specifier: string): string | null {
  const base = specifier.startsWith("@/") ? specifier.slice(2) : specifier.startsWith(".") ? join(dirname(from), specifier) : null;
  if (base === null) return null;
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, join(base, "index.ts")]) {
    if (existsSync(candidate) && candidate.match(/\.tsx?$/)) return candidate;
  }
  return null;
}

/** Every bare package a module reaches through static imports of the app's own modules. */
function packagesReached(entry: string): Set<string> {
  const packages = new Set<string>();
  const seen = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const source = readFileSync(file, "utf8");
    for (const match of source.matchAll(STATIC_IMPORT)) {
      const specifier = (match[1] ?? match[2])!;
      if (/^import\s+type\s/.test(match[0].trim())) continue;
      const local = resolve(file, specifier);
      if (local) queue.push(local);
      else if (!specifier.startsWith(".") && !specifier.startsWith("@/")) packages.add(specifier);
    }
  }
  return packages;
}

describe("sharp stays off the recipient paths", () => {
  it.each([
    "lib/appearance/brand.ts",
    "lib/appearance/logo-route.ts",
    "app/brand/logo/[file]/route.ts",
    "lib/recipient/page-context.ts",
    "lib/recipient/respond.ts",
    "lib/boot/download-fast-path.ts",
  ])("%s does not import sharp", (entry) => {
    const packages = packagesReached(entry);
    expect(packages.size).toBeGreaterThan(0);
    expect([...packages].filter((name) => name === "sharp" || name.startsWith("sharp/"))).toEqual([]);
  });

  it("follows imports through the app's own modules to the packages they use", () => {
    // brand.ts imports the database client, which imports Prisma's adapter: one module away.
    expect(packagesReached("lib/appearance/brand.ts")).toContain("@prisma/adapter-pg");
  });
});
