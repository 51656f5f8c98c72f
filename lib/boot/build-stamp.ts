import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** "Build if needed": a fingerprint of every input of `next build`, compared with the last build's. */

const INPUTS = ["app", "components", "lib", "public", "proxy.ts", "next.config.js", "package.json", "tsconfig.json", "postcss.config.mjs"];
const STAMP = join(".next", "bucketshare-build-stamp");

function walk(path: string, hash: ReturnType<typeof createHash>): void {
  if (!existsSync(path)) return;
  const stat = statSync(path);
  if (stat.isDirectory()) {
    for (const entry of readdirSync(path).sort()) walk(join(path, entry), hash);
    return;
  }
  hash.update(`${path}\0${stat.size}\0${stat.mtimeMs}\0`);
}

export function sourceFingerprint(): string {
  const hash = createHash("sha256");
  for (const input of INPUTS) walk(input, hash);
  return hash.digest("hex");
}

function buildIsCurrent(fingerprint: string): boolean {
  if (!existsSync(join(".next", "BUILD_ID")) || !existsSync(STAMP)) return false;
  return readFileSync(STAMP, "utf8").trim() === fingerprint;
}

const LOCK = ".next-build.lock";

/** The lock holds "<pid> <process start time>": a reused pid (a restarted container) is not mistaken for the owner. */
function processStart(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ")[19] ?? "";
  } catch {
    return "";
  }
}

function lockOwnerAlive(): boolean {
  try {
    const [pidText, started] = readFileSync(join(LOCK, "pid"), "utf8").split(" ");
    const pid = Number(pidText);
    if (pid === process.pid) return false;
    process.kill(pid, 0);
    return !started || processStart(pid) === started;
  } catch {
    return false;
  }
}

/**
 * Runs `build` unless the current sources are already built. Several launchers starting at once
 * (two instances, tests and a demo) build one at a time and the later ones reuse the result.
 */
export async function buildIfNeeded(build: () => Promise<number>): Promise<number> {
  for (;;) {
    try {
      mkdirSync(LOCK);
      writeFileSync(join(LOCK, "pid"), `${process.pid} ${processStart(process.pid)}`);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") {
        // A read-only install (prebuilt image): fine when the build is current, otherwise say why.
        if (buildIsCurrent(sourceFingerprint())) return 0;
        throw new Error(
          `Cannot build: ${LOCK} cannot be created in ${process.cwd()} (${(error as NodeJS.ErrnoException).code}). Make it writable or build the image beforehand.`,
        );
      }
      if (!lockOwnerAlive()) {
        await new Promise((r) => setTimeout(r, 200));
        if (!lockOwnerAlive()) rmSync(LOCK, { recursive: true, force: true });
        continue;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    // Taken before building: sources edited during the build must make the next start build again.
    const fingerprint = sourceFingerprint();
    if (buildIsCurrent(fingerprint)) return 0;
    const code = await build();
    if (code === 0) writeFileSync(STAMP, `${fingerprint}\n`);
    return code;
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}
