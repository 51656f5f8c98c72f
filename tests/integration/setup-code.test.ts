import { mkdtempSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, inject, it, vi } from "vitest";
import { createTestDatabase } from "../support/services";

// First-run setup needs a database without any user: this file gets one of its own, and a data folder.
const dataDir = mkdtempSync(join(tmpdir(), "bucketshare-setup-code-"));
process.env.DATA_DIR = dataDir;
process.env.DATABASE_URL = await createTestDatabase(inject("services"), "setup_code");
const globalForDb = globalThis as unknown as { bucketshareDb?: { $disconnect(): Promise<void> } };
await globalForDb.bucketshareDb?.$disconnect();
delete globalForDb.bucketshareDb;

vi.mock("next/headers", async () => (await import("../support/browser")).headersModule);

// Imported only now, after the switch to this file's own database: lib/env and lib/db/client read it once.
const { Browser, browser } = await import("../support/browser");
const { db } = await import("@/lib/db/client");
const { parseEnv } = await import("@/lib/env");
const { getSessionUser } = await import("@/lib/auth/session");
const { setupCodePath, readSetupCode } = await import("@/lib/auth/setup-code");
const { prepareFirstRun } = await import("@/lib/boot/setup-code");
const { createOwnerAction } = await import("@/lib/actions/create-owner");
const { formData } = await import("../support/helpers");

const owner = { name: "First Owner", email: "first@example.com", password: "first-owner-password", confirmPassword: "first-owner-password" };
const setup = (fields: Record<string, string>) => createOwnerAction({ status: "idle" }, formData({ ...owner, ...fields }));

afterAll(async () => {
  await db.$disconnect();
  delete globalForDb.bucketshareDb;
});

describe("first-run setup code", () => {
  let code = "";

  it("is created at start while no owner exists (0600), with a ready URL and a warning when S3_* is set", async () => {
    const env = parseEnv({ PORT: "4123", S3_ENDPOINT: "http://127.0.0.1:9", S3_ACCESS_KEY_ID: "k", S3_SECRET_ACCESS_KEY: "s" });
    const lines = await prepareFirstRun(env, dataDir, process.env.DATABASE_URL!);
    code = readSetupCode(dataDir)!;
    expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/);
    expect(statSync(setupCodePath(dataDir)).mode & 0o777).toBe(0o600);
    expect(lines[0]).toBe(`bucketshare: finish setup at http://localhost:4123/setup?code=${code}`);
    expect(lines[1]).toMatch(/^bucketshare: warning: S3_\* is set but no owner exists yet/);
    // A restart keeps the same code (a printed URL keeps working) and, without S3_*, prints no warning.
    expect(await prepareFirstRun(parseEnv({ PORT: "4123" }), dataDir, process.env.DATABASE_URL!)).toEqual([lines[0]]);
    // `npm run demo`: S3_* is its own sample server, so only the link to finish setup, no warning.
    expect(await prepareFirstRun(env, dataDir, process.env.DATABASE_URL!, { sampleStorage: true })).toEqual([lines[0]]);
  });

  it("refuses setup without the code, even in a direct call, and creates nothing", async () => {
    browser.current = new Browser();
    const form = formData(owner);
    expect(await createOwnerAction({ status: "idle" }, form)).toMatchObject({
      status: "invalid",
      fieldErrors: { setupCode: ["Enter the setup code."] },
    });
    expect(await setup({ setupCode: "" })).toMatchObject({ status: "invalid", fieldErrors: { setupCode: ["Enter the setup code."] } });
    expect(await db.user.count()).toBe(0);
  });

  it("refuses a wrong code near the field, creates nothing, and keeps the right code usable", async () => {
    const result = await setup({ setupCode: "AAAA-BBBB-CCCC-DDDD" });
    expect(result).toMatchObject({ status: "invalid", fieldErrors: { setupCode: ["Wrong setup code."] } });
    // What the owner typed comes back (but never the passwords).
    expect(result.status === "invalid" && result.values).toMatchObject({ email: owner.email });
    expect(result.status === "invalid" && result.values?.password).toBeUndefined();
    expect(await setup({ setupCode: `${code}X` })).toMatchObject({ fieldErrors: { setupCode: ["Wrong setup code."] } });
    expect(await db.user.count()).toBe(0);
    expect(readSetupCode(dataDir)).toBe(code);
  });

  it("limits guessing like sign-in: after 5 wrong codes even the right one waits", async () => {
    await db.signInFailure.deleteMany({});
    for (let i = 0; i < 5; i++) {
      expect(await setup({ setupCode: `WRNG-CODE-000${i}-ZZZZ` })).toMatchObject({ fieldErrors: { setupCode: ["Wrong setup code."] } });
    }
    expect(await setup({ setupCode: code })).toMatchObject({
      status: "invalid",
      fieldErrors: { setupCode: ["Too many failed attempts. Try again in 1 minute."] },
    });
    expect(await db.user.count()).toBe(0);
    await db.signInFailure.deleteMany({});
  });

  it("accepts the right code however it is typed, signs the owner in and consumes the code", async () => {
    browser.current = new Browser();
    const typed = ` ${code.toLowerCase().replace(/-/g, " ")} `;
    expect(await setup({ setupCode: typed })).toEqual({ status: "success", reloadTo: "/buckets" });
    expect(await db.user.count()).toBe(1);
    expect(await getSessionUser()).toMatchObject({ email: owner.email });
    expect(readSetupCode(dataDir)).toBeNull();
    expect(() => statSync(setupCodePath(dataDir))).toThrow(/ENOENT/);
  });

  it("never accepts the code again", async () => {
    browser.current = new Browser();
    expect(await setup({ setupCode: code, email: "second@example.com" })).toEqual({
      status: "error",
      message: "Bucketshare already has an owner. Sign in instead.",
    });
    // Even with the owner gone (say, deleted by hand), the used code stays spent.
    await db.user.deleteMany({});
    expect(await setup({ setupCode: code, email: "second@example.com" })).toMatchObject({
      status: "invalid",
      fieldErrors: { setupCode: ["No setup code is waiting. Restart Bucketshare (npm start) to print a new one."] },
    });
    expect(await db.user.count()).toBe(0);
  });

  it("a new start prints a new code; with an owner, start removes a leftover code", async () => {
    const lines = await prepareFirstRun(parseEnv({ PORT: "4123" }), dataDir, process.env.DATABASE_URL!);
    const fresh = readSetupCode(dataDir)!;
    expect(fresh).not.toBe(code);
    expect(lines).toEqual([`bucketshare: finish setup at http://localhost:4123/setup?code=${fresh}`]);
    await db.user.create({ data: { name: "Headless", email: "headless@example.com", passwordHash: "x" } });
    expect(await prepareFirstRun(parseEnv({ PORT: "4123" }), dataDir, process.env.DATABASE_URL!)).toEqual([]);
    expect(readSetupCode(dataDir)).toBeNull();
  });

  it("treats a malformed code file as no code", async () => {
    await db.user.deleteMany({});
    writeFileSync(setupCodePath(dataDir), "not a code\n", { mode: 0o600 });
    expect(await setup({ setupCode: "not a code" })).toMatchObject({
      fieldErrors: { setupCode: ["No setup code is waiting. Restart Bucketshare (npm start) to print a new one."] },
    });
    expect(await db.user.count()).toBe(0);
  });
});
