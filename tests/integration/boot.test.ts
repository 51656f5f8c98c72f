import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { describe, expect, inject, it } from "vitest";
import { prepareDatabase } from "@/lib/boot/database";
import { parseEnv } from "@/lib/env";
import { seal } from "@/lib/storage/sealed";
import { createTestDatabase } from "../support/services";

describe("start-up against an existing database", () => {
  it("refuses an encryption key other than the one that sealed the stored secrets", async () => {
    const url = await createTestDatabase(inject("services"), "boot");
    const original = randomBytes(32);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`INSERT INTO users (id, name, email, password_hash, updated_at) VALUES ('u1', 'Owner', 'o@example.com', 'x', now())`);
    await client.query(
      `INSERT INTO storage_connections (id, owner_id, name, provider, endpoint, region, access_key_id, secret_access_key_enc, updated_at)
       VALUES ('c1', 'u1', 'Saved', 'custom', 'http://127.0.0.1:9', 'us-east-1', 'k', $1, now())`,
      [seal("secretAccessKey", "c1", "the-secret", original)],
    );
    await client.end();
    const env = parseEnv({ DATABASE_URL: url });
    const dataDir = mkdtempSync(join(tmpdir(), "boot-"));

    await expect(prepareDatabase(env, dataDir, randomBytes(32))).rejects.toThrow(
      /could not be prepared: The encryption key \(id [0-9a-f]{8}\) is not the one that sealed the data in this database/,
    );
    const prepared = await prepareDatabase(env, dataDir, original);
    expect(prepared.url).toBe(url);
    await prepared.stop();
  });
});

describe("start-up on an unsupported Node.js", () => {
  it("stops at once with one line naming the versions, before touching a database", async () => {
    const { spawnSync } = await import("node:child_process");
    // The process believes it is Node.js 20 (the end-of-life release many machines still have).
    const pretend = "data:text/javascript,Object.defineProperty(process.versions,'node',{value:'20.20.2'})";
    const result = spawnSync(process.execPath, ["--import", pretend, "--import", "tsx", "lib/boot/cli.ts", "start"], {
      encoding: "utf8",
      env: { ...process.env, DATA_DIR: mkdtempSync(join(tmpdir(), "old-node-")) },
      timeout: 30_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split("\n")).toEqual([expect.stringContaining("bucketshare: needs Node.js 24 or newer, and this is Node.js 20.20.2")]);
    expect(result.stdout).toBe("");
  });
});
