import type { PrismaClient } from "@/lib/generated/prisma/client";
import { hashPassword } from "@/lib/auth/password";

/**
 * The owner account. Creation is serialised with a transaction-scoped advisory lock, so two
 * setup requests (or two instances starting with OWNER_EMAIL) can never create two owners.
 */

const OWNER_LOCK = 4_202_611;

export async function ownerExists(client: PrismaClient): Promise<boolean> {
  return (await client.user.findFirst({ select: { id: true } })) !== null;
}

export async function createOwner(
  client: PrismaClient,
  input: { name: string; email: string; password: string },
): Promise<{ created: boolean; userId?: string }> {
  // Checked before the (deliberately slow) hash, so refused setups cost nothing; checked again under the lock.
  if (await ownerExists(client)) return { created: false };
  const passwordHash = await hashPassword(input.password);
  return client.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${OWNER_LOCK})`;
    if (await tx.user.findFirst({ select: { id: true } })) return { created: false };
    const user = await tx.user.create({
      data: { name: input.name, email: input.email.trim().toLowerCase(), passwordHash },
      select: { id: true },
    });
    return { created: true, userId: user.id };
  });
}
