/**
 * Starts Bucketshare the way a user does (`npm start`: lib/boot/cli.ts), on a free port, and
 * waits until it answers. Used by the end-to-end setup and the zero-configuration test.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { findFreePort } from "@/lib/db/embedded";

export type AppServer = { url: string; port: number; process: ChildProcess; output: () => string; stop(): Promise<number | null> };

export async function startApp(env: Record<string, string>, options: { timeoutMs?: number } = {}): Promise<AppServer> {
  const port = await findFreePort();
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
