import "server-only";
import { type Actor, canViewLink, linkScope } from "@/lib/auth/permissions";
import { db } from "@/lib/db/client";
import { HEALTH_CHECKS_KEPT, type HealthDetail } from "@/lib/health/checker";
import type { HealthOutcome } from "@/lib/health/outcome";
import { healthOf } from "@/lib/links/history";

export type HealthCheckRow = { id: string; checkedAt: Date; outcome: HealthOutcome; detail: HealthDetail | null };

export type LinkHealth = {
  health: HealthOutcome | null;
  checkedAt: Date | null;
  detail: HealthDetail | null;
  /** The link's last checks, newest first (at most HEALTH_CHECKS_KEPT). */
  checks: HealthCheckRow[];
};

function detailOf(value: unknown): HealthDetail | null {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as HealthDetail) : null;
}

/** /links/<id>: the link's health and health history, for whoever may see the link (canViewLink); null otherwise. */
export async function getLinkHealth(actor: Actor, id: string): Promise<LinkHealth | null> {
  const link = await db.shareLink.findFirst({
    where: { id, ...linkScope(actor), deletedAt: null },
    select: { ownerId: true, issuedById: true, connectionId: true, bucket: true, key: true, target: true, health: true, healthDetail: true },
  });
  if (!link || !canViewLink(actor, link)) return null;
  const checks = await db.linkHealthCheck.findMany({
    where: { linkId: id },
    orderBy: [{ checkedAt: "desc" }, { id: "desc" }],
    take: HEALTH_CHECKS_KEPT,
  });
  const health = healthOf(link.health);
  return {
    health,
    // The time of the last recorded check (share_links.health_checked_at also moves when a pass claims the link).
    checkedAt: health ? (checks[0]?.checkedAt ?? null) : null,
    detail: detailOf(link.healthDetail),
    checks: checks.flatMap((c) => {
      const outcome = healthOf(c.outcome);
      return outcome ? [{ id: String(c.id), checkedAt: c.checkedAt, outcome, detail: detailOf(c.detail) }] : [];
    }),
  };
}
