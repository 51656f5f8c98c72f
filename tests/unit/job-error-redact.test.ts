import { describe, expect, it } from "vitest";
import { redactError } from "@/lib/jobs/redact";

describe("errors shown in Background jobs", () => {
  it("lose URL credentials, signed query strings, webhook signatures, secrets and tokens", () => {
    const shown = redactError(
      "POST https://hook:hunter2@receiver.example/in?token=tok_abc&X-Amz-Signature=deadbeef failed: X-Bucketshare-Signature: sha256=0123456789abcdef0123456789abcdef, secret whsec_s3cr3tValue, Authorization: Bearer eyJhbGciOi, token bks_AbCdEf123456789",
    );
    expect(shown).toContain("POST https://[redacted]@receiver.example/in?token=[redacted]");
    for (const secret of ["hunter2", "tok_abc", "deadbeef", "0123456789abcdef", "s3cr3tValue", "eyJhbGciOi", "AbCdEf123456789"]) {
      expect(shown).not.toContain(secret);
    }
  });

  it("keeps plain errors as they are, and long ones short", () => {
    expect(redactError("The upload e-mail could not be sent (0 sent in this round): the SMTP server did not answer in time")).toBe(
      "The upload e-mail could not be sent (0 sent in this round): the SMTP server did not answer in time",
    );
    expect(redactError("x ".repeat(600))).toHaveLength(500);
  });
});
