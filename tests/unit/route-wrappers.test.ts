import { readFileSync, readdirSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/**
 * The public routes decide access in one place each: every route under app/s/ is
 * withRecipientLink(policy, handler) and every operation under app/api/v1/ is apiRoutes(endpoint).
 * A route file that checks a token, a session, a password or a link's state itself (or reads the
 * database) fails here, so a new route cannot skip the wrapper or repeat its checks.
 */

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

function routeFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /^route\.(ts|tsx|js)$/.test(entry.name))
    .map((entry) => relative(root, join(entry.parentPath, entry.name)))
    .sort();
}

const IMPORT = /^import\s+(type\s+)?([^;]*?)\s+from\s*["']([^"']+)["'];?$/gm;
const importsOf = (text: string) => [...text.matchAll(IMPORT)].map((m) => ({ typeOnly: Boolean(m[1]), names: m[2]!, from: m[3]! }));

/** Modules and names that belong inside a wrapper: a route naming them is doing the wrapper's work. */
const FORBIDDEN_MODULE =
  /^(?:@\/lib\/(?:db\/|db$|auth\/|api\/(?:auth|tokens|token-store)$|links\/token$|recipient\/(?:link|unlock-cookie|count|pin-check|access-log)$|security\/)|next-auth|next\/headers|pg$|@prisma\/)/;
const FORBIDDEN_NAME =
  /\b(?:linkRefusal|findManagedLink|hashLinkToken|isWellFormedToken|verifyUnlock|getSession\w*|requireSession\w*|auth\(|cookies\(|headers\(|db\.|\$queryRaw|countDownload|addressAllowed|passwordHash)\b/;

/** Public by design, and saying only what is public: the API's description, and "no operation here". */
const PUBLIC_API_ROUTES = new Set(["app/api/v1/openapi.json/route.ts", "app/api/v1/[[...path]]/route.ts"]);

type Wrapper = { module: string; name: string; from: RegExp };

function problems(file: string, wrapper: Wrapper, text = readFileSync(join(root, file), "utf8")): string[] {
  const found: string[] = [];
  for (const { typeOnly, from } of importsOf(text)) {
    if (FORBIDDEN_MODULE.test(from)) found.push(`imports ${from}`);
    else if (!typeOnly && from !== wrapper.module && !wrapper.from.test(from)) found.push(`imports ${from} (only the wrapper and a handler from lib)`);
  }
  const code = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
  const name = FORBIDDEN_NAME.exec(code);
  if (name) found.push(`uses ${name[0]}`);
  if (/\bexport\s+(?:async\s+)?function\b/.test(code)) found.push("exports a function of its own instead of the wrapper's");
  const exports = [...code.matchAll(/^export\s+const\s+(\{[^}]*\}|\w+)\s*=\s*([^;]+);?$/gm)];
  if (exports.length === 0) found.push("exports no handler");
  for (const [, names, value] of exports) {
    const wrapped = value!.trim().startsWith(`${wrapper.name}(`);
    const alias = /^(GET|HEAD|POST)$/.test(value!.trim());
    if (!wrapped && !alias) found.push(`${names} is not ${wrapper.name}(…)`);
  }
  return found.map((problem) => `${file}: ${problem}`);
}

const RECIPIENT = { module: "@/lib/recipient/handler", name: "withRecipientLink", from: /^@\/lib\/recipient\/(?!handler$)[\w-]+$/ };
const API = { module: "@/lib/api/endpoint", name: "apiRoutes", from: /^@\/lib\/api\/endpoints\/[\w-]+$/ };
const UPLOAD_REQUEST = { module: "@/lib/upload-requests/routes", name: "withUploadRequest", from: /^$/ };

describe("public routes go through their one wrapper", () => {
  it("finds the routes it checks", () => {
    expect(routeFiles("app/s")).toEqual(
      expect.arrayContaining([
        "app/s/[token]/route.ts",
        "app/s/[token]/download/route.ts",
        "app/s/[token]/preview/route.ts",
        "app/s/[token]/zip/route.ts",
        "app/s/[token]/unlock/route.ts",
      ]),
    );
    expect(routeFiles("app/api/v1").length).toBeGreaterThan(5);
  });

  it("notices a route that checks access itself or skips the wrapper", () => {
    const file = "app/s/[token]/route.ts";
    const text = readFileSync(join(root, file), "utf8");
    expect(problems(file, RECIPIENT, text)).toEqual([]);
    const own = `import { db } from "@/lib/db/client";\n${text}\nexport async function POST() { return Response.json(await db.shareLink.count()); }\n`;
    expect(problems(file, RECIPIENT, own)).toEqual([
      `${file}: imports @/lib/db/client`,
      `${file}: uses db.`,
      `${file}: exports a function of its own instead of the wrapper's`,
    ]);
    const refusal = `import { linkRefusal } from "@/lib/recipient/link";\n${text.replace("withRecipientLink(RECIPIENT_PAGE, showRecipientPage)", "linkRefusal as never")}`;
    expect(problems(file, RECIPIENT, refusal)).toEqual([
      `${file}: imports @/lib/recipient/link`,
      `${file}: uses linkRefusal`,
      `${file}: GET is not withRecipientLink(…)`,
    ]);
    const other = `import { cookies } from "next/headers";\n${text}`;
    expect(problems(file, RECIPIENT, other)).toEqual([`${file}: imports next/headers`]);
  });

  it("every route under app/s/ is withRecipientLink(policy, handler), nothing else", () => {
    const files = routeFiles("app/s");
    expect(files.flatMap((file) => problems(file, RECIPIENT))).toEqual([]);
    for (const file of files) expect(readFileSync(join(root, file), "utf8"), file).toMatch(/withRecipientLink\([A-Z_]+, /);
  });

  it("every route under app/u/ (an upload request's endpoints) is withUploadRequest(options, handler), nothing else", () => {
    const files = routeFiles("app/u");
    expect(files).toEqual(expect.arrayContaining(["app/u/[token]/begin/route.ts", "app/u/[token]/sign/route.ts", "app/u/[token]/unlock/route.ts"]));
    expect(files.flatMap((file) => problems(file, UPLOAD_REQUEST))).toEqual([]);
  });

  it("the storage events hook (app/hooks/) hands the request to receiveStorageEvents and does nothing itself", () => {
    const files = routeFiles("app/hooks");
    expect(files).toEqual(["app/hooks/storage/[connectionId]/route.ts"]);
    const text = readFileSync(join(root, files[0]!), "utf8");
    expect(importsOf(text).map((i) => i.from)).toEqual(["@/lib/storage-events/receive"]);
    const code = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
    expect(FORBIDDEN_NAME.exec(code)).toBeNull();
    expect(code).toMatch(/await receiveStorageEvents\(connectionId, request\)/);
  });

  it("every operation under app/api/v1/ is apiRoutes(endpoint); the public exceptions touch no auth or data", () => {
    const files = routeFiles("app/api/v1");
    expect(files.filter((file) => !PUBLIC_API_ROUTES.has(file)).flatMap((file) => problems(file, API))).toEqual([]);
    for (const file of PUBLIC_API_ROUTES) {
      const imports = importsOf(readFileSync(join(root, file), "utf8")).map((i) => i.from);
      expect(
        imports.filter((from) => FORBIDDEN_MODULE.test(from)),
        file,
      ).toEqual([]);
    }
  });
});
