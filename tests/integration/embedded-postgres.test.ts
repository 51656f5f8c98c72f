/**
 * The embedded PostgreSQL (lib/db/embedded.ts) against a real cluster: a random password in a
 * 0600 file, nobody in with the old well-known password or without one, and a data folder from
 * an older release (password `password`, a `trust` line) changed over at its next start.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { PG_HBA, startEmbeddedPostgres, type RunningPostgres } from "@/lib/db/embedded";

const dir = mkdtempSync(join(tmpdir(), "embedded-pg-"));
const dataDir = join(dir, "postgres");
const passwordFile = join(dir, "postgres-password");
const running: RunningPostgres[] = [];

afterAll(async () => {
  await Promise.allSettled(running.map((r) => r.stop()));
  rmSync(dir, { recursive: true, force: true });
});

async function start(): Promise<RunningPostgres> {
  const server = await startEmbeddedPostgres({ dataDir });
  running.push(server);
  return server;
}

/** Connects and runs one query; resolves to the error's SQLSTATE (or "ok"). */
async function tryConnect(config: pg.ClientConfig): Promise<string> {
  const client = new pg.Client({ host: "127.0.0.1", database: "postgres", connectionTimeoutMillis: 5_000, ...config });
  client.on("error", () => {});
  try {
    await client.connect();
    await client.query("SELECT 1");
    return "ok";
  } catch (error) {
    return (error as { code?: string }).code ?? (error as Error).message;
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * Speaks the wire protocol without any password: the StartupMessage for user postgres, then the
 * server's first answer. AuthenticationOk (0) would mean it let us in; it must ask for SASL (10).
 */
async function authenticationRequested(port: number): Promise<number> {
  const params = Buffer.from("user\0postgres\0database\0postgres\0\0", "utf8");
  const startup = Buffer.alloc(8 + params.length);
  startup.writeInt32BE(startup.length, 0);
  startup.writeInt32BE(196608, 4); // protocol 3.0
  params.copy(startup, 8);
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: "127.0.0.1", port }, () => socket.write(startup));
    socket.setTimeout(5_000, () => socket.destroy(new Error("no answer")));
    socket.once("data", (data) => {
      socket.destroy();
      if (data[0] !== "R".charCodeAt(0)) return reject(new Error(`unexpected message ${String.fromCharCode(data[0]!)}`));
      resolve(data.readInt32BE(5));
    });
    socket.once("error", reject);
  });
}

describe("embedded PostgreSQL", () => {
  let firstPassword = "";

  it("makes a random password in a 0600 file and refuses postgres/password and no password", async () => {
    const server = await start();
    const stat = statSync(passwordFile);
    expect(stat.mode & 0o777).toBe(0o600);
    firstPassword = readFileSync(passwordFile, "utf8").trim();
    expect(Buffer.from(firstPassword, "base64")).toHaveLength(32);
    expect(server.url).toBe(`postgresql://postgres:${encodeURIComponent(firstPassword)}@127.0.0.1:${server.port}/bucketshare`);

    expect(await tryConnect({ connectionString: server.url })).toBe("ok");
    expect(await tryConnect({ port: server.port, user: "postgres", password: "password" })).toBe("28P01");
    expect(await tryConnect({ port: server.port, user: "postgres", password: "" })).not.toBe("ok");
    expect(await authenticationRequested(server.port)).toBe(10); // SASL (scram-sha-256), not AuthenticationOk
    expect(readFileSync(join(dataDir, "pg_hba.conf"), "utf8")).toBe(PG_HBA);
    await server.stop();
  });

  it("changes a data folder made with the old password over at its next start", async () => {
    // Turn the cluster into what an older release left: password `password`, no password file,
    // and a pg_hba.conf that trusts loopback connections.
    const first = await start();
    const admin = new pg.Client({ connectionString: first.url });
    await admin.connect();
    await admin.query("ALTER ROLE postgres PASSWORD 'password'");
    await admin.end();
    await first.stop();
    unlinkSync(passwordFile);
    writeFileSync(join(dataDir, "pg_hba.conf"), `host all all 127.0.0.1/32 trust\n${PG_HBA}`);

    const server = await start();
    expect(server.changedOverPassword).toBe(true);
    const password = readFileSync(passwordFile, "utf8").trim();
    expect(password).not.toBe(firstPassword);
    expect(statSync(passwordFile).mode & 0o777).toBe(0o600);
    expect(await tryConnect({ connectionString: server.url })).toBe("ok");
    expect(await tryConnect({ port: server.port, user: "postgres", password: "password" })).toBe("28P01");
    expect(await tryConnect({ port: server.port, user: "postgres", password: "" })).not.toBe("ok");
    expect(await authenticationRequested(server.port)).toBe(10);
    expect(readFileSync(join(dataDir, "pg_hba.conf"), "utf8")).toBe(PG_HBA);

    // The app's URL keeps working at the start after that (nothing left to change).
    await server.stop();
    const again = await start();
    expect(again.changedOverPassword).toBe(false);
    expect(await tryConnect({ connectionString: again.url })).toBe("ok");
    expect(readFileSync(passwordFile, "utf8").trim()).toBe(password);
  });
});
