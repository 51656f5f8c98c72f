/**
 * A refused storage-event delivery costs the same work whatever the connection's provider: the B2 HMAC over the
 * body is computed for a MinIO connection and for an unknown one too, so a stranger cannot tell them apart by time.
 */
import * as crypto from "node:crypto";
import { describe, expect, it, vi } from "vitest";

vi.mock("node:crypto", async (original) => {
  const real = await original<typeof import("node:crypto")>();
  return { ...real, createHmac: vi.fn(real.createHmac) };
});

const { verifyDelivery } = await import("@/lib/storage-events/format");

describe("verifyDelivery's work", () => {
  it("hashes the body once for a MinIO connection, a B2 one and a wrong proof alike", () => {
    const body = Buffer.from(JSON.stringify({ Records: [] }));
    const hmac = vi.mocked(crypto.createHmac);
    const cases: [Parameters<typeof verifyDelivery>[0], Headers][] = [
      ["minio", new Headers({ authorization: "Bearer not-the-token" })],
      ["minio", new Headers({ authorization: "Bearer secret-token" })],
      ["b2", new Headers({ "x-bz-event-notification-signature": `v1=${"0".repeat(64)}` })],
      ["b2", new Headers()],
    ];
    for (const [provider, headers] of cases) {
      hmac.mockClear();
      verifyDelivery(provider, body, headers, "secret-token");
      expect(hmac, provider).toHaveBeenCalledTimes(1);
    }
  });
});
