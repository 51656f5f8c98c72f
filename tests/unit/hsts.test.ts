/**
 * Strict-Transport-Security, as the app's own server sets it on every answer (pages, API, recipient
 * routes): only when the client came over https by a trusted proxy's word. A real HTTP server on
 * loopback runs the server's request step; the answer's headers are what a browser would get.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stampRequest, type ProxySettings } from "@/lib/boot/request-stamp";
import { PEER_HEADER } from "@/lib/security/address";

let proxies: ProxySettings = { trustedProxies: 1, trustedNetworks: ["127.0.0.0/8", "::1/128"] };
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    stampRequest(req, res, proxies);
    res.setHeader("content-type", "text/plain");
    res.end(String(req.headers[PEER_HEADER]));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("Strict-Transport-Security", () => {
  it("is sent for one year, for this host only (no includeSubDomains), when a trusted proxy says the client came over https", async () => {
    for (const path of ["/links", "/api/v1/links", "/s/abc/download"]) {
      const response = await fetch(`${base}${path}`, { headers: { "x-forwarded-proto": "https" } });
      expect(response.headers.get("strict-transport-security"), path).toBe("max-age=31536000");
    }
  });

  it("is not sent over plain http, nor on a client's own word", async () => {
    expect((await fetch(`${base}/links`)).headers.get("strict-transport-security")).toBeNull();
    expect((await fetch(`${base}/links`, { headers: { "x-forwarded-proto": "http" } })).headers.get("strict-transport-security")).toBeNull();
    proxies = { trustedProxies: 0, trustedNetworks: ["127.0.0.0/8"] };
    try {
      expect((await fetch(`${base}/links`, { headers: { "x-forwarded-proto": "https" } })).headers.get("strict-transport-security")).toBeNull();
      proxies = { trustedProxies: 1, trustedNetworks: ["10.0.0.0/8"] };
      expect((await fetch(`${base}/links`, { headers: { "x-forwarded-proto": "https" } })).headers.get("strict-transport-security")).toBeNull();
    } finally {
      proxies = { trustedProxies: 1, trustedNetworks: ["127.0.0.0/8", "::1/128"] };
    }
  });

  it("the peer header is the server's, never the client's", async () => {
    expect(await (await fetch(`${base}/`, { headers: { [PEER_HEADER]: "203.0.113.9" } })).text()).toBe("127.0.0.1");
  });
});
