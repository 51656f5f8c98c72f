/**
 * Which scheme a request came over, as the recipient routes (Secure unlock cookie) and managed
 * links (their base URL) decide it: X-Forwarded-Proto only from a peer inside
 * TRUSTED_PROXY_NETWORKS, as for X-Forwarded-For. next/headers is replaced by the headers of the
 * request under test.
 */
import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";

const requestHeaders = vi.hoisted(() => ({ current: new Headers() }));
vi.mock("next/headers", () => ({ headers: async () => requestHeaders.current }));

// One reverse proxy, on the default (loopback) network; no PUBLIC_URL.
vi.stubEnv("TRUSTED_PROXIES", "1");
vi.stubEnv("PUBLIC_URL", "");
vi.stubEnv("AUTH_URL", "");
const { PEER_HEADER, SERVER_MARKER } = await import("@/lib/security/address");
const { isHttpsRequest } = await import("@/lib/security/client-address");
const { managedLinkBase } = await import("@/lib/links/issue");

const marker = globalThis as Record<symbol, unknown>;

function fromPeer(peer: string, extra: Record<string, string> = {}): Headers {
  return new Headers({ host: "share.example", [PEER_HEADER]: peer, ...extra });
}

beforeEach(() => {
  marker[SERVER_MARKER] = true;
});

afterAll(() => {
  delete marker[SERVER_MARKER];
  vi.unstubAllEnvs();
});

describe("isHttpsRequest", () => {
  it("is http without a trusted proxy's word, whatever the URL Next built says", () => {
    expect(isHttpsRequest(fromPeer("203.0.113.66"))).toBe(false);
  });

  it("believes X-Forwarded-Proto from a proxy on a trusted network only", () => {
    expect(isHttpsRequest(fromPeer("127.0.0.1", { "x-forwarded-proto": "https" }))).toBe(true);
    // A client that reaches the app's port directly is no proxy, whatever it writes.
    expect(isHttpsRequest(fromPeer("203.0.113.66", { "x-forwarded-proto": "https" }))).toBe(false);
  });

  it("ignores the peer header when Next runs without Bucketshare's server", () => {
    delete marker[SERVER_MARKER];
    expect(isHttpsRequest(fromPeer("127.0.0.1", { "x-forwarded-proto": "https" }))).toBe(false);
  });
});

describe("managedLinkBase without PUBLIC_URL", () => {
  it("builds https links behind a trusted proxy that says https", async () => {
    requestHeaders.current = fromPeer("127.0.0.1", { "x-forwarded-proto": "https" });
    expect(await managedLinkBase()).toBe("https://share.example");
  });

  it("builds http links when a public peer claims https", async () => {
    requestHeaders.current = fromPeer("203.0.113.66", { "x-forwarded-proto": "https" });
    expect(await managedLinkBase()).toBe("http://share.example");
  });
});
