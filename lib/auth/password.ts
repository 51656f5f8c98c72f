import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from "node:crypto";

/** scrypt (RFC 7914) with a random salt: `scrypt$N$r$p$salt$hash`, base64url parts. */

const N = 2 ** 15;
const r = 8;
const p = 1;
const KEY_LENGTH = 32;

/**
 * At most MAX_CONCURRENT_HASHES scrypt runs at a time (each takes ~32 MiB and a core for ~0.1 s);
 * up to MAX_WAITING more wait their turn for at most MAX_WAIT_MS, anything beyond is refused at once
 * with PasswordBusyError, so a flood of sign-in attempts cannot pile up memory or CPU.
 */
export const MAX_CONCURRENT_HASHES = 2;
export const MAX_WAITING = 32;
export const MAX_WAIT_MS = 5_000;

export class PasswordBusyError extends Error {
  constructor() {
    super("Too many password checks at once");
    this.name = "PasswordBusyError";
  }
}

/** True when `error` (or anything in its cause chain, as Auth.js wraps errors) is a PasswordBusyError. */
export function isPasswordBusy(error: unknown): boolean {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current && typeof current === "object" && !seen.has(current)) {
    seen.add(current);
    if (current instanceof PasswordBusyError || (current as { name?: unknown }).name === "PasswordBusyError") return true;
    const next = current as { cause?: unknown };
    current = next.cause && typeof next.cause === "object" && "err" in next.cause ? (next.cause as { err: unknown }).err : next.cause;
  }
  return false;
}

// On globalThis: Next may bundle this module into more than one chunk of the same process.
const slots = ((globalThis as unknown as { bucketshareHashSlots?: { running: number; waiting: (() => void)[] } }).bucketshareHashSlots ??= {
  running: 0,
  waiting: [],
});
const waiting = slots.waiting;

export async function withHashSlot<T>(work: () => Promise<T>): Promise<T> {
  if (slots.running >= MAX_CONCURRENT_HASHES) {
    if (waiting.length >= MAX_WAITING) throw new PasswordBusyError();
    await new Promise<void>((resolve, reject) => {
      const turn = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        waiting.splice(waiting.indexOf(turn), 1);
        reject(new PasswordBusyError());
      }, MAX_WAIT_MS);
      waiting.push(turn);
    });
  } else {
    slots.running++;
  }
  try {
    return await work();
  } finally {
    // Hand the slot straight to the next waiter, or free it.
    const next = waiting.shift();
    if (next) next();
    else slots.running--;
  }
}

/** How many scrypt runs are in progress and waiting (for tests and diagnostics). */
export function hashingLoad(): { running: number; waiting: number } {
  return { running: slots.running, waiting: waiting.length };
}

function scrypt(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return withHashSlot(
    () =>
      new Promise((resolve, reject) => {
        scryptCallback(password.normalize("NFKC"), salt, KEY_LENGTH, { ...options, maxmem: 128 * N * r * 2 }, (err, key) => (err ? reject(err) : resolve(key)));
      }),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scrypt(password, salt, { N, r, p });
  return ["scrypt", N, r, p, salt.toString("base64url"), hash.toString("base64url")].join("$");
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, rr, pp, salt, hash] = stored.split("$");
  if (scheme !== "scrypt" || !n || !rr || !pp || !salt || !hash) return false;
  const expected = Buffer.from(hash, "base64url");
  const actual = await scrypt(password, Buffer.from(salt, "base64url"), { N: Number(n), r: Number(rr), p: Number(pp) });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** A hash to compare against when the email is unknown, so timing does not reveal accounts. */
let decoy: Promise<string> | undefined;
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword(randomBytes(16).toString("hex"));
  // A refused first try (busy) must not leave a rejected promise behind for every later caller.
  decoy.catch(() => (decoy = undefined));
  return decoy;
}
