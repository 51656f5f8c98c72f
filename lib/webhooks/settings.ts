import "server-only";
import { db } from "@/lib/db/client";
import { getRuntimeSecrets } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { seal } from "@/lib/storage/sealed";
import { generateWebhookSecret } from "@/lib/webhooks/signature";
import { WEBHOOK_REMOVED_ERROR } from "@/lib/webhooks/worker";

/**
 * The owner's webhook: its URL and signing secret (sealed, bound to users.webhook_secret_enc:<id>),
 * and what Settings shows of recent deliveries. The secret leaves the server only in the answer to
 * the action that made it (shown once); nothing here reads it back.
 */

export type DeliveryState = "queued" | "delivered" | "retrying" | "failed";

export type DeliveryView = {
  id: string;
  event: string;
  createdAt: Date;
  state: DeliveryState;
  attempts: number;
  nextAttemptAt: Date | null;
  deliveredAt: Date | null;
  failedAt: Date | null;
  lastStatus: number | null;
  lastError: string | null;
};

export type WebhookOverview = { url: string | null; deliveries: DeliveryView[] };

export const RECENT_DELIVERIES = 10;

function stateOf(row: { deliveredAt: Date | null; failedAt: Date | null; attempts: number }): DeliveryState {
  if (row.deliveredAt) return "delivered";
  if (row.failedAt) return "failed";
  return row.attempts === 0 ? "queued" : "retrying";
}

export async function getWebhookOverview(userId: string): Promise<WebhookOverview> {
  const [user, rows] = await Promise.all([
    db.user.findUnique({ where: { id: userId }, select: { webhookUrl: true } }),
    // webhook_deliveries (owner_id, created_at DESC) index
    db.webhookDelivery.findMany({
      where: { ownerId: userId },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: RECENT_DELIVERIES,
      select: {
        id: true,
        payload: true,
        createdAt: true,
        attempts: true,
        nextAttemptAt: true,
        deliveredAt: true,
        failedAt: true,
        lastStatus: true,
        lastError: true,
      },
    }),
  ]);
  return {
    url: user?.webhookUrl ?? null,
    deliveries: rows.map(({ id, payload, ...row }) => {
      const type = (payload as { type?: unknown } | null)?.type;
      return { ...row, id: String(id), event: typeof type === "string" ? type : "unknown", state: stateOf(row) };
    }),
  };
}

type Locked = { webhook_url: string | null; webhook_secret_enc: string | null };

/**
 * Saves the URL. The first save makes the signing secret and returns it (the only time it is
 * shown); saving the same URL again keeps it. A new URL gets a new secret, returned once as well:
 * whoever received (or could read) the old one cannot sign for the new receiver. Deliveries still
 * waiting go to the new URL at once, signed with the new secret.
 */
export async function saveWebhookUrl(userId: string, url: string, now = new Date()): Promise<{ secret: string | null; changed: boolean; rotated: boolean }> {
  return db.$transaction(async (tx) => {
    // The row lock keeps two saves at once from each making (and showing) a different secret.
    const [current] = await tx.$queryRaw<Locked[]>`SELECT webhook_url, webhook_secret_enc FROM users WHERE id = ${userId} FOR UPDATE`;
    if (!current) throw new AppError("unauthorized", "Your account no longer exists.");
    const changed = current.webhook_url !== url;
    const rotated = Boolean(current.webhook_secret_enc) && changed;
    const secret = !current.webhook_secret_enc || rotated ? generateWebhookSecret() : null;
    await tx.user.update({
      where: { id: userId },
      data: { webhookUrl: url, ...(secret ? { webhookSecretEnc: seal("webhookSecret", userId, secret, getRuntimeSecrets().encryptionKey) } : {}) },
    });
    if (changed) {
      await tx.webhookDelivery.updateMany({
        where: { ownerId: userId, deliveredAt: null, failedAt: null },
        data: { url, nextAttemptAt: now },
      });
    }
    return { secret, changed, rotated };
  });
}

/** A new secret replaces the old one at once (deliveries from now on are signed with it). */
export async function rotateWebhookSecret(userId: string): Promise<string> {
  const secret = generateWebhookSecret();
  const { count } = await db.user.updateMany({
    where: { id: userId, webhookUrl: { not: null } },
    data: { webhookSecretEnc: seal("webhookSecret", userId, secret, getRuntimeSecrets().encryptionKey) },
  });
  if (count === 0) throw new AppError("conflict", "There is no webhook to rotate the secret of: save a webhook URL first.");
  return secret;
}

/** Forgets the URL and the secret; deliveries still waiting are cancelled (and shown as such). */
export async function removeWebhook(userId: string, now = new Date()): Promise<{ cancelled: number }> {
  const [, cancelled] = await db.$transaction([
    db.user.update({ where: { id: userId }, data: { webhookUrl: null, webhookSecretEnc: null } }),
    db.webhookDelivery.updateMany({
      where: { ownerId: userId, deliveredAt: null, failedAt: null },
      data: { nextAttemptAt: null, failedAt: now, lastError: WEBHOOK_REMOVED_ERROR },
    }),
  ]);
  return { cancelled: cancelled.count };
}

/** Queues a "webhook.test" event for the owner's current URL; null when no webhook is set. */
export async function enqueueTestEvent(userId: string, now = new Date()): Promise<bigint | null> {
  const user = await db.user.findUnique({ where: { id: userId }, select: { webhookUrl: true } });
  if (!user?.webhookUrl) return null;
  const row = await db.webhookDelivery.create({
    data: {
      ownerId: userId,
      url: user.webhookUrl,
      nextAttemptAt: now,
      payload: { type: "webhook.test", occurredAt: now.toISOString(), message: "A test event sent from Bucketshare's Settings." },
    },
    select: { id: true },
  });
  return row.id;
}

/** Every signed-in person may set their own webhook; kept for a role that may not (none today). */
export const WEBHOOKS_NOT_YOURS = "Your role does not let you set a webhook.";
