import { describe, expect, it } from "vitest";
import { redact, redactText } from "@/lib/log";

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
});
