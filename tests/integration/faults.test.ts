import { soleOwner } from "@/lib/auth/permissions";
import net from "node:net";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { session } from "../support/request-context";

vi.mock("@/lib/auth/session", async () => (await import("../support/request-context")).sessionModule);

/**
 * When PostgreSQL stops answering: health says 503, and an action explains itself (no stack
 * trace, nothing written); when it answers again, the same modules recover without a restart.
 * The app's database URL points at a local port where nothing listens at first; later a TCP
 * forwarder to the real test database opens on that port.
 */

const realUrl = process.env.DATABASE_URL!;

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function query<T extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: realUrl });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

describe("with the database down, then back", () => {
  const userId = `faults-${randomBytes(4).toString("hex")}`;
  const sockets = new Set<net.Socket>();
  let forwarder: net.Server | undefined;
  let port = 0;

  beforeAll(async () => {
    await query(`INSERT INTO users (id, name, email, password_hash, updated_at) VALUES ($1, 'Faults', $2, 'x', now())`, [userId, `${userId}@integration.test`]);
    session.user = { ...soleOwner(userId), name: "Faults", email: `${userId}@integration.test` };
    port = await freePort();
    const url = new URL(realUrl);
    url.hostname = "127.0.0.1";
    url.port = String(port);
    process.env.DATABASE_URL = url.toString();
  });

  afterAll(async () => {
    const { db } = await import("@/lib/db/client");
    await db.$disconnect();
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => (forwarder ? forwarder.close(() => resolve()) : resolve()));
    (globalThis as { bucketshareDb?: unknown }).bucketshareDb = undefined;
    process.env.DATABASE_URL = realUrl;
    await query("DELETE FROM users WHERE id = $1", [userId]);
  });

  const form = () => {
    const data = new FormData();
    for (const [k, v] of Object.entries({
      name: "While down",
      provider: "custom",
      endpoint: "http://127.0.0.1:9000",
      region: "us-east-1",
      accessKeyId: "AKIA",
      secretAccessKey: "a-secret-value",
    })) {
      data.set(k, v);
    }
    return data;
  };

  it("health answers 503 and an action says nothing was saved, without internals", async () => {
    const { GET } = await import("@/app/api/health/route");
    const health = await GET();
    expect(health.status).toBe(503);
    expect(await health.json()).toEqual({ db: "unavailable" });

    const { saveConnectionAction } = await import("@/lib/actions/save-connection");
    const result = await saveConnectionAction({ status: "idle" }, form());
    expect(result).toEqual({ status: "error", message: "The database is not answering, so nothing was saved. Try again in a moment." });
  });

  it("recovers once the database answers again, and the failed attempt had written nothing", async () => {
    const target = new URL(realUrl);
    forwarder = net.createServer((client) => {
      const upstream = net.connect(Number(target.port), target.hostname);
      for (const socket of [client, upstream]) {
        sockets.add(socket);
        socket.on("error", () => {
          client.destroy();
          upstream.destroy();
        });
        socket.on("close", () => sockets.delete(socket));
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      forwarder!.once("error", reject);
      forwarder!.listen(port, "127.0.0.1", () => resolve());
    });

    const { GET } = await import("@/app/api/health/route");
    expect((await GET()).status).toBe(200);
    // Names are unique per owner: had the first attempt stored the connection, this one would be
    // refused with "You already have a connection named …".
    const { saveConnectionAction } = await import("@/lib/actions/save-connection");
    const { runRedirectingAction } = await import("../support/helpers");
    const second = await runRedirectingAction(() => saveConnectionAction({ status: "idle" }, form()));
    expect(second).toMatchObject({ state: { status: "success", reloadTo: "/settings/connections?saved=1" } });
    const rows = await query<{ n: number }>("SELECT count(*)::int AS n FROM storage_connections WHERE owner_id = $1 AND name = 'While down'", [userId]);
    expect(rows[0]!.n).toBe(1);
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
