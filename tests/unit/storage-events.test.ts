import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  b2Change,
  b2SecretSchema,
  FUTURE_SKEW_MS,
  minioChange,
  newEventsToken,
  parseDelivery,
  REPLAY_WINDOW_MS,
  signB2,
  timeRefusal,
  unescapeMinioKey,
  verifyB2Signature,
  verifyDelivery,
  verifyMinioAuthorization,
} from "@/lib/storage-events/format";

/**
 * MinIO's documented webhook delivery (minio/minio docs/bucket/notifications/README.md, the webhook
 * example's "Received a message"), in the shape internal/event/target/webhook.go sends: { EventName?, Key, Records }.
 */
const MINIO_DOC_EXAMPLE =
  '{"EventType":"s3:ObjectCreated:Put","Key":"images/myphoto.jpg","Records":[{"eventVersion":"2.0","eventSource":"minio:s3","awsRegion":"","eventTime":"2017-07-07T18:46:37Z","eventName":"s3:ObjectCreated:Put","userIdentity":{"principalId":"minio"},"requestParameters":{"sourceIPAddress":"192.168.1.80:55328"},"responseElements":{"x-amz-request-id":"14CF20BD1EFD5B93","x-minio-origin-endpoint":"http://127.0.0.1:9000"},"s3":{"s3SchemaVersion":"1.0","configurationId":"Config","bucket":{"name":"images","ownerIdentity":{"principalId":"minio"},"arn":"arn:aws:s3:::images"},"object":{"key":"myphoto.jpg","size":248682,"eTag":"f1671feacb8bbf7b0397c6e9364e8c92","contentType":"image/jpeg","userDefined":{"content-type":"image/jpeg"},"versionId":"1","sequencer":"14CF20BD1EFD5B93"}},"source":{"host":"192.168.1.80","port":"55328","userAgent":"MinIO (linux; amd64) minio-go/2.0.4 mc/DEVELOPMENT.GOGET"}}],"level":"info","msg":"","time":"2017-07-07T11:46:37-07:00"}';

/** A removal as MinIO's ToEvent makes it (cmd/event-notification.go): a query-escaped key, millisecond eventTime, no eTag. */
const MINIO_DELETE =
  '{"EventName":"s3:ObjectRemoved:Delete","Key":"team/Q1 report+final.pdf","Records":[{"eventVersion":"2.0","eventSource":"minio:s3","awsRegion":"","eventTime":"2026-12-07T08:00:00.123Z","eventName":"s3:ObjectRemoved:Delete","userIdentity":{"principalId":"minioadmin"},"requestParameters":{"principalId":"minioadmin","region":"","sourceIPAddress":"172.17.0.1"},"responseElements":{"x-amz-request-id":"187F1E1A2B3C4D5E"},"s3":{"s3SchemaVersion":"1.0","configurationId":"Config","bucket":{"name":"team","ownerIdentity":{"principalId":"minioadmin"},"arn":"arn:aws:s3:::team"},"object":{"key":"Q1+report%2Bfinal.pdf","sequencer":"187F1E1A2B3C4D5E"}},"source":{"host":"172.17.0.1","port":"","userAgent":"MinIO (linux; amd64) minio-go/v7.0.70"}}]}';

/**
 * A B2 delivery with the fields Backblaze documents for each event (Event Notifications Reference Guide;
 * @backblaze-labs/b2-sdk WebhookEvent: accountId, bucketId, bucketName, eventId, eventTimestamp in ms,
 * eventType, eventVersion, matchedRuleName, objectName, objectSize, objectVersionId), signed with the
 * signing secret of the b2_set_bucket_notification_rules example.
 */
const B2_EXAMPLE =
  '{"events":[{"accountId":"e85c6a500333","bucketId":"aea8c5bc362ae55070130333","bucketName":"mySampleBucket","eventId":"2af1c2e3-4bd0-4f0b-9c8a-6d2c1a1b0e9f","eventTimestamp":1684793309123,"eventType":"b2:ObjectCreated:Upload","eventVersion":1,"matchedRuleName":"mySampleRule1","objectName":"reports/Q1 report.pdf","objectSize":10495842,"objectVersionId":"4_zaea8c5bc362ae55070130333_f1182a2d3e0a4c2bb_d20230522_m222829_c004_v0402000_t0012_u01684793309123"}]}';
const B2_DOC_SECRET = "MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0";
/** Computed outside this code: printf '%s' "$B2_EXAMPLE" | openssl dgst -sha256 -hmac "$B2_DOC_SECRET". */
const B2_EXAMPLE_SIGNATURE = "v1=bbf8827def4e3543164e94a27e2ed2fdf6e99dd212c84c0b56583d3c412ea4b0";

describe("storage event proofs", () => {
  it("B2: v1=<hex HMAC-SHA256 of the raw body>, as openssl computes it; any change of body or secret fails", () => {
    const body = Buffer.from(B2_EXAMPLE);
    expect(signB2(body, B2_DOC_SECRET)).toBe(B2_EXAMPLE_SIGNATURE);
    expect(verifyB2Signature(body, B2_EXAMPLE_SIGNATURE, B2_DOC_SECRET)).toBe(true);
    expect(verifyB2Signature(body, B2_EXAMPLE_SIGNATURE.toUpperCase().replace("V1=", "v1="), B2_DOC_SECRET)).toBe(true);
    // Several signatures (a secret being changed): one must match.
    expect(verifyB2Signature(body, `v1=${"0".repeat(64)}, ${B2_EXAMPLE_SIGNATURE}`, B2_DOC_SECRET)).toBe(true);
    expect(verifyB2Signature(Buffer.from(B2_EXAMPLE.replace("Upload", "Copy")), B2_EXAMPLE_SIGNATURE, B2_DOC_SECRET)).toBe(false);
    expect(verifyB2Signature(Buffer.from(`${B2_EXAMPLE} `), B2_EXAMPLE_SIGNATURE, B2_DOC_SECRET)).toBe(false);
    expect(verifyB2Signature(body, B2_EXAMPLE_SIGNATURE, `${B2_DOC_SECRET}x`)).toBe(false);
    for (const bad of [null, "", "v1=", B2_EXAMPLE_SIGNATURE.slice(3), `v2=${B2_EXAMPLE_SIGNATURE.slice(3)}`, B2_EXAMPLE_SIGNATURE.slice(0, -2), "v1=zz"]) {
      expect(verifyB2Signature(body, bad, B2_DOC_SECRET)).toBe(false);
    }
  });

  it("MinIO: Authorization 'Bearer <token>' (what MinIO sends for a one-word token) or the token as set; nothing else", () => {
    const token = newEventsToken(randomBytes);
    expect(token).toMatch(/^bse_[A-Za-z0-9_-]{43}$/);
    expect(verifyMinioAuthorization(`Bearer ${token}`, token)).toBe(true);
    expect(verifyMinioAuthorization(`bearer ${token}`, token)).toBe(true);
    expect(verifyMinioAuthorization("Token abc", "Token abc")).toBe(true);
    for (const bad of [null, "", "Bearer", `Bearer ${token}x`, `Bearer ${token.slice(0, -1)}`, `Basic ${token}`, token.slice(1)]) {
      expect(verifyMinioAuthorization(bad, token)).toBe(false);
    }
    expect(verifyMinioAuthorization("", "")).toBe(false);
  });

  it("verifyDelivery reads the header of the connection's provider only", () => {
    const body = Buffer.from(B2_EXAMPLE);
    const b2Headers = new Headers({ "x-bz-event-notification-signature": B2_EXAMPLE_SIGNATURE });
    expect(verifyDelivery("b2", body, b2Headers, B2_DOC_SECRET)).toBe(true);
    expect(verifyDelivery("minio", body, b2Headers, B2_DOC_SECRET)).toBe(false);
    expect(verifyDelivery("minio", body, new Headers({ authorization: `Bearer ${B2_DOC_SECRET}` }), B2_DOC_SECRET)).toBe(true);
    expect(verifyDelivery("b2", body, new Headers({ authorization: `Bearer ${B2_DOC_SECRET}` }), B2_DOC_SECRET)).toBe(false);
  });
});

describe("storage event payloads", () => {
  it("MinIO's documented example: one write to images/myphoto.jpg at its eventTime", () => {
    const [event, ...rest] = parseDelivery("minio", Buffer.from(MINIO_DOC_EXAMPLE)) ?? [];
    expect(rest).toEqual([]);
    expect(event).toMatchObject({
      name: "s3:ObjectCreated:Put",
      change: "written",
      bucket: "images",
      key: "myphoto.jpg",
      at: new Date("2017-07-07T18:46:37Z"),
    });
    expect(event?.id).toMatch(/^minio:[0-9a-f]{64}$/);
  });

  it("MinIO: the query-escaped key is unescaped ('+' is a space, %2B a plus); the same record gives the same id, another sequencer another", () => {
    const [event] = parseDelivery("minio", Buffer.from(MINIO_DELETE)) ?? [];
    expect(event).toMatchObject({ change: "removed", bucket: "team", key: "Q1 report+final.pdf", at: new Date("2026-12-07T08:00:00.123Z") });
    const [again] = parseDelivery("minio", Buffer.from(MINIO_DELETE)) ?? [];
    expect(again?.id).toBe(event?.id);
    const [later] = parseDelivery("minio", Buffer.from(MINIO_DELETE.replaceAll("187F1E1A2B3C4D5E", "187F1E1A2B3C4D5F"))) ?? [];
    expect(later?.id).not.toBe(event?.id);
    expect(unescapeMinioKey("a%2Fb%20c+d")).toBe("a/b c d");
    expect(unescapeMinioKey("%E0%A4%A")).toBeNull();
  });

  it("B2's documented fields: eventId is the id, eventTimestamp is milliseconds; b2:TestEvent and unknown types act on nothing", () => {
    const [event] = parseDelivery("b2", Buffer.from(B2_EXAMPLE)) ?? [];
    expect(event).toEqual({
      id: "b2:2af1c2e3-4bd0-4f0b-9c8a-6d2c1a1b0e9f",
      name: "b2:ObjectCreated:Upload",
      change: "written",
      bucket: "mySampleBucket",
      key: "reports/Q1 report.pdf",
      at: new Date(1684793309123),
    });
    const test = { events: [{ eventId: "t-1", eventType: "b2:TestEvent", eventTimestamp: 1684793309123, eventVersion: 1, matchedRuleName: "r" }] };
    expect(parseDelivery("b2", Buffer.from(JSON.stringify(test)))?.[0]?.change).toBe("other");
  });

  it("what an event means: removals, writes, and the rest", () => {
    expect(["s3:ObjectRemoved:Delete", "s3:ObjectRemoved:DeleteMarkerCreated"].map(minioChange)).toEqual(["removed", "removed"]);
    expect(["s3:ObjectCreated:Put", "s3:ObjectCreated:CompleteMultipartUpload", "s3:ObjectCreated:Copy"].map(minioChange)).toEqual([
      "written",
      "written",
      "written",
    ]);
    expect(["s3:ObjectAccessed:Get", "s3:ObjectRestore:Completed", "s3:Replication:OperationFailedReplication"].map(minioChange)).toEqual([
      "other",
      "other",
      "other",
    ]);
    expect(["b2:ObjectDeleted:Delete", "b2:ObjectDeleted:LifecycleRule", "b2:HideMarkerCreated:Hide"].map(b2Change)).toEqual(["removed", "removed", "removed"]);
    expect(["b2:ObjectCreated:Upload", "b2:ObjectCreated:MultipartUpload", "b2:ObjectCreated:Copy"].map(b2Change)).toEqual(["written", "written", "written"]);
    expect(["b2:TestEvent", "b2:MultipartUploadCreated:LiveRead"].map(b2Change)).toEqual(["other", "other"]);
  });

  it("refuses what the provider does not send: not JSON, the other provider's shape, missing fields, too many events", () => {
    const bodies = [
      "not json",
      "[]",
      "{}",
      B2_EXAMPLE,
      '{"Records":[]}',
      MINIO_DELETE.replace('"eventTime":"2026-12-07T08:00:00.123Z",', ""),
      MINIO_DELETE.replace('"name":"team"', '"name":""'),
      MINIO_DELETE.replace('"eventTime":"2026-12-07T08:00:00.123Z"', '"eventTime":"yesterday"'),
    ];
    for (const body of bodies) expect(parseDelivery("minio", Buffer.from(body)), body.slice(0, 40)).toBeNull();
    const one = JSON.parse(B2_EXAMPLE).events[0];
    for (const body of [
      MINIO_DELETE,
      '{"events":[]}',
      JSON.stringify({ events: [{ ...one, eventId: undefined }] }),
      JSON.stringify({ events: [{ ...one, eventTimestamp: "1684793309123" }] }),
      JSON.stringify({ events: Array(101).fill(one) }),
    ]) {
      expect(parseDelivery("b2", Buffer.from(body)), body.slice(0, 40)).toBeNull();
    }
  });
});

describe("replay window", () => {
  const now = new Date("2026-12-07T08:00:00Z");
  const at = (ms: number) => new Date(now.getTime() + ms);
  it("acts on events up to 5 minutes old and up to a minute ahead; refuses older (stale) and further ahead (future)", () => {
    expect(timeRefusal(now, now)).toBeNull();
    expect(timeRefusal(at(-REPLAY_WINDOW_MS), now)).toBeNull();
    expect(timeRefusal(at(-REPLAY_WINDOW_MS - 1), now)).toBe("stale");
    expect(timeRefusal(at(-24 * 3_600_000), now)).toBe("stale");
    expect(timeRefusal(at(FUTURE_SKEW_MS), now)).toBeNull();
    expect(timeRefusal(at(FUTURE_SKEW_MS + 1), now)).toBe("future");
    expect(timeRefusal(new Date(Number.NaN), now)).toBe("stale");
  });
});

describe("B2 signing secret as pasted", () => {
  it("takes what Backblaze shows (trimmed), refuses short, spaced or overlong values", () => {
    expect(b2SecretSchema.parse(`  ${B2_DOC_SECRET}\n`)).toBe(B2_DOC_SECRET);
    for (const bad of ["short", "has a space in it 1234567", "x".repeat(129), "é".repeat(20)]) expect(b2SecretSchema.safeParse(bad).success).toBe(false);
  });
});
