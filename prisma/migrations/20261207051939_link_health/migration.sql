-- AlterTable
ALTER TABLE "share_links" ADD COLUMN     "health" TEXT,
ADD COLUMN     "health_checked_at" TIMESTAMP(3),
ADD COLUMN     "health_detail" JSONB;

-- CreateTable
CREATE TABLE "link_health_checks" (
    "id" BIGSERIAL NOT NULL,
    "link_id" TEXT NOT NULL,
    "checked_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "outcome" TEXT NOT NULL,
    "detail" JSONB,

    CONSTRAINT "link_health_checks_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "link_health_checks_link_id_checked_at_idx" ON "link_health_checks"("link_id", "checked_at" DESC);

-- AddForeignKey
ALTER TABLE "link_health_checks" ADD CONSTRAINT "link_health_checks_link_id_fkey" FOREIGN KEY ("link_id") REFERENCES "share_links"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The history's "Needs attention" filter (lib/links/history.ts): an index range on the owner's links
-- that need attention, newest first (keyset on created_at, id); expired ones are left out by the
-- query's expires_at condition on the few rows found.
CREATE INDEX "share_links_needs_attention_idx" ON "share_links"("owner_id", "created_at" DESC, "id" DESC)
  WHERE "health" IN ('missing', 'changed', 'access_denied', 'connection_failing', 'dies_early')
    AND "deleted_at" IS NULL AND "revoked_at" IS NULL;

-- The health checker (lib/health/checker.ts) claims the links checked longest ago (never checked first).
CREATE INDEX "share_links_health_due_idx" ON "share_links"("health_checked_at" ASC NULLS FIRST, "id")
  WHERE "deleted_at" IS NULL AND "revoked_at" IS NULL;
