/**
 * Issue 18, reminders and digests: Settings → Notifications is stored per person; links about to expire
 * give their issuer ONE e-mail (at a real SMTP server) and one `link.expiring` webhook event (at a real
 * HTTP receiver) per round, each link once, also with two rounds racing; the e-mail's one-click
 * unsubscribe works with no session (POST) and a tampered token changes nothing; "Links that broke"
 * (what the health checker calls) is batched the same way and respects the choice. Real PostgreSQL,
 * real S3, the real actions; only who is signed in is stood in for.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { GET as unsubscribeGet, POST as unsubscribePost } from "@/app/unsubscribe/[token]/confirm/route";
import type { SessionUser } from "@/lib/auth/session";
import { createShareLinkAction } from "@/lib/actions/create-share-link";
import { saveNotificationsAction } from "@/lib/actions/save-notifications";
import { saveWebhookAction } from "@/lib/actions/save-webhook";
import { db } from "@/lib/db/client";
import { changeLinkExpiryTo } from "@/lib/links/manage";
import { notifyBrokenLinks } from "@/lib/notifications/broken";
import { sendDailyDigests } from "@/lib/notifications/digest";
import { sendDownloadNotices } from "@/lib/notifications/downloads";
import { sendExpiringReminders } from "@/lib/notifications/expiring";
import { getNotificationPreferences } from "@/lib/notifications/preferences";
import { countDownload } from "@/lib/recipient/count";
import { runDeliveryRound } from "@/lib/webhooks/worker";
import { createTestConnection } from "../support/api-contract";
import * as h from "../support/helpers";
import { session } from "../support/request-context";
import { type ReceivedMail, startSmtpServer } from "../support/smtp";
import { adminS3For, storageCases } from "../support/storages";

vi.mock("@/lib/auth/session", async () => (await import("../support/request-context")).sessionModule);
vi.mock("@/lib/env", async (importOriginal) => {
  const actual = await importOriginal<typeof import("@/lib/env")>();
  const getEnv = () => actual.parseEnv(process.env);
  // publicBaseUrl reads the settings inside lib/env, so it is re-derived here from the fresh ones.
  const publicBaseUrl = () => {
    const configured = getEnv().PUBLIC_URL ?? getEnv().AUTH_URL;
    return configured ? new URL(configured).origin : null;
  };
  return { ...actual, getEnv, publicBaseUrl };
});

const storage = storageCases()[0]!;
const DAY = 86_400_000;
let owner: SessionUser;
let connectionId: string;
let bucket: string;
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let hook: { url: string; received: { event: string; body: string }[]; close: () => Promise<void> };

async function as<T>(user: SessionUser, run: () => Promise<T>): Promise<T> {
  session.user = user;
  try {
    return await run();
  } finally {
    session.user = null;
  }
}

async function startReceiver() {
  const received: { event: string; body: string }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ event: String(req.headers["x-bucketshare-event"]), body: Buffer.concat(chunks).toString("utf8") });
      res.writeHead(200).end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hook`, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

async function issue(key: string, expiresInMs: number): Promise<string> {
  const link = await as(owner, () => createShareLinkAction({ status: "idle" }, { connectionId, bucket, key, linkType: "managed", preset: "7d" }));
  if (link.status !== "success") throw new Error(JSON.stringify(link));
  const at = new Date(Date.now() + expiresInMs);
  await db.shareLink.update({ where: { id: link.data!.id }, data: { expiresAt: at, requestedExpiresAt: at, expiresSoonAt: at } });
  return link.data!.id;
}

function header(mail: ReceivedMail, name: string): string | undefined {
  return mail.mail.headerLines.find((l) => l.key === name.toLowerCase())?.line.replace(/^[^:]+:\s*/, "");
}

function tokenOf(url: string): string {
  return new URL(url).pathname.split("/")[2]!;
}

const post = (token: string, body = "") =>
  unsubscribePost(
    new Request(`http://bucketshare.test/unsubscribe/${token}/confirm`, {
      method: "POST",
      body,
      headers: { "content-type": "application/x-www-form-urlencoded" },
    }),
    {
      params: Promise.resolve({ token }),
    },
  );

beforeAll(async () => {
  smtp = await startSmtpServer();
  hook = await startReceiver();
  owner = await h.createTestUser("notify-owner");
  connectionId = await createTestConnection(owner.id, storage, { name: "Notify storage" });
  const admin = adminS3For(storage);
  bucket = await h.createBucket(admin);
  await h.putObjects(
    admin,
    bucket,
    ["a.pdf", "b.pdf", "c.pdf", "later.pdf", "revoked.pdf", "each-a.pdf", "each-b.pdf"].map((key) => ({ key, body: Buffer.from(`bytes of ${key}`) })),
  );
});

beforeEach(async () => {
  vi.stubEnv("SMTP_URL", smtp.url);
  vi.stubEnv("PUBLIC_URL", "http://bucketshare.test");
  vi.stubEnv("WEBHOOK_TRUSTED_NETWORKS", "127.0.0.1/32");
  smtp.received.splice(0);
  hook.received.splice(0);
  await db.webhookDelivery.deleteMany({ where: { ownerId: owner.id } });
  await db.shareLink.deleteMany({ where: { ownerId: owner.id } });
  await db.user.update({
    where: { id: owner.id },
    data: {
      notifyExpiring: true,
      notifyExpiringDays: 2,
      notifyBroken: true,
      notifyByEmail: true,
      notifyByWebhook: true,
      webhookUrl: null,
      webhookSecretEnc: null,
    },
  });
});

afterEach(() => {
  vi.unstubAllEnvs();
  session.user = null;
});

afterAll(async () => {
  await smtp.close();
  await hook.close();
  await h.deleteTestUsers(owner);
});

describe("Settings → Notifications", () => {
  it("saves each person's choices and refuses a number of days out of range, changing nothing", async () => {
    const saved = await as(owner, () =>
      saveNotificationsAction({ status: "idle" }, h.formData({ expiringDays: "5", broken: "on", downloads: "digest", byEmail: "on" })),
    );
    expect(saved).toMatchObject({ status: "success", message: "Notification settings saved." });
    expect(await getNotificationPreferences(owner.id)).toEqual({
      expiring: false,
      expiringDays: 5,
      broken: true,
      downloads: "digest",
      uploads: false,
      byEmail: true,
      byWebhook: false,
    });
    const refused = await as(owner, () => saveNotificationsAction({ status: "idle" }, h.formData({ expiring: "on", expiringDays: "0", downloads: "off" })));
    expect(refused).toMatchObject({ status: "invalid", fieldErrors: { expiringDays: ["At least 1 day."] } });
    expect((await getNotificationPreferences(owner.id)).expiringDays).toBe(5);
    expect(await saveNotificationsAction({ status: "idle" }, h.formData({ expiringDays: "3", downloads: "off" }))).toMatchObject({ status: "unauthorized" });
  });
});

describe("links about to expire", () => {
  it("three links expiring within the days give one e-mail and one link.expiring event; a later round sends nothing again", async () => {
    expect(await as(owner, () => saveWebhookAction({ status: "idle" }, h.formData({ webhookUrl: hook.url })))).toMatchObject({ status: "success" });
    const soon = [await issue("a.pdf", DAY), await issue("b.pdf", DAY / 2), await issue("c.pdf", 1.5 * DAY)];
    const later = await issue("later.pdf", 5 * DAY);
    const revoked = await issue("revoked.pdf", DAY);
    await db.shareLink.update({ where: { id: revoked }, data: { revokedAt: new Date() } });

    expect(await sendExpiringReminders()).toEqual({ mails: 1, events: 1, links: 3 });
    expect(smtp.received).toHaveLength(1);
    const mail = smtp.received[0]!;
    expect(mail.envelopeTo).toEqual([owner.email]);
    expect(mail.mail.subject).toBe("3 links about to expire");
    for (const name of ["a.pdf", "b.pdf", "c.pdf"]) expect(mail.mail.text).toContain(name);
    expect(mail.mail.text).not.toContain("later.pdf");
    expect(mail.mail.text).not.toContain("revoked.pdf");
    // The header's URL is the one a mail client's one-click POST unsubscribes at (RFC 8058), not the page.
    expect(header(mail, "List-Unsubscribe")).toMatch(/^<http:\/\/bucketshare\.test\/unsubscribe\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\/confirm>$/);
    expect(header(mail, "List-Unsubscribe-Post")).toBe("List-Unsubscribe=One-Click");

    await runDeliveryRound({ ownerId: owner.id });
    expect(hook.received).toHaveLength(1);
    expect(hook.received[0]!.event).toBe("link.expiring");
    const event = JSON.parse(hook.received[0]!.body) as { type: string; links: { id: string }[] };
    expect(event.type).toBe("link.expiring");
    expect(event.links.map((l) => l.id).sort()).toEqual([...soon].sort());

    expect(await sendExpiringReminders()).toEqual({ mails: 0, events: 0, links: 0 });
    expect(smtp.received).toHaveLength(1);
    // Once the later link enters the window, it gets its own reminder.
    expect(await sendExpiringReminders({ now: new Date(Date.now() + 3.5 * DAY) })).toMatchObject({ mails: 1, links: 1 });
    expect(smtp.received[1]!.mail.subject).toBe("1 link about to expire");
    expect(smtp.received[1]!.mail.text).toContain("later.pdf");
    expect(later).toBeTruthy();
  });

  it("a reminded link that is extended is reminded again before its new end", async () => {
    const id = await issue("a.pdf", DAY);
    expect(await sendExpiringReminders()).toMatchObject({ mails: 1, links: 1 });
    await as(owner, () => changeLinkExpiryTo(owner, id, { mode: "preset", preset: "7d" }));
    expect(await sendExpiringReminders()).toMatchObject({ mails: 0, links: 0 });
    expect(await sendExpiringReminders({ now: new Date(Date.now() + 5.5 * DAY) })).toMatchObject({ mails: 1, links: 1 });
    expect(smtp.received.map((m) => m.mail.subject)).toEqual(["1 link about to expire", "1 link about to expire"]);
  });

  it("two rounds racing remind each link once", async () => {
    await Promise.all(["a.pdf", "b.pdf", "c.pdf"].map((k) => issue(k, DAY)));
    const [one, two] = await Promise.all([sendExpiringReminders(), sendExpiringReminders()]);
    expect(one.links + two.links).toBe(3);
    const named = smtp.received.flatMap((m) => ["a.pdf", "b.pdf", "c.pdf"].filter((k) => m.mail.text?.includes(k)));
    expect(named.sort()).toEqual(["a.pdf", "b.pdf", "c.pdf"]);
  });

  it("an SMTP server that is not there fails the round and gives the links back for the retry", async () => {
    await issue("a.pdf", DAY);
    vi.stubEnv("SMTP_URL", `smtp://127.0.0.1:${await h.closedPort()}`);
    await expect(sendExpiringReminders()).rejects.toThrow(/could not be e-mailed.*could not be reached/);
    vi.stubEnv("SMTP_URL", smtp.url);
    expect(await sendExpiringReminders()).toMatchObject({ mails: 1, links: 1 });
  });

  it("the unsubscribe link works without a session (POST); a tampered one is refused and changes nothing", async () => {
    await issue("a.pdf", DAY);
    await sendExpiringReminders();
    const url = header(smtp.received[0]!, "List-Unsubscribe")!.slice(1, -1);
    const token = tokenOf(url);
    expect(session.user).toBeNull();

    const [payload, mac] = token.split(".") as [string, string];
    const tampered = [
      `${payload}.${mac.slice(0, -2)}${mac.endsWith("AA") ? "BB" : "AA"}`,
      `${Buffer.from(JSON.stringify({ p: "someoneelse1", k: "expiring" })).toString("base64url")}.${mac}`,
    ];
    tampered.push("%E0%A4%A", "", `${token}.x`);
    for (const bad of tampered) {
      const refused = await post(bad);
      expect(refused.status).toBe(400);
      expect(await refused.text()).toContain("not valid");
    }
    expect((await getNotificationPreferences(owner.id)).expiring).toBe(true);
    // The header's URL opened by a browser or a previewer (GET) leads to the page and changes nothing.
    expect(new URL(url).pathname).toBe(`/unsubscribe/${token}/confirm`);
    const opened = await unsubscribeGet(new Request(url), { params: Promise.resolve({ token }) });
    expect(opened.status).toBe(303);
    expect(opened.headers.get("location")).toBe(`/unsubscribe/${token}`);
    expect((await getNotificationPreferences(owner.id)).expiring).toBe(true);

    const done = await post(token);
    expect(done.status).toBe(303);
    expect(done.headers.get("location")).toBe(`/unsubscribe/${token}?done=1`);
    expect((await getNotificationPreferences(owner.id)).expiring).toBe(false);

    // A mail client's one-click POST (RFC 8058) gets a plain answer.
    const oneClick = await post(token, "List-Unsubscribe=One-Click");
    expect(oneClick.status).toBe(200);

    await issue("b.pdf", DAY);
    expect(await sendExpiringReminders()).toEqual({ mails: 0, events: 0, links: 0 });
  });
});

describe("links that broke (for the health checker)", () => {
  it("one e-mail and one link.broken event for all of a person's broken links; nothing when they turned it off", async () => {
    expect(await as(owner, () => saveWebhookAction({ status: "idle" }, h.formData({ webhookUrl: hook.url })))).toMatchObject({ status: "success" });
    const [a, b] = [await issue("a.pdf", 5 * DAY), await issue("b.pdf", 5 * DAY)];
    expect(
      await notifyBrokenLinks(owner.id, [
        { id: a, health: "missing" },
        { id: b, health: "changed" },
      ]),
    ).toEqual({ mailed: true, webhook: true });
    expect(smtp.received).toHaveLength(1);
    expect(smtp.received[0]!.mail.subject).toBe("2 links stopped working");
    expect(smtp.received[0]!.mail.text).toContain("a.pdf: Missing");
    expect(smtp.received[0]!.mail.text).toContain("b.pdf: Changed");
    expect(header(smtp.received[0]!, "List-Unsubscribe")).toMatch(/unsubscribe/);
    await runDeliveryRound({ ownerId: owner.id });
    expect(hook.received.map((r) => r.event)).toEqual(["link.broken"]);
    expect(JSON.parse(hook.received[0]!.body)).toMatchObject({
      type: "link.broken",
      links: [
        { id: a, health: "missing" },
        { id: b, health: "changed" },
      ],
    });

    // Another team's link id is not named.
    expect(await notifyBrokenLinks(owner.id, [{ id: "cnotthisteamslink0000000", health: "missing" }])).toEqual({ mailed: false, webhook: false });
    await db.user.update({ where: { id: owner.id }, data: { notifyBroken: false } });
    expect(await notifyBrokenLinks(owner.id, [{ id: a, health: "missing" }])).toEqual({ mailed: false, webhook: false });
    expect(smtp.received).toHaveLength(1);
  });
});

describe("downloads: daily digest", () => {
  it("one e-mail and one digest.daily event counting the day's downloads of each link; nothing twice, nothing when off", async () => {
    expect(await as(owner, () => saveWebhookAction({ status: "idle" }, h.formData({ webhookUrl: hook.url })))).toMatchObject({ status: "success" });
    const [a, b] = [await issue("a.pdf", 5 * DAY), await issue("b.pdf", 5 * DAY)];
    await db.linkEvent.createMany({ data: [a, a, b, a].map((linkId) => ({ linkId, outcome: "download" })) });
    await db.linkEvent.create({ data: { linkId: b, outcome: "page_view" } });
    await db.user.update({ where: { id: owner.id }, data: { notifyDownloads: "off", downloadsDigestAt: null } });
    expect(await sendDailyDigests()).toEqual({ mails: 0, events: 0 });

    await db.user.update({ where: { id: owner.id }, data: { notifyDownloads: "digest" } });
    const [first, second] = await Promise.all([sendDailyDigests(), sendDailyDigests()]);
    expect(first.mails + second.mails).toBe(1);
    expect(smtp.received).toHaveLength(1);
    expect(smtp.received[0]!.mail.subject).toBe("4 downloads of your links today");
    expect(smtp.received[0]!.mail.text).toContain("a.pdf: 3 downloads");
    expect(smtp.received[0]!.mail.text).toContain("b.pdf: 1 download");
    expect(header(smtp.received[0]!, "List-Unsubscribe")).toMatch(/unsubscribe/);
    await runDeliveryRound({ ownerId: owner.id });
    expect(hook.received.map((r) => r.event)).toEqual(["digest.daily"]);
    expect(JSON.parse(hook.received[0]!.body)).toMatchObject({
      type: "digest.daily",
      downloads: 4,
      links: [
        { id: a, downloads: 3 },
        { id: b, downloads: 1 },
      ],
    });
    expect(await sendDailyDigests({ now: new Date(Date.now() + 3_600_000) })).toEqual({ mails: 0, events: 0 });
    await db.user.update({ where: { id: owner.id }, data: { notifyDownloads: "off", downloadsDigestAt: null } });
  });
});

describe("downloads: each download", () => {
  it("one e-mail per round naming every download since the last one, never a download twice, nothing when off", async () => {
    const [a, b] = [await issue("each-a.pdf", 5 * DAY), await issue("each-b.pdf", 5 * DAY)];
    const download = (linkId: string) => countDownload({ linkId, clientAddress: "203.0.113.9", userAgent: "curl/8" });
    expect(
      await as(owner, () => saveNotificationsAction({ status: "idle" }, h.formData({ expiringDays: "2", downloads: "off", byEmail: "on" }))),
    ).toMatchObject({
      status: "success",
    });
    await download(a);
    expect(await sendDownloadNotices()).toEqual({ mails: 0 });

    // Choosing "each" starts the window then: the download before it is not e-mailed.
    expect(
      await as(owner, () => saveNotificationsAction({ status: "idle" }, h.formData({ expiringDays: "2", downloads: "each", byEmail: "on" }))),
    ).toMatchObject({
      status: "success",
    });
    expect((await as(owner, () => getNotificationPreferences(owner.id))).downloads).toBe("each");
    expect(await sendDownloadNotices()).toEqual({ mails: 0 });
    await download(a);
    await download(b);
    await download(a);
    // Two instances' rounds at once: one e-mail.
    const [first, second] = await Promise.all([sendDownloadNotices(), sendDownloadNotices()]);
    expect(first.mails + second.mails).toBe(1);
    expect(smtp.received).toHaveLength(1);
    const mail = smtp.received[0]!;
    expect(mail.mail.subject).toBe("3 downloads of your links");
    expect(mail.mail.text).toMatch(/each-a\.pdf: downloaded 2 times, last /);
    expect(mail.mail.text).toMatch(/each-b\.pdf: downloaded once, last /);
    expect(header(mail, "List-Unsubscribe")).toMatch(/unsubscribe/);
    expect(await sendDownloadNotices()).toEqual({ mails: 0 });

    // The next download is the next e-mail, alone.
    await download(b);
    expect(await sendDownloadNotices()).toEqual({ mails: 1 });
    expect(smtp.received[1]!.mail.subject).toBe("each-b.pdf was downloaded");
    expect(smtp.received[1]!.mail.text).not.toContain("each-a.pdf");

    await as(owner, () => saveNotificationsAction({ status: "idle" }, h.formData({ expiringDays: "2", downloads: "off", byEmail: "on" })));
    await download(b);
    expect(await sendDownloadNotices()).toEqual({ mails: 0 });
    expect(smtp.received).toHaveLength(2);
  });
});
