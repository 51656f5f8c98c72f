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
-- fastupdate off: with it on (the default), new links' trigrams wait in a pending list of up to 4 MB
-- until autovacuum, and every search reads that whole list (30–50 ms per index measured at 100,000
-- links); off, a link's issue writes its trigrams into the index at once (well under a millisecond).
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
    CREATE INDEX IF NOT EXISTS "share_links_title_trgm_idx" ON "share_links" USING gin ("title" gin_trgm_ops) WITH (fastupdate = off);
    ALTER INDEX IF EXISTS "share_links_key_trgm_idx" SET (fastupdate = off);
    ALTER INDEX IF EXISTS "share_links_note_trgm_idx" SET (fastupdate = off);
    PERFORM gin_clean_pending_list('share_links_key_trgm_idx'::regclass) WHERE to_regclass('share_links_key_trgm_idx') IS NOT NULL;
    PERFORM gin_clean_pending_list('share_links_note_trgm_idx'::regclass) WHERE to_regclass('share_links_note_trgm_idx') IS NOT NULL;
  END IF;
END $$;

-- The status and type filters that pick a few links out of many.
-- Partial indexes (Prisma cannot express them), on columns a download never changes: download_count
-- and last_access_at stay out of every index, so the download's UPDATE stays a HOT update.
CREATE INDEX "share_links_revoked_idx" ON "share_links"("owner_id", "created_at" DESC, "id" DESC) WHERE "revoked_at" IS NOT NULL;
-- Limit reached, File changed and File missing are live links (expires_at > now) among the limited or marked ones.
CREATE INDEX "share_links_limited_idx" ON "share_links"("owner_id", "expires_at") WHERE "download_limit" IS NOT NULL;
CREATE INDEX "share_links_marked_idx" ON "share_links"("owner_id", "expires_at") WHERE "object_state" IS NOT NULL;
CREATE INDEX "share_links_requests_idx" ON "share_links"("owner_id", "created_at" DESC, "id" DESC) WHERE "target" = 'request';
