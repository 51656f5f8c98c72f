import "server-only";
import { linkLockoutStartedBy, type LinkPasswordLockout } from "@/lib/auth/rate-limit";
import { db } from "@/lib/db/client";

/**
 * Tells a link's owner when wrong passwords have just locked it (lib/auth/limits.ts): the caller
 * writes the access-log row (reason `locked_out`), and a `link.password_locked` webhook event is
 * queued for the team's Owner and for the person who issued the link (once each), where they have a
 * webhook URL and were not removed. Null when this failure started no lock.
 */
export async function lockoutStartedByFailure(input: {
  link: { id: string; ownerId: string; fileName: string };
  /** The failure's row on the link's lock-out ladder (guardedAttempt's lockFailureId). */
  failureId: bigint;
  /** As the access log keeps it. */
  clientAddress: string;
  userAgent: string | null;
  now: Date;
}): Promise<(LinkPasswordLockout & { lockedUntil: Date }) | null> {
  const state = await linkLockoutStartedBy(input.link.id, input.failureId, input.now);
  if (!state) return null;
  // The link's receivers: the team's Owner (every link of the team) and the person who issued it, each once.
  const receivers = await db.user.findMany({
    where: {
      removedAt: null,
      webhookUrl: { not: null },
      // The Owner now (after "Make Owner" the team's id stays the first Owner's), and the issuer.
      OR: [{ role: "owner", OR: [{ id: input.link.ownerId, teamId: null }, { teamId: input.link.ownerId }] }, { issuedLinks: { some: { id: input.link.id } } }],
    },
    select: { id: true, webhookUrl: true },
  });
  if (receivers.length > 0) {
    const payload = {
      type: "link.password_locked",
      occurredAt: input.now.toISOString(),
      link: { id: input.link.id, fileName: input.link.fileName },
      failedAttempts: state.failures,
      lockedUntil: state.lockedUntil.toISOString(),
      recipient: { address: input.clientAddress, userAgent: input.userAgent },
      clearLockout: `The owner can clear the lock-out on the link's page in Bucketshare, /links/${input.link.id} (Clear lock-out).`,
    };
    await db.webhookDelivery.createMany({
      data: receivers.map((receiver) => ({ ownerId: receiver.id, url: receiver.webhookUrl ?? "", nextAttemptAt: input.now, payload })),
    });
  }
  return { failures: state.failures, lockedUntil: state.lockedUntil };
}
