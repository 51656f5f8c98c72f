import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
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

export function buildIsCurrent(): boolean {
  if (!existsSync(join(".next", "BUILD_ID")) || !existsSync(STAMP)) return false;
  return readFileSync(STAMP, "utf8").trim() === sourceFingerprint();
}

export function recordBuild(): void {
  writeFileSync(STAMP, `${sourceFingerprint()}\n`);
}
