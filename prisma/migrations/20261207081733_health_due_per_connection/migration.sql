-- The health checker claims each connection's oldest links (lib/health/checker.ts claimDueLinks: one index range per
-- connection, capped at what its pace can check in a pass), so one connection's backlog never holds back the others.
DROP INDEX IF EXISTS "share_links_health_due_idx";
CREATE INDEX "share_links_health_due_idx" ON "share_links"("connection_id", "health_checked_at" ASC NULLS FIRST, "id")
  WHERE "deleted_at" IS NULL AND "revoked_at" IS NULL;
