-- The history's search at a million links (issue 19 item 5, lib/links/search-trigrams.ts): which trigrams are in
-- most keys (a shared folder or naming scheme), notes and titles, so that the search asks each trigram index for the
-- term's distinctive words only and checks the whole term on the candidates. Extended statistics on the expressions
-- show_trgm(key), show_trgm(note) and show_trgm(title): ANALYZE and autovacuum compute their most common elements and
-- their shares from a sample (about 2 s more per ANALYZE of share_links at a million links); nothing is written or
-- indexed per link, so issuing a link and a download's UPDATE cost what they cost before. Like history_search,
-- skipped where pg_trgm is not installed (the search then asks the indexes for the whole term, as before).
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
    CREATE STATISTICS IF NOT EXISTS "share_links_key_trigrams" ON (show_trgm("key")) FROM "share_links";
    CREATE STATISTICS IF NOT EXISTS "share_links_note_trigrams" ON (show_trgm("note")) FROM "share_links";
    CREATE STATISTICS IF NOT EXISTS "share_links_title_trigrams" ON (show_trgm("title")) FROM "share_links";
    ANALYZE "share_links";
  END IF;
EXCEPTION WHEN OTHERS THEN
  RAISE NOTICE 'search trigram statistics unavailable (%): the search asks its indexes for the whole term', SQLERRM;
END $$;
