import { existsSync, mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { startApp } from "../support/app-server";

// `npm start` with no configuration at all: embedded PostgreSQL, secrets in the data folder.
test("starts with no configuration, keeps its data and secrets, and stops cleanly", async ({ request }) => {
  test.setTimeout(180_000);
  const dataDir = join(mkdtempSync(join(tmpdir(), "bucketshare-zero-")), "data");
  const env = { DATA_DIR: dataDir, DATABASE_URL: "", AUTH_SECRET: "", ENCRYPTION_KEY: "" };

  const first = await startApp(env);
  try {
    const health = await request.get(`${first.url}/api/health`);
    expect(await health.json()).toEqual({ db: "ok" });
    expect(health.headers()["referrer-policy"]).toBe("no-referrer");
    const home = await request.get(`${first.url}/`);
    expect(home.url()).toMatch(/\/setup$/);
    expect(await home.text()).toContain("Create owner account");
    expect(home.headers()["content-security-policy"]).toContain("frame-ancestors 'none'");
    expect(home.headers()["x-content-type-options"]).toBe("nosniff");
    // First run: a one-time setup code, kept private and printed as a ready URL.
    const code = readFileSync(join(dataDir, "setup-code"), "utf8").trim();
    expect(first.output()).toContain(`bucketshare: finish setup at http://localhost:${first.port}/setup?code=${code}\n`);
    for (const file of ["auth-secret", "encryption-key", "setup-code"]) {
      expect(statSync(join(dataDir, file)).mode & 0o777).toBe(0o600);
    }
  } finally {
    expect(await first.stop()).toBe(0);
  }
  const key = statSync(join(dataDir, "encryption-key")).mtimeMs;

  // Second start: same folder, owner from the environment, sign-in instead of setup.
  const second = await startApp({ ...env, OWNER_EMAIL: "headless@example.com", OWNER_PASSWORD: "headless-password-1" });
  try {
    const home = await request.get(`${second.url}/`);
    expect(home.url()).toMatch(/\/sign-in$/);
    // The owner exists (headless): no setup code is left lying around.
    expect(existsSync(join(dataDir, "setup-code"))).toBe(false);
    expect(second.output()).not.toContain("finish setup");
    expect(statSync(join(dataDir, "encryption-key")).mtimeMs).toBe(key);
  } finally {
    expect(await second.stop()).toBe(0);
  }
});

test("an unreachable DATABASE_URL gives one clear line and a non-zero exit", async () => {
  const app = startApp(
    { DATABASE_URL: "postgresql://nobody:x@127.0.0.1:9/none", DATA_DIR: mkdtempSync(join(tmpdir(), "bucketshare-bad-")) },
    { timeoutMs: 60_000 },
  );
  await expect(app).rejects.toThrow(/Bucketshare exited with 1 before answering:[\s\S]*bucketshare: Cannot reach PostgreSQL at 127\.0\.0\.1:9/);
});

test("a bad setting stops start-up with one line naming the variable", async () => {
  const app = startApp({ PORT: "3000", ENCRYPTION_KEY: "too-short", DATA_DIR: mkdtempSync(join(tmpdir(), "bucketshare-bad-")) }, { timeoutMs: 60_000 });
  await expect(app).rejects.toThrow(/bucketshare: Invalid ENCRYPTION_KEY: expected 32 random bytes/);
});
