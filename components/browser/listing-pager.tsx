"use client";

import Form from "next/form";
import { buttonClass } from "@/components/ui/button";
import { PagerOff } from "@/components/ui/pager";

/**
 * Previous page, "Page 2 · items 101–200" and Next page under a folder's listing (page tokens kept in the URL).
 * A client component (it holds no state): the page's React Server Component payload carries its props rather
 * than its markup.
 */
export function ListingPager({
  here,
  filter,
  pages,
  nextToken,
  pageNumber,
  count,
  first,
  maxPageTokens,
}: {
  here: string;
  filter: string;
  /** The continuation tokens of the pages before this one (the URL's `page`s). */
  pages: string[];
  nextToken: string | null;
  pageNumber: number;
  /** Entries on this page, and how many came before it. */
  count: number;
  first: number;
  /** Past this many tokens, the oldest are dropped (components/browser/folder-listing.tsx). */
  maxPageTokens: number;
}) {
  return (
    <nav aria-label="Pagination" className="flex flex-wrap items-center justify-between gap-2">
      {pages.length > 0 ? (
        <Form action={here}>
          {filter ? <input type="hidden" name="q" value={filter} /> : null}
          {pages.slice(0, -1).map((token, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: the page tokens are a fixed, ordered list (one may repeat as "")
            <input key={i} type="hidden" name="page" value={token} />
          ))}
          {pages.length > 1 ? <input type="hidden" name="n" value={pageNumber - 1} /> : null}
          <button type="submit" className={buttonClass("secondary")}>
            Previous page
          </button>
        </Form>
      ) : (
        <PagerOff>Previous page</PagerOff>
      )}
      <p className="text-sm text-zinc-600 max-sm:order-first max-sm:w-full max-sm:text-center dark:text-zinc-400">
        Page {pageNumber.toLocaleString("en-US")}
        {count > 0 ? ` · items ${(first + 1).toLocaleString("en-US")}–${(first + count).toLocaleString("en-US")}` : ""}
      </p>
      {nextToken ? (
        <Form action={here}>
          {filter ? <input type="hidden" name="q" value={filter} /> : null}
          {[...pages, nextToken].slice(-maxPageTokens).map((token, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: the page tokens are a fixed, ordered list (one may repeat as "")
            <input key={i} type="hidden" name="page" value={token} />
          ))}
          <input type="hidden" name="n" value={pageNumber + 1} />
          <button type="submit" className={buttonClass("secondary")}>
            Next page
          </button>
        </Form>
      ) : (
        <PagerOff>Next page</PagerOff>
      )}
    </nav>
  );
}
