import pg from "pg";
import { afterAll, describe, expect, it, vi } from "vitest";
import { getDb } from "@/lib/db/client";
import { CAP_WINDOW_MS, MAX_FAILURES_PER_ADDRESS, MAX_FAILURES_PER_SUBJECT } from "@/lib/auth/limits";
import { MAX_CONCURRENT_HASHES, MAX_WAITING, hashPassword, verifyPassword } from "@/lib/auth/password";
import { signKnownBrowser, verifyKnownBrowser } from "@/lib/auth/known-browser";
import { BUSY_MESSAGE, guardedAttempt, pruneFailures, type AttemptOptions } from "@/lib/auth/rate-limit";
import { PEER_HEADER, SERVER_MARKER } from "@/lib/security/address";
import { randomSuffix } from "../support/helpers";

// What Next's request context would hold behind Bucketshare's server (lib/boot/server.ts).
const request = vi.hoisted(() => ({ headers: new Headers() }));
vi.mock("next/headers", () => ({
  headers: async () => request.headers,
  cookies: async () => ({ get: () => undefined, getAll: () => [], has: () => false, set: () => undefined, delete: () => undefined }),
}));

// Real PostgreSQL; the clock is injected (`now`), nothing sleeps. Each test has its own emails and
// addresses, and its own stretch of time far from the others.
const DAY = 24 * 60 * 60 * 1000;
let nextEpoch = Date.now() + 30 * DAY;
function clock() {
  const start = (nextEpoch += 30 * DAY);
  let t = start;
  return { now: () => new Date(t), advance: (ms: number) => (t += ms), start };
}

/** A guessing client: counts how often the secret was really checked. */
function guesser(base: Omit<AttemptOptions, "now">, now: () => Date) {
  const stats = { checked: 0 };
  const attempt = (correct: boolean, over: Partial<AttemptOptions> = {}) =>
    guardedAttempt({ ...base, now: now(), ...over }, async () => {
      stats.checked++;
      return correct;
    });
  return { attempt, stats };
}

const email = () => `owner-${randomSuffix()}@limits.test`;
// Addresses no other test file uses (198.18.0.0/15, for benchmarks), each once: the caps count rows by address,
// and another file's leftover failures from a shared address would count here.
let nets = Math.floor(Math.random() * 50_000);
const net = () => {
  nets += 1;
  return `198.${18 + (Math.floor(nets / 65_025) % 2)}.${Math.floor(nets / 255) % 255}.${(nets % 255) + 1}`;
};

afterAll(async () => {
  await getDb().signInFailure.deleteMany({ where: { subject: { contains: "@limits.test" } } });
  await getDb().signInFailure.deleteMany({ where: { subject: { startsWith: "link-password:limits-test-" } } });
  await getDb().signInFailure.deleteMany({ where: { subject: { startsWith: "link-password-lock:limits-test-" } } });
});

describe("sign-in limits per (email, address)", () => {
  it("lets 5 failures through, then backs off 1, 2, 4 minutes, and refuses without checking the password", async () => {
    const c = clock();
    const stranger = guesser({ scope: "sign-in", subject: email(), address: net() }, c.now);
    for (let i = 0; i < 5; i++) expect(await stranger.attempt(false)).toEqual({ ok: false, limited: false });
    expect(await stranger.attempt(true)).toEqual({ ok: false, limited: true, message: "Too many failed attempts. Try again in 1 minute.", retryInMinutes: 1 });
    expect(stranger.stats.checked).toBe(5);

    c.advance(59_000);
    expect(await stranger.attempt(false)).toMatchObject({ limited: true });
    c.advance(1_000); // the minute is over
    expect(await stranger.attempt(false)).toEqual({ ok: false, limited: false });
    expect(await stranger.attempt(false)).toEqual({
      ok: false,
      limited: true,
      message: "Too many failed attempts. Try again in 2 minutes.",
      retryInMinutes: 2,
    });
    c.advance(2 * 60_000);
    expect(await stranger.attempt(false)).toEqual({ ok: false, limited: false });
    expect(await stranger.attempt(false)).toMatchObject({ message: "Too many failed attempts. Try again in 4 minutes.", retryInMinutes: 4 });
    expect(stranger.stats.checked).toBe(7);
  });

  it("forgets a pair's failures once it succeeds", async () => {
    const c = clock();
    const owner = guesser({ scope: "sign-in", subject: email(), address: net() }, c.now);
    for (let i = 0; i < 5; i++) await owner.attempt(false);
    c.advance(60_000);
    expect(await owner.attempt(true)).toEqual({ ok: true });
    for (let i = 0; i < 5; i++) expect(await owner.attempt(false)).toEqual({ ok: false, limited: false });
  });

  it("does not keep the owner out when a stranger elsewhere hammers the owner's email", async () => {
    const c = clock();
    const ownerEmail = email();
    const stranger = guesser({ scope: "sign-in", subject: ownerEmail, address: "203.0.113.66" }, c.now);
    const owner = guesser({ scope: "sign-in", subject: ownerEmail, address: "192.0.2.10" }, c.now);
    // The stranger tries every 10 seconds for an hour: the back-off lets only a few through.
    for (let i = 0; i < 360; i++) {
      await stranger.attempt(false);
      c.advance(10_000);
    }
    expect(stranger.stats.checked).toBeLessThanOrEqual(14);
    expect(await stranger.attempt(true)).toMatchObject({ ok: false, limited: true });
    // Meanwhile the owner, from home, mistypes once and then gets in.
    expect(await owner.attempt(false)).toEqual({ ok: false, limited: false });
    expect(await owner.attempt(true)).toEqual({ ok: true });
  });

  it("counts an IPv6 client by its /64, so rotating addresses inside it does not reset the back-off", async () => {
    const c = clock();
    const subject = email();
    let host = 1;
    const attempt = () => guardedAttempt({ scope: "sign-in", subject, address: `2001:db8:77:1::${(host++).toString(16)}`, now: c.now() }, async () => false);
    for (let i = 0; i < 5; i++) expect(await attempt()).toEqual({ ok: false, limited: false });
    expect(await attempt()).toMatchObject({ limited: true });
    expect(await guardedAttempt({ scope: "sign-in", subject, address: "2001:db8:77:2::1", now: c.now() }, async () => false)).toMatchObject({ limited: false });
  });
});

describe("caps per address and per email", () => {
  it(`refuses an address after ${MAX_FAILURES_PER_ADDRESS} failures on any emails in 15 minutes, and lets it try again when the window has passed`, async () => {
    const c = clock();
    const address = net();
    let checked = 0;
    const randomEmail = () =>
      guardedAttempt({ scope: "sign-in", subject: email(), address, now: c.now() }, async () => {
        checked++;
        return false;
      });
    for (let i = 0; i < MAX_FAILURES_PER_ADDRESS; i++) {
      expect(await randomEmail()).toEqual({ ok: false, limited: false });
      c.advance(1_000);
    }
    expect(await randomEmail()).toEqual({ ok: false, limited: true, message: "Too many failed attempts. Try again in 15 minutes.", retryInMinutes: 15 });
    expect(checked).toBe(MAX_FAILURES_PER_ADDRESS);
    // Rows stay bounded: refused attempts are not written down.
    expect(await getDb().signInFailure.count({ where: { clientAddress: address } })).toBe(MAX_FAILURES_PER_ADDRESS);

    c.advance(CAP_WINDOW_MS - MAX_FAILURES_PER_ADDRESS * 1_000); // the first failure leaves the window
    expect(await randomEmail()).toEqual({ ok: false, limited: false });
    expect(await randomEmail()).toMatchObject({ limited: true });
    // Another address is not affected at any point.
    expect(await guardedAttempt({ scope: "sign-in", subject: email(), address: net(), now: c.now() }, async () => true)).toEqual({ ok: true });
  });

  it(`caps an IPv6 client by its /48: ${MAX_FAILURES_PER_ADDRESS} failures spread over as many /64s refuse the whole /48, not its neighbours`, async () => {
    const c = clock();
    const inside = (n: number) => `2001:db8:4848:${n.toString(16)}::1`;
    for (let i = 0; i < MAX_FAILURES_PER_ADDRESS; i++) {
      expect(await guardedAttempt({ scope: "sign-in", subject: email(), address: inside(i), now: c.now() }, async () => false)).toEqual({
        ok: false,
        limited: false,
      });
    }
    expect(await guardedAttempt({ scope: "sign-in", subject: email(), address: inside(0xbeef), now: c.now() }, async () => true)).toEqual({
      ok: false,
      limited: true,
      message: "Too many failed attempts. Try again in 15 minutes.",
      retryInMinutes: 15,
    });
    expect(await guardedAttempt({ scope: "sign-in", subject: email(), address: "2001:db8:4849::1", now: c.now() }, async () => true)).toEqual({ ok: true });
    await getDb().signInFailure.deleteMany({ where: { clientAddress: { startsWith: "2001:db8:4848:" } } });
  });

  it("counts an address's failures per scope: link passwords mistyped behind a shared address do not hold back sign-in there", async () => {
    const c = clock();
    const address = net();
    const linkAttempt = (link: number, correct: boolean) =>
      guardedAttempt({ scope: "link-password", subject: `limits-test-${c.start}-${link}`, address, now: c.now() }, async () => correct);
    // Recipients behind one NAT mistype the passwords of four links, five times each.
    for (let link = 0; link < MAX_FAILURES_PER_ADDRESS / 5; link++) {
      for (let i = 0; i < 5; i++) expect(await linkAttempt(link, false)).toMatchObject({ ok: false, limited: false });
    }
    // The cap holds for link passwords from that address…
    expect(await linkAttempt(99, true)).toMatchObject({ ok: false, limited: true });
    // …but the owner signs in from the same address.
    expect(await guardedAttempt({ scope: "sign-in", subject: email(), address, now: c.now() }, async () => true)).toEqual({ ok: true });
    // And sign-in failures there do not count against link passwords either.
    const other = net();
    for (let i = 0; i < MAX_FAILURES_PER_ADDRESS; i++)
      await guardedAttempt({ scope: "sign-in", subject: email(), address: other, now: c.now() }, async () => false);
    expect(await guardedAttempt({ scope: "sign-in", subject: email(), address: other, now: c.now() }, async () => true)).toMatchObject({ limited: true });
    expect(await guardedAttempt({ scope: "link-password", subject: `limits-test-${c.start}-x`, address: other, now: c.now() }, async () => true)).toEqual({
      ok: true,
    });
  });

  it('does not cap "unknown" (no address known) as if it were one client', async () => {
    const c = clock();
    for (let i = 0; i < MAX_FAILURES_PER_ADDRESS + 5; i++) {
      expect(await guardedAttempt({ scope: "sign-in", subject: email(), address: "unknown", now: c.now() }, async () => false)).toEqual({
        ok: false,
        limited: false,
      });
    }
    // The back-off per (email, address) still holds.
    const subject = email();
    for (let i = 0; i < 5; i++) await guardedAttempt({ scope: "sign-in", subject, address: "unknown", now: c.now() }, async () => false);
    expect(await guardedAttempt({ scope: "sign-in", subject, address: "unknown", now: c.now() }, async () => true)).toMatchObject({ limited: true });
  });

  it(`refuses an email after ${MAX_FAILURES_PER_SUBJECT} failures from many addresses in 15 minutes`, async () => {
    const c = clock();
    const subject = email();
    for (let i = 0; i < MAX_FAILURES_PER_SUBJECT; i++) {
      expect(await guardedAttempt({ scope: "sign-in", subject, address: `10.9.${i}.1`, now: c.now() }, async () => false)).toMatchObject({ limited: false });
    }
    expect(await guardedAttempt({ scope: "sign-in", subject, address: "10.9.250.1", now: c.now() }, async () => true)).toEqual({
      ok: false,
      limited: true,
      message: "Too many failed attempts. Try again in 15 minutes.",
      retryInMinutes: 15,
    });
    c.advance(CAP_WINDOW_MS + 1);
    expect(await guardedAttempt({ scope: "sign-in", subject, address: "10.9.250.1", now: c.now() }, async () => true)).toEqual({ ok: true });
  });

  it(`lets the owner's known browser in while ${MAX_FAILURES_PER_SUBJECT} failures from many addresses lock the email for everyone else`, async () => {
    const c = clock();
    const subject = email();
    const authSecret = process.env.AUTH_SECRET!;
    // The owner signed in from this browser a month ago; the cookie has been kept since.
    const cookie = signKnownBrowser({ email: subject, authSecret, now: new Date(c.start - 30 * DAY) });
    const known = (value: string | undefined, forEmail = subject) => verifyKnownBrowser(value, { email: forEmail, authSecret, now: c.now() });
    let checked = 0;
    const attempt = (address: string, knownBrowser: boolean, correct: boolean) =>
      guardedAttempt({ scope: "sign-in", subject, address, knownBrowser, now: c.now() }, async () => {
        checked++;
        return correct;
      });
    // Strangers on 50 addresses guess the owner's password once each.
    for (let i = 0; i < MAX_FAILURES_PER_SUBJECT; i++) expect(await attempt(`10.8.${i}.1`, false, false)).toMatchObject({ limited: false });
    checked = 0;
    const refused = { ok: false, limited: true, message: "Too many failed attempts. Try again in 15 minutes.", retryInMinutes: 15 };
    // A fresh browser is refused even with the right password, and so is a forged, foreign or expired cookie.
    expect(await attempt("192.0.2.77", known(undefined), true)).toEqual(refused);
    expect(await attempt("192.0.2.77", known(`${cookie.split(".")[0]}.${"A".repeat(43)}`), true)).toEqual(refused);
    expect(await attempt("192.0.2.77", known(signKnownBrowser({ email: "someone-else@limits.test", authSecret, now: c.now() })), true)).toEqual(refused);
    expect(await attempt("192.0.2.77", known(signKnownBrowser({ email: subject, authSecret, now: new Date(c.start - 366 * DAY) })), true)).toEqual(refused);
    expect(
      await attempt("192.0.2.77", known(signKnownBrowser({ email: subject, authSecret: "another secret of at least 32 characters", now: c.now() })), true),
    ).toEqual(refused);
    expect(checked).toBe(0);
    // The owner's own browser gets in.
    expect(known(cookie)).toBe(true);
    expect(await attempt("192.0.2.77", known(cookie), true)).toEqual({ ok: true });
    // A known browser still meets the back-off per (email, address): five wrong passwords, then it waits.
    for (let i = 0; i < 5; i++) expect(await attempt("192.0.2.78", known(cookie), false)).toEqual({ ok: false, limited: false });
    expect(await attempt("192.0.2.78", known(cookie), true)).toEqual({
      ok: false,
      limited: true,
      message: "Too many failed attempts. Try again in 1 minute.",
      retryInMinutes: 1,
    });
  });

  it("keeps the scopes apart: setup code and a user's current password have limits of their own", async () => {
    const c = clock();
    const address = net();
    for (let i = 0; i < 5; i++) await guardedAttempt({ scope: "setup-code", subject: "", address, now: c.now() }, async () => false);
    expect(await guardedAttempt({ scope: "setup-code", subject: "", address, now: c.now() }, async () => true)).toMatchObject({ limited: true });
    expect(await guardedAttempt({ scope: "current-password", subject: "user-1", address, now: c.now() }, async () => true)).toEqual({ ok: true });
    expect(await getDb().signInFailure.count({ where: { clientAddress: address, subject: "setup-code:" } })).toBe(5);
    await getDb().signInFailure.deleteMany({ where: { clientAddress: address } });
  });
});

describe("races, faults and restarts", () => {
  it("holds against 30 attempts sent at once from one address: exactly 5 passwords are checked", async () => {
    const c = clock();
    const stranger = guesser({ scope: "sign-in", subject: email(), address: net() }, c.now);
    const results = await Promise.all(Array.from({ length: 30 }, () => stranger.attempt(false)));
    expect(stranger.stats.checked).toBe(5);
    expect(results.filter((r) => !r.ok && r.limited)).toHaveLength(25);
  });

  it("does not count an attempt whose check failed with a fault", async () => {
    const c = clock();
    const opts = { scope: "sign-in" as const, subject: email(), address: net() };
    for (let i = 0; i < 5; i++) {
      await expect(guardedAttempt({ ...opts, now: c.now() }, async () => Promise.reject(new Error("database down")))).rejects.toThrow("database down");
    }
    expect(await getDb().signInFailure.count({ where: { subject: opts.subject } })).toBe(0);
    expect(await guardedAttempt({ ...opts, now: c.now() }, async () => true)).toEqual({ ok: true });
  });

  it("still refuses after a restart (a fresh module and database client over the same database)", async () => {
    const c = clock();
    const opts = { scope: "sign-in" as const, subject: email(), address: net() };
    for (let i = 0; i < 5; i++) await guardedAttempt({ ...opts, now: c.now() }, async () => false);

    await getDb().$disconnect();
    delete (globalThis as { bucketshareDb?: unknown }).bucketshareDb;
    vi.resetModules();
    const fresh = await import("@/lib/auth/rate-limit");
    let checked = false;
    expect(await fresh.guardedAttempt({ ...opts, now: c.now() }, async () => (checked = true))).toEqual({
      ok: false,
      limited: true,
      message: "Too many failed attempts. Try again in 1 minute.",
      retryInMinutes: 1,
    });
    expect(checked).toBe(false);
  });
});

describe("pruning", () => {
  it("deletes failures older than 24 hours, in one instance at a time", async () => {
    const c = clock();
    const db = getDb();
    const subject = email();
    const at = (ms: number) => new Date(c.start - ms);
    await db.signInFailure.createMany({
      data: [DAY + 60_000, DAY + 1, DAY - 60_000, 60_000].map((age) => ({ subject, clientAddress: "192.0.2.99", createdAt: at(age) })),
    });
    // Another instance is pruning: this one skips.
    const other = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await other.connect();
    await other.query("SELECT pg_advisory_lock(hashtextextended('bucketshare:prune-sign-in-failures', 0))");
    expect(await pruneFailures(c.now())).toBeNull();
    await other.query("SELECT pg_advisory_unlock(hashtextextended('bucketshare:prune-sign-in-failures', 0))");
    await other.end();

    expect(await pruneFailures(c.now())).toBeGreaterThanOrEqual(2);
    const left = await db.signInFailure.findMany({ where: { subject }, select: { createdAt: true }, orderBy: { createdAt: "asc" } });
    expect(left.map((r) => c.start - r.createdAt.getTime())).toEqual([DAY - 60_000, 60_000]);
  });
});

describe("the sign-in action behind Bucketshare's server (TRUSTED_PROXIES=0)", () => {
  it("counts the TCP peer, not what X-Forwarded-For claims: six spoofed addresses are one", async () => {
    (globalThis as Record<symbol, unknown>)[SERVER_MARKER] = true;
    const { signInAction } = await import("@/lib/actions/sign-in");
    const subject = email();
    const results = [];
    for (let i = 1; i <= 6; i++) {
      request.headers = new Headers({ [PEER_HEADER]: "::ffff:192.0.2.50", "x-forwarded-for": `203.0.113.${i}`, "x-real-ip": `203.0.113.${i}` });
      const form = new FormData();
      form.set("email", subject);
      form.set("password", `wrong password ${i}`);
      results.push(await signInAction({ status: "idle" }, form));
    }
    expect(results.slice(0, 5).every((r) => r.status === "invalid")).toBe(true);
    expect(results[5]).toEqual({ status: "error", message: "Too many failed attempts. Try again in 1 minute." });
    const rows = await getDb().signInFailure.findMany({ where: { subject }, select: { clientAddress: true } });
    expect(rows.map((r) => r.clientAddress)).toEqual(Array(5).fill("192.0.2.50"));
  });

  it('answers "busy" at once, and counts nothing, when password checks pile up', async () => {
    const { signInAction } = await import("@/lib/actions/sign-in");
    request.headers = new Headers({ [PEER_HEADER]: "192.0.2.51" });
    const hash = await hashPassword("x".repeat(12));
    // Every slot kept taken until the sign-in is answered: each flood worker starts its next check the moment its
    // last one ends (on a loaded machine the sign-in's own queries can outlast a whole queue of checks).
    let flooding = true;
    const worker = async () => {
      while (flooding) {
        const ran = await verifyPassword("y", hash).then(
          () => true,
          () => false,
        );
        if (!ran) await new Promise((resolve) => setTimeout(resolve, 5));
      }
    };
    const flood = Array.from({ length: MAX_CONCURRENT_HASHES + MAX_WAITING }, worker);
    await new Promise((resolve) => setImmediate(resolve));
    const subject = email();
    const form = new FormData();
    form.set("email", subject);
    form.set("password", "some password");
    const started = Date.now();
    expect(await signInAction({ status: "idle" }, form)).toEqual({ status: "error", message: BUSY_MESSAGE });
    expect(Date.now() - started).toBeLessThan(2_000);
    flooding = false;
    await Promise.all(flood);
    expect(await getDb().signInFailure.count({ where: { subject } })).toBe(0);
  });
});
