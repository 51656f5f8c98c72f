"use client";

import { useHydrated } from "@/components/ui/use-hydrated";
import { formatDateTime, formatExactDate } from "@/lib/format";
import { relativeTime } from "@/lib/links/status";

/**
 * The signed-in app's one date format: exact and relative, "6 Dec 2026, 14:05 · in 3 days", in the
 * viewer's time zone. The server cannot know that zone, so the server's HTML (and the render that
 * hydrates it) says the time in UTC, labelled; once hydrated it says it in the browser's zone. The
 * relative part counts from the server's `now`, so both renders agree on it. The title and the
 * <time> element carry the exact moment with seconds and zone.
 *
 * `stacked` puts the relative part on its own line under the exact one (table cells, cards); `cell` is the
 * same with its styles from the surrounding table's stylesheet (the folder listing's `.listing`: a hundred
 * rows without a hundred copies of the classes), its datetime and title only once hydrated.
 */
export function RelativeTime({ date, now, layout = "inline" }: { date: Date; now: Date; layout?: "inline" | "stacked" | "cell" }) {
  const hydrated = useHydrated();
  const zone = hydrated ? undefined : "UTC";
  const exact = `${formatDateTime(date, zone)}${hydrated ? "" : " UTC"}`;
  const relative = relativeTime(date, now);
  if (layout === "cell") {
    // Written a hundred times on a folder's page: the exact moment (datetime, title) only once hydrated (the title
    // says the browser's zone then); the server's HTML goes without, and does not format it.
    return (
      <time dateTime={hydrated ? date.toISOString() : undefined} title={hydrated ? formatExactDate(date) : undefined}>
        {exact}
        <small>{relative}</small>
      </time>
    );
  }
  const title = formatExactDate(date, zone);
  if (layout === "stacked") {
    return (
      <time dateTime={date.toISOString()} title={title} className="block">
        <span className="block whitespace-nowrap">{exact}</span>
        <span className="block whitespace-nowrap text-xs text-muted">{relative}</span>
      </time>
    );
  }
  return (
    <time dateTime={date.toISOString()} title={title}>
      {exact} · {relative}
    </time>
  );
}
