import { chmodSync, linkSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { dirname, join } from "node:path";

/**
 * Secrets kept in the data folder when the environment does not provide them. A file that exists
 * but cannot be read or is malformed stops start-up: silently making a new encryption key would
 * leave every stored secret unreadable.
 */

export class SecretFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SecretFileError";
  }
}

type SecretSpec = { file: string; bytes: number; what: string; variable?: string };

const AUTH_SECRET: SecretSpec = { file: "auth-secret", bytes: 48, what: "sign-in session secret", variable: "AUTH_SECRET" };
const ENCRYPTION_KEY: SecretSpec = { file: "encryption-key", bytes: 32, what: "encryption key", variable: "ENCRYPTION_KEY" };
const POSTGRES_PASSWORD: SecretSpec = { file: "postgres-password", bytes: 32, what: "embedded PostgreSQL password" };

/** " or set X" when the secret can also come from the environment. */
const orSet = (spec: SecretSpec) => (spec.variable ? ` or set ${spec.variable}` : "");

function readSecret(path: string, spec: SecretSpec): string {
  let text: string;
  try {
    text = readFileSync(path, "utf8").trim();
  } catch (error) {
    throw new SecretFileError(
      `Cannot read the ${spec.what} in ${path} (${(error as NodeJS.ErrnoException).code ?? "unknown error"}). ` +
        `Fix its permissions${orSet(spec)}; Bucketshare will not replace it with a new one.`,
    );
  }
  const decoded = Buffer.from(text, "base64");
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text) || decoded.length !== spec.bytes) {
    throw new SecretFileError(
      `The ${spec.what} in ${path} is corrupted (expected ${spec.bytes} bytes, base64). Restore it from a backup${orSet(spec)}; ` +
        `Bucketshare will not replace it, because what it protects would become unreadable.`,
    );
  }
  try {
    if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
  } catch {
    // Read-only mounts may refuse chmod; the secret itself is fine.
  }
  return text;
}

function loadOrCreate(dataDir: string, spec: SecretSpec): string {
  return loadOrCreateAt(join(dataDir, spec.file), spec);
}

function loadOrCreateAt(path: string, spec: SecretSpec): string {
  const dataDir = dirname(path);
  // Written whole to a private temporary file, then linked into place: only the first of two
  // instances starting at once creates the file, and no one ever reads a half-written one.
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, `${randomBytes(spec.bytes).toString("base64")}\n`, { mode: 0o600 });
    linkSync(temporary, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") {
      throw new SecretFileError(`Cannot create ${path} (${(error as NodeJS.ErrnoException).code}). Make ${dataDir} writable${orSet(spec)}.`);
    }
  } finally {
    rmSync(temporary, { force: true });
  }
  return readSecret(path, spec);
}

export function ensureDataDir(dataDir: string): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
}

export function loadOrCreateSecrets(
  dataDir: string,
  provided: { AUTH_SECRET?: string; ENCRYPTION_KEY?: string },
): { authSecret: string; encryptionKey: string } {
  ensureDataDir(dataDir);
  return {
    authSecret: provided.AUTH_SECRET ?? loadOrCreate(dataDir, AUTH_SECRET),
    encryptionKey: provided.ENCRYPTION_KEY ?? loadOrCreate(dataDir, ENCRYPTION_KEY),
  };
}

/**
 * The password of the embedded PostgreSQL superuser: random, made at first start, kept in a 0600
 * file next to the cluster (DATA_DIR/postgres-password). Never `password`, so nothing else that
 * reaches the port can sign in.
 */
export function loadOrCreatePostgresPassword(file: string): string {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  return loadOrCreateAt(file, POSTGRES_PASSWORD);
}

export const POSTGRES_PASSWORD_FILE = POSTGRES_PASSWORD.file;
