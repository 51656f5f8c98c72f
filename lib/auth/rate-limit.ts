import "server-only";
import { db } from "@/lib/db/client";
import type { Prisma, PrismaClient } from "@/lib/generated/prisma/client";
import { isPasswordBusy } from "@/lib/auth/password";
import {
  CAP_WINDOW_MS,
  FAILURE_RETENTION_MS,
  FREE_FAILURES_PER_PAIR,
  LINK_LOCK_EVERY,
  LINK_LOCK_ROWS,
  MAX_FAILURES_PER_ADDRESS,
  MAX_FAILURES_PER_SUBJECT,
  PAIR_MEMORY_MS,
  backoffAfter,
  linkLockedUntil,
  retryMessage,
  retryMinutes,
} from "@/lib/auth/limits";
import { log } from "@/lib/log";
import { UNKNOWN_ADDRESS, limitKeys } from "@/lib/security/address";

export { retryMessage } from "@/lib/auth/limits";

/**
 * Guessing limits for sign-in, the setup code and the current password (numbers and rules in
 * lib/auth/limits.ts). Failures live in PostgreSQL (sign_in_failures), so the limits hold across
 * restarts and instances. An attempt is written down under advisory locks on its subject and its
 * address *before* the secret is checked, so requests sent in parallel cannot slip past: a request
 * that finds the limit reached is refused without checking anything (and without being counted).
 */

/** "link-password": a managed link's password (subject = the link id), lib/recipient/unlock.ts. */
export type AttemptScope = "sign-in" | "setup-code" | "current-password" | "link-password";

export type AttemptOptions = {
  scope: AttemptScope;
  /** The email for sign-in; the user id for current-password; anything (ignored) for setup-code. */
  subject: string;
  /** From getClientAddress(). */
  address: string;
  /**
   * The attempt carries a valid known-browser cookie for this subject (lib/auth/known-browser.ts,
   * lib/recipient/link-known-browser.ts): the per-subject cap and a link's lock-out do not apply to
   * it (the pair back-off and the per-address cap do).
   */
  knownBrowser?: boolean;
  /** The clock, for tests. */
  now?: Date;
};

export type AttemptResult =
  | { ok: true }
  | {
      ok: false;
      limited: boolean;
      message?: string;
      /** Refused by the limits: the minutes the message names ("Try again in N minutes"), for callers that word it themselves. */
      retryInMinutes?: number;
      /** Refused because the server is busy checking other passwords (BUSY_MESSAGE), not by the limits. */
      busy?: boolean;
      /** A wrong link password: its row on the link's lock-out ladder (linkLockoutStartedBy). */
      lockFailureId?: bigint;
    };

export const BUSY_MESSAGE = "The server is busy checking other passwords. Try again in a moment.";

/** What goes into the `subject` column: the email itself for sign-in, else the scope as a prefix. */
export function subjectColumn(scope: AttemptScope, subject: string): string {
  const value = scope === "sign-in" ? subject : scope === "setup-code" ? "setup-code:" : `${scope}:${subject}`;
  return value.slice(0, 320);
}

type Tx = Pick<PrismaClient, "signInFailure" | "$executeRaw">;

/**
 * A link's lock-out ladder counts wrong passwords in rows of their own: a recipient's success
 * forgets the failures of their own address (the pair back-off), but the ladder must keep them, or
 * the next lock comes late and the 10th failure that starts a lock could be counted twice.
 */
const LINK_LOCK_PREFIX = "link-password-lock:";

function linkLockSubject(linkId: string): string {
  return `${LINK_LOCK_PREFIX}${linkId}`.slice(0, 320);
}

/** Every failure row of a managed link's password (the per-address ones and the lock-out ladder). */
export function linkFailureSubjects(linkId: string): string[] {
  return [subjectColumn("link-password", linkId), linkLockSubject(linkId)];
}

const OTHER_SCOPES = ["setup-code", "current-password", "link-password", "link-password-lock"] as const;

/**
 * The rows of one scope, told apart by the subject column's prefix (subjectColumn): sign-in rows
 * are bare emails, which never contain ":" (emailField), the others start with `<scope>:`.
 */
function scopeRows(scope: AttemptScope): Prisma.SignInFailureWhereInput {
  if (scope === "sign-in") return { NOT: OTHER_SCOPES.map((other) => ({ subject: { startsWith: `${other}:` } })) };
  return { subject: { startsWith: `${scope}:` } };
}

type Keys = ReturnType<typeof limitKeys>;

/** When the next attempt of this subject from this address may run; null when it may run now. */
async function refusedUntil(
  tx: Tx,
  opts: { scope: AttemptScope; subject: string; lockSubject: string; keys: Keys; knownBrowser: boolean },
  now: Date,
): Promise<Date | null> {
  const { subject, keys } = opts;
  const desc = { orderBy: { createdAt: "desc" as const }, select: { createdAt: true } };
  const capSince = new Date(now.getTime() - CAP_WINDOW_MS);
  // An IPv6 address's failures are stored per /64 and capped per /48: every /64 of the /48.
  const addressRows = keys.capPrefix ? { clientAddress: { startsWith: keys.capPrefix } } : { clientAddress: keys.pair };
  const [pair, byAddress, bySubject, linkLock] = await Promise.all([
    tx.signInFailure.findMany({
      where: { subject, clientAddress: keys.pair, createdAt: { gt: new Date(now.getTime() - PAIR_MEMORY_MS) } },
      take: FREE_FAILURES_PER_PAIR + 5,
      ...desc,
    }),
    // "unknown" is no address (Next run without Bucketshare's server): capping it would let one
    // stranger lock every client out, so only the pair back-off and the subject cap apply then.
    keys.pair === UNKNOWN_ADDRESS
      ? []
      : tx.signInFailure.findMany({
          where: { ...addressRows, ...scopeRows(opts.scope), createdAt: { gt: capSince } },
          take: MAX_FAILURES_PER_ADDRESS,
          ...desc,
        }),
    opts.knownBrowser ? [] : tx.signInFailure.findMany({ where: { subject, createdAt: { gt: capSince } }, take: MAX_FAILURES_PER_SUBJECT, ...desc }),
    opts.scope === "link-password" && !opts.knownBrowser ? lockedUntil(tx, opts.lockSubject, now) : null,
  ]);
  const until: number[] = [];
  const wait = backoffAfter(pair.length);
  if (wait > 0) until.push(pair[0]!.createdAt.getTime() + wait);
  if (byAddress.length >= MAX_FAILURES_PER_ADDRESS) until.push(byAddress.at(-1)!.createdAt.getTime() + CAP_WINDOW_MS);
  if (bySubject.length >= MAX_FAILURES_PER_SUBJECT) until.push(bySubject.at(-1)!.createdAt.getTime() + CAP_WINDOW_MS);
  if (linkLock) until.push(linkLock.getTime());
  const latest = Math.max(0, ...until);
  return latest > now.getTime() ? new Date(latest) : null;
}

/** The end of a link's latest lock-out (maybe past), from its failures of the last 24 hours, all addresses. */
async function lockedUntil(tx: Tx, lockSubject: string, now: Date): Promise<Date | null> {
  const failures = await linkFailures(tx, lockSubject, now);
  return linkLockedUntil(failures.map((f) => f.createdAt));
}

/** The ladder's failures of the last 24 hours, oldest first. */
async function linkFailures(tx: Tx, lockSubject: string, now: Date): Promise<{ id: bigint; createdAt: Date }[]> {
  const rows = await tx.signInFailure.findMany({
    where: { subject: lockSubject, createdAt: { gt: new Date(now.getTime() - PAIR_MEMORY_MS) } },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: LINK_LOCK_ROWS,
    select: { id: true, createdAt: true },
  });
  return rows.reverse();
}

export type LinkPasswordLockout = {
  /** Wrong passwords for this link in the last 24 hours, from every address. */
  failures: number;
  /** Until when recipients without a known-browser cookie are turned away; null when not locked now. */
  lockedUntil: Date | null;
};

/** A managed link's guessing state, for its owner (link page, access log, webhook). */
export async function linkPasswordLockout(linkId: string, now = new Date()): Promise<LinkPasswordLockout> {
  const failures = await linkFailures(db, linkLockSubject(linkId), now);
  const until = linkLockedUntil(failures.map((f) => f.createdAt));
  return { failures: failures.length, lockedUntil: until && until.getTime() > now.getTime() ? until : null };
}

/**
 * The lock-out that this wrong password (its lockFailureId) started, or null when it started none:
 * a lock starts at the 10th, 20th… failure on the ladder, so exactly one failure starts each lock,
 * however many are checked at once.
 */
export async function linkLockoutStartedBy(linkId: string, failureId: bigint, now = new Date()): Promise<(LinkPasswordLockout & { lockedUntil: Date }) | null> {
  const failures = await linkFailures(db, linkLockSubject(linkId), now);
  const locks = Math.floor(failures.length / LINK_LOCK_EVERY);
  if (locks === 0 || failures[locks * LINK_LOCK_EVERY - 1]!.id !== failureId) return null;
  const until = linkLockedUntil(failures.map((f) => f.createdAt));
  if (!until || until.getTime() <= now.getTime()) return null;
  return { failures: failures.length, lockedUntil: until };
}

/** The owner's "Clear lock-out": forgets every wrong password of the link (ladder and per-address back-off). */
export async function clearLinkFailures(linkId: string): Promise<number> {
  const { count } = await db.signInFailure.deleteMany({ where: { subject: { in: linkFailureSubjects(linkId) } } });
  return count;
}

/**
 * Runs `verify` (the password, setup code… check) unless this subject or address has failed too
 * often. The attempt counts as a failure from before `verify` runs until it succeeds; a success
 * forgets this pair's failures. `verify` throwing (a fault, not a wrong answer) counts nothing.
 */
export async function guardedAttempt(opts: AttemptOptions, verify: () => Promise<boolean>): Promise<AttemptResult> {
  const now = opts.now ?? new Date();
  const subject = subjectColumn(opts.scope, opts.subject);
  const lockSubject = opts.scope === "link-password" ? linkLockSubject(opts.subject) : null;
  const keys = limitKeys(opts.address);
  const address = keys.pair.slice(0, 64);

  const reserved = await db.$transaction(
    async (tx) => {
      // One lock per subject and per address, taken in a fixed order (no deadlock between two requests).
      // The address lock is the cap's key (an IPv6 /48), which covers every pair key inside it.
      for (const key of [`limit:address:${keys.cap}`, `limit:subject:${subject}`].sort()) {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${key}, 0))`;
      }
      const until = await refusedUntil(
        tx,
        { scope: opts.scope, subject, lockSubject: lockSubject ?? subject, keys: { ...keys, pair: address }, knownBrowser: opts.knownBrowser === true },
        now,
      );
      if (until) return { until, id: null, lockId: null };
      const row = await tx.signInFailure.create({ data: { subject, clientAddress: address, createdAt: now }, select: { id: true } });
      const lockRow = lockSubject
        ? await tx.signInFailure.create({ data: { subject: lockSubject, clientAddress: address, createdAt: now }, select: { id: true } })
        : null;
      return { until: null, id: row.id, lockId: lockRow?.id ?? null };
    },
    { maxWait: 10_000, timeout: 10_000 },
  );
  if (reserved.until || reserved.id === null) {
    log.warn("auth.attempt.rate_limited", { scope: opts.scope, subject, clientAddress: opts.address });
    const until = reserved.until ?? now;
    return { ok: false, limited: true, message: retryMessage(until, now), retryInMinutes: retryMinutes(until, now) };
  }

  const reservedIds = reserved.lockId === null ? [reserved.id] : [reserved.id, reserved.lockId];
  let valid: boolean;
  try {
    valid = await verify();
  } catch (error) {
    await db.signInFailure.deleteMany({ where: { id: { in: reservedIds } } });
    if (isPasswordBusy(error)) return { ok: false, limited: true, busy: true, message: BUSY_MESSAGE };
    throw error;
  }
  if (!valid) {
    log.info("auth.attempt.failed", { scope: opts.scope, subject, clientAddress: opts.address });
    return reserved.lockId === null ? { ok: false, limited: false } : { ok: false, limited: false, lockFailureId: reserved.lockId };
  }
  // The pair's back-off starts over; the link's ladder loses only this attempt's own row (it was no failure).
  await db.signInFailure.deleteMany({ where: { OR: [{ subject, clientAddress: address }, ...(reserved.lockId === null ? [] : [{ id: reserved.lockId }])] } });
  return { ok: true };
}

/**
 * Deletes failure rows older than the retention (24 h). Runs in at most one instance at a time
 * (a transaction-level advisory lock; the others skip). Returns how many rows went, or null when
 * another instance was pruning.
 */
export async function pruneFailures(now = new Date()): Promise<number | null> {
  return db.$transaction(async (tx) => {
    const [lock] = await tx.$queryRaw<
      { locked: boolean }[]
    >`SELECT pg_try_advisory_xact_lock(hashtextextended('bucketshare:prune-sign-in-failures', 0)) AS locked`;
    if (!lock?.locked) return null;
    const { count } = await tx.signInFailure.deleteMany({ where: { createdAt: { lt: new Date(now.getTime() - FAILURE_RETENTION_MS) } } });
    return count;
  });
}
