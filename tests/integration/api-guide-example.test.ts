import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

// The API guide's TypeScript example (docs/api.md) is compiled against types generated, as the guide says, by
// openapi-typescript from the OpenAPI document the server serves: when the document and the
// example drift apart (a renamed field, a path or status that changed), this fails.

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, "..", "..");
const GUIDE = "docs/api.md";
/** The marker the guide puts right before the example's fence: the block extracted is exactly that one. */
const EXAMPLE_MARKER = "<!-- The example below is type-checked by tests/integration/api-guide-example.test.ts -->";
const TYPES_FILE = "bucketshare-api.d.ts";

/** The ```ts block that follows the marker (only blank lines between them). */
function guideExample(guide: string): string {
  const at = guide.indexOf(EXAMPLE_MARKER);
  if (at < 0) throw new Error(`${GUIDE} has no line ${EXAMPLE_MARKER}`);
  if (guide.indexOf(EXAMPLE_MARKER, at + 1) >= 0) throw new Error(`${GUIDE} has the example marker twice`);
  const block = /^\s*```ts\n([\s\S]*?)\n```\n/.exec(guide.slice(at + EXAMPLE_MARKER.length));
  if (!block) throw new Error(`${GUIDE}: the marker must be followed by a \`\`\`ts block`);
  return `${block[1]!}\n`;
}

let dir = "";
let example = "";

/** Runs the project's TypeScript (tsc --noEmit) on `code` next to the generated types; the diagnostics, or "" when it compiles. */
async function typeCheck(code: string): Promise<string> {
  writeFileSync(join(dir, "example.ts"), code);
  try {
    await run(process.execPath, [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", join(dir, "tsconfig.json")], { cwd: dir });
    return "";
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    return `${stdout ?? ""}${stderr ?? ""}` || String(error);
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "bucketshare-api-guide-example-"));
  // The document exactly as the server serves it.
  const { GET } = await import("@/app/api/v1/openapi.json/route");
  const response = await (GET as (request: Request) => Promise<Response>)(new Request("http://127.0.0.1:3000/api/v1/openapi.json"));
  expect(response.status).toBe(200);
  writeFileSync(join(dir, "openapi.json"), await response.text());
  // `npx openapi-typescript …/openapi.json -o bucketshare-api.d.ts`, through its Node API.
  await run(process.execPath, [join(ROOT, "tests/support/openapi-typescript/generate.mjs"), join(dir, "openapi.json"), join(dir, TYPES_FILE)]);
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        target: "ES2022",
        module: "esnext",
        moduleResolution: "bundler",
        lib: ["ES2023", "DOM"],
        strict: true,
        noUncheckedIndexedAccess: true,
        noEmit: true,
        skipLibCheck: false,
        types: ["node"],
        typeRoots: [join(ROOT, "node_modules/@types")],
      },
      files: ["example.ts"],
    }),
  );
  example = guideExample(readFileSync(join(ROOT, GUIDE), "utf8"));
}, 60_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("The API guide: the TypeScript example", () => {
  test("uses the types generated from the served document and compiles with them", async () => {
    expect(example).toContain(`from "./${TYPES_FILE.replace(/\.d\.ts$/, "")}"`);
    expect(readFileSync(join(dir, TYPES_FILE), "utf8")).toContain('"/links": {');
    expect(await typeCheck(example)).toBe("");
  }, 60_000);

  test("does not compile once it drifts from the document (a request field, a response field, a path)", async () => {
    const drifts: [string, string, RegExp][] = [
      ["downloadLimit:", "downloadLimits:", /downloadLimits/],
      ["link.expiresAt", "link.expiry", /expiry/],
      ['paths["/links"]["post"]', 'paths["/link"]["post"]', /'\/link'/],
    ];
    for (const [from, to, reported] of drifts) {
      expect(example, `the example no longer contains ${from}`).toContain(from);
      const diagnostics = await typeCheck(example.replace(from, to));
      expect(diagnostics, `${from} → ${to} still compiles`).toMatch(/error TS\d+/);
      expect(diagnostics).toMatch(reported);
    }
  }, 120_000);
});
