/**
 * Process supervision for the local storage servers (Swift, Ceph): dev tooling, never imported by
 * the app itself.
 *
 * A supervised child gets a signal from the kernel when this Node process dies, even by SIGKILL or
 * a crash (`setpriv --pdeathsig`; it follows the spawning *thread*: start servers from the main
 * thread or a long-lived worker), and an exit hook (exit, SIGINT, SIGTERM, SIGHUP) kills whatever
 * is still running and removes the temporary folders registered here. Its output goes, line by
 * line, into a LogTail that start-up errors quote. Children and their pipes are unref'd: a running
 * server does not keep Node alive by itself.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { constants as fsConstants } from "node:fs";
import * as fs from "node:fs";
import * as fsp from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The last `max` lines of the children's output, each also handed to `forward` (the caller's log). */
export class LogTail {
  private lines: string[] = [];
  constructor(
    private readonly max: number,
    private readonly forward?: (line: string) => void,
  ) {}
  push(line: string): void {
    this.lines.push(line);
    if (this.lines.length > this.max) this.lines.splice(0, this.lines.length - this.max);
    try {
      this.forward?.(line);
    } catch {
      // a failing log callback must not break the server
    }
  }
  tail(n: number): string {
    return this.lines.slice(-n).join("\n");
  }
}

function pipeLines(stream: NodeJS.ReadableStream | null, prefix: string, logs: LogTail): void {
  if (!stream) return;
  let partial = "";
  stream.setEncoding("utf8");
  stream.on("data", (chunk: string) => {
    const parts = (partial + chunk).split("\n");
    partial = parts.pop() ?? "";
    for (const line of parts) if (line.trim()) logs.push(`[${prefix}] ${line}`);
  });
  stream.on("end", () => {
    if (partial.trim()) logs.push(`[${prefix}] ${partial}`);
    partial = "";
  });
  (stream as unknown as { unref?: () => void }).unref?.();
}

// ---------------------------------------------------------------- what dies with Node

const running = new Set<ChildProcess>();
const temporaryDirs = new Set<string>();
let hooksInstalled = false;

function killAllNow(): void {
  for (const proc of running) {
    try {
      proc.kill("SIGKILL");
    } catch {
      // already gone
    }
  }
  running.clear();
  for (const dir of temporaryDirs) {
    try {
      fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    } catch {
      // best effort
    }
  }
  temporaryDirs.clear();
}

function installExitHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.once("exit", killAllNow);
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    const onSignal = (): void => {
      killAllNow();
      // When nobody else handles the signal, die of it as if we had not listened.
      if (process.listenerCount(signal) === 1) {
        process.removeListener(signal, onSignal);
        process.kill(process.pid, signal);
      }
    };
    process.on(signal, onSignal);
  }
}

/** A folder removed by the exit hook if this process ends before the server's stop(). */
export function trackTemporaryDir(dir: string): void {
  temporaryDirs.add(dir);
}

export async function removeTemporaryDir(dir: string): Promise<void> {
  await fsp.rm(dir, { recursive: true, force: true, maxRetries: 3 });
  temporaryDirs.delete(dir);
}

/**
 * A new temporary folder `<tmp>/<prefix>XXXX` holding `owner.pid`, after removing the folders of
 * that prefix whose owner died without cleaning up (a Node process that was SIGKILLed).
 */
export async function makeTemporaryDir(prefix: string): Promise<string> {
  void removeStaleTemporaryDirs(prefix);
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), prefix));
  trackTemporaryDir(dir);
  await writeOwnerFile(dir);
  return dir;
}

const OWNER_FILE = "owner.pid";

export async function writeOwnerFile(dir: string): Promise<void> {
  await fsp.writeFile(path.join(dir, OWNER_FILE), String(process.pid));
}

async function removeStaleTemporaryDirs(prefix: string): Promise<void> {
  try {
    for (const name of await fsp.readdir(os.tmpdir())) {
      if (!name.startsWith(prefix)) continue;
      const dir = path.join(os.tmpdir(), name);
      try {
        const pid = Number(await fsp.readFile(path.join(dir, OWNER_FILE), "utf8"));
        if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) continue;
        try {
          process.kill(pid, 0);
          continue; // owner still alive
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== "ESRCH") continue;
        }
        await fsp.rm(dir, { recursive: true, force: true });
      } catch {
        // not ours, or already gone
      }
    }
  } catch {
    // best effort
  }
}

// ---------------------------------------------------------------- children

export type Supervised = {
  name: string;
  proc: ChildProcess;
  /** Resolves when the process has exited (or failed to start). */
  exited: Promise<void>;
  isRunning(): boolean;
  /** `stopSignal`, then SIGKILL when it is still running after `graceMs`. */
  stop(): Promise<void>;
};

export type SuperviseOptions = {
  logs: LogTail;
  env?: NodeJS.ProcessEnv;
  /** What the kernel sends the child when this process dies (default SIGKILL). */
  deathSignal?: NodeJS.Signals;
  /** How stop() asks it to end (default SIGTERM; SIGKILL for what holds nothing worth keeping). */
  stopSignal?: NodeJS.Signals;
  graceMs?: number;
};

/** Spawns `command` under `setpriv --pdeathsig`, its output into `logs` prefixed with `name`. */
export function supervise(name: string, command: string, args: string[], options: SuperviseOptions): Supervised {
  const { logs, env = process.env, deathSignal = "SIGKILL", stopSignal = "SIGTERM", graceMs = 3000 } = options;
  installExitHooks();
  const proc = spawn("setpriv", ["--pdeathsig", deathSignal, "--", command, ...args], { stdio: ["ignore", "pipe", "pipe"], env });
  running.add(proc);
  proc.unref();
  pipeLines(proc.stdout, name, logs);
  pipeLines(proc.stderr, name, logs);
  const exited = new Promise<void>((resolve) => {
    proc.once("exit", (code, signal) => {
      running.delete(proc);
      logs.push(`[${name}] exited (${signal ?? `code ${code}`})`);
      resolve();
    });
    proc.once("error", (error) => {
      running.delete(proc);
      logs.push(`[${name}] failed to start: ${error.message}`);
      resolve();
    });
  });
  const isRunning = () => proc.exitCode === null && proc.signalCode === null && proc.pid !== undefined;
  const stop = async () => {
    if (!isRunning()) return;
    proc.kill(stopSignal);
    if (!(await endsWithin(exited, graceMs)) && isRunning()) {
      proc.kill("SIGKILL");
      await exited;
    }
  };
  return { name, proc, exited, isRunning, stop };
}

/** True when `exited` settles within `ms`. */
export async function endsWithin(exited: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const ended = await Promise.race([
    exited.then(() => true),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), ms);
    }),
  ]);
  clearTimeout(timer);
  return ended;
}

/** Stops the children one after the other, last started first (a gateway before the store it uses). */
export async function stopInOrder(children: Supervised[]): Promise<void> {
  for (const child of [...children].reverse()) await child.stop();
}

// ---------------------------------------------------------------- readiness

/**
 * Polls `ready` every `intervalMs` until it is true. Before each try `alive` may throw (a child
 * exited early); past `deadline` (ms since the epoch) the error `timedOut` makes is thrown.
 */
export async function waitUntil(
  ready: () => Promise<boolean> | boolean,
  {
    deadline,
    intervalMs = 50,
    alive,
    timedOut,
  }: { deadline: number; intervalMs?: number; alive?: () => Promise<void> | void; timedOut: () => Promise<Error> | Error },
): Promise<void> {
  for (;;) {
    await alive?.();
    if (await ready()) return;
    if (Date.now() > deadline) throw await timedOut();
    await sleep(intervalMs);
  }
}

/** True when GET `url` answers 200 within 2 s. */
export async function httpOk(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}

/** The executable `name` on PATH (or in the usual system folders), if any. */
export async function findExecutable(name: string): Promise<string | undefined> {
  const dirs = [...(process.env.PATH ?? "").split(path.delimiter), "/usr/bin", "/usr/sbin", "/bin", "/sbin", "/usr/local/bin"];
  for (const dir of dirs) {
    if (!dir) continue;
    const file = path.join(dir, name);
    if (await isExecutable(file)) return file;
  }
  return undefined;
}

export async function isExecutable(file: string): Promise<boolean> {
  try {
    await fsp.access(file, fsConstants.X_OK);
    return (await fsp.stat(file)).isFile();
  } catch {
    return false;
  }
}

/** The interpreter named by a script's shebang (`#!/usr/bin/python3`, `#!/usr/bin/env python3`), else python3. */
export async function shebangPython(script: string | undefined): Promise<string> {
  try {
    const firstLine = script ? ((await fsp.readFile(script, "utf8")).split("\n", 1)[0] ?? "") : "";
    const m = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(firstLine);
    const interpreter = m ? (m[1] === "/usr/bin/env" && m[2] ? m[2] : m[1]) : undefined;
    if (interpreter && path.isAbsolute(interpreter)) return interpreter;
  } catch {
    // fall through
  }
  return "/usr/bin/python3";
}
