/**
 * The job queue (graphile-worker in the app process, lib/jobs) against the real PostgreSQL: every kind
 * of background work runs on it and does its work; two runners (two instances) run each job once; a
 * failing job is retried with growing pauses and shows in Settings → Background jobs with its last
 * error, redacted; an SMTP server that hangs fails the e-mail job within its bound while other jobs run
 * on; only the Owner and Admins see Background jobs.
 */
import { createServer, type Server, type Socket } from "node:net";
import type { Runner } from "graphile-worker";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { type Actor, soleOwner } from "@/lib/auth/permissions";
import type { SessionUser } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { getBackgroundJobsOverview } from "@/lib/jobs/overview";
import { queueJob } from "@/lib/jobs/queue";
import { BROKEN_TASK, MAIL_TASKS } from "@/lib/jobs/names";
import { CRONTAB } from "@/lib/jobs/tasks";
import * as h from "../support/helpers";
import { clearJobQueue, startTestRunner } from "../support/jobs";
import { insertUploadRequest } from "../support/upload-requests";

// SMTP_URL is set per test: the settings are read afresh on each call.
vi.mock("@/lib/env", async (importOriginal) => {
  const actual = await importOriginal<typeof import("@/lib/env")>();
  return { ...actual, getEnv: () => actual.parseEnv(process.env) };
});

const DAY = 86_400_000;
let owner: SessionUser;
let linkId: string;
let connectionId: string;
const runners: Runner[] = [];

type JobRow = { id: string; task: string; attempts: number; maxAttempts: number; lastError: string | null; runAt: Date; lockedAt: Date | null };

async function jobs(task?: string): Promise<JobRow[]> {
  const rows = await db.$queryRaw<JobRow[]>`
    SELECT id::text, task_identifier AS task, attempts, max_attempts AS "maxAttempts", last_error AS "lastError", run_at AS "runAt", locked_at AS "lockedAt"
      FROM graphile_worker.jobs ORDER BY id`;
  return task ? rows.filter((r) => r.task === task) : rows;
}

async function start(options: Parameters<typeof startTestRunner>[0] = {}): Promise<Runner> {
  const runner = await startTestRunner(options);
  runners.push(runner);
  return runner;
}

beforeAll(async () => {
  owner = await h.createTestUser("jobs");
  const connection = await db.storageConnection.create({
    data: {
      ownerId: owner.id,
      name: "Jobs",
      provider: "other",
      endpoint: "http://127.0.0.1:9",
      region: "us-east-1",
      accessKeyId: "AKIAJOBS",
      secretAccessKeyEnc: "not-a-real-envelope",
    },
  });
  connectionId = connection.id;
  const now = new Date();
  const link = await db.shareLink.create({
    data: {
      ownerId: owner.id,
      connectionName: "Jobs",
      bucket: "b",
      key: "kept/report.pdf",
      objectSize: 1n,
      requestedExpiresAt: now,
      expiresAt: now,
      expiresSoonAt: now,
      disposition: "attachment",
      fileName: "report.pdf",
      urlEnc: "not-a-real-envelope",
      kind: "managed",
    },
  });
  linkId = link.id;
});

afterEach(async () => {
  await Promise.all(runners.splice(0).map((r) => r.stop()));
  await clearJobQueue();
  vi.unstubAllEnvs();
});

afterAll(async () => {
  await h.deleteTestUsers(owner);
});

/** A file received through an upload request that no e-mail named yet: the digest job has one to send. */
async function fileWaitingForMail(): Promise<void> {
  const request = await insertUploadRequest((sql, values) => db.$executeRawUnsafe(sql, ...values), {
    ownerId: owner.id,
    connectionId,
    bucket: "b",
    prefix: "inbox/",
    title: "Jobs test",
  });
  await db.upload.create({
    data: {
      ownerId: owner.id,
      connectionId,
      bucket: "b",
      key: `inbox/${h.randomSuffix()}.pdf`,
      size: 5n,
      partSize: 5,
      partCount: 1,
      state: "complete",
      completedAt: new Date(),
      expiresAt: new Date(Date.now() + DAY),
      requestId: request.id,
      fileName: "plan.pdf",
    },
  });
}

/** A TCP server that accepts connections and never says a word (an SMTP server that hangs). */
async function startSilentServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `smtp://127.0.0.1:${port}`,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe("the job queue", () => {
  it("runs every scheduled kind of job, each doing its work (the access log's old rows go)", async () => {
    await clearJobQueue();
    await db.linkEvent.createMany({
      data: [
        { linkId, outcome: "download", clientAddress: "192.0.2.1", createdAt: new Date(Date.now() - 400 * DAY) },
        { linkId, outcome: "download", clientAddress: "192.0.2.1", createdAt: new Date(Date.now() - 2 * DAY) },
      ],
    });
    const kinds = CRONTAB.split("\n").map((line) => line.split(" ")[5]!);
    // The e-mail tasks run in one queue (one at a time): a hanging SMTP server holds up nothing else.
    for (const line of CRONTAB.split("\n")) expect(line.endsWith("&queue=mail")).toBe(MAIL_TASKS.has(line.split(" ")[5]!));
    expect(await queueJob(BROKEN_TASK, { personId: "nobody", links: [] })).toBe(true);
    expect(
      await db.$queryRaw`
      SELECT q.queue_name FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id
        JOIN graphile_worker._private_job_queues q ON q.id = j.job_queue_id WHERE t.identifier = ${BROKEN_TASK}`,
    ).toEqual([{ queue_name: "mail" }]);
    await clearJobQueue();
    expect(kinds).toEqual(
      expect.arrayContaining([
        "webhooks:queue_overdue",
        "webhooks:prune",
        "uploads:cleanup",
        "upload_requests:digests",
        "auth:prune_failures",
        "links:prune_access_log",
        "audit:prune",
        "api:prune_idempotency_keys",
        "jobs:prune_failed",
      ]),
    );
    for (const kind of kinds) expect(await queueJob(kind, {}, { maxAttempts: 1 })).toBe(true);
    // With the schedule, as the app runs it (the crontab must parse, or no runner starts).
    await start({ cron: true });
    await vi.waitFor(async () => expect(await jobs()).toEqual([]), { timeout: 15_000, interval: 100 });
    const left = await db.linkEvent.findMany({ where: { linkId }, select: { createdAt: true } });
    expect(left.map((r) => Math.round((Date.now() - r.createdAt.getTime()) / DAY))).toEqual([2]);
  });

  it("two runners (two instances) against one database run each scheduled job once", async () => {
    await clearJobQueue();
    const runs: string[] = [];
    const tasks = { "test:count": async (payload: unknown) => void runs.push((payload as { n: string }).n) };
    const runAt = new Date(Date.now() + 500);
    for (let i = 0; i < 40; i++) await queueJob("test:count", { n: `job-${i}` }, { runAt });
    // The same scheduled job added by both instances (each at its start): one job, by its key.
    await queueJob("test:count", { n: "keyed" }, { runAt, jobKey: "test:keyed" });
    await queueJob("test:count", { n: "keyed" }, { runAt, jobKey: "test:keyed" });
    await Promise.all([start({ tasks }), start({ tasks })]);
    await vi.waitFor(async () => expect(await jobs("test:count")).toEqual([]), { timeout: 10_000, interval: 50 });
    await h.sleep(300);
    expect(runs).toHaveLength(41);
    expect(new Set(runs).size).toBe(41);
  });

  it("a failing job is retried after growing pauses and shows in Background jobs with its last error, secrets redacted", async () => {
    await clearJobQueue();
    const failures: number[] = [];
    const tasks = {
      "test:fail": async () => {
        failures.push(Date.now());
        throw new Error(
          "POST https://hook:hunter2@receiver.example/in?token=tok_abc123 failed; sent X-Bucketshare-Signature: sha256=0123456789abcdef0123456789abcdef",
        );
      },
    };
    await queueJob("test:fail", {}, { maxAttempts: 3 });
    await start({ tasks });
    await vi.waitFor(async () => expect((await jobs("test:fail"))[0]?.attempts).toBe(1), { timeout: 5_000, interval: 50 });
    await vi.waitFor(async () => expect((await jobs("test:fail"))[0]?.lockedAt).toBeNull(), { timeout: 5_000, interval: 50 });
    const [first] = await jobs("test:fail");
    expect(first!.lastError).toContain("hunter2"); // stored as thrown; only ever shown redacted
    const firstPause = first!.runAt.getTime() - failures[0]!;
    expect(firstPause).toBeGreaterThan(1_500); // e^1 s

    const overview = await getBackgroundJobsOverview(owner);
    const kind = overview.kinds.find((k) => k.kind === "test:fail")!;
    expect(kind).toMatchObject({ queued: 1, failedLastDay: 1 });
    expect(overview.failedLastDay).toBeGreaterThanOrEqual(1);
    expect(kind.lastError).toContain("POST https://");
    expect(kind.lastError).not.toMatch(/hunter2|tok_abc123|0123456789abcdef/);

    await vi.waitFor(async () => expect((await jobs("test:fail"))[0]?.attempts).toBe(2), { timeout: 8_000, interval: 100 });
    await vi.waitFor(async () => expect((await jobs("test:fail"))[0]?.lockedAt).toBeNull(), { timeout: 5_000, interval: 50 });
    const [second] = await jobs("test:fail");
    expect(second!.runAt.getTime() - failures[1]!).toBeGreaterThan(firstPause * 2); // e^2 s
  });

  it("a named queue left locked by an instance that died is released after a while, and its jobs run", async () => {
    await clearJobQueue();
    await queueJob(BROKEN_TASK, { personId: "nobody", links: [] }, { maxAttempts: 1 });
    // As a runner that died in the middle of the job leaves them (graphile-worker would wait 4 hours):
    await db.$executeRaw`UPDATE graphile_worker._private_jobs SET locked_at = now() - interval '20 minutes', locked_by = 'dead-worker'`;
    await db.$executeRaw`
      UPDATE graphile_worker._private_job_queues SET locked_at = now() - interval '20 minutes', locked_by = 'dead-worker' WHERE queue_name = 'mail'`;
    await start();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await jobs(BROKEN_TASK)).toHaveLength(1);
    await queueJob("jobs:unlock_stale", {});
    await vi.waitFor(async () => expect(await jobs(BROKEN_TASK)).toEqual([]), { timeout: 10_000, interval: 50 });
  });

  it("an SMTP server that refuses fails the e-mail job, which is retried with back-off and shown in Background jobs", async () => {
    await clearJobQueue();
    vi.stubEnv("SMTP_URL", `smtp://127.0.0.1:${await h.closedPort()}`);
    await fileWaitingForMail();
    await queueJob("upload_requests:digests", {}, { maxAttempts: 5 });
    await start();
    await vi.waitFor(async () => expect(await jobs("upload_requests:digests")).toMatchObject([{ attempts: 1, lockedAt: null }]), {
      timeout: 10_000,
      interval: 20,
    });
    const [job] = await jobs("upload_requests:digests");
    expect(job!.lastError).toMatch(/^The upload e-mail could not be sent \(0 sent in this round\): the SMTP server could not be reached$/);
    expect(job!.runAt.getTime()).toBeGreaterThan(Date.now() + 500);
    const kind = (await getBackgroundJobsOverview(owner)).kinds.find((k) => k.kind === "upload_requests:digests");
    expect(kind?.failedLastDay).toBe(1);
    expect(kind?.lastError).toMatch(/The upload e-mail could not be sent/);
    // The file was given back: the retry sends it.
    expect(await db.upload.count({ where: { ownerId: owner.id, requestId: { not: null }, notifiedAt: { not: null } } })).toBe(0);
  });

  it("an SMTP server that hangs fails the e-mail job within its bound, and other jobs do not wait for it", async () => {
    await clearJobQueue();
    const silent = await startSilentServer();
    try {
      vi.stubEnv("SMTP_URL", silent.url);
      await fileWaitingForMail();
      const done: string[] = [];
      const tasks = { "test:quick": async (payload: unknown) => void done.push((payload as { n: string }).n) };
      await start({ tasks });
      const queuedAt = Date.now();
      await queueJob("upload_requests:digests", {}, { maxAttempts: 5 });
      await vi.waitFor(async () => expect((await jobs("upload_requests:digests"))[0]?.lockedAt).not.toBeNull(), { timeout: 3_000, interval: 50 });
      // While the e-mail job hangs on the server, other jobs run at once.
      for (let i = 0; i < 3; i++) await queueJob("test:quick", { n: `q${i}` });
      await vi.waitFor(() => expect(done).toHaveLength(3), { timeout: 2_000, interval: 20 });
      expect((await jobs("upload_requests:digests"))[0]?.lockedAt).not.toBeNull();
      await vi.waitFor(
        async () => {
          const [job] = await jobs("upload_requests:digests");
          expect(job).toMatchObject({ attempts: 1, lockedAt: null });
          expect(job!.lastError).toMatch(/did not answer in time|could not be sent/);
        },
        { timeout: 15_000, interval: 100 },
      );
      // Bounded by the mail timeout (5 s for the greeting), not by the server.
      expect(Date.now() - queuedAt).toBeLessThan(12_000);
    } finally {
      await Promise.all(runners.splice(0).map((r) => r.stop()));
      await silent.close();
    }
  });
});

describe("Background jobs", () => {
  it("the Owner and Admins see it; a Member is refused", async () => {
    const admin: Actor = { id: "admin-x", teamId: owner.id, role: "admin", grants: [] };
    const member: Actor = { id: "member-x", teamId: owner.id, role: "member", grants: [] };
    await expect(getBackgroundJobsOverview(soleOwner(owner.id))).resolves.toMatchObject({ queued: expect.any(Number) });
    await expect(getBackgroundJobsOverview(admin)).resolves.toMatchObject({ failedLastDay: expect.any(Number) });
    const refused = await getBackgroundJobsOverview(member).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).code).toBe("forbidden");
    expect((refused as AppError).message).toBe("Only the Owner and Admins can see the background jobs.");
  });

  it("a failed job about one team's webhook or notice shows its error to that team only; the counts to everyone", async () => {
    await clearJobQueue();
    const other = await h.createTestUser("jobs-other-team");
    const delivery = await db.webhookDelivery.create({ data: { ownerId: owner.id, url: "https://hooks.team-a.example/in", payload: {}, nextAttemptAt: null } });
    await queueJob("webhooks:deliver", { id: String(delivery.id) }, { maxAttempts: 1 });
    await queueJob("links:broken", { personId: owner.id, links: [] }, { maxAttempts: 1 });
    // As the runner records a failed attempt (the error as thrown).
    await db.$executeRaw`
      UPDATE graphile_worker._private_jobs SET attempts = 1, last_error = 'This address is private: hooks.team-a.example resolves to 10.0.0.5'`;
    const mine = await getBackgroundJobsOverview(soleOwner(owner.id));
    const theirs = await getBackgroundJobsOverview(soleOwner(other.id));
    for (const kind of ["webhooks:deliver", "links:broken"]) {
      expect(mine.kinds.find((k) => k.kind === kind)).toMatchObject({ failedLastDay: 1, lastError: expect.stringContaining("hooks.team-a.example") });
      expect(theirs.kinds.find((k) => k.kind === kind)).toMatchObject({ failedLastDay: 1, lastError: null });
    }
    await clearJobQueue();
  });
});
