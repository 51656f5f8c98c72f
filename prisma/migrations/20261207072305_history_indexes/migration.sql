-- The link history at a million links (issue 19 item 5): every filter and search of /links and of
-- GET /api/v1/links reads an index (tests/integration/history-plans.test.ts checks the plans).

-- DropIndex
DROP INDEX "share_links_owner_id_connection_id_bucket_created_at_idx";

-- CreateIndex
CREATE INDEX "share_links_owner_id_connection_id_bucket_created_at_id_idx" ON "share_links"("owner_id", "connection_id", "bucket", "created_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "share_links_owner_id_issued_by_expires_soon_at_idx" ON "share_links"("owner_id", "issued_by", "expires_soon_at");

-- CreateIndex
CREATE INDEX "share_links_owner_id_issued_by_connection_id_bucket_idx" ON "share_links"("owner_id", "issued_by", "connection_id", "bucket");

-- CreateIndex
CREATE INDEX "share_links_owner_id_health_expires_at_idx" ON "share_links"("owner_id", "health", "expires_at");

-- Search (ILIKE '%…%' over key, note and title): migration history_search gave key and note trigram
-- indexes, but the search has matched titles too since multi-file shares, and an OR of three ILIKEs
-- can use the indexes only when each of the three has one: without title's, every search read all the
-- owner's links (765 ms at a million). Like history_search, skipped where pg_trgm is not installed.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
    CREATE INDEX IF NOT EXISTS "share_links_title_trgm_idx" ON "share_links" USING gin ("title" gin_trgm_ops);
  END IF;
END $$;

-- The status and type filters that pick a few links out of many, newest first (keyset on created_at, id).
-- Partial indexes (Prisma cannot express them), on columns a download never changes: download_count
-- and last_access_at stay out of every index, so the download's UPDATE stays a HOT update.
CREATE INDEX "share_links_revoked_idx" ON "share_links"("owner_id", "created_at" DESC, "id" DESC) WHERE "revoked_at" IS NOT NULL;
CREATE INDEX "share_links_limited_idx" ON "share_links"("owner_id", "created_at" DESC, "id" DESC) WHERE "download_limit" IS NOT NULL;
CREATE INDEX "share_links_marked_idx" ON "share_links"("owner_id", "created_at" DESC, "id" DESC) WHERE "object_state" IS NOT NULL;
CREATE INDEX "share_links_requests_idx" ON "share_links"("owner_id", "created_at" DESC, "id" DESC) WHERE "target" = 'request';
