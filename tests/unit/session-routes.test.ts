import { readFileSync, readdirSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/**
 * The signed-in route handlers (route.ts under app/(app)/: downloads the pages offer) go through
 * the one session wrapper: each exports its methods as `withSession(…)` calls and checks no
 * session itself, so a permission check added to the wrapper covers all of them.
 */

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

function signedInRoutes(): string[] {
  return readdirSync(join(root, "app/(app)"), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name === "route.ts")
    .map((entry) => relative(root, join(entry.parentPath, entry.name)))
    .sort();
}

describe("signed-in route handlers", () => {
  it("finds them (the scan itself works)", () => {
    expect(signedInRoutes()).toEqual(
      expect.arrayContaining([
        "app/(app)/links/export/route.ts",
        "app/(app)/links/[id]/manifest/route.ts",
        // Issue 17: the upload signer and the server's own Create, Complete and Abort.
        "app/(app)/uploads/sign/route.ts",
        "app/(app)/uploads/[id]/create/route.ts",
        "app/(app)/uploads/[id]/complete/route.ts",
        "app/(app)/uploads/[id]/abort/route.ts",
      ]),
    );
  });

  it("each method is one withSession call, and no route reads the session or the database itself", () => {
    const offenders: string[] = [];
    for (const file of signedInRoutes()) {
      const text = readFileSync(join(root, file), "utf8");
      const exported = METHODS.filter((method) => new RegExp(`export\\s+(?:async\\s+)?(?:function|const)\\s+${method}\\b`).test(text));
      if (exported.length === 0) offenders.push(`${file}: exports no method`);
      for (const method of exported) {
        if (!new RegExp(`export\\s+const\\s+${method}\\s*=\\s*withSession\\(`).test(text)) offenders.push(`${file}: ${method} is not made by withSession`);
      }
      if (/@\/lib\/auth\/session|@\/lib\/db\/|getSessionUser|requireUser/.test(text))
        offenders.push(`${file}: checks the session or reads the database itself`);
    }
    expect(offenders).toEqual([]);
  });
});
