"use client";

/**
 * Placeholder rows while a listing loads; drawn by app/globals.css (`.skeleton-row`), so each row is three empty divs.
 * A client component although it holds no state: a page's React Server Component payload then names it (and its
 * `rows`) instead of carrying its markup, once for each loading.tsx and Suspense fallback on the way.
 */
export function ListingSkeleton({ rows = 8 }: { rows?: number }) {
  return (
    <div role="status" aria-busy="true" aria-label="Loading" className="animate-pulse space-y-2">
      {Array.from({ length: rows }, (_, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: identical placeholder rows that never reorder
        <div key={i} className="skeleton-row">
          <div />
          <div />
          <div />
        </div>
      ))}
    </div>
  );
}
