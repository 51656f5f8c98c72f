import { formatExactDate } from "@/lib/format";
import { relativeTime } from "@/lib/links/status";

/** "3 hours ago", with the exact time on hover and for assistive tech via <time>. */
export function RelativeTime({ date, now }: { date: Date; now: Date }) {
  const exact = formatExactDate(date);
  return (
    <time dateTime={date.toISOString()} title={exact}>
      {relativeTime(date, now)}
    </time>
  );
}
