import { createHash, randomInt, timingSafeEqual } from "node:crypto";
import { chmodSync, linkSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * The one-time setup code that guards first-run setup. The launcher (lib/boot/setup-code.ts)
 * writes it to DATA_DIR/setup-code (mode 0600) while no owner exists and prints a ready URL; the
 * setup action checks it (constant time) and removes the file once the owner exists. Anyone who can
 * reach the port but not the server's console or data folder cannot become the owner.
 *
 * Format: 16 characters of Crockford's base32 (80 random bits) in groups of four, e.g.
 * `7K2Q-M9XD-4RTA-ZP3E`. Typing is forgiving: case, spaces and dashes do not matter, and O/I/L
 * are read as 0/1/1.
 */

export const SETUP_CODE_FILE = "setup-code";

const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const LENGTH = 16;

export function setupCodePath(dataDir: string): string {
  return join(dataDir, SETUP_CODE_FILE);
}

export function generateSetupCode(): string {
  const chars = Array.from({ length: LENGTH }, () => ALPHABET[randomInt(ALPHABET.length)]!);
  return chars.join("").replace(/(.{4})(?!$)/g, "$1-");
}

/** What was typed, in canonical form (upper case, no separators, O→0, I/L→1); "" when not a code at all. */
export function normalizeSetupCode(input: string): string {
  const value = input.toUpperCase().replace(/[\s-]/g, "").replace(/O/g, "0").replace(/[IL]/g, "1");
  return value.length === LENGTH && [...value].every((c) => ALPHABET.includes(c)) ? value : "";
}

/** The waiting code, or null when there is none (owner created, or never started by the launcher). */
export function readSetupCode(dataDir: string): string | null {
  let text: string;
  try {
    text = readFileSync(setupCodePath(dataDir), "utf8").trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
  return normalizeSetupCode(text) ? text : null;
}

/**
 * The code waiting in the data folder, created when there is none (a kept code stays valid across
 * restarts, so a printed URL keeps working). Written whole to a private temporary file and linked
 * into place, so two instances starting at once agree on one code.
 */
export function ensureSetupCode(dataDir: string): { code: string; created: boolean } {
  const path = setupCodePath(dataDir);
  const existing = readSetupCode(dataDir);
  if (existing) {
    try {
      if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
    } catch {
      // A read-only mount may refuse chmod.
    }
    return { code: existing, created: false };
  }
  rmSync(path, { force: true }); // unreadable or malformed: replace it
  const code = generateSetupCode();
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, `${code}\n`, { mode: 0o600 });
    linkSync(temporary, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    const raced = readSetupCode(dataDir);
    if (raced) return { code: raced, created: false };
    throw error;
  } finally {
    rmSync(temporary, { force: true });
  }
  return { code, created: true };
}

function digest(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}

/** True when `candidate` is the waiting code (compared in constant time); false when none is waiting. */
export function setupCodeMatches(dataDir: string, candidate: string): boolean {
  const expected = readSetupCode(dataDir);
  const typed = normalizeSetupCode(candidate);
  // Digests have one length, so the comparison's time says nothing about the code.
  const same = timingSafeEqual(digest(typed), digest(expected ? normalizeSetupCode(expected) : "\0no code"));
  return Boolean(expected) && typed !== "" && same;
}

/** Removes the code (the owner exists now): it can never be used again. */
export function consumeSetupCode(dataDir: string): void {
  rmSync(setupCodePath(dataDir), { force: true });
}

export function setupUrl(port: number, code: string): string {
  return `http://localhost:${port}/setup?code=${encodeURIComponent(code)}`;
}
