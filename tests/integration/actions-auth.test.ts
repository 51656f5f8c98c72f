import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db/client";
import { createOwner } from "@/lib/auth/owner";

// No request, no cookies: exactly what an anonymous caller of a server action presents.
vi.mock("next/headers", () => ({
  headers: async () => new Headers({ "x-forwarded-for": "203.0.113.7" }),
  cookies: async () => ({ get: () => undefined, getAll: () => [], has: () => false, set: () => undefined, delete: () => undefined }),
}));

/** Files under lib/actions that are not server actions (the wrapper itself). */
const NOT_ACTION_FILES = ["safe-action.ts"];

/** True when a module starts with the "use server" directive (comments and blank lines may come first). */
function declaresUseServer(source: string): boolean {
  const code = source.replace(/^(?:\s+|\/\/[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)*/, "");
  return /^["']use server["'](?:\s*;|\s*$|\s*\n)/.test(code);
}

const actionDir = join(process.cwd(), "lib/actions");
const actionFiles = readdirSync(actionDir).filter((f) => f.endsWith(".ts") && !NOT_ACTION_FILES.includes(f));

/** Every file under lib/actions that declares server actions, and what it exports. */
async function allServerActions() {
  const dir = actionDir;
  const files = actionFiles.filter((f) => declaresUseServer(readFileSync(join(dir, f), "utf8")));
  const actions: { file: string; name: string; fn: ((...args: unknown[]) => Promise<unknown>) & { access?: string } }[] = [];
  for (const file of files) {
    const mod = (await import(/* @vite-ignore */ join(dir, file))) as Record<string, unknown>;
    for (const [name, value] of Object.entries(mod)) {
      if (typeof value === "function") actions.push({ file, name, fn: value as never });
    }
  }
  return actions;
}

async function rowCounts() {
  const rows = await db.$queryRaw<{ table_name: string; n: bigint }[]>`
    SELECT 'users' AS table_name, count(*) AS n FROM users
    UNION ALL SELECT 'storage_connections', count(*) FROM storage_connections
    UNION ALL SELECT 'share_links', count(*) FROM share_links
    UNION ALL SELECT 'api_tokens', count(*) FROM api_tokens
    UNION ALL SELECT 'uploads', count(*) FROM uploads`;
  return Object.fromEntries(rows.map((r) => [r.table_name, Number(r.n)]));
}

/** Input that would be valid for most actions, so refusals come from the missing session. */
function plausibleInput() {
  const form = new FormData();
  for (const [k, v] of Object.entries({
    id: "c0000000000000000000000000",
    connectionId: "c0000000000000000000000000",
    name: "Anything",
    provider: "custom",
    endpoint: "http://127.0.0.1:9",
    region: "us-east-1",
    accessKeyId: "AKIA",
    secretAccessKey: "secret",
    bucket: "bucket",
    key: "file.txt",
    expiresIn: "3600",
    disposition: "attachment",
    fileName: "file.txt",
    expiry: "30d",
    // Uploads (begin-upload.ts, create-folder.ts): a folder, a path and a size.
    prefix: "",
    path: "file.txt",
    size: "10",
    onExisting: "ask",
  })) {
    form.set(k, v);
  }
  // API tokens (create-api-token.ts): valid scopes, so a refusal can only come from the missing session.
  form.append("scopes", "objects:read");
  form.append("scopes", "links:write");
  return form;
}

const PUBLIC_ACTIONS = [
  "accept-invite.ts#acceptInviteAction",
  "create-owner.ts#createOwnerAction",
  "sign-in-sso.ts#signInWithSsoAction",
  "sign-in.ts#signInAction",
];

describe("server actions without a session", () => {
  beforeAll(async () => {
    await createOwner(db, { name: "Owner", email: "owner@example.com", password: "owner-password-123" });
  });

  it("reads the directive after leading comments, so no action file is left out of the sweep", () => {
    expect(declaresUseServer('/** Sign-out. */\n// more\n"use server";\nexport const a = 1;')).toBe(true);
    expect(declaresUseServer("'use server'\nexport const a = 1;")).toBe(true);
    expect(declaresUseServer('import "server-only";\n"use server";')).toBe(false);
    expect(declaresUseServer('"use serverless";')).toBe(false);
    // Every module in lib/actions but the wrapper declares "use server" (else it is not an endpoint, and does not belong there).
    for (const file of actionFiles) expect(declaresUseServer(readFileSync(join(actionDir, file), "utf8")), file).toBe(true);
  });

  it("finds every action, each built with the action wrapper", async () => {
    const actions = await allServerActions();
    expect(new Set(actions.map((a) => a.file))).toEqual(new Set(actionFiles));
    expect(actions.length).toBeGreaterThanOrEqual(3);
    for (const action of actions) {
      expect(["public", "signed-in"], `${action.file}#${action.name} must use signedInAction or publicAction`).toContain(action.fn.access);
    }
    expect(
      actions
        .filter((a) => a.fn.access === "public")
        .map((a) => `${a.file}#${a.name}`)
        .sort(),
    ).toEqual(PUBLIC_ACTIONS);
    // Settings → API tokens and Connections' "Add lifecycle rule" and "Storage events": each needs a session.
    const signedIn = actions.filter((a) => a.fn.access === "signed-in").map((a) => `${a.file}#${a.name}`);
    expect(signedIn).toEqual(
      expect.arrayContaining([
        "create-api-token.ts#createApiTokenAction",
        "revoke-api-token.ts#revokeApiTokenAction",
        "add-lifecycle-rule.ts#addLifecycleRuleAction",
        "save-storage-events.ts#saveStorageEventsAction",
        "turn-off-storage-events.ts#turnOffStorageEventsAction",
      ]),
    );
  });

  it("refuses every signed-in action as unauthorized and changes nothing", async () => {
    const before = await rowCounts();
    const actions = (await allServerActions()).filter((a) => a.fn.access === "signed-in");
    for (const action of actions) {
      const result = (await action.fn({ status: "idle" }, plausibleInput())) as { status: string; message: string };
      expect(result, `${action.file}#${action.name}`).toEqual({
        status: "unauthorized",
        message: "Your session has ended. Sign in again to continue.",
      });
    }
    expect(await rowCounts()).toEqual(before);
  });

  it("refuses a second owner, even through a direct call", async () => {
    const { createOwnerAction } = await import("@/lib/actions/create-owner");
    const form = new FormData();
    form.set("setupCode", "AAAA-BBBB-CCCC-DDDD");
    form.set("name", "Mallory");
    form.set("email", "mallory@example.com");
    form.set("password", "mallory-password-1");
    form.set("confirmPassword", "mallory-password-1");
    const result = await createOwnerAction({ status: "idle" }, form);
    expect(result).toEqual({ status: "error", message: "Bucketshare already has an owner. Sign in instead." });
    expect(await db.user.count()).toBe(1);
  });

  it("counts failed sign-ins in the database and then refuses even the right password", async () => {
    const { signInAction } = await import("@/lib/actions/sign-in");
    const attempt = (password: string) => {
      const form = new FormData();
      form.set("email", "OWNER@example.com");
      form.set("password", password);
      return signInAction({ status: "idle" }, form);
    };
    const first = await attempt("not the password");
    expect(first).toMatchObject({ status: "invalid", fieldErrors: { form: ["Wrong email or password."] } });
    for (let i = 0; i < 4; i++) await attempt(`wrong ${i}`);
    expect(await db.signInFailure.count({ where: { subject: "owner@example.com" } })).toBe(5);
    const locked = await attempt("owner-password-123");
    expect(locked).toEqual({ status: "error", message: "Too many failed attempts. Try again in 1 minute." });
  });
  it("holds the limit against attempts sent in parallel", async () => {
    const { signInAction } = await import("@/lib/actions/sign-in");
    const form = () => {
      const f = new FormData();
      f.set("email", "burst@example.com");
      f.set("password", "guess-guess-guess");
      return f;
    };
    const results = await Promise.all(Array.from({ length: 20 }, () => signInAction({ status: "idle" }, form())));
    // At most 5 reach the password check, however the 20 interleave (all may be refused: it fails closed).
    const checked = results.filter((r) => r.status === "invalid").length;
    expect(checked).toBeLessThanOrEqual(5);
    expect(results.filter((r) => r.status === "error" && /Too many failed attempts/.test(r.message))).toHaveLength(20 - checked);
    expect(await db.signInFailure.count({ where: { subject: "burst@example.com" } })).toBe(checked);
  });
});
