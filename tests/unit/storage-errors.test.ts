import { describe, expect, it } from "vitest";
import { describeStorageError } from "@/lib/storage/errors";

/** Errors shaped as the AWS SDK v3 and Node raise them. */
function s3Error(name: string, status: number) {
  return Object.assign(new Error(`${name} message with X-Amz-Signature=abc`), { name, $metadata: { httpStatusCode: status } });
}

function networkError(code: string) {
  return Object.assign(new Error(`connect ${code} 10.0.0.1:443`), { code });
}

describe("describeStorageError", () => {
  it.each([
    [s3Error("SignatureDoesNotMatch", 403), "bad_credentials", "Wrong access key or secret", "edit"],
    [s3Error("InvalidAccessKeyId", 403), "bad_credentials", "Wrong access key or secret", "edit"],
    [s3Error("AccessDenied", 403), "access_denied", "Access denied", "edit"],
    [s3Error("NoSuchBucket", 404), "no_such_bucket", "Bucket not found", "edit"],
    [s3Error("NoSuchKey", 404), "no_such_key", "Object not found", "none"],
    [s3Error("AuthorizationHeaderMalformed", 400), "wrong_region", "Wrong region or endpoint", "edit"],
    [s3Error("PermanentRedirect", 301), "wrong_region", "Wrong region or endpoint", "edit"],
    [s3Error("RequestTimeTooSkewed", 403), "clock_skew", "This server's clock is off", "retry"],
    [s3Error("ExpiredToken", 400), "expired_credentials", "Temporary credentials have expired", "edit"],
    [networkError("ENOTFOUND"), "unreachable", "Endpoint unreachable", "edit"],
    [networkError("ECONNREFUSED"), "unreachable", "Endpoint unreachable", "retry"],
    [networkError("CERT_HAS_EXPIRED"), "tls", "Secure connection failed", "edit"],
    [networkError("DEPTH_ZERO_SELF_SIGNED_CERT"), "tls", "Secure connection failed", "edit"],
    [Object.assign(new Error("timed out"), { name: "TimeoutError" }), "timeout", "Storage did not answer in time", "retry"],
    [new Error("something odd"), "unknown", "Storage request failed", "retry"],
  ])("%s → %s", (error, problem, title, fix) => {
    const info = describeStorageError(error);
    expect(info).toMatchObject({ problem, title, fix });
  });

  it("finds the network cause wrapped inside an SDK error", () => {
    const wrapped = Object.assign(new Error("fetch failed"), { cause: networkError("ECONNREFUSED") });
    expect(describeStorageError(wrapped).problem).toBe("unreachable");
  });

  it("never repeats the raw message, which can quote a signed request", () => {
    for (const error of [s3Error("AccessDenied", 403), s3Error("Weird", 500)]) {
      expect(JSON.stringify(describeStorageError(error))).not.toContain("X-Amz-Signature");
    }
  });
});
