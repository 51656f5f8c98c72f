import net from "node:net";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isDatabaseUnavailable } from "@/lib/errors";
import { PrismaClient } from "@/lib/generated/prisma/client";

/**
 * A database server that accepts connections and never says a word (as a paused or partitioned
 * PostgreSQL does): the errors node-postgres and Prisma give up with count as "unavailable", so
 * every caller gets its 503 answer instead of a 500.
 */

const sockets = new Set<net.Socket>();
const silent = net.createServer((socket) => {
  sockets.add(socket);
  socket.on("error", () => {});
});
let url = "";

beforeAll(async () => {
  await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
  url = `postgresql://nobody:x@127.0.0.1:${(silent.address() as net.AddressInfo).port}/none`;
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => silent.close(() => resolve()));
});

async function failure(work: () => Promise<unknown>): Promise<unknown> {
  try {
    await work();
  } catch (error) {
    return error;
  }
  throw new Error("expected a failure");
}

describe("isDatabaseUnavailable", () => {
  it("counts a connection that does not open in time (node-postgres pool)", async () => {
    const pool = new pg.Pool({ connectionString: url, connectionTimeoutMillis: 300 });
    const error = await failure(() => pool.query("SELECT 1"));
    await pool.end();
    expect((error as Error).message).toMatch(/timeout/i);
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it("counts a full pool with no free connection in time", async () => {
    const pool = new pg.Pool({ connectionString: url, connectionTimeoutMillis: 300, max: 1 });
    const [first, second] = await Promise.all([failure(() => pool.query("SELECT 1")), failure(() => pool.query("SELECT 1"))]);
    await pool.end();
    expect(isDatabaseUnavailable(first)).toBe(true);
    expect(isDatabaseUnavailable(second)).toBe(true);
  });

  it("counts the same failure as Prisma reports it through the pg adapter", async () => {
    const db = new PrismaClient({ adapter: new PrismaPg({ connectionString: url, connectionTimeoutMillis: 300 }) });
    const error = await failure(() => db.$queryRaw`SELECT 1`);
    await db.$disconnect().catch(() => undefined);
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it("counts node-postgres' own texts for a query without an answer and a closed connection", () => {
    expect(isDatabaseUnavailable(new Error("Query read timeout"))).toBe(true);
    expect(isDatabaseUnavailable(new Error("Connection terminated unexpectedly"))).toBe(true);
    expect(isDatabaseUnavailable(new Error("timeout exceeded when trying to connect"))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error("canceling statement due to statement timeout"), { code: "57014" }))).toBe(true);
  });

  it("counts a host that cannot be reached or resolved, a broken pipe, an administrator's shutdown and any connection exception", () => {
    for (const code of ["EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "EPIPE", "57P02", "08006", "08P01", "08001"]) {
      expect(isDatabaseUnavailable(Object.assign(new Error(`failed: ${code}`), { code })), code).toBe(true);
    }
    expect(isDatabaseUnavailable(new Error("Client has encountered a connection error and is not queryable"))).toBe(true);
  });

  it("does not count a bad query or an unrelated fault", () => {
    expect(isDatabaseUnavailable(Object.assign(new Error('relation "nope" does not exist'), { code: "42P01" }))).toBe(false);
    expect(isDatabaseUnavailable(new Error("Cannot read properties of undefined"))).toBe(false);
  });
});
