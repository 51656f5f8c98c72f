import { afterAll, describe, expect, it, vi } from "vitest";

/**
 * When PostgreSQL stops answering: health says 503, and an action explains itself (no stack
 * trace, nothing written). The database URL is pointed at a closed port before the app's
 * modules load; the real database is used afterwards to prove nothing was stored.
 */

vi.mock("@/lib/auth/session", async () => (await import("./request-context")).sessionModule);
vi.mock("next/cache", async () => (await import("./request-context")).cacheModule);
vi.mock("next/navigation", async () => (await import("./request-context")).navigationModule);
const { session } = await import("./request-context");
session.user = { id: "nobody", name: "Nobody", email: "nobody@example.com" };

const realUrl = process.env.DATABASE_URL!;

describe("with the database down", () => {
  afterAll(() => {
    process.env.DATABASE_URL = realUrl;
  });

  it("health answers 503 and an action says nothing was saved", async () => {
    process.env.DATABASE_URL = "postgresql://bucketshare:x@127.0.0.1:9/none";
    const { GET } = await import("@/app/api/health/route");
    const health = await GET();
    expect(health.status).toBe(503);
    expect(await health.json()).toEqual({ db: "unavailable" });

    const { saveConnectionAction } = await import("@/lib/actions/save-connection");
    const form = new FormData();
    for (const [k, v] of Object.entries({
      name: "While down",
      provider: "custom",
      endpoint: "http://127.0.0.1:9000",
      region: "us-east-1",
      accessKeyId: "AKIA",
      secretAccessKey: "a-secret-value",
    })) {
      form.set(k, v);
    }
    const result = await saveConnectionAction({ status: "idle" }, form);
    expect(result).toEqual({ status: "error", message: "The database is not answering, so nothing was saved. Try again in a moment." });
    expect(JSON.stringify(result)).not.toMatch(/at \w+ \(|ECONNREFUSED|a-secret-value/);
  });

  it("wrote nothing anywhere", async () => {
    const pg = await import("pg");
    const client = new pg.default.Client({ connectionString: realUrl });
    await client.connect();
    const { rows } = await client.query("SELECT count(*)::int AS n FROM storage_connections WHERE name = 'While down'");
    await client.end();
    expect(rows[0].n).toBe(0);
  });
});

describe("with the database up", () => {
  it("health answers 200", async () => {
    vi.resetModules();
    (globalThis as { bucketshareDb?: unknown }).bucketshareDb = undefined;
    process.env.DATABASE_URL = realUrl;
    const env = await import("@/lib/env");
    expect(env.getEnv().DATABASE_URL).toBe(realUrl);
    const { GET } = await import("@/app/api/health/route");
    const health = await GET();
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ db: "ok" });
  });
});
