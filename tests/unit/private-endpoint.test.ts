import { describe, expect, it } from "vitest";
import { privateEndpointHost } from "@/lib/storage/private-endpoint";

describe("privateEndpointHost", () => {
  it.each([
    ["http://127.0.0.1:9000", "127.0.0.1"],
    ["http://127.10.0.5", "127.10.0.5"],
    ["http://[::1]:9000", "::1"],
    ["http://10.1.2.3:9000", "10.1.2.3"],
    ["http://172.16.0.1", "172.16.0.1"],
    ["http://172.31.255.254", "172.31.255.254"],
    ["https://192.168.1.20:9000/", "192.168.1.20"],
    ["http://[fd12:3456::1]:9000", "fd12:3456::1"],
    ["http://[fe80::1]", "fe80::1"],
    ["http://169.254.10.1", "169.254.10.1"],
    ["http://[::ffff:192.168.0.1]", "192.168.0.1"],
    ["http://0.0.0.0:9000", "0.0.0.0"],
    ["http://localhost:9000", "localhost"],
    ["http://LocalHost.:9000", "localhost"],
    ["http://minio.localhost:9000", "minio.localhost"],
  ])("%s is only reachable here (%s)", (endpoint, host) => {
    expect(privateEndpointHost(endpoint)).toBe(host);
  });

  it.each([
    "https://s3.eu-west-1.amazonaws.com",
    "https://8.8.8.8",
    "http://172.32.0.1",
    "http://11.0.0.1",
    "http://[2001:4860::1]",
    "http://minio:9000",
    "https://storage.internal.example.com",
    "http://notlocalhost:9000",
    "",
    "not a url",
  ])("%s is not flagged", (endpoint) => {
    expect(privateEndpointHost(endpoint)).toBeNull();
  });
});
