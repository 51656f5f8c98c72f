import { getEnv } from "@/lib/env";
import { type Actor, webhookMustBePublic } from "@/lib/auth/permissions";
import type { TargetPolicy } from "@/lib/webhooks/target";

/**
 * Where this person's webhook may go, from the permission rule (webhookMustBePublic) and the instance's
 * settings: WEBHOOK_ALLOW_PRIVATE widens the Owner's alone, WEBHOOK_TRUSTED_NETWORKS everyone else's.
 */
export function webhookPolicyFor(person: Pick<Actor, "role">, trustedNetworks?: readonly string[]): TargetPolicy {
  const env = getEnv();
  const publicOnly = webhookMustBePublic(person);
  return { allowPrivate: !publicOnly && env.WEBHOOK_ALLOW_PRIVATE, publicOnly, trustedNetworks: trustedNetworks ?? env.WEBHOOK_TRUSTED_NETWORKS };
}
