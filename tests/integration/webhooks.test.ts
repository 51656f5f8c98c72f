/**
 * Webhook notifications against real parts: the real PostgreSQL queue (webhook_deliveries), the real
 * Settings actions, and real HTTP receivers (node:http on a free port). Only the request context
 * (who is signed in; Next's revalidate/redirect) is stood in for. Retries move an injected clock
 * instead of waiting for the back-off.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { SessionUser } from "@/lib/auth/session";
import { session } from "../support/request-context";
import { db } from "@/lib/db/client";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { saveWebhookAction } from "@/lib/actions/save-webhook";
import { rotateWebhookSecretAction } from "@/lib/actions/rotate-webhook-secret";
import { removeWebhookAction } from "@/lib/actions/remove-webhook";
import { sendTestWebhookAction } from "@/lib/actions/send-test-webhook";
import { getWebhookOverview } from "@/lib/webhooks/settings";
import { countDownload } from "@/lib/recipient/count";
import { seal } from "@/lib/storage/sealed";
import { getRuntimeSecrets } from "@/lib/env";
import { newRecordId } from "@/lib/crypto";
import { pruneDeliveries, runDeliveryRound } from "@/lib/webhooks/worker";
import { clearJobQueue, startTestRunner } from "../support/jobs";
import { startHangingServer } from "../support/hanging-storage";
import * as h from "../support/helpers";

vi.mock("@/lib/auth/session", async () => (await import("../support/request-context")).sessionModule);

type Received = { method: string; path: string; headers: IncomingHttpHeaders; body: string; at: number };

/** A webhook receiver: records every request; `answer` decides the response (default 200). */
async function startReceiver(answer: (request: Received, index: number, res: ServerResponse) => void = (_r, _i, res) => res.writeHead(200).end("ok")) {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const request = { method: req.method ?? "", path: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8"), at: Date.now() };
      received.push(request);
      answer(request, received.length - 1, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/bucketshare`,
    port,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The receiver's own check, written from the documented format (not with lib/webhooks). */
function signatureValid(secret: string, request: Received): boolean {
  const timestamp = request.headers["x-bucketshare-timestamp"];
  const header = String(request.headers["x-bucketshare-signature"] ?? "");
  if (!header.startsWith("sha256=") || typeof timestamp !== "string") return false;
  const expected = createHmac("sha256", secret).update(`${timestamp}.${request.body}`).digest();
  const given = Buffer.from(header.slice("sha256=".length), "hex");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** A download event, inserted the way the download route does (same transaction as the count). */
async function enqueueDownload(owner: SessionUser, url: string, n = 1, at = new Date()) {
  const payload = {
    type: "link.downloaded",
    occurredAt: at.toISOString(),
    link: { id: "clinkwebhooktest", fileName: `report ${n}.pdf`, downloads: n, downloadLimit: null },
    recipient: { address: "203.0.113.9", userAgent: "curl/8.5.0" },
  };
  const row = await db.webhookDelivery.create({ data: { ownerId: owner.id, url, nextAttemptAt: at, payload }, select: { id: true } });
  return { id: row.id, payload };
}

async function saveUrl(url: string) {
  return saveWebhookAction({ status: "idle" }, h.formData({ webhookUrl: url }));
}

async function deliveryRow(id: bigint) {
  return db.webhookDelivery.findUniqueOrThrow({ where: { id } });
}

let owner: SessionUser;
let other: SessionUser;

/** Runs one statement on a connection of its own (not the app's pool). */
async function onOwnConnection(sql: string) {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL! });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  // A server whose default time zone is not UTC (initdb copies the machine's): the app's connections must still
  // write now() as UTC, the way Prisma writes dates, or a download queued with now() would wait for hours.
  // Set before this file's first query, so every connection of the app's pool starts with it.
  await onOwnConnection("DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET timezone TO %L', current_database(), 'Asia/Tokyo'); END $$");
  owner = await h.createTestUser("webhook-owner");
  other = await h.createTestUser("webhook-other");
});

beforeEach(async () => {
  session.user = owner;
  await db.webhookDelivery.deleteMany({ where: { ownerId: { in: [owner.id, other.id] } } });
  await db.user.updateMany({ where: { id: { in: [owner.id, other.id] } }, data: { webhookUrl: null, webhookSecretEnc: null } });
});

afterAll(async () => {
  session.user = null;
  await h.deleteTestUsers(owner, other);
  await onOwnConnection("DO $$ BEGIN EXECUTE format('ALTER DATABASE %I RESET timezone', current_database()); END $$");
});

describe("Settings → Webhook URL (the real actions)", () => {
  it.each([
    ["ftp://hooks.example.com/in", /http or https/],
    ["hooks.example.com/in", /http or https/],
    ["https://user:secret@hooks.example.com/in", /Leave credentials/],
    ["https://hooks.example.com/a b", /remove spaces/],
    ["javascript:alert(1)", /http or https/],
    ["", /Enter the URL/],
  ])("refuses %j at the field and saves nothing", async (webhookUrl, message) => {
    const state = await saveUrl(webhookUrl);
    expect(state.status).toBe("invalid");
    expect(state.status === "invalid" ? state.fieldErrors.webhookUrl?.join(" ") : "").toMatch(message);
    // What was typed comes back for the field, so the owner can correct it.
    if (state.status === "invalid") expect(state.values?.webhookUrl).toBe(webhookUrl);
    const row = await db.user.findUniqueOrThrow({ where: { id: owner.id } });
    expect(row.webhookUrl).toBeNull();
    expect(row.webhookSecretEnc).toBeNull();
  });

  it("refuses a bad URL without touching a webhook that is already saved", async () => {
    await saveUrl("https://hooks.example.com/good");
    const before = await db.user.findUniqueOrThrow({ where: { id: owner.id } });
    expect((await saveUrl("https://hooks.example.com/#frag")).status).toBe("invalid");
    const after = await db.user.findUniqueOrThrow({ where: { id: owner.id } });
    expect(after.webhookUrl).toBe("https://hooks.example.com/good");
    expect(after.webhookSecretEnc).toBe(before.webhookSecretEnc);
  });

  it("shows the secret once: in the answer to the first save, never again (not stored in clear, not in Settings)", async () => {
    const first = await saveUrl("https://hooks.example.com/in");
    expect(first).toMatchObject({ status: "success", message: expect.stringMatching(/shown only this once/) });
    const secret = first.status === "success" ? first.data?.secret : undefined;
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);

    const row = await db.user.findUniqueOrThrow({ where: { id: owner.id } });
    expect(row.webhookUrl).toBe("https://hooks.example.com/in");
    expect(row.webhookSecretEnc).toMatch(/^v2\./);
    expect(h.stringifyRow(row)).not.toContain(secret!.slice(6));

    // Saving the same URL again keeps the secret and does not show it.
    const again = await saveUrl("https://hooks.example.com/in");
    expect(again).toMatchObject({ status: "success", message: "Webhook URL saved. The signing secret is unchanged." });
    expect(JSON.stringify(again)).not.toContain(secret);
    expect((await db.user.findUniqueOrThrow({ where: { id: owner.id } })).webhookSecretEnc).toBe(row.webhookSecretEnc);

    // What the Settings page reads has the URL and no secret.
    const overview = await getWebhookOverview(owner.id);
    expect(overview.url).toBe("https://hooks.example.com/in");
    expect(JSON.stringify(overview)).not.toContain(secret);
    expect(JSON.stringify(overview)).not.toContain("whsec_");
  });

  it("another URL gets a new signing secret, shown once: the old receiver's secret signs nothing for the new one", async () => {
    const first = await saveUrl("https://hooks.example.com/in");
    const oldSecret = first.status === "success" ? first.data?.secret : undefined;
    const before = await db.user.findUniqueOrThrow({ where: { id: owner.id } });
    const moved = await saveUrl("https://hooks.example.org/elsewhere");
    expect(moved).toMatchObject({
      status: "success",
      message: expect.stringMatching(/^Webhook URL changed, with a new signing secret .* shown only this once\.$/),
    });
    const newSecret = moved.status === "success" ? moved.data?.secret : undefined;
    expect(newSecret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(newSecret).not.toBe(oldSecret);
    const after = await db.user.findUniqueOrThrow({ where: { id: owner.id } });
    expect(after.webhookUrl).toBe("https://hooks.example.org/elsewhere");
    expect(after.webhookSecretEnc).not.toBe(before.webhookSecretEnc);
    expect(JSON.stringify(await getWebhookOverview(owner.id))).not.toContain("whsec_");
  });

  it.each([
    "http://169.254.169.254/latest/meta-data/",
    "http://169.254.10.1:8080/hook",
    "http://[fe80::1]/hook",
    "http://[fd00:ec2::254]/latest/meta-data/",
    "http://metadata.google.internal/computeMetadata/v1/",
    "http://Metadata.Google.Internal/x",
    "http://100.100.100.200/latest/meta-data/",
    "http://[::ffff:169.254.169.254]/",
  ])("refuses the link-local or cloud metadata address %j at the field and saves nothing", async (webhookUrl) => {
    const state = await saveUrl(webhookUrl);
    expect(state.status).toBe("invalid");
    expect(state.status === "invalid" ? state.fieldErrors.webhookUrl?.join(" ") : "").toMatch(
      /link-local or cloud metadata addresses .* WEBHOOK_ALLOW_PRIVATE=true/,
    );
    const row = await db.user.findUniqueOrThrow({ where: { id: owner.id } });
    expect([row.webhookUrl, row.webhookSecretEnc]).toEqual([null, null]);
  });

  it("a delivery queued for such an address before is refused when it is sent, never connected", async () => {
    await saveUrl("https://hooks.example.com/in");
    const row = await db.webhookDelivery.create({
      data: { ownerId: owner.id, url: "http://169.254.169.254/latest/meta-data/", payload: { type: "webhook.test" }, nextAttemptAt: new Date() },
    });
    const round = await runDeliveryRound({ ids: [row.id], ownerId: owner.id });
    expect(round.results.map((r) => [r.state, r.outcome.error])).toEqual([
      ["retrying", expect.stringMatching(/^Webhooks cannot go to link-local or cloud metadata addresses/)],
    ]);
  });

  it("two saves at once make one secret, and only one of them shows it", async () => {
    const states = await Promise.all([saveUrl("https://hooks.example.com/a"), saveUrl("https://hooks.example.com/a")]);
    const secrets = states.map((s) => (s.status === "success" ? s.data?.secret : undefined)).filter(Boolean);
    expect(secrets).toHaveLength(1);
  });

  it("a signed-out caller changes nothing", async () => {
    session.user = null;
    expect(await saveUrl("https://hooks.example.com/in")).toMatchObject({ status: "unauthorized" });
    expect(await rotateWebhookSecretAction({ status: "idle" }, {})).toMatchObject({ status: "unauthorized" });
    expect(await removeWebhookAction({ status: "idle" }, {})).toMatchObject({ status: "unauthorized" });
    expect((await db.user.findUniqueOrThrow({ where: { id: owner.id } })).webhookUrl).toBeNull();
  });
});

describe("delivery", () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>> | undefined;
  afterEach(async () => {
    await receiver?.close();
    receiver = undefined;
  });

  it("the job runner POSTs a download within a couple of seconds, signed so the receiver can verify it", async () => {
    receiver = await startReceiver();
    const saved = await saveUrl(receiver.url);
    const secret = saved.status === "success" ? saved.data!.secret : "";
    await clearJobQueue();
    const worker = await startTestRunner();
    try {
      const queuedAt = Date.now();
      const { id, payload } = await enqueueDownload(owner, receiver.url);
      await vi.waitFor(() => expect(receiver!.received).toHaveLength(1), { timeout: 5_000, interval: 50 });
      const request = receiver.received[0]!;
      expect(request.at - queuedAt).toBeLessThan(2_500);
      expect(request.method).toBe("POST");
      expect(request.path).toBe("/hooks/bucketshare");
      expect(request.headers).toMatchObject({
        "content-type": "application/json",
        "user-agent": "Bucketshare-Webhook/1",
        "x-bucketshare-event": "link.downloaded",
        "x-bucketshare-delivery": String(id),
      });
      const timestamp = Number(request.headers["x-bucketshare-timestamp"]);
      expect(Math.abs(timestamp - Date.now() / 1000)).toBeLessThan(10);
      expect(signatureValid(secret, request)).toBe(true);
      expect(signatureValid("whsec_not-the-secret", request)).toBe(false);
      expect(JSON.parse(request.body)).toEqual(payload);

      await vi.waitFor(async () => expect((await deliveryRow(id)).deliveredAt).not.toBeNull(), { timeout: 2_000, interval: 50 });
      expect(await deliveryRow(id)).toMatchObject({ attempts: 1, nextAttemptAt: null, failedAt: null, lastStatus: 200, lastError: null });
      const [shown] = (await getWebhookOverview(owner.id)).deliveries;
      expect(shown).toMatchObject({ id: String(id), event: "link.downloaded", state: "delivered", attempts: 1, lastStatus: 200 });
    } finally {
      await worker.stop();
    }
  });

  it("a download queued with the database's now() (as the download route does) is due at once, whatever the server's time zone", async () => {
    receiver = await startReceiver();
    await saveUrl(receiver.url);
    const [zone] = await db.$queryRaw<{ TimeZone: string }[]>`SHOW TimeZone`;
    expect(zone?.TimeZone).toBe("UTC");
    await db.$executeRaw`
      INSERT INTO webhook_deliveries (owner_id, url, payload, next_attempt_at, created_at)
      VALUES (${owner.id}, ${receiver.url}, jsonb_build_object('type', 'link.downloaded'), now(), now())`;
    const round = await runDeliveryRound({ ownerId: owner.id });
    expect(round.results).toMatchObject([{ state: "delivered" }]);
    const [shown] = (await getWebhookOverview(owner.id)).deliveries;
    expect(Math.abs(shown!.createdAt.getTime() - Date.now())).toBeLessThan(60_000);
  });

  it("a download counted by the download route's statement arrives as the documented link.downloaded event", async () => {
    receiver = await startReceiver();
    const saved = await saveUrl(receiver.url);
    const secret = saved.status === "success" ? saved.data!.secret : "";
    const id = newRecordId();
    const now = new Date();
    await db.shareLink.create({
      data: {
        id,
        ownerId: owner.id,
        connectionName: "Test",
        bucket: "b",
        key: "docs/report.pdf",
        objectSize: 10n,
        fileName: "report.pdf",
        disposition: "attachment",
        requestedExpiresAt: new Date(now.getTime() + 86_400_000),
        expiresAt: new Date(now.getTime() + 86_400_000),
        expiresSoonAt: new Date(now.getTime() + 43_200_000),
        kind: "managed",
        downloadLimit: 3,
        urlEnc: seal("shareUrl", id, "https://bucketshare.example/s/token", getRuntimeSecrets().encryptionKey),
      },
    });
    expect(await countDownload({ linkId: id, clientAddress: "198.51.100.7", userAgent: "Wget/1.21" })).toEqual({ downloads: 1, downloadLimit: 3 });
    const round = await runDeliveryRound({ ownerId: owner.id });
    expect(round.results).toMatchObject([{ state: "delivered" }]);
    const request = receiver.received[0]!;
    expect(signatureValid(secret, request)).toBe(true);
    const event = JSON.parse(request.body) as { occurredAt: string };
    // The contract's fields (the download route may add more, such as the file within a multi-file share).
    expect(event).toMatchObject({
      type: "link.downloaded",
      occurredAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      link: { id, fileName: "report.pdf", downloads: 1, downloadLimit: 3 },
      recipient: { address: "198.51.100.7", userAgent: "Wget/1.21" },
    });
    expect(Math.abs(Date.parse(event.occurredAt) - Date.now())).toBeLessThan(60_000);
  });

  it("a receiver answering 500 and then 200 is retried after the back-off and ends delivered with attempts 2", async () => {
    receiver = await startReceiver((_r, i, res) => res.writeHead(i === 0 ? 500 : 200).end());
    await saveUrl(receiver.url);
    const t0 = new Date();
    const { id } = await enqueueDownload(owner, receiver.url, 1, t0);

    const first = await runDeliveryRound({ ownerId: owner.id, now: () => t0 });
    expect(first.results).toMatchObject([{ id, state: "retrying" }]);
    let row = await deliveryRow(id);
    expect(row).toMatchObject({ attempts: 1, lastStatus: 500, lastError: "HTTP 500", deliveredAt: null, failedAt: null });
    expect(row.nextAttemptAt!.getTime() - t0.getTime()).toBe(10_000);
    expect((await getWebhookOverview(owner.id)).deliveries[0]).toMatchObject({ state: "retrying", lastStatus: 500 });

    // Not due yet: nothing is sent.
    expect((await runDeliveryRound({ ownerId: owner.id, now: () => new Date(t0.getTime() + 9_000) })).claimed).toBe(0);
    expect(receiver.received).toHaveLength(1);

    const second = await runDeliveryRound({ ownerId: owner.id, now: () => new Date(t0.getTime() + 10_500) });
    expect(second.results).toMatchObject([{ id, state: "delivered" }]);
    row = await deliveryRow(id);
    expect(row).toMatchObject({ attempts: 2, lastStatus: 200, lastError: null, nextAttemptAt: null, failedAt: null });
    expect(row.deliveredAt).not.toBeNull();
    expect(receiver.received).toHaveLength(2);
    // The same delivery id both times, so a receiver can tell a retry from a new event.
    expect(receiver.received.map((r) => r.headers["x-bucketshare-delivery"])).toEqual([String(id), String(id)]);
  });

  it("gives up after the last attempt: failed, no next attempt, shown as failed", async () => {
    receiver = await startReceiver((_r, _i, res) => res.writeHead(503).end());
    await saveUrl(receiver.url);
    const t0 = new Date();
    const { id } = await enqueueDownload(owner, receiver.url, 1, t0);
    const schedule = { delaysMs: [1_000], maxAttempts: 3 };
    for (let i = 0; i < 3; i++) await runDeliveryRound({ ownerId: owner.id, schedule, now: () => new Date(t0.getTime() + i * 2_000) });
    const row = await deliveryRow(id);
    expect(row).toMatchObject({ attempts: 3, lastStatus: 503, nextAttemptAt: null, deliveredAt: null });
    expect(row.failedAt).not.toBeNull();
    expect((await runDeliveryRound({ ownerId: owner.id, now: () => new Date(t0.getTime() + 86_400_000) })).claimed).toBe(0);
    expect((await getWebhookOverview(owner.id)).deliveries[0]).toMatchObject({ state: "failed", attempts: 3, lastError: "HTTP 503" });
  });

  it("does not follow redirects", async () => {
    receiver = await startReceiver((_r, _i, res) => res.writeHead(302, { Location: "/elsewhere" }).end());
    await saveUrl(receiver.url);
    const { id } = await enqueueDownload(owner, receiver.url);
    await runDeliveryRound({ ownerId: owner.id });
    expect(receiver.received.map((r) => r.path)).toEqual(["/hooks/bucketshare"]);
    expect(await deliveryRow(id)).toMatchObject({ attempts: 1, lastStatus: 302, lastError: expect.stringMatching(/Redirect \(HTTP 302\) not followed/) });
  });

  it("a silent receiver is given up on within the 5 s bound, its connection closed", async () => {
    const silent = await startHangingServer("silent");
    try {
      const url = `${silent.endpoint}/hook`;
      await saveUrl(url);
      const { id } = await enqueueDownload(owner, url);
      const started = Date.now();
      const round = await runDeliveryRound({ ownerId: owner.id });
      const elapsed = Date.now() - started;
      expect(elapsed).toBeGreaterThanOrEqual(4_900);
      expect(elapsed).toBeLessThan(6_000);
      expect(round.results).toMatchObject([{ id, state: "retrying" }]);
      expect(await deliveryRow(id)).toMatchObject({ attempts: 1, lastStatus: null, lastError: "No answer within 5 s" });
      expect(silent.connections()).toBe(1);
      await vi.waitFor(() => expect(silent.openSockets()).toBe(0), { timeout: 1_000, interval: 20 });
      // Nothing reconnects afterwards (a pooled client would open a fresh idle connection here).
      await h.sleep(300);
      expect(silent.connections()).toBe(1);
    } finally {
      await silent.close();
    }
  });

  it("two workers (two connection pools, as two instances) running at once deliver each row exactly once", async () => {
    receiver = await startReceiver((_r, _i, res) => setTimeout(() => res.writeHead(204).end(), 15));
    await saveUrl(receiver.url);
    const ids = [];
    for (let n = 1; n <= 60; n++) ids.push((await enqueueDownload(owner, receiver.url, n)).id);

    const second = new PrismaClient({ adapter: new PrismaPg({ connectionString: process.env.DATABASE_URL!, max: 5 }) });
    try {
      const drain = async (client?: InstanceType<typeof PrismaClient>) => {
        let delivered = 0;
        for (;;) {
          const round = await runDeliveryRound({ ownerId: owner.id, batchSize: 4, ...(client ? { client } : {}) });
          if (round.claimed === 0) return delivered;
          delivered += round.results.filter((r) => r.state === "delivered").length;
        }
      };
      const [a, b] = await Promise.all([drain(), drain(second)]);
      expect(a + b).toBe(60);
      expect(a).toBeGreaterThan(0);
      expect(b).toBeGreaterThan(0);
    } finally {
      await second.$disconnect();
    }
    const seen = receiver.received.map((r) => r.headers["x-bucketshare-delivery"]);
    expect(seen).toHaveLength(60);
    expect(new Set(seen).size).toBe(60);
    expect(new Set(seen)).toEqual(new Set(ids.map(String)));
    const rows = await db.webhookDelivery.findMany({ where: { ownerId: owner.id } });
    expect(rows.every((r) => r.attempts === 1 && r.deliveredAt !== null && r.lastStatus === 204)).toBe(true);
  });

  it("rotating the secret signs the next delivery with the new one only", async () => {
    receiver = await startReceiver();
    const saved = await saveUrl(receiver.url);
    const oldSecret = saved.status === "success" ? saved.data!.secret : "";
    const rotated = await rotateWebhookSecretAction({ status: "idle" }, {});
    expect(rotated).toMatchObject({ status: "success", message: expect.stringMatching(/shown only this once/) });
    const newSecret = rotated.status === "success" ? rotated.data!.secret : "";
    expect(newSecret).not.toBe(oldSecret);
    await enqueueDownload(owner, receiver.url);
    await runDeliveryRound({ ownerId: owner.id });
    expect(signatureValid(newSecret, receiver.received[0]!)).toBe(true);
    expect(signatureValid(oldSecret, receiver.received[0]!)).toBe(false);
  });

  it("a new URL takes the deliveries still waiting; removing the webhook cancels them", async () => {
    receiver = await startReceiver();
    await saveUrl(`http://127.0.0.1:${await h.closedPort()}/gone`);
    const { id: first } = await enqueueDownload(owner, (await db.user.findUniqueOrThrow({ where: { id: owner.id } })).webhookUrl!);
    await runDeliveryRound({ ownerId: owner.id });
    expect(await deliveryRow(first)).toMatchObject({ attempts: 1, lastError: "Connection refused (ECONNREFUSED)" });

    await saveUrl(receiver.url);
    await runDeliveryRound({ ownerId: owner.id });
    expect(await deliveryRow(first)).toMatchObject({ attempts: 2, url: receiver.url, lastStatus: 200 });
    expect(receiver.received).toHaveLength(1);

    const { id: waiting } = await enqueueDownload(owner, receiver.url, 2, new Date(Date.now() + 60_000));
    const removed = await removeWebhookAction({ status: "idle" }, {});
    expect(removed).toMatchObject({ status: "success", message: expect.stringMatching(/1 waiting delivery was cancelled/) });
    expect(await db.user.findUniqueOrThrow({ where: { id: owner.id } })).toMatchObject({ webhookUrl: null, webhookSecretEnc: null });
    expect(await deliveryRow(waiting)).toMatchObject({ nextAttemptAt: null, lastError: "Cancelled: the webhook was removed" });
    expect((await runDeliveryRound({ ownerId: owner.id, now: () => new Date(Date.now() + 120_000) })).claimed).toBe(0);
    expect(receiver.received).toHaveLength(1);
  });

  it("Send test event delivers at once and says what the receiver answered", async () => {
    receiver = await startReceiver((_r, i, res) => res.writeHead(i === 0 ? 200 : 500).end());
    expect(await sendTestWebhookAction({ status: "idle" }, {})).toMatchObject({ status: "error", message: expect.stringMatching(/save a webhook URL first/) });
    const saved = await saveUrl(receiver.url);
    const secret = saved.status === "success" ? saved.data!.secret : "";
    expect(await sendTestWebhookAction({ status: "idle" }, {})).toMatchObject({
      status: "success",
      message: "Test event delivered: the receiver answered HTTP 200.",
    });
    expect(receiver.received[0]!.headers["x-bucketshare-event"]).toBe("webhook.test");
    expect(signatureValid(secret, receiver.received[0]!)).toBe(true);
    expect(await sendTestWebhookAction({ status: "idle" }, {})).toMatchObject({
      status: "error",
      message: expect.stringMatching(/^Test event not delivered: HTTP 500/),
    });
  });

  it("one owner's actions never touch another owner's webhook or deliveries", async () => {
    await db.user.update({ where: { id: other.id }, data: { webhookUrl: "https://other.example/hook" } });
    const { id } = await enqueueDownload(other, "https://other.example/hook", 1, new Date(Date.now() + 60_000));
    await saveUrl("https://hooks.example.com/mine");
    await removeWebhookAction({ status: "idle" }, {});
    expect((await db.user.findUniqueOrThrow({ where: { id: other.id } })).webhookUrl).toBe("https://other.example/hook");
    expect(await deliveryRow(id)).toMatchObject({ url: "https://other.example/hook", failedAt: null });
    expect((await getWebhookOverview(owner.id)).deliveries).toHaveLength(0);
  });
});

describe("pruning", () => {
  it("drops deliveries delivered more than 7 days ago and given up more than 30 days ago", async () => {
    const now = new Date();
    const days = (n: number) => new Date(now.getTime() - n * 86_400_000);
    const make = (data: { deliveredAt?: Date; failedAt?: Date; nextAttemptAt?: Date }) =>
      db.webhookDelivery.create({ data: { ownerId: owner.id, url: "https://hooks.example.com/x", payload: { type: "link.downloaded" }, ...data } });
    const kept = await Promise.all([make({ deliveredAt: days(6) }), make({ failedAt: days(29) }), make({ nextAttemptAt: days(40) })]);
    await Promise.all([make({ deliveredAt: days(8) }), make({ failedAt: days(31) })]);
    expect(await pruneDeliveries(now)).toBeGreaterThanOrEqual(2);
    const left = await db.webhookDelivery.findMany({ where: { ownerId: owner.id }, select: { id: true } });
    expect(left.map((r) => r.id).sort()).toEqual(kept.map((r) => r.id).sort());
  });
});
