import { describe, expect, it } from "vitest";
import { bucketPlaceFromPath, contentSecurityPolicy, storageSourcesFor } from "@/lib/security/csp";

const NONCE = "q2T0bW9ja05vbmNlMTIzNA==";

/** The policy as a map of directive → its tokens (and the raw names, to catch duplicates). */
function parse(policy: string): { names: string[]; directives: Map<string, string[]> } {
  const parts = policy
    .split(";")
    .map((p) => p.trim())
    .filter(Boolean);
  const names: string[] = [];
  const directives = new Map<string, string[]>();
  for (const part of parts) {
    const [name, ...tokens] = part.split(/\s+/);
    names.push(name!);
    directives.set(name!, tokens);
  }
  return { names, directives };
}

const EXPECTED_DIRECTIVES = [
  "default-src",
  "script-src",
  "style-src",
  "img-src",
  "media-src",
  "frame-src",
  "connect-src",
  "font-src",
  "object-src",
  "base-uri",
  "form-action",
  "frame-ancestors",
];

describe("contentSecurityPolicy", () => {
  const { names, directives } = parse(contentSecurityPolicy({ nonce: NONCE, storageOrigins: ["https://s3.example.com", "https://*.s3.example.com"] }));

  it("runs only this origin's scripts that carry the request's nonce (no inline, no eval)", () => {
    expect(directives.get("script-src")).toEqual(["'self'", `'nonce-${NONCE}'`, "'strict-dynamic'"]);
    for (const loose of ["'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*", "data:", "blob:", "http:", "https:"]) {
      expect(directives.get("script-src")).not.toContain(loose);
    }
  });

  it("cannot be framed, loads no plugins, keeps base and forms on this origin", () => {
    expect(directives.get("frame-ancestors")).toEqual(["'none'"]);
    expect(directives.get("object-src")).toEqual(["'none'"]);
    expect(directives.get("base-uri")).toEqual(["'self'"]);
    expect(directives.get("form-action")).toEqual(["'self'"]);
    expect(directives.get("default-src")).toEqual(["'self'"]);
    expect(directives.get("connect-src")).toEqual(["'self'"]);
  });

  it("lets image and media previews load from the storage sources only, and frames nothing", () => {
    expect(directives.get("img-src")).toEqual(["'self'", "data:", "blob:", "https://s3.example.com", "https://*.s3.example.com"]);
    expect(directives.get("media-src")).toEqual(["'self'", "https://s3.example.com", "https://*.s3.example.com"]);
    expect(directives.get("frame-src")).toEqual(["'none'"]);
  });

  it("has each directive exactly once and nothing else", () => {
    expect(names).toEqual(EXPECTED_DIRECTIVES);
  });

  it("frames nothing when there is no storage", () => {
    const policy = parse(contentSecurityPolicy({ nonce: NONCE }));
    expect(policy.directives.get("frame-src")).toEqual(["'none'"]);
    expect(policy.directives.get("media-src")).toEqual(["'self'"]);
  });

  it("allows eval and the dev server's websocket only in development", () => {
    const dev = parse(contentSecurityPolicy({ nonce: NONCE, dev: true })).directives;
    expect(dev.get("script-src")).toEqual(["'self'", `'nonce-${NONCE}'`, "'strict-dynamic'", "'unsafe-eval'"]);
    expect(dev.get("script-src")).not.toContain("'unsafe-inline'");
    expect(dev.get("connect-src")).toEqual(["'self'", "ws:", "wss:"]);
  });

  it.each([
    "http://host;sandbox",
    "http://host;script-src-elem *",
    "http://host; script-src 'unsafe-inline'",
    "http://host,evil.example",
    "http://host 'unsafe-inline'",
    "'unsafe-inline'",
    "*",
    "https:",
    "http://host\nscript-src *",
    "http://user:pw@host",
    "http://host/path",
    "javascript:alert(1)",
  ])("drops a storage source that is not a plain scheme://host[:port]: %j", (injected) => {
    const policy = contentSecurityPolicy({ nonce: NONCE, storageOrigins: [injected, "https://ok.example.com"] });
    const { names: injectedNames, directives: injectedDirectives } = parse(policy);
    expect(injectedNames).toEqual(EXPECTED_DIRECTIVES);
    expect(injectedDirectives.get("script-src")).toEqual(["'self'", `'nonce-${NONCE}'`, "'strict-dynamic'"]);
    expect(injectedDirectives.get("media-src")).toEqual(["'self'", "https://ok.example.com"]);
    expect(injectedDirectives.get("frame-src")).toEqual(["'none'"]);
    expect(policy).not.toContain("sandbox");
    expect(policy).not.toContain("evil");
    expect(policy.match(/'unsafe-inline'/g)).toEqual(["'unsafe-inline'"]); // style-src only
  });

  it("refuses a nonce that could carry another token", () => {
    expect(() => contentSecurityPolicy({ nonce: "abc' 'unsafe-inline" })).toThrow();
    expect(() => contentSecurityPolicy({ nonce: "" })).toThrow();
  });
});

describe("storageSourcesFor", () => {
  it.each([
    ["https://s3.eu-west-3.amazonaws.com", ["https://s3.eu-west-3.amazonaws.com", "https://*.s3.eu-west-3.amazonaws.com"]],
    ["https://S3.Example.com:8443/gateway/", ["https://s3.example.com:8443", "https://*.s3.example.com:8443"]],
    ["https://s3.example.com:443", ["https://s3.example.com", "https://*.s3.example.com"]],
    ["http://127.0.0.1:9000", ["http://127.0.0.1:9000"]],
    ["http://minio:9000", ["http://minio:9000", "http://*.minio:9000"]],
  ])("builds %s from the parsed URL", (endpoint, sources) => {
    expect(storageSourcesFor(endpoint)).toEqual(sources);
  });

  it.each([
    "http://host;sandbox",
    "http://host,other",
    "http://a b",
    "http://*.example.com",
    "http://user:pw@host",
    "http://[::1]:9000",
    "ftp://host",
    "not a url",
  ])("gives no source for %j", (endpoint) => {
    expect(storageSourcesFor(endpoint)).toEqual([]);
  });
});

describe("uploads (connect-src)", () => {
  it("lets the page reach the upload storage only when it is given, checked like the preview sources", () => {
    const policy = parse(
      contentSecurityPolicy({
        nonce: NONCE,
        storageOrigins: ["https://s3.example.com"],
        uploadOrigins: ["https://s3.example.com", "https://*.s3.example.com", "https://x;script-src *"],
      }),
    );
    expect(policy.directives.get("connect-src")).toEqual(["'self'", "https://s3.example.com", "https://*.s3.example.com"]);
    expect(policy.names).toEqual(EXPECTED_DIRECTIVES);
    expect(parse(contentSecurityPolicy({ nonce: NONCE, storageOrigins: ["https://s3.example.com"] })).directives.get("connect-src")).toEqual(["'self'"]);
  });

  it("reads the bucket browser's place from a path, and nothing from other pages", () => {
    expect(bucketPlaceFromPath("/buckets/c1/photos/2026/a%20b")).toEqual({ connectionId: "c1", bucket: "photos", prefix: "2026/a b/" });
    expect(bucketPlaceFromPath("/buckets/c1/photos")).toEqual({ connectionId: "c1", bucket: "photos", prefix: "" });
    expect(bucketPlaceFromPath("/buckets/c1")).toEqual({ connectionId: "c1", prefix: "" });
    expect(bucketPlaceFromPath("/buckets")).toBeNull();
    expect(bucketPlaceFromPath("/links/c1")).toBeNull();
    expect(bucketPlaceFromPath("/buckets/%E0%A4%A")).toBeNull();
  });
});
