import { describe, expect, it, vi } from "vitest";
import { generateApiToken } from "@/lib/api/tokens";
import { log, MAX_DEPTH, redact, redactText } from "@/lib/log";

const signed =
  "https://bucket.s3.amazonaws.com/a.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAEXAMPLE%2F20261122%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20261122T000000Z&X-Amz-Expires=3600&X-Amz-Security-Token=FQoGZXIvYXdzEXAMPLE&X-Amz-SignedHeaders=host&X-Amz-Signature=abcdef0123456789";

describe("redaction", () => {
  it("removes signature, credential and session token from signed URLs", () => {
    const out = redactText(`fetch failed for ${signed}`);
    expect(out).not.toContain("abcdef0123456789");
    expect(out).not.toContain("AKIAEXAMPLE");
    expect(out).not.toContain("FQoGZXIvYXdzEXAMPLE");
    expect(out).toContain("X-Amz-Signature=[redacted]");
    expect(out).toContain("X-Amz-Expires=3600");
  });

  it("removes passwords from connection strings", () => {
    expect(redactText("postgresql://app:hunter2@db:5432/x")).toBe("postgresql://app:[redacted]@db:5432/x");
  });

  it("redacts secret fields at any depth, and error messages", () => {
    const out = JSON.stringify(
      redact({
        email: "a@b.co",
        password: "correct horse battery",
        connection: { secretAccessKey: "wJalr", accessKeyId: "AKIA1" },
        error: new Error(`denied ${signed}`),
      }),
    );
    expect(out).not.toMatch(/correct horse|wJalr|abcdef0123456789/);
    expect(out).toContain("a@b.co");
    expect(out).toContain("AKIA1");
  });

  it("removes a percent-encoded signature (a signed URL inside another URL's query)", () => {
    const once = `https://app.test/next?to=${encodeURIComponent(signed)}`;
    const out = redactText(once);
    expect(out).not.toMatch(/abcdef0123456789|AKIAEXAMPLE|FQoGZXIvYXdzEXAMPLE/);
    expect(out).toContain("X-Amz-Signature%3D[redacted]");
    expect(out).toContain("X-Amz-Expires%3D3600"); // the rest stays readable
  });

  it("removes a double-encoded signature", () => {
    const twice = encodeURIComponent(`https://app.test/next?to=${encodeURIComponent(signed)}`);
    const out = redactText(twice);
    expect(out).not.toMatch(/abcdef0123456789|AKIAEXAMPLE|FQoGZXIvYXdzEXAMPLE/);
    expect(out).toContain("X-Amz-Signature%253D[redacted]");
  });

  it("removes Authorization header text and its signature", () => {
    const header =
      "Authorization: AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20261122/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=fe5f80f77d5fa3beca038a248ff027d0445342fe2855ddc963176630326f1024";
    const out = redactText(`request failed\n${header}\nHost: s3.test`);
    expect(out).not.toMatch(/fe5f80f77d5fa3be|AKIAEXAMPLE/);
    expect(out).toContain("Authorization: [redacted]");
    expect(out).toContain("Host: s3.test");
    // Without the header name, as the SDK's messages sometimes quote it.
    const bare = redactText(header.slice("Authorization: ".length));
    expect(bare).not.toMatch(/fe5f80f77d5fa3be|AKIAEXAMPLE/);
    expect(bare).toContain("SignedHeaders=host;x-amz-date");
  });

  it("removes a database password that contains @", () => {
    expect(redactText("connect postgresql://u:p@ss@db.example:5432/app failed")).toBe("connect postgresql://u:[redacted]@db.example:5432/app failed");
    expect(redactText("postgres://bucketshare:a@b@c@127.0.0.1/db?sslmode=require")).toBe("postgres://bucketshare:[redacted]@127.0.0.1/db?sslmode=require");
  });

  it("removes API tokens (bks_…) from any string, whole or cut short, and keeps the rest", () => {
    const token = generateApiToken();
    const secret = token.slice(4);
    expect(redactText(`curl -H 'X-Token: ${token}' /api/v1/objects`)).toBe("curl -H 'X-Token: bks_[redacted]' /api/v1/objects");
    expect(redactText(`token=${token}&next=1`)).toBe("token=bks_[redacted]&next=1");
    expect(redactText(`${token.slice(0, 20)}…`)).toBe("bks_[redacted]…");
    expect(redactText(`two: ${token},${generateApiToken()}.`)).toBe("two: bks_[redacted],bks_[redacted].");
    expect(redactText(redactText(token))).toBe("bks_[redacted]");
    const out = JSON.stringify(
      redact({ note: `sent ${token}`, list: [token], error: new Error(`refused ${token}`), nested: { deeper: { text: `x${token}` } } }),
    );
    expect(out).not.toContain(secret);
    expect(out.match(/bks_\[redacted\]/g)).toHaveLength(4);
  });

  it("returns values past the depth limit as [truncated], never as they are", () => {
    let deep: Record<string, unknown> = { note: `see ${signed}`, inner: { url: "x" } };
    for (let i = 0; i < MAX_DEPTH + 3; i++) deep = { level: deep };
    const out = JSON.stringify(redact(deep));
    expect(out).toContain('"[truncated]"');
    expect(out).not.toMatch(/abcdef0123456789|AKIAEXAMPLE/);
    const cyclic: Record<string, unknown> = { name: "loop" };
    cyclic.self = cyclic;
    expect(JSON.stringify(redact(cyclic))).toContain('"[truncated]"');
  });

  it("keeps values within the depth limit", () => {
    expect(redact({ a: { b: { c: "plain" } } })).toEqual({ a: { b: { c: "plain" } } });
  });

  it("writes dates as ISO strings at any depth, not as {}", () => {
    const when = new Date("2026-12-06T20:30:00.000Z");
    const out = JSON.stringify(redact({ nextAttemptAt: when, job: { runs: [{ at: when }] }, bad: new Date(Number.NaN), password: when }));
    expect(out).not.toContain("{}");
    expect(out).toContain('"nextAttemptAt":"2026-12-06T20:30:00.000Z"');
    expect(out).toContain('"runs":[{"at":"2026-12-06T20:30:00.000Z"}]');
    expect(out).toContain('"bad":"Invalid Date"');
    expect(out).toContain('"password":"[redacted]"');
  });

  it("prints a date in a log line", () => {
    const lines: string[] = [];
    const spy = vi.spyOn(process.stderr, "write").mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    try {
      log.warn("webhook.retry", { nextAttemptAt: new Date("2026-12-06T20:30:00.000Z") });
    } finally {
      spy.mockRestore();
    }
    expect(JSON.parse(lines.join(""))).toMatchObject({ event: "webhook.retry", nextAttemptAt: "2026-12-06T20:30:00.000Z" });
  });
});
