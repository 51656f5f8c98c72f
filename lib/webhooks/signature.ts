import { createHmac, randomBytes } from "node:crypto";

/**
 * How a webhook delivery is signed, so a receiver can check it came from this Bucketshare and was
 * not replayed long after: `X-Bucketshare-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`
 * where the timestamp is the `X-Bucketshare-Timestamp` header (unix seconds) and the body the exact
 * bytes POSTed. The key is the secret exactly as shown once in Settings (its UTF-8 bytes, prefix included).
 */

export const SIGNATURE_PREFIX = "sha256=";
export const USER_AGENT = "Bucketshare-Webhook/1";
const SECRET_PREFIX = "whsec_";

/** A new signing secret: 32 random bytes, base64url, behind a prefix that secret scanners recognise. */
export function generateWebhookSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(32).toString("base64url")}`;
}

export function signWebhook(secret: string, timestamp: number, body: string): string {
  return SIGNATURE_PREFIX + createHmac("sha256", secret).update(`${timestamp}.${body}`, "utf8").digest("hex");
}

export type WebhookHeaderInput = { secret: string; deliveryId: string; event: string; body: string; timestamp: number };

/** Every header of one delivery (the same for the first attempt and each retry, but the timestamp and signature). */
export function webhookHeaders({ secret, deliveryId, event, body, timestamp }: WebhookHeaderInput): Record<string, string> {
  return {
    "Content-Type": "application/json",
    "User-Agent": USER_AGENT,
    "X-Bucketshare-Event": event,
    "X-Bucketshare-Delivery": deliveryId,
    "X-Bucketshare-Timestamp": String(timestamp),
    "X-Bucketshare-Signature": signWebhook(secret, timestamp, body),
  };
}
