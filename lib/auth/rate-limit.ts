import "server-only";
import { db } from "@/lib/db";
import { MAX_FAILURES_PER_ADDRESS, MAX_FAILURES_PER_EMAIL, SIGN_IN_WINDOW_MS } from "@/lib/auth/limits";

export { retryMessage } from "@/lib/auth/limits";

/**
 * Failed sign-ins are counted per email and per client address over a sliding window.
 * The state lives in PostgreSQL so it holds across restarts and instances.
 */

/** When sign-in is allowed again, or null when it is allowed now. */
export async function signInBlockedUntil(email: string, clientAddress: string, now = new Date()): Promise<Date | null> {
  const since = new Date(now.getTime() - SIGN_IN_WINDOW_MS);
  const [byEmail, byAddress] = await Promise.all([
    db.signInFailure.findMany({
      where: { email, createdAt: { gt: since } },
      orderBy: { createdAt: "desc" },
      take: MAX_FAILURES_PER_EMAIL,
      select: { createdAt: true },
    }),
    db.signInFailure.findMany({
      where: { clientAddress, createdAt: { gt: since } },
      orderBy: { createdAt: "desc" },
      take: MAX_FAILURES_PER_ADDRESS,
      select: { createdAt: true },
    }),
  ]);
  const until = [
    byEmail.length >= MAX_FAILURES_PER_EMAIL ? byEmail[MAX_FAILURES_PER_EMAIL - 1]!.createdAt : null,
    byAddress.length >= MAX_FAILURES_PER_ADDRESS ? byAddress[MAX_FAILURES_PER_ADDRESS - 1]!.createdAt : null,
  ]
    .filter((d): d is Date => d !== null)
    .map((d) => d.getTime() + SIGN_IN_WINDOW_MS);
  return until.length > 0 ? new Date(Math.max(...until)) : null;
}

export async function recordSignInFailure(email: string, clientAddress: string): Promise<void> {
  await db.signInFailure.create({ data: { email, clientAddress } });
}

/** After a successful sign-in the email's failures no longer count; old rows are pruned. */
export async function clearSignInFailures(email: string, now = new Date()): Promise<void> {
  await db.signInFailure.deleteMany({
    where: { OR: [{ email }, { createdAt: { lt: new Date(now.getTime() - 24 * 60 * 60 * 1000) } }] },
  });
}
