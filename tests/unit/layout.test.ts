import { readFileSync, readdirSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/**
 * Code under app/, components/ and lib/ never imports from tests/; the local S3 server and the
 * sample files that both the demo and the tests use live in lib/dev/, which the app itself
 * (app/, components/, lib/ outside lib/dev and the demo launcher) never imports.
 * Components read no data themselves: from lib/'s server-only modules they import types only.
 */

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const SOURCE = /\.(?:ts|tsx|js|jsx|mjs|cjs)$/;
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+|^\s*export\s+\*\s+from\s+)["']([^"']+)["']/gm;

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && SOURCE.test(entry.name))
    .map((entry) => relative(root, join(entry.parentPath, entry.name)))
    .filter((file) => !file.startsWith("lib/generated/"));
}

/** The repository path an import names, or null for a package. */
function importedPath(fromFile: string, specifier: string): string | null {
  if (specifier.startsWith("@/")) return specifier.slice(2);
  if (specifier.startsWith(".")) return relative(root, resolve(root, dirname(fromFile), specifier));
  return null;
}

function importsOf(file: string): string[] {
  const text = readFileSync(join(root, file), "utf8");
  return [...text.matchAll(SPECIFIER)].map((m) => importedPath(file, m[1]!)).filter((p): p is string => p !== null);
}

const offenders = (files: string[], forbidden: (target: string) => boolean) =>
  files.flatMap((file) =>
    importsOf(file)
      .filter(forbidden)
      .map((target) => `${file} → ${target}`),
  );

describe("layout", () => {
  it("finds the imports it checks (the scan itself works)", () => {
    expect(importedPath("lib/boot/demo.ts", "@/tests/support/swift")).toBe("tests/support/swift");
    expect(importedPath("lib/boot/demo.ts", "../../tests/support/s3")).toBe("tests/support/s3");
    expect(importsOf("lib/boot/demo.ts")).toContain("lib/dev/swift");
  });

  it("nothing under app/, components/ or lib/ imports from tests/", () => {
    const files = [...sourceFiles("app"), ...sourceFiles("components"), ...sourceFiles("lib")];
    expect(files.length).toBeGreaterThan(50);
    expect(offenders(files, (target) => target === "tests" || target.startsWith("tests/"))).toEqual([]);
  });

  it("components/ read no data: from server-only modules in lib/ they import types only (the page reads and passes the rows)", () => {
    const files = sourceFiles("components");
    expect(files.length).toBeGreaterThan(20);
    const serverOnly = (target: string) =>
      ["ts", "tsx"].some((ext) => {
        try {
          return /^import "server-only";/m.test(readFileSync(join(root, `${target}.${ext}`), "utf8"));
        } catch {
          return false;
        }
      });
    // Whole import statements (they may span lines); `import type` ones are erased at build.
    const valueImports = (file: string) =>
      [...readFileSync(join(root, file), "utf8").matchAll(/^import\s+(type\s)?[^;]*?from\s*["']([^"']+)["']/gm)]
        .filter((m) => !m[1])
        .map((m) => importedPath(file, m[2]!))
        .filter((p): p is string => p !== null);
    expect(valueImports("components/browser/object-details.tsx")).toContain("components/share/quick-share-button");
    expect(
      files.flatMap((file) =>
        valueImports(file)
          .filter(serverOnly)
          .map((target) => `${file} → ${target}`),
      ),
    ).toEqual([]);
  });

  it("the app never imports the dev tooling in lib/dev (only the demo launcher does)", () => {
    const files = [...sourceFiles("app"), ...sourceFiles("components"), ...sourceFiles("lib")].filter(
      (file) => !file.startsWith("lib/dev/") && file !== "lib/boot/demo.ts",
    );
    expect(offenders(files, (target) => target.startsWith("lib/dev/"))).toEqual([]);
  });
});

describe("one linter", () => {
  it("no ESLint directives are left in the code (Biome is the linter; its ignores carry a reason)", () => {
    const files = [...sourceFiles("app"), ...sourceFiles("components"), ...sourceFiles("lib"), ...sourceFiles("tests")].filter(
      // This file names the directives it looks for.
      (file) => !file.startsWith("tests/support/openapi-typescript/node_modules") && file !== "tests/unit/layout.test.ts",
    );
    const offending = files.filter((file) => /eslint-(?:disable|enable)/.test(readFileSync(join(root, file), "utf8")));
    expect(offending).toEqual([]);
    const reasonless = files.flatMap((file) =>
      [...readFileSync(join(root, file), "utf8").matchAll(/biome-ignore[^\n]*/g)]
        .filter((m) => !/biome-ignore(?:-all|-start|-end)? lint\/\S+(?: lint\/\S+)*: \S/.test(m[0]))
        .map((m) => `${file}: ${m[0]}`),
    );
    expect(reasonless).toEqual([]);
  });
});
