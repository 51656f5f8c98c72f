/** A page's search parameters as Next hands them over: each may be absent, given once or repeated. */
export type SearchParams = Record<string, string | string[] | undefined>;

/** The first value of a search parameter (a repeated parameter counts once). */
export function firstValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The page number that rides along with a keyset cursor, for the "Page N" text only: 1 unless the page
 * is reached through a cursor and says a sane number (it never decides what is listed).
 */
export function pageNumberOf(search: SearchParams, paged: boolean): number {
  const page = Number.parseInt(firstValue(search.page) ?? "", 10);
  return paged && Number.isSafeInteger(page) && page > 1 && page <= 1_000_000 ? page : 1;
}
