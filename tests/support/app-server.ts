/**
 * Starts Bucketshare the way a user does (`npm start`: lib/boot/cli.ts), on a free port, and
 * waits until it answers. Used by the end-to-end setup and the zero-configuration test.
 */
import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";

/**
 * A free port below the kernel's ephemeral range (32768+): `npm start` may build for a minute
 * before it listens, and a port from the ephemeral range can meanwhile be taken by any outgoing
 * connection on the machine (seen in CI as EADDRINUSE).
 */
async function findStablePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const free = await new Promise<boolean>((resolve) => {
      const server = net.createServer();
      server.unref();
      server.once("error", () => resolve(false));
      server.listen({ host: "0.0.0.0", port, exclusive: true }, () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error("no free port between 20000 and 32000");
}

export type AppServer = { url: string; port: number; process: ChildProcess; output: () => string; stop(): Promise<number | null> };

/** `ownPublicUrl`: PUBLIC_URL is the app's own address (what background e-mails link to). */
export async function startApp(env: Record<string, string>, options: { timeoutMs?: number; ownPublicUrl?: boolean } = {}): Promise<AppServer> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startAppOnce(env, options);
    } catch (error) {
      // Another process took the port between choosing it and listening: choose again.
      if (attempt >= 3 || !/EADDRINUSE/.test((error as Error).message)) throw error;
    }
  }
}

async function startAppOnce(env: Record<string, string>, options: { timeoutMs?: number; ownPublicUrl?: boolean }): Promise<AppServer> {
  const port = await findStablePort();
  if (options.ownPublicUrl) env = { ...env, PUBLIC_URL: `http://127.0.0.1:${port}` };
  const child = spawn(process.execPath, ["--import", "tsx", "lib/boot/cli.ts", "start"], {
    env: { ...process.env, ...env, PORT: String(port), NODE_ENV: "production" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.timeoutMs ?? 300_000);
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`Bucketshare exited with ${child.exitCode} before answering:\n${output}`);
    try {
      const response = await fetch(`${url}/api/health`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  if (Date.now() >= deadline) {
    child.kill("SIGKILL");
    throw new Error(`Bucketshare did not answer on ${url} in time:\n${output}`);
  }
  return {
    url,
    port,
    process: child,
    output: () => output,
    async stop() {
      if (child.exitCode === null) child.kill("SIGINT");
      return exited;
    },
  };
}
