import "server-only";
import { LINK_LOCK_EVERY } from "@/lib/auth/limits";
import { linkPasswordLockout, type LinkPasswordLockout } from "@/lib/auth/rate-limit";
import { db } from "@/lib/db/client";

/**
 * Tells a link's owner when wrong passwords have just locked it (lib/auth/limits.ts): the caller
 * writes the access-log row (reason `locked_out`), and a `link.password_locked` webhook event is
 * queued when the owner has a webhook URL. Null when this failure started no lock.
 */
export async function lockoutStartedByFailure(input: {
  link: { id: string; ownerId: string; fileName: string };
  /** As the access log keeps it. */
  clientAddress: string;
  userAgent: string | null;
  now: Date;
}): Promise<(LinkPasswordLockout & { lockedUntil: Date }) | null> {
  const state = await linkPasswordLockout(input.link.id, input.now);
  if (!state.lockedUntil || state.failures === 0 || state.failures % LINK_LOCK_EVERY !== 0) return null;
  const owner = await db.user.findUnique({ where: { id: input.link.ownerId }, select: { webhookUrl: true } });
  if (owner?.webhookUrl) {
    await db.webhookDelivery.create({
      data: {
        ownerId: input.link.ownerId,
        url: owner.webhookUrl,
        nextAttemptAt: input.now,
        payload: {
          type: "link.password_locked",
          occurredAt: input.now.toISOString(),
          link: { id: input.link.id, fileName: input.link.fileName },
          failedAttempts: state.failures,
          lockedUntil: state.lockedUntil.toISOString(),
          recipient: { address: input.clientAddress, userAgent: input.userAgent },
        },
      },
    });
  }
  return { failures: state.failures, lockedUntil: state.lockedUntil };
}
