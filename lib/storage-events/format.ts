import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { z } from "zod";

/**
 * Storage events pushed by the provider to /hooks/storage/<connection id> (docs/storage-events.md):
 * how each provider proves a delivery is its own, and what its payload says. Pure: the receiver
 * (lib/storage-events/receive.ts) reads the body, calls these, and acts.
 *
 * - MinIO (bucket notifications, `notify_webhook` target; minio/minio internal/event/target/webhook.go):
 *   `Authorization: Bearer <auth_token>` (the token as set, when it already has two words), and a JSON
 *   body `{ EventName, Key, Records: [ one S3-style record ] }` whose `s3.object.key` is query-escaped
 *   (cmd/event-notification.go ToEvent: url.QueryEscape). MinIO signs nothing, so the token is the proof.
 * - Backblaze B2 (Event Notifications): `x-bz-event-notification-signature: v1=<hex>`, the HMAC-SHA256 of
 *   the raw body keyed with the rule's signing secret, and a JSON body `{ events: [ … ] }`, each with
 *   eventId, eventType, eventTimestamp (Unix milliseconds), bucketName, objectName.
 */

export const STORAGE_EVENT_PROVIDERS = ["minio", "b2"] as const;
export type StorageEventProvider = (typeof STORAGE_EVENT_PROVIDERS)[number];

export const STORAGE_EVENT_PROVIDER_LABELS: Record<StorageEventProvider, string> = { minio: "MinIO", b2: "Backblaze B2" };

/** Events older than this are refused (a replay, or a delivery held back too long: the scheduled check covers it). */
export const REPLAY_WINDOW_MS = 5 * 60_000;
/** How far in the future an event's time may be (the provider's clock may run a little ahead). */
export const FUTURE_SKEW_MS = 60_000;
/** The largest body read (B2 sends up to 50 events per delivery, MinIO one). */
export const MAX_BODY_BYTES = 256 * 1024;
/** Events per delivery at most. */
export const MAX_EVENTS = 100;

/** What an event means for the links to its object. */
export type StorageChange = "removed" | "written" | "other";

/** One event, as the receiver acts on it. */
export type StorageEvent = {
  /** The provider's event id (B2), or a digest of what makes a MinIO record unique: the replay key. */
  id: string;
  /** The provider's name for it (s3:ObjectRemoved:Delete, b2:ObjectCreated:Upload, …). */
  name: string;
  change: StorageChange;
  bucket: string;
  key: string;
  at: Date;
};

const sha256 = (value: string | Buffer) => createHash("sha256").update(value).digest();

/** Constant-time equality of two strings of any length (their digests are compared). */
function sameSecret(given: string, expected: string): boolean {
  return timingSafeEqual(sha256(given), sha256(expected));
}

/**
 * MinIO: the Authorization header against the connection's token. MinIO sends "Bearer <token>" for a
 * one-word token and a two-word token as it is, so both "Bearer <token>" and the bare token match.
 */
export function verifyMinioAuthorization(header: string | null, token: string): boolean {
  const given = (header ?? "").trim();
  const bearer = /^Bearer\s+(\S+)$/i.exec(given)?.[1];
  const matchesBearer = sameSecret(bearer ?? "\0", token);
  const matchesAsIs = sameSecret(given, token);
  return given.length > 0 && (matchesBearer || matchesAsIs);
}

/** B2: `v1=<hex>` (several comma-separated signatures are allowed, one must match) over the raw body. */
export function verifyB2Signature(rawBody: Buffer, header: string | null, secret: string): boolean {
  const expected = createHmac("sha256", secret).update(rawBody).digest();
  let ok = false;
  for (const part of (header ?? "").split(",").slice(0, 5)) {
    const hex = /^\s*v1=([0-9a-fA-F]{64})\s*$/.exec(part)?.[1];
    // Every part is compared (no early exit), each in constant time.
    if (hex && timingSafeEqual(Buffer.from(hex, "hex"), expected)) ok = true;
  }
  return ok;
}

/** Whether the delivery carries the connection's proof, before anything of the body is parsed. */
export function verifyDelivery(provider: StorageEventProvider, rawBody: Buffer, headers: Headers, secret: string): boolean {
  // Both proofs are computed whatever the provider, so how long a refusal takes does not tell a MinIO connection
  // from a B2 one or from an unknown id (whose throwaway secret fails either way).
  const minio = verifyMinioAuthorization(headers.get("authorization"), secret);
  const b2 = verifyB2Signature(rawBody, headers.get("x-bz-event-notification-signature"), secret);
  return provider === "minio" ? minio : b2;
}

/** The B2 signature header of `rawBody` (what B2 sends; for tests and the docs' example). */
export function signB2(rawBody: string | Buffer, secret: string): string {
  return `v1=${createHmac("sha256", secret).update(rawBody).digest("hex")}`;
}

const name = z.string().min(1).max(200);
const bucketName = z.string().min(1).max(255);
const objectKey = z.string().min(1).max(4096);

const minioRecord = z.object({
  eventName: name,
  eventTime: z.iso.datetime({ offset: true }),
  s3: z.object({
    bucket: z.object({ name: bucketName }),
    object: z.object({
      key: objectKey,
      versionId: z.string().max(1024).optional(),
      sequencer: z.string().max(64).optional(),
      eTag: z.string().max(200).optional(),
    }),
  }),
});
const minioBody = z.object({ Records: z.array(minioRecord).min(1).max(MAX_EVENTS) });

const b2Event = z.object({
  eventId: z.string().min(1).max(200),
  eventType: name,
  eventTimestamp: z.number().int().nonnegative(),
  bucketName: bucketName.optional(),
  // b2:TestEvent names no object.
  objectName: objectKey.optional(),
  objectVersionId: z.string().max(1024).nullish(),
});
const b2Body = z.object({ events: z.array(b2Event).min(1).max(MAX_EVENTS) });

/** s3:ObjectRemoved:* is a removal; s3:ObjectCreated:* a write; anything else (accessed, restored, replicated…) is not about the content. */
export function minioChange(eventName: string): StorageChange {
  if (eventName.startsWith("s3:ObjectRemoved:")) return "removed";
  if (eventName.startsWith("s3:ObjectCreated:")) return "written";
  return "other";
}

/** b2:ObjectDeleted:* and b2:HideMarkerCreated:* (what an S3 DELETE does on B2) remove; b2:ObjectCreated:* writes; b2:TestEvent and the rest do neither. */
export function b2Change(eventType: string): StorageChange {
  if (eventType.startsWith("b2:ObjectDeleted:") || eventType.startsWith("b2:HideMarkerCreated:")) return "removed";
  if (eventType.startsWith("b2:ObjectCreated:")) return "written";
  return "other";
}

/** MinIO query-escapes keys (Go's url.QueryEscape: a space is "+"); null when the escape is broken. */
export function unescapeMinioKey(key: string): string | null {
  try {
    return decodeURIComponent(key.replace(/\+/g, " "));
  } catch {
    return null;
  }
}

/** The events of a delivery already proven to be the provider's, or null when the body is not what that provider sends. */
export function parseDelivery(provider: StorageEventProvider, rawBody: Buffer): StorageEvent[] | null {
  let json: unknown;
  try {
    json = JSON.parse(rawBody.toString("utf8"));
  } catch {
    return null;
  }
  if (provider === "minio") {
    const parsed = minioBody.safeParse(json);
    if (!parsed.success) return null;
    const events: StorageEvent[] = [];
    for (const record of parsed.data.Records) {
      const key = unescapeMinioKey(record.s3.object.key);
      if (key === null) return null;
      const bucket = record.s3.bucket.name;
      const { versionId = "", sequencer = "" } = record.s3.object;
      // MinIO records carry no id: what makes one unique is the event on that object version at that time.
      const id = `minio:${sha256([record.eventName, bucket, key, versionId, sequencer, record.eventTime].join("\n")).toString("hex")}`;
      events.push({ id, name: record.eventName, change: minioChange(record.eventName), bucket, key, at: new Date(record.eventTime) });
    }
    return events;
  }
  const parsed = b2Body.safeParse(json);
  if (!parsed.success) return null;
  return parsed.data.events.map((e) => ({
    id: `b2:${e.eventId}`,
    name: e.eventType,
    change: e.bucketName && e.objectName ? b2Change(e.eventType) : "other",
    bucket: e.bucketName ?? "",
    key: e.objectName ?? "",
    at: new Date(e.eventTimestamp),
  }));
}

/** "stale" (older than the replay window), "future" (beyond the clock skew) or null when its time may be acted on. */
export function timeRefusal(at: Date, now: Date): "stale" | "future" | null {
  const age = now.getTime() - at.getTime();
  if (!Number.isFinite(age) || age > REPLAY_WINDOW_MS) return "stale";
  if (-age > FUTURE_SKEW_MS) return "future";
  return null;
}

/** A new secret for a connection's MinIO auth_token: 32 random bytes, base64url (one word, so MinIO adds "Bearer "). */
export function newEventsToken(random: (n: number) => Buffer): string {
  return `bse_${random(32).toString("base64url")}`;
}

/** B2's signing secret as pasted: what B2 shows (32 letters and digits); any 16–128 printable characters without spaces are taken. */
export const b2SecretSchema = z
  .string()
  .trim()
  .regex(/^[\x21-\x7e]{16,128}$/, "Paste the rule's signing secret as Backblaze shows it (16 to 128 characters, no spaces).");
