import { createHmac, timingSafeEqual } from "node:crypto";
import { describe, expect, it } from "vitest";
import { DEFAULT_SCHEDULE, MAX_ATTEMPTS, RETRY_DELAYS_MS, nextRetryAt } from "@/lib/webhooks/backoff";
import { describeFailure, shorten } from "@/lib/webhooks/post";
import { guardedLookup, isBlockedAddress, webhookTargetProblem } from "@/lib/webhooks/target";
import { generateWebhookSecret, signWebhook, webhookHeaders } from "@/lib/webhooks/signature";
import { parseWebhookUrl, webhookUrlSchema } from "@/lib/validation/webhook";

/** What a receiver would write, independently of lib/webhooks: HMAC-SHA256 over "<timestamp>.<body>". */
function receiverAccepts(secret: string, headers: Record<string, string>, body: string): boolean {
  const expected = createHmac("sha256", Buffer.from(secret, "utf8"))
    .update(Buffer.from(`${headers["X-Bucketshare-Timestamp"]}.${body}`, "utf8"))
    .digest();
  const [scheme, hex] = headers["X-Bucketshare-Signature"]!.split("=");
  const given = Buffer.from(hex ?? "", "hex");
  return scheme === "sha256" && given.length === expected.length && timingSafeEqual(given, expected);
}

describe("webhook signature", () => {
  it("is sha256=<hex HMAC-SHA256(secret, '<timestamp>.<body>')>, checked with a separate HMAC computation", () => {
    // A known answer from another implementation: printf '%s' '1700000000.{"a":1}' | openssl dgst -sha256 -hmac key
    expect(signWebhook("key", 1700000000, '{"a":1}')).toBe("sha256=a438e398bfafc57e4396bb7fc2304422f0f768e965d073ca313cb52e22e6ad03");
    expect(signWebhook("key", 1700000000, '{"a":1}')).toMatch(/^sha256=[0-9a-f]{64}$/);

    const secret = generateWebhookSecret();
    const body = JSON.stringify({ type: "link.downloaded", link: { fileName: "naïve résumé.pdf" } });
    const headers = webhookHeaders({ secret, deliveryId: "42", event: "link.downloaded", body, timestamp: 1764410000 });
    expect(headers).toMatchObject({
      "Content-Type": "application/json",
      "User-Agent": "Bucketshare-Webhook/1",
      "X-Bucketshare-Event": "link.downloaded",
      "X-Bucketshare-Delivery": "42",
      "X-Bucketshare-Timestamp": "1764410000",
    });
    expect(receiverAccepts(secret, headers, body)).toBe(true);
    // Any change to the body, the timestamp or the secret breaks it.
    expect(receiverAccepts(secret, headers, body.replace("résumé", "resume"))).toBe(false);
    expect(receiverAccepts(secret, { ...headers, "X-Bucketshare-Timestamp": "1764410001" }, body)).toBe(false);
    expect(receiverAccepts(generateWebhookSecret(), headers, body)).toBe(false);
  });

  it("makes secrets of 32 random bytes", () => {
    const a = generateWebhookSecret();
    const b = generateWebhookSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(a.slice(6), "base64url")).toHaveLength(32);
    expect(a).not.toBe(b);
  });
});

describe("retry schedule", () => {
  const at = new Date("2026-11-29T10:00:00Z");
  const later = (attempts: number) => {
    const next = nextRetryAt(attempts, at);
    return next === null ? null : next.getTime() - at.getTime();
  };

  it("waits 10 s, 30 s, 2 min, 10 min, 1 h, 6 h, 12 h after each failure and gives up after the 8th attempt", () => {
    expect([1, 2, 3, 4, 5, 6, 7].map(later)).toEqual([10_000, 30_000, 120_000, 600_000, 3_600_000, 21_600_000, 43_200_000]);
    expect(MAX_ATTEMPTS).toBe(8);
    expect(later(8)).toBeNull();
    expect(later(9)).toBeNull();
    expect(RETRY_DELAYS_MS.reduce((a, b) => a + b) / 3_600_000).toBeCloseTo(19.2, 1);
  });

  it("takes a shorter schedule (repeating its last delay) and another limit", () => {
    const schedule = { delaysMs: [5, 50], maxAttempts: 4 };
    expect([1, 2, 3].map((n) => nextRetryAt(n, at, schedule)!.getTime() - at.getTime())).toEqual([5, 50, 50]);
    expect(nextRetryAt(4, at, schedule)).toBeNull();
    expect(nextRetryAt(1, at, DEFAULT_SCHEDULE)!.getTime() - at.getTime()).toBe(10_000);
  });
});

describe("webhook URL", () => {
  it.each([
    ["https://hooks.example.com/bucketshare", "https://hooks.example.com/bucketshare"],
    ["  HTTPS://Hooks.Example.COM  ", "https://hooks.example.com/"],
    ["http://127.0.0.1:8080/in?token=abc&x=1", "http://127.0.0.1:8080/in?token=abc&x=1"],
    ["http://[::1]:9000/h", "http://[::1]:9000/h"],
    ["https://example.com:443/a", "https://example.com/a"],
  ])("accepts %j as %s", (raw, url) => {
    expect(parseWebhookUrl(raw)).toEqual({ ok: true, url });
  });

  it.each([
    ["ftp://example.com/in", /full http or https URL/],
    ["javascript:alert(1)", /full http or https URL/],
    ["example.com/in", /full http or https URL/],
    ["https://user:pass@example.com/in", /Leave credentials/],
    ["https://example.com/in#x", /fragment/],
    ["https://example.com/a b", /remove spaces/],
    ["https://exa mple.com", /remove spaces/],
    ["https://example.com/a\nb", /remove/],
    ["https://example.com/<script>", /remove “<”/],
    ['https://example.com/"x"', /remove “"”/],
    ["https://h\u00f6st.example", /remove “ö”/],
    ["https://host_name/", /host name/],
    ["https://-bad-.example.com/", /host name/],
    ["https://example.com:0/", /port/],
    ["https://example.com:99999/", /full http or https URL/],
    ["https://example.com/%zz", /stray “%”/],
    [`https://example.com/${"a".repeat(2001)}`, /at most 2000/],
  ])("refuses %j", (raw, message) => {
    const check = parseWebhookUrl(raw);
    expect(check.ok).toBe(false);
    expect(check.ok ? "" : check.message).toMatch(message);
  });

  it("needs a URL in the form (removing is its own button)", () => {
    const result = webhookUrlSchema.safeParse({ webhookUrl: "   " });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({ path: ["webhookUrl"], message: expect.stringMatching(/Remove webhook/) });
  });
});

describe("delivery errors shown to the owner", () => {
  it("are short, name the cause, and carry no credentials", () => {
    expect(describeFailure(Object.assign(new Error("x"), { name: "TimeoutError" }), 5000)).toBe("No answer within 5 s");
    expect(describeFailure(new TypeError("fetch failed", { cause: { code: "ECONNREFUSED" } }), 5000)).toBe("Connection refused (ECONNREFUSED)");
    expect(describeFailure(new TypeError("fetch failed", { cause: { code: "DEPTH_ZERO_SELF_SIGNED_CERT" } }), 5000)).toMatch(/^TLS certificate not accepted/);
    expect(shorten(`failed https://u:hunter2@h/x ${"y".repeat(400)}`)).not.toContain("hunter2");
    expect(shorten("z".repeat(400))).toHaveLength(200);
  });
});

describe("webhook targets", () => {
  it("refuses link-local and cloud metadata addresses, allows loopback and private receivers, and allows all with WEBHOOK_ALLOW_PRIVATE", () => {
    for (const url of [
      "http://169.254.169.254/",
      "http://[fe80::abcd]/",
      "http://[fd00:ec2::254]/",
      "http://100.100.100.200/",
      "http://metadata.google.internal/",
    ]) {
      expect(webhookTargetProblem(url, false), url).toMatch(/WEBHOOK_ALLOW_PRIVATE=true/);
      expect(webhookTargetProblem(url, true), url).toBeNull();
    }
    for (const url of ["http://127.0.0.1:9000/in", "http://10.0.0.5/in", "http://[fd00::1]/in", "https://hooks.example.com/in", "http://100.100.100.201/"]) {
      expect(webhookTargetProblem(url, false), url).toBeNull();
    }
    expect(isBlockedAddress("::ffff:169.254.169.254")).toBe(true);
    expect(isBlockedAddress("169.255.0.1")).toBe(false);
  });

  // GCP's IPv6 metadata address, and 169.254.169.254 inside IPv6 forms that NAT64, SIIT or the
  // operating system turn back into the IPv4 address.
  const metadataInIPv6 = ["fd20:ce::254", "64:ff9b::a9fe:a9fe", "64:ff9b::169.254.169.254", "::169.254.169.254", "::a9fe:a9fe", "::ffff:0:a9fe:a9fe"];

  it("refuses the metadata service's IPv6 forms when the URL is saved", () => {
    for (const address of metadataInIPv6) {
      expect(webhookTargetProblem(`http://[${address}]/in`, false), address).toMatch(/WEBHOOK_ALLOW_PRIVATE=true/);
      expect(webhookTargetProblem(`http://[${address}]/in`, true), address).toBeNull();
    }
    for (const address of ["64:ff9b::a00:5", "::ffff:0:a00:5", "::1", "fd20:ce::253"]) {
      expect(webhookTargetProblem(`http://[${address}]/in`, false), address).toBeNull();
    }
  });

  it("refuses the metadata service's IPv6 forms at delivery, when the host name resolves to one", async () => {
    const lookup = (host: string) =>
      new Promise<{ error: NodeJS.ErrnoException | null; address: unknown }>((resolve) =>
        guardedLookup(host, {}, (error, address) => resolve({ error, address })),
      );
    for (const address of metadataInIPv6) {
      expect(isBlockedAddress(address), address).toBe(true);
      expect((await lookup(address)).error?.code, address).toBe("EBLOCKEDTARGET");
    }
    const allowed = await lookup("64:ff9b::a00:5");
    expect(allowed.error).toBeNull();
    expect(allowed.address).toBe("64:ff9b::a00:5");
  });
});
