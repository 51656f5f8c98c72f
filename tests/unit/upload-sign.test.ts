import { afterEach, describe, expect, it, vi } from "vitest";
import { buildClients } from "@/lib/storage/client";
import { PART_SIZE } from "@/lib/uploads/parts";
import { answerSignRequest, PART_URL_SECONDS, type SignableUpload } from "@/lib/uploads/sign";
import { sdkOperationPresigner } from "@/tests/support/sdk-presigner";

/**
 * The upload signer's URLs: UploadPart signed with its exact Content-Length and 15 minutes of life,
 * and never an x-amz-checksum parameter (AWS SDK ≥ 3.729 would bake an empty-body CRC32 into a
 * presigned UploadPart unless checksums are WHEN_REQUIRED, which R2, B2, MinIO and Spaces reject).
 * Signing is local: nothing is sent.
 */

const { presigner, s3 } = buildClients(
  { endpoint: "https://s3.example.com", region: "eu-central-1", forcePathStyle: false },
  { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" },
);

const upload: SignableUpload = {
  id: "u1",
  bucket: "media",
  key: "inbox/report (1).pdf",
  size: BigInt(PART_SIZE + 5),
  partCount: 2,
  multipartId: "mp-123",
  state: "uploading",
};

describe("the upload signer", () => {
  it("signs each part with its exact length, for 15 minutes, without any checksum parameter", async () => {
    const urls: string[] = [];
    for (const [partNumber, length] of [
      [1, PART_SIZE],
      [2, 5],
    ] as const) {
      const signed = await answerSignRequest(presigner, upload, { method: "PUT", key: upload.key, uploadId: "mp-123", partNumber });
      const url = new URL(signed.url);
      urls.push(signed.url);
      expect(signed.method).toBe("PUT");
      expect(url.host).toBe("media.s3.example.com");
      expect(url.searchParams.get("partNumber")).toBe(String(partNumber));
      expect(url.searchParams.get("uploadId")).toBe("mp-123");
      expect(url.searchParams.get("X-Amz-Expires")).toBe(String(PART_URL_SECONDS));
      expect(url.searchParams.get("X-Amz-SignedHeaders")?.split(";")).toEqual(["content-length", "host"]);
      expect(length).toBeGreaterThan(0);
    }
    const list = await answerSignRequest(presigner, upload, { method: "GET", key: upload.key, uploadId: "mp-123" });
    urls.push(list.url);
    expect(new URL(list.url).searchParams.get("uploadId")).toBe("mp-123");
    for (const url of urls) {
      for (const name of new URL(url).searchParams.keys()) expect(name.toLowerCase()).not.toMatch(/^x-amz-checksum|^x-amz-sdk-checksum/);
      expect(url.toLowerCase()).not.toContain("checksum");
    }
  });

  afterEach(() => vi.useRealTimers());

  it("gives Uppy the very URLs the SDK's getSignedUrl gave before (parts signed ahead and ListParts included)", async () => {
    const now = new Date("2026-12-07T08:00:00Z");
    vi.useFakeTimers({ now, toFake: ["Date"] });
    const sdk = sdkOperationPresigner({
      endpoint: "https://s3.example.com",
      region: "eu-central-1",
      forcePathStyle: false,
      credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" },
    });
    const common = { bucket: upload.bucket, key: upload.key, uploadId: "mp-123", expiresInSeconds: PART_URL_SECONDS, signingDate: now };
    const signed = await answerSignRequest(presigner, upload, { method: "PUT", key: upload.key, uploadId: "mp-123", partNumber: 1, ahead: 1 });
    expect(signed.url).toBe(await sdk.presign({ ...common, operation: "UploadPart", partNumber: 1, contentLength: PART_SIZE }));
    expect(signed.next).toEqual([{ partNumber: 2, url: await sdk.presign({ ...common, operation: "UploadPart", partNumber: 2, contentLength: 5 }) }]);
    const list = await answerSignRequest(presigner, upload, { method: "GET", key: upload.key, uploadId: "mp-123" });
    expect(list.url).toBe(await sdk.presign({ ...common, operation: "ListParts" }));
    sdk.destroy();
    s3.destroy();
  });

  it("answers ListParts with the app's own path when the caller gives one (an upload request's page: review 17, finding 8)", async () => {
    const paths = { create: () => "/c", complete: () => "/d", abort: () => "/a", listParts: (id: string) => `/u/tok/uploads/${id}/parts` };
    expect(await answerSignRequest(presigner, upload, { method: "GET", key: upload.key, uploadId: "mp-123" }, paths)).toEqual({
      url: "/u/tok/uploads/u1/parts",
      method: "GET",
    });
    // Still only for this upload's own multipart upload.
    await expect(answerSignRequest(presigner, upload, { method: "GET", key: upload.key, uploadId: "mp-other" }, paths)).rejects.toThrow(/another upload/);
  });

  it("answers Create, Complete and Abort with the app's own paths", async () => {
    expect(await answerSignRequest(presigner, upload, { method: "POST", key: upload.key })).toEqual({ url: "/uploads/u1/create", method: "POST" });
    expect(await answerSignRequest(presigner, upload, { method: "POST", key: upload.key, uploadId: "mp-123" })).toEqual({
      url: "/uploads/u1/complete",
      method: "POST",
    });
    expect(await answerSignRequest(presigner, upload, { method: "DELETE", key: upload.key, uploadId: "mp-123" })).toEqual({
      url: "/uploads/u1/abort",
      method: "DELETE",
    });
  });

  it("refuses what is not this upload's, signing nothing", async () => {
    const refusals = [
      { method: "PUT", key: upload.key, uploadId: "mp-123", partNumber: 0 },
      { method: "PUT", key: upload.key, uploadId: "mp-123", partNumber: 3 },
      { method: "PUT", key: upload.key, uploadId: "mp-123" },
      { method: "PUT", key: upload.key, uploadId: "another", partNumber: 1 },
      { method: "PUT", key: "inbox/other.pdf", uploadId: "mp-123", partNumber: 1 },
      { method: "PUT", key: upload.key },
      { method: "GET", key: upload.key },
    ] as const;
    for (const request of refusals) await expect(answerSignRequest(presigner, upload, request), JSON.stringify(request)).rejects.toThrow(/Nothing was signed/);
    await expect(
      answerSignRequest(presigner, { ...upload, state: "complete" }, { method: "PUT", key: upload.key, uploadId: "mp-123", partNumber: 1 }),
    ).rejects.toThrow(/no longer in progress/);
  });
});
