/**
 * Invites by e-mail against a real SMTP server (smtp-server, started here) and the real database:
 * with SMTP_URL the invite arrives at the invited address and its link works; without SMTP_URL
 * nothing is sent; with an SMTP server that is not there the invite is still made, the answer says
 * the e-mail failed, within a bounded time, and the link is never logged.
 */
import { type AddressInfo, createServer, type Socket } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { Browser, browser } from "../support/browser";
import { closedPort, formData, randomSuffix } from "../support/helpers";
import { type ReceivedMail, startSmtpServer } from "../support/smtp";
import { acceptInviteAction } from "@/lib/actions/accept-invite";
import { inviteMemberAction, type CreatedInviteData } from "@/lib/actions/invite-member";
import type { ActionState } from "@/lib/actions/safe-action";
import { signInAction } from "@/lib/actions/sign-in";
import { hashPassword } from "@/lib/auth/password";
import { db } from "@/lib/db/client";
import { parseEnv } from "@/lib/env";

vi.mock("next/headers", async () => (await import("../support/browser")).headersModule);
// The settings are read afresh on each call here, so each test can set SMTP_URL its own way.
vi.mock("@/lib/env", async (importOriginal) => {
  const actual = await importOriginal<typeof import("@/lib/env")>();
  return { ...actual, getEnv: () => actual.parseEnv(process.env) };
});

const PASSWORD = "invite-mail-owner-password";
const suffix = randomSuffix();
const idle = { status: "idle" } as const;
const ownerBrowser = new Browser("MailOwner/1.0");
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let ownerId: string;

async function as<T>(b: Browser, run: () => Promise<T>): Promise<T> {
  browser.current = b;
  return run();
}

function invite(email: string, role = "admin"): Promise<ActionState<CreatedInviteData>> {
  return as(ownerBrowser, () => inviteMemberAction(idle, formData({ email, role })));
}

/** Everything the app wrote to stdout/stderr while `run` ran (at LOG_LEVEL debug). */
async function capturingLogs<T>(run: () => Promise<T>): Promise<{ result: T; logs: string }> {
  const lines: string[] = [];
  const keep = (chunk: unknown) => {
    lines.push(String(chunk));
    return true;
  };
  const out = vi.spyOn(process.stdout, "write").mockImplementation(keep);
  const err = vi.spyOn(process.stderr, "write").mockImplementation(keep);
  vi.stubEnv("LOG_LEVEL", "debug");
  try {
    return { result: await run(), logs: lines.join("") };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

beforeAll(async () => {
  smtp = await startSmtpServer();
  const owner = await db.user.create({ data: { name: "Olga Mailer", email: `owner-${suffix}@mail.test`, passwordHash: await hashPassword(PASSWORD) } });
  ownerId = owner.id;
  await as(ownerBrowser, async () => {
    expect(await signInAction(idle, formData({ email: owner.email, password: PASSWORD }))).toMatchObject({ status: "success" });
  });
});

afterEach(() => {
  vi.unstubAllEnvs();
});

afterAll(async () => {
  await smtp.close();
  await db.invite.deleteMany({ where: { teamId: ownerId } });
  await db.user.deleteMany({ where: { teamId: ownerId } });
  await db.user.deleteMany({ where: { id: ownerId } });
});

describe("invite e-mail", () => {
  it("with SMTP_URL the invite arrives at the invited address, and the link in it lets them join", async () => {
    vi.stubEnv("SMTP_URL", smtp.url);
    vi.stubEnv("PUBLIC_URL", "https://share.example.test");
    const email = `ada-${suffix}@mail.test`;
    const arriving = smtp.next();
    const { result: state, logs } = await capturingLogs(() => invite(email));
    expect(state).toMatchObject({ status: "success", data: { email, mail: "sent" } });
    const path = (state as { data: CreatedInviteData }).data.path;
    const token = path.slice("/invite/".length);

    const received: ReceivedMail = await arriving;
    expect(received.envelopeTo).toEqual([email]);
    expect(received.mail.to).toMatchObject({ value: [{ address: email }] });
    expect(received.mail.from?.value[0]?.address).toBe("bucketshare@share.example.test");
    expect(received.mail.subject).toBe("Olga Mailer invited you to Bucketshare");
    // The link is absolute (on PUBLIC_URL, else the address the inviter's browser used).
    const link = /https?:\/\/\S+\/invite\/\S+/.exec(received.mail.text ?? "")?.[0];
    expect(link?.endsWith(path)).toBe(true);
    expect(received.mail.text).toContain("as an Admin");
    expect(received.mail.text).toMatch(/valid until \d{1,2} \w{3} \d{4}/);
    expect(received.mail.html).toContain(`href="${link}"`);
    // Neither the link nor its token is logged.
    expect(logs).toContain("member.invited");
    expect(logs).not.toContain(token);

    // The link from the e-mail works: accepting it makes them an Admin of the team.
    const fromMail = /\/invite\/([A-Za-z0-9_-]{32})/.exec(received.mail.text ?? "")?.[1];
    expect(fromMail).toBe(token);
    const newcomer = new Browser("Ada/1.0");
    const accepted = await as(newcomer, () =>
      acceptInviteAction(idle, formData({ token: fromMail!, name: "Ada", password: "ada-password-1234", confirmPassword: "ada-password-1234" })),
    );
    expect(accepted).toMatchObject({ status: "success", reloadTo: "/buckets" });
    expect(await db.user.findUniqueOrThrow({ where: { email }, select: { role: true, teamId: true } })).toEqual({ role: "admin", teamId: ownerId });
  });

  it("without SMTP_URL nothing is sent and the answer says to copy the link", async () => {
    vi.stubEnv("SMTP_URL", "");
    const before = smtp.received.length;
    const email = `bo-${suffix}@mail.test`;
    const state = await invite(email);
    expect(state).toMatchObject({ status: "success", data: { email, mail: "off" }, message: expect.stringMatching(/Copy the link now/) });
    await new Promise((r) => setTimeout(r, 300));
    expect(smtp.received.length).toBe(before);
  });

  it("an SMTP server that is not there: the invite is still made, the answer says the e-mail failed, in under 10 s, and the link is not logged", async () => {
    vi.stubEnv("SMTP_URL", `smtp://user:hunter2-secret@127.0.0.1:${await closedPort()}`);
    const email = `cy-${suffix}@mail.test`;
    const started = Date.now();
    const { result: state, logs } = await capturingLogs(() => invite(email));
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(state).toMatchObject({
      status: "success",
      data: { email, mail: "failed" },
      message: `Invite for ${email} created. The e-mail could not be sent: copy the link instead.`,
    });
    const token = (state as { data: CreatedInviteData }).data.path.slice("/invite/".length);
    expect(await db.invite.count({ where: { teamId: ownerId, email, revokedAt: null, acceptedAt: null } })).toBe(1);
    expect(logs).toContain("mail.failed");
    expect(logs).not.toContain(token);
    expect(logs).not.toContain("hunter2-secret");
  });
});

describe("a server that never answers", () => {
  it("accepts the connection but sends no greeting: the invite is still made and the answer says the e-mail failed, in under 10 s", async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    try {
      vi.stubEnv("SMTP_URL", `smtp://127.0.0.1:${(silent.address() as AddressInfo).port}`);
      const email = `di-${suffix}@mail.test`;
      const started = Date.now();
      const state = await invite(email, "member");
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(state).toMatchObject({
        status: "success",
        data: { email, mail: "failed" },
        message: expect.stringMatching(/The e-mail could not be sent: copy the link instead/),
      });
      expect(await db.invite.count({ where: { teamId: ownerId, email } })).toBe(1);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  }, 15_000);
});

describe("SMTP_URL setting", () => {
  it("a malformed SMTP_URL stops start-up with a clear line that does not repeat it", () => {
    expect(() => parseEnv({ SMTP_URL: "mail.example.com:25" })).toThrow(/Invalid SMTP_URL: expected an smtp:\/\/ or smtps:\/\/ URL/);
    expect(() => parseEnv({ SMTP_URL: "https://user:pw@mail.example.com" })).toThrow(/Invalid SMTP_URL.*\(got \d+ characters\)/);
    expect(parseEnv({ SMTP_URL: "smtps://user:pw@mail.example.com:465" }).SMTP_URL).toBe("smtps://user:pw@mail.example.com:465");
    expect(parseEnv({}).SMTP_URL).toBeUndefined();
  });
});
