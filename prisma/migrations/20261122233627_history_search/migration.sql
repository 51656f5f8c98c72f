-- /links search: case-insensitive substring match on key and note (ILIKE '%…%'), served by
-- trigram indexes so it stays fast with hundreds of thousands of links.
-- pg_trgm ships with PostgreSQL and is a trusted extension (13+); where it cannot be installed,
-- search still works, without an index.
DO $$
BEGIN
  CREATE EXTENSION IF NOT EXISTS pg_trgm;
EXCEPTION WHEN OTHERS THEN
  RAISE NOTICE 'pg_trgm unavailable (%): link history search runs without an index', SQLERRM;
END $$;

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
    CREATE INDEX IF NOT EXISTS "share_links_key_trgm_idx" ON "share_links" USING gin ("key" gin_trgm_ops);
    CREATE INDEX IF NOT EXISTS "share_links_note_trgm_idx" ON "share_links" USING gin ("note" gin_trgm_ops);
  END IF;
END $$;
