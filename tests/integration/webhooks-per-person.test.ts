/**
 * Issue 16, webhooks per person: everyone sets their own webhook; a link's events go to the person who
 * issued it and to the team's Owner (once each); an Admin's or a Member's webhook reaches public addresses
 * only, checked when saved and at every connection. Real PostgreSQL, real S3, the real Settings and link
 * actions and real HTTP receivers on 127.0.0.1; only who is signed in is stood in for, and (where a name
 * must resolve elsewhere than this machine's DNS says) the resolver the guarded lookup asks.
 */
import type { LookupAddress } from "node:dns";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { loadActor } from "@/lib/auth/actor";
import type { SessionUser } from "@/lib/auth/session";
import { createShareLinkAction } from "@/lib/actions/create-share-link";
import { removeMemberAction } from "@/lib/actions/remove-member";
import { removeWebhookAction } from "@/lib/actions/remove-webhook";
import { rotateWebhookSecretAction } from "@/lib/actions/rotate-webhook-secret";
import { saveWebhookAction } from "@/lib/actions/save-webhook";
import { sendTestWebhookAction } from "@/lib/actions/send-test-webhook";
import { db } from "@/lib/db/client";
import { guardedAttempt } from "@/lib/auth/rate-limit";
import { handOwnership } from "@/lib/members/store";
import { countDownload } from "@/lib/recipient/count";
import { lockoutStartedByFailure } from "@/lib/recipient/password-lockout";
import { runDeliveryRound } from "@/lib/webhooks/worker";
import { createTestConnection } from "../support/api-contract";
import * as h from "../support/helpers";
import { session } from "../support/request-context";
import { adminS3For, storageCases } from "../support/storages";

vi.mock("@/lib/auth/session", async () => (await import("../support/request-context")).sessionModule);
// The settings are read afresh on each call, so a test can set WEBHOOK_TRUSTED_NETWORKS its own way.
vi.mock("@/lib/env", async (importOriginal) => {
  const actual = await importOriginal<typeof import("@/lib/env")>();
  return { ...actual, getEnv: () => actual.parseEnv(process.env) };
});

type Receiver = { url: string; port: number; received: { path: string; event: string; body: string }[]; close: () => Promise<void> };

async function startReceiver(): Promise<Receiver> {
  const received: Receiver["received"] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ path: req.url ?? "", event: String(req.headers["x-bucketshare-event"]), body: Buffer.concat(chunks).toString("utf8") });
      res.writeHead(200).end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hook`, port, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const storage = storageCases()[0]!;
let owner: SessionUser;
let ana: SessionUser; // a Member who may share the connection
let ben: SessionUser; // another Member of the team
let connectionId: string;
let bucket: string;
const receivers: Receiver[] = [];

async function as<T>(user: SessionUser, run: () => Promise<T>): Promise<T> {
  session.user = user;
  try {
    return await run();
  } finally {
    session.user = null;
  }
}

async function member(label: string): Promise<SessionUser> {
  const row = await db.user.create({
    data: { name: `Member ${label}`, email: `${label}-${h.randomSuffix()}@integration.test`, passwordHash: "x", role: "member", teamId: owner.id },
  });
  await db.memberGrant.create({ data: { userId: row.id, connectionId, canBrowse: true, canShare: true, folder: "" } });
  const actor = await loadActor(row.id);
  return { ...actor!, name: row.name, email: row.email };
}

async function receiver(): Promise<Receiver> {
  const r = await startReceiver();
  receivers.push(r);
  return r;
}

const save = (url: string) => saveWebhookAction({ status: "idle" }, h.formData({ webhookUrl: url }));

async function issueManagedLink(user: SessionUser): Promise<string> {
  const link = await as(user, () => createShareLinkAction({ status: "idle" }, { connectionId, bucket, key: "report.pdf", linkType: "managed", preset: "7d" }));
  if (link.status !== "success") throw new Error(JSON.stringify(link));
  return link.data!.id;
}

/** A resolver answering from a table (this machine's DNS cannot be changed by a test). */
function resolverOf(table: Record<string, string>) {
  return (hostname: string, _options: unknown, callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => {
    const address = table[hostname];
    if (!address) return callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" }), []);
    callback(null, [{ address, family: 4 }]);
  };
}

beforeAll(async () => {
  owner = await h.createTestUser("hooks-owner");
  connectionId = await createTestConnection(owner.id, storage, { name: "Team storage" });
  const admin = adminS3For(storage);
  bucket = await h.createBucket(admin);
  await h.putObjects(admin, bucket, [{ key: "report.pdf", body: Buffer.from("bytes of report.pdf\n") }]);
  ana = await member("ana");
  ben = await member("ben");
});

beforeEach(async () => {
  const people = [owner.id, ana.id, ben.id];
  await db.webhookDelivery.deleteMany({ where: { ownerId: { in: people } } });
  await db.user.updateMany({ where: { id: { in: people } }, data: { webhookUrl: null, webhookSecretEnc: null } });
});

afterEach(async () => {
  vi.unstubAllEnvs();
  session.user = null;
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

afterAll(async () => {
  await h.deleteTestUsers(ana, ben, owner);
});

describe("each person's webhook", () => {
  it("a Member's link's download reaches the Member's receiver and the Owner's, once each; a colleague's receiver gets nothing", async () => {
    // The office's receiver is on a private network the instance trusts (WEBHOOK_TRUSTED_NETWORKS).
    vi.stubEnv("WEBHOOK_TRUSTED_NETWORKS", "127.0.0.1/32");
    const [anaHook, ownerHook, benHook] = [await receiver(), await receiver(), await receiver()];
    expect(await as(ana, () => save(anaHook.url))).toMatchObject({ status: "success", data: { secret: expect.stringMatching(/^whsec_/) } });
    expect(await as(owner, () => save(ownerHook.url))).toMatchObject({ status: "success" });
    expect(await as(ben, () => save(benHook.url))).toMatchObject({ status: "success" });

    const anaLink = await issueManagedLink(ana);
    const ownerLink = await issueManagedLink(owner);
    expect(await countDownload({ linkId: anaLink, clientAddress: "198.51.100.7", userAgent: "Wget/1.21" })).toMatchObject({ downloads: 1 });
    expect(await countDownload({ linkId: ownerLink, clientAddress: "198.51.100.8", userAgent: "Wget/1.21" })).toMatchObject({ downloads: 1 });

    for (const person of [owner, ana, ben]) await runDeliveryRound({ ownerId: person.id });
    const linksIn = (r: Receiver) => r.received.map((x) => (JSON.parse(x.body) as { link: { id: string } }).link.id).sort();
    expect(linksIn(anaHook)).toEqual([anaLink]);
    // The Owner's webhook gets every link of the team, and their own link once (they issued it and own the team).
    expect(linksIn(ownerHook)).toEqual([anaLink, ownerLink].sort());
    expect(benHook.received).toEqual([]);
    // Deliveries are keyed by the receiving person: each sees their own in Settings.
    expect(await db.webhookDelivery.count({ where: { ownerId: ana.id, deliveredAt: { not: null } } })).toBe(1);
    expect(await db.webhookDelivery.count({ where: { ownerId: owner.id, deliveredAt: { not: null } } })).toBe(2);
  });

  it("a lock-out of a Member's link by wrong passwords is told to the Member and to the Owner, once each", async () => {
    await db.user.updateMany({ where: { id: { in: [owner.id, ana.id] } }, data: { webhookUrl: "https://hooks.example.com/in" } });
    const linkId = await issueManagedLink(ana);
    const link = await db.shareLink.findUniqueOrThrow({ where: { id: linkId }, select: { id: true, ownerId: true, fileName: true } });
    let lockFailureId: bigint | undefined;
    for (let i = 1; i <= 10; i++) {
      const result = await guardedAttempt({ scope: "link-password", subject: linkId, address: `198.51.100.${i}` }, async () => false);
      if (!result.ok && result.lockFailureId !== undefined) lockFailureId = result.lockFailureId;
    }
    expect(lockFailureId).toBeDefined();
    const lockout = await lockoutStartedByFailure({ link, failureId: lockFailureId!, clientAddress: "198.51.100.10", userAgent: "curl/8", now: new Date() });
    expect(lockout).toMatchObject({ failures: 10 });
    const queued = await db.webhookDelivery.findMany({
      where: { payload: { path: ["link", "id"], equals: linkId } },
      select: { ownerId: true, payload: true },
    });
    expect(queued.map((d) => d.ownerId).sort()).toEqual([owner.id, ana.id].sort());
    expect(queued.every((d) => (d.payload as { type: string }).type === "link.password_locked")).toBe(true);
  });

  it("after Make Owner, the team's events go to the new Owner's webhook; the former Owner gets only their own links", async () => {
    const cara = await db.user.create({
      data: { name: "Admin cara", email: `cara-${h.randomSuffix()}@integration.test`, passwordHash: "x", role: "admin", teamId: owner.id },
    });
    await db.user.updateMany({ where: { id: { in: [owner.id, cara.id, ana.id] } }, data: { webhookUrl: "https://hooks.example.com/in" } });
    await handOwnership(owner, { id: cara.id });
    try {
      const linkId = await issueManagedLink(ana);
      expect(await countDownload({ linkId, clientAddress: "198.51.100.9", userAgent: "Wget/1.21" })).toMatchObject({ downloads: 1 });
      const queued = await db.webhookDelivery.findMany({ where: { payload: { path: ["link", "id"], equals: linkId } }, select: { ownerId: true } });
      expect(queued.map((d) => d.ownerId).sort()).toEqual([ana.id, cara.id].sort());
    } finally {
      await handOwnership((await loadActor(cara.id))!, { id: owner.id });
      await db.webhookDelivery.deleteMany({ where: { ownerId: cara.id } });
      await db.user.delete({ where: { id: cara.id } });
    }
  });

  it("a Member's webhook URL to a private address is refused at the field and nothing is stored", async () => {
    const hook = await receiver();
    const auditBefore = await db.auditEvent.count({ where: { actorId: ana.id } });
    for (const url of [
      hook.url,
      `http://localhost:${hook.port}/hook`,
      "http://[::ffff:127.0.0.1]/hook",
      "http://0x7f.1/hook",
      "http://169.254.169.254/latest",
      "http://10.0.0.8/in",
    ]) {
      const state = await as(ana, () => save(url));
      expect(state, url).toMatchObject({ status: "invalid", fieldErrors: { webhookUrl: [expect.stringMatching(/^This address is private/)] } });
    }
    expect(await db.user.findUniqueOrThrow({ where: { id: ana.id } })).toMatchObject({ webhookUrl: null, webhookSecretEnc: null });
    expect(await db.auditEvent.count({ where: { actorId: ana.id } })).toBe(auditBefore);
    // The Owner's may still reach their own network (self-hosted installs).
    expect(await as(owner, () => save(hook.url))).toMatchObject({ status: "success" });
  });

  it("a Member's webhook whose name resolves to a private address at delivery time is not connected to, and says why", async () => {
    const hook = await receiver();
    // Saved while the name did not resolve to anything private (here: not at all).
    const url = `http://hooks.ana-receiver.test:${hook.port}/hook`;
    expect(await as(ana, () => save(url))).toMatchObject({ status: "success" });
    const link = await issueManagedLink(ana);
    await countDownload({ linkId: link, clientAddress: "198.51.100.7", userAgent: "curl/8" });
    // Now the name points at this machine.
    const resolve = resolverOf({ "hooks.ana-receiver.test": "127.0.0.1" });
    const round = await runDeliveryRound({ ownerId: ana.id, resolve });
    expect(round.results).toMatchObject([{ state: "retrying" }]);
    expect(hook.received).toEqual([]);
    const row = await db.webhookDelivery.findFirstOrThrow({ where: { ownerId: ana.id } });
    expect(row.lastError).toBe(
      "This address is private: hooks.ana-receiver.test resolves to 127.0.0.1, and only the Owner's webhook may reach private addresses.",
    );
    expect(row.deliveredAt).toBeNull();

    // The same name and resolver for the Owner's webhook connect to the address it gave (the stand-in resolver is used).
    await as(owner, () => save(url));
    expect(await as(owner, () => sendTestWebhookAction({ status: "idle" }, {}))).toMatchObject({ status: "error" }); // the system resolver: not found
    const ownerRound = await runDeliveryRound({ ownerId: owner.id, resolve, now: () => new Date(Date.now() + 3_600_000) });
    expect(ownerRound.results.map((r) => r.state)).toContain("delivered");
    expect(hook.received.map((r) => r.event)).toContain("webhook.test");
  });

  it("a removed person's webhook stops receiving: waiting deliveries are cancelled, new events not queued", async () => {
    vi.stubEnv("WEBHOOK_TRUSTED_NETWORKS", "127.0.0.1/32");
    const benHook = await receiver();
    await as(ben, () => save(benHook.url));
    const link = await issueManagedLink(ben);
    await countDownload({ linkId: link, clientAddress: "198.51.100.7", userAgent: "curl/8" });
    expect(await as(owner, () => h.runRedirectingAction(() => removeMemberAction({ status: "idle" }, { id: ben.id, links: "keep" })))).not.toMatchObject({
      state: { status: "error" },
    });
    expect(await db.user.findUniqueOrThrow({ where: { id: ben.id } })).toMatchObject({ removedAt: expect.any(Date) });
    const round = await runDeliveryRound({ ownerId: ben.id });
    expect(round.results).toMatchObject([{ state: "failed", outcome: { error: "Cancelled: this person was removed from the team" } }]);
    // A download of the link they issued (kept working) queues nothing for them any more.
    await countDownload({ linkId: link, clientAddress: "198.51.100.7", userAgent: "curl/8" });
    expect(await db.webhookDelivery.count({ where: { ownerId: ben.id } })).toBe(1);
    expect(benHook.received).toEqual([]);
  });

  it("a Member's webhook actions are audited and touch only their own webhook, whatever the input names", async () => {
    vi.stubEnv("WEBHOOK_TRUSTED_NETWORKS", "127.0.0.1/32");
    const [ownerHook, anaHook] = [await receiver(), await receiver()];
    await as(owner, () => save(ownerHook.url));
    const ownerBefore = await db.user.findUniqueOrThrow({ where: { id: owner.id }, select: { webhookUrl: true, webhookSecretEnc: true } });
    const forged = { userId: owner.id, id: owner.id, ownerId: owner.id };
    const earlier = (await db.auditEvent.findMany({ where: { actorId: ana.id }, select: { id: true } })).map((a) => a.id);
    expect(await as(ana, () => saveWebhookAction({ status: "idle" }, { webhookUrl: anaHook.url, ...forged }))).toMatchObject({ status: "success" });
    expect(await as(ana, () => rotateWebhookSecretAction({ status: "idle" }, forged))).toMatchObject({ status: "success" });
    expect(await as(ana, () => sendTestWebhookAction({ status: "idle" }, forged))).toMatchObject({ status: "success" });
    expect(await as(ana, () => removeWebhookAction({ status: "idle" }, forged))).toMatchObject({ status: "success" });
    expect(await db.user.findUniqueOrThrow({ where: { id: owner.id }, select: { webhookUrl: true, webhookSecretEnc: true } })).toEqual(ownerBefore);
    expect(ownerHook.received).toEqual([]);
    expect(anaHook.received.map((r) => r.event)).toEqual(["webhook.test"]);
    const audit = await db.auditEvent.findMany({ where: { actorId: ana.id, kind: "settings.changed", id: { notIn: earlier } }, orderBy: { createdAt: "asc" } });
    expect(audit.map((a) => (a.details as { change: string }).change).sort()).toEqual(["new signing secret", "removed", "url changed"]);
    expect(audit.every((a) => a.teamId === owner.teamId && a.subject === "Webhook")).toBe(true);
  });
});
