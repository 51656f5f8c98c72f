import "server-only";
import { db } from "@/lib/db/client";

/**
 * The history's search at a million links (issue 19 item 5). `key ILIKE '%term%'` reads the trigram index
 * share_links_key_trgm_idx, which must intersect every trigram of the term: where keys share a folder or a naming
 * scheme ("projects/…", "folder-…/file-….pdf"), the trigrams of those words are in every key, and walking their
 * posting lists (a million entries each) is most of the search's cost (`folder-42/`: 26-35 ms for the index scan
 * alone; its one distinctive word `42` alone: 3 ms, finding the same 2,089 candidates). Notes and titles too
 * ("for client …", "Files for …").
 *
 * So each index is asked for the term with the column's common words left out (`%-42/%`), and each candidate is
 * checked against the whole term (searchPlan, then historySql's strpos in lib/links/history.ts). Which trigrams are common comes from
 * PostgreSQL's own statistics (migration search_trigram_statistics: CREATE STATISTICS on show_trgm(key), (note) and
 * (title), computed by ANALYZE and autovacuum from a sample, nothing written per link), read once per STATS_TTL_MS per
 * process. Without them (pg_trgm not installed, table not analysed yet) the whole term goes to the index, as before.
 */

export const SEARCHED_COLUMNS = ["key", "note", "title"] as const;
export type SearchedColumn = (typeof SEARCHED_COLUMNS)[number];
export type CommonTrigrams = Record<SearchedColumn, ReadonlySet<string>>;

/** A trigram in at least this share of a column's values is common: a word made only of such trigrams narrows nothing. */
export const COMMON_TRIGRAM_SHARE = 0.25;
const STATS_TTL_MS = 10 * 60_000;

let cached: { at: number; trigrams: CommonTrigrams } | null = null;
let loading: Promise<CommonTrigrams> | null = null;

/** Per searched column, the trigrams (pg_trgm's, as show_trgm spells them) in at least COMMON_TRIGRAM_SHARE of its values. */
export async function commonTrigrams(now = Date.now()): Promise<CommonTrigrams> {
  if (cached && now - cached.at < STATS_TTL_MS) return cached.trigrams;
  loading ??= (async () => {
    const trigrams = { key: new Set<string>(), note: new Set<string>(), title: new Set<string>() };
    try {
      const rows = await db.$queryRaw<{ name: string; trigram: string }[]>`
        SELECT s.statistics_name AS name, u.trigram FROM pg_stats_ext_exprs s,
               unnest(s.most_common_elems::text::text[], s.most_common_elem_freqs) AS u(trigram, share)
         WHERE s.schemaname = current_schema()
           AND s.statistics_name IN ('share_links_key_trigrams', 'share_links_note_trigrams', 'share_links_title_trigrams')
           AND u.trigram IS NOT NULL AND u.share >= ${COMMON_TRIGRAM_SHARE}`;
      for (const row of rows) trigrams[row.name.replace(/^share_links_|_trigrams$/g, "") as SearchedColumn]?.add(row.trigram);
    } catch {
      // PostgreSQL before 14 has no pg_stats_ext_exprs: no statistics, the whole term goes to the indexes.
    } finally {
      loading = null;
    }
    cached = { at: now, trigrams };
    return trigrams;
  })();
  return loading;
}

/** Forget the statistics read (tests that analyse a table of their own). */
export function forgetCommonTrigrams(): void {
  cached = null;
}

/** LIKE's wildcards and escape character taken literally (backslash is PostgreSQL's default LIKE escape). */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** pg_trgm's trigrams of one word of a LIKE pattern: two blanks before it after a separator, one after it before one. */
function wordTrigrams(word: string, separatorBefore: boolean, separatorAfter: boolean): string[] {
  const padded = `${separatorBefore ? "  " : ""}${word}${separatorAfter ? " " : ""}`;
  const trigrams: string[] = [];
  for (let i = 0; i + 3 <= padded.length; i++) trigrams.push(padded.slice(i, i + 3));
  return trigrams;
}

/**
 * How to search a column for a term. `narrowed`: the LIKE pattern to ask the column's index for, `%term%` with each word whose
 * trigrams are all common replaced by `%`; null when that would not narrow anything (no common word, or nothing
 * distinctive left: the whole term is then asked for). The pattern matches every key the term matches (the term with
 * parts left out), so the caller checks the whole term on the candidates. `broad`: every trigram of the term is
 * common (`.pdf`, `folder`): most values match it. Only plain ASCII terms are judged (pg_trgm's idea of a word for
 * other letters depends on the database's locale).
 */
export function searchPlan(term: string, common: ReadonlySet<string>): { narrowed: string | null; broad: boolean } {
  if (common.size === 0 || !/^[\x20-\x7e]+$/.test(term)) return { narrowed: null, broad: false };
  const text = term.toLowerCase();
  let pattern = "";
  let at = 0;
  let dropped = false;
  let distinctive = false;
  for (const match of text.matchAll(/[a-z0-9]+/g)) {
    const start = match.index;
    const end = start + match[0].length;
    pattern += escapeLike(text.slice(at, start));
    const trigrams = wordTrigrams(match[0], start > 0, end < text.length);
    if (trigrams.length > 0 && trigrams.every((t) => common.has(t))) {
      pattern += "%";
      dropped = true;
    } else {
      pattern += match[0];
      if (trigrams.some((t) => !common.has(t))) distinctive = true;
    }
    at = end;
  }
  pattern += escapeLike(text.slice(at));
  return { narrowed: dropped && distinctive ? `%${pattern}%` : null, broad: dropped && !distinctive };
}
