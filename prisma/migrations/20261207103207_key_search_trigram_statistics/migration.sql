-- The history's key search at a million links (issue 19 item 5, lib/links/key-search.ts): which trigrams are in
-- most keys (a shared folder or naming scheme), so that the search asks share_links_key_trgm_idx for the term's
-- distinctive words only and checks the whole term on the candidates. Extended statistics on the expression
-- show_trgm(key): ANALYZE and autovacuum compute its most common elements and their shares from a sample (about
-- 2 s at a million links); nothing is written or indexed per link, so issuing a link and a download's UPDATE cost
-- what they cost before. Like history_search, skipped where pg_trgm is not installed (the search then asks the
-- index for the whole term, as before).
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
    CREATE STATISTICS IF NOT EXISTS "share_links_key_trigrams" ON (show_trgm("key")) FROM "share_links";
    ANALYZE "share_links";
  END IF;
EXCEPTION WHEN OTHERS THEN
  RAISE NOTICE 'key trigram statistics unavailable (%): the key search asks its index for the whole term', SQLERRM;
END $$;
