import { describe, expect, it } from "vitest";
import { parseEndpoint } from "@/lib/validation/endpoint";

describe("parseEndpoint", () => {
  it.each([
    ["https://s3.us-east-1.amazonaws.com", "https://s3.us-east-1.amazonaws.com"],
    ["https://S3.Example.COM/", "https://s3.example.com"],
    ["http://127.0.0.1:9000", "http://127.0.0.1:9000"],
    ["https://storage.example.com:443", "https://storage.example.com"],
    ["https://gw.example.com:8443/s3/", "https://gw.example.com:8443/s3"],
    ["http://[::1]:9000", "http://[::1]:9000"],
    ["http://minio:9000", "http://minio:9000"],
  ])("accepts %s as %s", (raw, normalized) => {
    const check = parseEndpoint(raw);
    expect(check).toMatchObject({ ok: true, endpoint: { normalized } });
  });

  it.each([
    ["http://host;sandbox", /remove “;”/],
    ["http://host;script-src-elem", /remove “;”/],
    ["http://host,other.example", /remove “,”/],
    ['http://"host"', /remove “"”/],
    ["http://host'", /remove “'”/],
    ["http://ho st", /remove spaces/],
    ["http://host\tname", /remove spaces/],
    ["http://*.example.com", /remove “\*”/],
    ["http://user:password@host", /Leave credentials out/],
    ["http://host/?x=1", /no query/],
    ["http://host/#top", /fragment/],
    ["https://{accountId}.r2.cloudflarestorage.com", /placeholder/],
    ["ftp://host", /Enter a full URL/],
    ["javascript:alert(1)", /Enter a full URL/],
    ["not a url", /Enter a full URL/],
    ["http://-bad-.example.com", /host name/],
    ["http://host_name", /host name/],
    ["http://host:0", /port/],
    ["http://host:99999", /Enter a full URL/],
    ["http://host/%zz", /stray “%”/],
    ["http://h\u00f6st.example", /remove “ö”/],
  ])("refuses %j", (raw, message) => {
    const check = parseEndpoint(raw);
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.message).toMatch(message);
  });
});
