import { HEALTH_LABELS, type HealthOutcome } from "@/lib/health/outcome";
import { formatExactDate } from "@/lib/format";
import { relativeTime } from "@/lib/links/status";

const tone: Record<HealthOutcome, string> = {
  ok: "text-emerald-800 dark:text-emerald-300",
  missing: "text-red-800 dark:text-red-300",
  changed: "text-violet-900 dark:text-violet-300",
  access_denied: "text-red-800 dark:text-red-300",
  connection_failing: "text-orange-900 dark:text-orange-300",
  dies_early: "text-amber-900 dark:text-amber-300",
};

/**
 * A link's health in words and when it was last checked: "Missing · 5 minutes ago" (the history's
 * Health column, the link page; `stacked`: the time on a line of its own). Not checked yet: "Not checked yet".
 * Dies early: also when it really stops.
 */
export function HealthMark({
  health,
  checkedAt,
  trueEnd,
  now,
  stacked = false,
}: {
  health: HealthOutcome | null;
  checkedAt: Date | null;
  trueEnd?: string | null;
  now: Date;
  /** The time on a line of its own under the outcome (table cells). */
  stacked?: boolean;
}) {
  if (!health || !checkedAt)
    return stacked ? (
      <span className="text-muted">
        <span aria-hidden="true">—</span>
        <span className="sr-only">Not checked yet</span>
      </span>
    ) : (
      <span className="text-muted">Not checked yet</span>
    );
  const end = trueEnd ? new Date(trueEnd) : null;
  return (
    <span className="block">
      <span className={`whitespace-nowrap font-medium ${tone[health]}`}>{HEALTH_LABELS[health]}</span>
      <span className={`text-muted ${stacked ? "block whitespace-nowrap text-xs" : ""}`}>
        <span className={stacked ? "sr-only" : undefined}>{" · "}</span>
        <time dateTime={checkedAt.toISOString()} title={`Checked ${formatExactDate(checkedAt, "UTC")}`}>
          {relativeTime(checkedAt, now)}
        </time>
      </span>
      {health === "dies_early" && end && !Number.isNaN(end.getTime()) ? (
        <span className="block text-xs text-muted">
          Stops working <time dateTime={end.toISOString()}>{formatExactDate(end, "UTC")}</time>
        </span>
      ) : null}
    </span>
  );
}
