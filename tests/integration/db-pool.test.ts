/**
 * The statements that skip Prisma run on the pool Prisma runs on, from every copy of lib/db/client.ts: Next's bundles
 * hold several (the proxy's, each route's chunk), and a copy that opened a pool of its own would add 10 connections
 * to an instance's count (docs/capacity.md).
 */
import { describe, expect, it, vi } from "vitest";

describe("getPool", () => {
  it("is the one pool of the one client, from a second copy of the module too", async () => {
    const first = await import("@/lib/db/client");
    const pool = first.getPool();
    vi.resetModules();
    const second = await import("@/lib/db/client");
    expect(second.getPool).not.toBe(first.getPool);
    expect(second.getDb()).toBe(first.getDb());
    expect(second.getPool()).toBe(pool);
    expect((await second.getPool().query<{ one: number }>("SELECT 1 AS one")).rows[0]?.one).toBe(1);
  });
});
