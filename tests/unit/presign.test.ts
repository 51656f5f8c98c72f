import { createHash, createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createUrlPresigner, MAX_PRESIGN_SECONDS, type PresignTarget } from "@/lib/storage/presign";

/**
 * The presigner is checked against URLs computed without the AWS SDK:
 * 1. a SigV4 query-signing implementation written here with node:crypto only;
 * 2. URLs produced by the AWS CLI (awscli 2.9.19, Debian 12) for the same inputs, pasted below;
 * 3. the example presigned URL published in the S3 API reference ("Authenticating Requests:
 *    Using Query Parameters", examplebucket/test.txt).
 *
 * The CLI URLs were made with awscli's own botocore and the clock faked:
 *   faketime -f '@2026-11-22 10:00:00' env TZ=UTC /usr/bin/python3 -c '
 *   from awscli.botocore.session import Session; from awscli.botocore.config import Config
 *   c = Session().create_client("s3", region_name=REGION, endpoint_url=ENDPOINT,
 *         aws_access_key_id=AK, aws_secret_access_key=SK, aws_session_token=TOKEN,
 *         config=Config(signature_version="s3v4", s3={"addressing_style": STYLE}))
 *   print(c.generate_presigned_url("get_object", Params={"Bucket": B, "Key": K, ...}, ExpiresIn=N))'
 * (`aws s3 presign s3://my-bucket/reports/2026/q3.pdf --endpoint-url http://127.0.0.1:9000` gives
 * the first one too; it has no option for response-content-* parameters.)
 */

const ACCESS_KEY_ID = "AKIAIOSFODNN7EXAMPLE";
const SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const SIGNING_DATE = new Date("2026-11-22T10:00:00Z");

const WEIRD_KEY = `docs/a b+c%d#e?f&g'h"i//résumé 日本.pdf`;
const DISPOSITION = `attachment; filename="resume.pdf"; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf`;
const SESSION_TOKEN = "FQoGZXIvYXdzEXAMPLE/token+with=chars";

// ---------- Reference SigV4 query signing (node:crypto only, no SDK code) ----------

const UNRESERVED = /[A-Za-z0-9\-._~]/;

/** RFC 3986 percent-encoding of each UTF-8 byte; `keepSlash` for S3 object key paths. */
function uriEncode(value: string, keepSlash = false): string {
  let out = "";
  for (const byte of Buffer.from(value, "utf8")) {
    const char = String.fromCharCode(byte);
    if (byte < 0x80 && (UNRESERVED.test(char) || (keepSlash && char === "/"))) out += char;
    else out += `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

const hmac = (key: Buffer | string, data: string) => createHmac("sha256", key).update(data, "utf8").digest();
const sha256Hex = (data: string) => createHash("sha256").update(data, "utf8").digest("hex");

type ReferenceInput = {
  scheme: "http" | "https";
  /** host[:port] as it goes into the Host header and the URL. */
  host: string;
  /** Already the URL path: "/" + [bucket "/"] + key, before encoding. */
  bucketInPath: string | null;
  key: string;
  region: string;
  date: Date;
  expires: number;
  sessionToken?: string;
  operationParams?: [string, string][];
};

function referencePresign(input: ReferenceInput): string {
  const amzDate = input.date
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");
  const day = amzDate.slice(0, 8);
  const scope = `${day}/${input.region}/s3/aws4_request`;
  const path = `${input.bucketInPath === null ? "" : `/${uriEncode(input.bucketInPath)}`}/${uriEncode(input.key, true)}`;

  const auth: [string, string][] = [
    ["X-Amz-Algorithm", "AWS4-HMAC-SHA256"],
    ["X-Amz-Credential", `${ACCESS_KEY_ID}/${scope}`],
    ["X-Amz-Date", amzDate],
    ["X-Amz-Expires", String(input.expires)],
    ["X-Amz-SignedHeaders", "host"],
  ];
  if (input.sessionToken) auth.push(["X-Amz-Security-Token", input.sessionToken]);
  const signed = [...(input.operationParams ?? []), ...auth];

  const canonicalQuery = signed
    .map(([k, v]) => [uriEncode(k), uriEncode(v)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
  const canonicalRequest = ["GET", path, canonicalQuery, `host:${input.host}`, "", "host", "UNSIGNED-PAYLOAD"].join("\n");
  const stringToSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256Hex(canonicalRequest)].join("\n");

  let key: Buffer = hmac(`AWS4${SECRET_ACCESS_KEY}`, day);
  for (const part of [input.region, "s3", "aws4_request"]) key = hmac(key, part);
  const signature = createHmac("sha256", key).update(stringToSign, "utf8").digest("hex");

  // botocore's order: operation parameters, then the auth parameters, then the signature.
  const query = [...signed, ["X-Amz-Signature", signature]].map(([k, v]) => `${k}=${uriEncode(v!)}`).join("&");
  return `${input.scheme}://${input.host}${path}?${query}`;
}

// ---------- Fixtures ----------

function target(endpoint: string, region: string, forcePathStyle: boolean, sessionToken?: string): PresignTarget {
  return {
    endpoint,
    region,
    forcePathStyle,
    credentials: { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY, ...(sessionToken ? { sessionToken } : {}) },
  };
}

const AUTH_PARAMS = ["X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires", "X-Amz-SignedHeaders"];

function paramNames(url: string): string[] {
  return [...new URL(url).searchParams.keys()];
}

// Produced by the AWS CLI (see the header comment).
const CLI_PLAIN_PATH_STYLE =
  "http://127.0.0.1:9000/my-bucket/reports/2026/q3.pdf?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20261122%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20261122T100000Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Signature=4147bbf62b2b9a294b19de067c05dcabbab409f761baf0c54f4b083ce6da718c";
const CLI_WEIRD_KEY_VIRTUAL_HOSTED =
  "https://my-bucket.s3.eu-west-3.amazonaws.com/docs/a%20b%2Bc%25d%23e%3Ff%26g%27h%22i//r%C3%A9sum%C3%A9%20%E6%97%A5%E6%9C%AC.pdf?response-content-disposition=attachment%3B%20filename%3D%22resume.pdf%22%3B%20filename%2A%3DUTF-8%27%27r%25C3%25A9sum%25C3%25A9.pdf&response-content-type=application%2Fpdf&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20261122%2Feu-west-3%2Fs3%2Faws4_request&X-Amz-Date=20261122T100000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=9b44b69900f8fdc5905142ed18991659171d9d1c8334eaf08da0be01968d21ab";
const CLI_SESSION_TOKEN =
  "http://127.0.0.1:9000/my-bucket//lead.pdf?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20261122%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20261122T100000Z&X-Amz-Expires=604800&X-Amz-SignedHeaders=host&X-Amz-Security-Token=FQoGZXIvYXdzEXAMPLE%2Ftoken%2Bwith%3Dchars&X-Amz-Signature=bc2146156309addc6c0f3b96ce7bdc7fc5416f7b50fb72f25d7c92d5a351f496";
// The S3 API reference's example (also what the CLI gives for it).
const AWS_DOCS_EXAMPLE =
  "https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404";

describe("createUrlPresigner", () => {
  it("signs a plain key, path-style, with the endpoint's port kept", async () => {
    const url = await createUrlPresigner(target("http://127.0.0.1:9000", "us-east-1", true)).presignGet({
      bucket: "my-bucket",
      key: "reports/2026/q3.pdf",
      expiresInSeconds: 3600,
      signingDate: SIGNING_DATE,
    });
    const reference = referencePresign({
      scheme: "http",
      host: "127.0.0.1:9000",
      bucketInPath: "my-bucket",
      key: "reports/2026/q3.pdf",
      region: "us-east-1",
      date: SIGNING_DATE,
      expires: 3600,
    });
    expect(url).toBe(reference);
    expect(url).toBe(CLI_PLAIN_PATH_STYLE);
    expect(paramNames(url)).toEqual([...AUTH_PARAMS, "X-Amz-Signature"]);
  });

  it("signs a key with spaces, unicode, + % # ? & ' \" and a double slash, virtual-hosted, with response overrides", async () => {
    const url = await createUrlPresigner(target("https://s3.eu-west-3.amazonaws.com", "eu-west-3", false)).presignGet({
      bucket: "my-bucket",
      key: WEIRD_KEY,
      expiresInSeconds: 86_400,
      responseContentDisposition: DISPOSITION,
      responseContentType: "application/pdf",
      signingDate: SIGNING_DATE,
    });
    const reference = referencePresign({
      scheme: "https",
      host: "my-bucket.s3.eu-west-3.amazonaws.com",
      bucketInPath: null,
      key: WEIRD_KEY,
      region: "eu-west-3",
      date: SIGNING_DATE,
      expires: 86_400,
      operationParams: [
        ["response-content-disposition", DISPOSITION],
        ["response-content-type", "application/pdf"],
      ],
    });
    expect(url).toBe(reference);
    expect(url).toBe(CLI_WEIRD_KEY_VIRTUAL_HOSTED);
    expect(paramNames(url)).toEqual(["response-content-disposition", "response-content-type", ...AUTH_PARAMS, "X-Amz-Signature"]);
    const parsed = new URL(url);
    expect(parsed.searchParams.get("response-content-disposition")).toBe(DISPOSITION);
    expect(decodeURIComponent(parsed.pathname)).toBe(`/${WEIRD_KEY}`);
  });

  it("signs with a session token, a leading slash in the key, for the full 7 days", async () => {
    const url = await createUrlPresigner(target("http://127.0.0.1:9000", "us-east-1", true, SESSION_TOKEN)).presignGet({
      bucket: "my-bucket",
      key: "/lead.pdf",
      expiresInSeconds: MAX_PRESIGN_SECONDS,
      signingDate: SIGNING_DATE,
    });
    const reference = referencePresign({
      scheme: "http",
      host: "127.0.0.1:9000",
      bucketInPath: "my-bucket",
      key: "/lead.pdf",
      region: "us-east-1",
      date: SIGNING_DATE,
      expires: 604_800,
      sessionToken: SESSION_TOKEN,
    });
    expect(url).toBe(reference);
    expect(url).toBe(CLI_SESSION_TOKEN);
    expect(paramNames(url)).toEqual([...AUTH_PARAMS, "X-Amz-Security-Token", "X-Amz-Signature"]);
    expect(new URL(url).searchParams.get("X-Amz-Security-Token")).toBe(SESSION_TOKEN);
  });

  it("reproduces the presigned URL published in the S3 API reference", async () => {
    const url = await createUrlPresigner(target("https://s3.amazonaws.com", "us-east-1", false)).presignGet({
      bucket: "examplebucket",
      key: "test.txt",
      expiresInSeconds: 86_400,
      signingDate: new Date("2013-05-24T00:00:00Z"),
    });
    expect(url).toBe(AWS_DOCS_EXAMPLE);
    const reference = referencePresign({
      scheme: "https",
      host: "examplebucket.s3.amazonaws.com",
      bucketInPath: null,
      key: "test.txt",
      region: "us-east-1",
      date: new Date("2013-05-24T00:00:00Z"),
      expires: 86_400,
    });
    expect(reference).toBe(AWS_DOCS_EXAMPLE);
  });

  it("encodes a 1024-byte key of 4-byte characters and reserved ASCII like the reference", async () => {
    // 200 × 4 bytes + "/" + 31 × 7 bytes + 4 + 2 = 1024 bytes, S3's longest key.
    const padded = `${"😀".repeat(200)}/${"x!*()'~".repeat(31)}-._~aa`;
    expect(Buffer.byteLength(padded)).toBe(1024);
    const url = await createUrlPresigner(target("https://storage.example.com:8443", "auto", true)).presignGet({
      bucket: "b1",
      key: padded,
      expiresInSeconds: 60,
      signingDate: SIGNING_DATE,
    });
    expect(url).toBe(
      referencePresign({
        scheme: "https",
        host: "storage.example.com:8443",
        bucketInPath: "b1",
        key: padded,
        region: "auto",
        date: SIGNING_DATE,
        expires: 60,
      }),
    );
    expect(url).toContain("%21%2A%28%29%27~");
  });

  it("falls back to path-style like the SDK: IP endpoints, dotted or uppercase bucket names", async () => {
    const sign = (endpoint: string, bucket: string) =>
      createUrlPresigner(target(endpoint, "us-east-1", false))
        .presignGet({ bucket, key: "k", expiresInSeconds: 60, signingDate: SIGNING_DATE })
        .then((url) => url.split("?")[0]);
    expect(await sign("http://127.0.0.1:9000", "my-bucket")).toBe("http://127.0.0.1:9000/my-bucket/k");
    expect(await sign("https://s3.example.com", "my.bucket")).toBe("https://s3.example.com/my.bucket/k");
    expect(await sign("https://s3.example.com", "My_Bucket")).toBe("https://s3.example.com/My_Bucket/k");
    expect(await sign("https://s3.example.com", "my-bucket")).toBe("https://my-bucket.s3.example.com/k");
    expect(await sign("https://s3.example.com:443/", "my-bucket")).toBe("https://my-bucket.s3.example.com/k");
    expect(await sign("http://localhost:9000", "my-bucket")).toBe("http://my-bucket.localhost:9000/k");
  });

  it("keeps an endpoint's path prefix", async () => {
    const url = await createUrlPresigner(target("https://gw.example.com/s3/", "us-east-1", true)).presignGet({
      bucket: "media",
      key: "a b.txt",
      expiresInSeconds: 600,
      signingDate: SIGNING_DATE,
    });
    expect(url.split("?")[0]).toBe("https://gw.example.com/s3/media/a%20b.txt");
  });

  it("accepts 1 to 604,800 seconds and throws RangeError outside", async () => {
    const presigner = createUrlPresigner(target("http://127.0.0.1:9000", "us-east-1", true));
    const sign = (expiresInSeconds: number) => presigner.presignGet({ bucket: "b1b", key: "k", expiresInSeconds, signingDate: SIGNING_DATE });
    await expect(sign(0)).rejects.toThrow(RangeError);
    await expect(sign(604_801)).rejects.toThrow(RangeError);
    await expect(sign(-5)).rejects.toThrow(RangeError);
    await expect(sign(1.5)).rejects.toThrow(RangeError);
    await expect(sign(Number.NaN)).rejects.toThrow(RangeError);
    expect(new URL(await sign(604_800)).searchParams.get("X-Amz-Expires")).toBe("604800");
    expect(new URL(await sign(1)).searchParams.get("X-Amz-Expires")).toBe("1");
  });

  it("refuses empty bucket names and keys", async () => {
    const presigner = createUrlPresigner(target("http://127.0.0.1:9000", "us-east-1", true));
    await expect(presigner.presignGet({ bucket: "b1b", key: "", expiresInSeconds: 60 })).rejects.toThrow(RangeError);
    await expect(presigner.presignGet({ bucket: "", key: "k", expiresInSeconds: 60 })).rejects.toThrow(RangeError);
  });

  it("signs at the current time by default", async () => {
    const before = Date.now();
    const url = await createUrlPresigner(target("http://127.0.0.1:9000", "us-east-1", true)).presignGet({
      bucket: "b1b",
      key: "k",
      expiresInSeconds: 60,
    });
    const amzDate = new URL(url).searchParams.get("X-Amz-Date") ?? "";
    const signedAt = Date.parse(amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, "$1-$2-$3T$4:$5:$6Z"));
    expect(signedAt).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(signedAt).toBeLessThanOrEqual(Date.now());
  });

  it("reuses one presigner across many keys without mixing them up", async () => {
    const presigner = createUrlPresigner(target("http://127.0.0.1:9000", "us-east-1", true));
    const keys = ["a", "b/c", "d e", "f+g", "é"];
    const urls = await Promise.all(keys.map((key) => presigner.presignGet({ bucket: "my-bucket", key, expiresInSeconds: 120, signingDate: SIGNING_DATE })));
    urls.forEach((url, i) => {
      const key = keys[i]!;
      expect(url).toBe(
        referencePresign({
          scheme: "http",
          host: "127.0.0.1:9000",
          bucketInPath: "my-bucket",
          key,
          region: "us-east-1",
          date: SIGNING_DATE,
          expires: 120,
        }),
      );
    });
  });
});
