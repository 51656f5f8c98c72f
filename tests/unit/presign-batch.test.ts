import { describe, expect, it } from "vitest";
import { contentDisposition } from "@/lib/links/content-disposition";
import { createBatchPresigner } from "@/lib/storage/presign-batch";
import { createUrlPresigner, type PresignTarget } from "@/lib/storage/presign";

const credentials = { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" };
const targets: [string, PresignTarget][] = [
  ["path-style with a port", { endpoint: "http://127.0.0.1:9000", region: "us-east-1", forcePathStyle: true, credentials }],
  ["virtual-hosted", { endpoint: "https://s3.eu-west-3.amazonaws.com", region: "eu-west-3", forcePathStyle: false, credentials }],
  [
    "a path prefix and a session token",
    {
      endpoint: "https://gw.example.com:8443/s3/",
      region: "auto",
      forcePathStyle: false,
      credentials: { ...credentials, sessionToken: "FwoGZXIvYXdzE+/a=b&c" },
    },
  ],
  [
    "an account:user key (Swift)",
    { endpoint: "http://localhost:8080", region: "us-east-1", forcePathStyle: true, credentials: { accessKeyId: "test:tester", secretAccessKey: "testing" } },
  ],
];
const keys = [
  "report.pdf",
  "a/b/résumé final.docx",
  "日本語/ファイル.txt",
  "+%#?&=;/ weird 'name' (1)!*.csv",
  "//double//slash",
  "dir/emoji 😀.png",
  "~tilde_-.x",
];
const buckets = ["bucket-one", "Bucket.With.Dots", "ab"];

describe("createBatchPresigner", () => {
  const signingDate = new Date("2026-11-29T10:59:07Z");
  describe.each(targets)("%s", (_name, target) => {
    const reference = createUrlPresigner(target);
    const batch = createBatchPresigner(target, { signingDate, expiresInSeconds: 604_800 });
    for (const bucket of buckets) {
      it.each(keys)(`gives the SDK presigner's URL for bucket ${bucket}, key %s`, async (key) => {
        const input = { bucket, key, responseContentDisposition: contentDisposition("attachment", key.split("/").at(-1) || "x") };
        expect(batch(input)).toBe(await reference.presignGet({ ...input, expiresInSeconds: 604_800, signingDate }));
        const versioned = {
          ...input,
          versionId: "3/L4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY+MTRCxf3vjVBH40Nr8X8gdRQBpUMLUo",
          responseContentType: "text/plain; charset=utf-8",
        };
        expect(batch(versioned)).toBe(await reference.presignGet({ ...versioned, expiresInSeconds: 604_800, signingDate }));
      });
    }
  });

  it("refuses an expiry over 7 days or under 1 second, and empty names", () => {
    const target = targets[0]![1];
    expect(() => createBatchPresigner(target, { signingDate, expiresInSeconds: 604_801 })).toThrow(RangeError);
    expect(() => createBatchPresigner(target, { signingDate, expiresInSeconds: 0 })).toThrow(RangeError);
    const batch = createBatchPresigner(target, { signingDate, expiresInSeconds: 60 });
    expect(() => batch({ bucket: "b-1", key: "" })).toThrow(RangeError);
    expect(() => batch({ bucket: "", key: "k" })).toThrow(RangeError);
  });
});
