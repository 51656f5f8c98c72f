import { RelativeTime } from "@/components/ui/relative-time";
import { formatExactDate } from "@/lib/format";
import type { AccessLogRow } from "@/lib/links/manage";

const OUTCOME_LABEL: Record<string, string> = {
  page_view: "Page view",
  download: "Download",
  refused: "Refused",
  wrong_password: "Wrong password",
  unlocked: "Unlocked",
};

const REASON_LABEL: Record<string, string> = {
  expired: "Expired",
  revoked: "Revoked",
  limit: "Download limit reached",
  network: "Network not allowed",
  password: "Password needed",
  changed: "File changed since shared",
  missing: "File no longer exists",
  preview_agent: "Link preview (not counted)",
  head: "HEAD request (not counted)",
  preview: "Preview (not counted)",
  rate_limited: "Too many attempts",
  locked_out: "Link locked: too many wrong passwords",
};

/** The link page's "Access log" table: time, outcome, reason, address, user agent, preview agent. */
export function AccessLogTable({ rows, now }: { rows: AccessLogRow[]; now: Date }) {
  if (rows.length === 0) {
    return (
      <p className="rounded-lg border border-dashed border-zinc-300 p-4 text-center text-sm text-zinc-600 dark:border-zinc-700 dark:text-zinc-400">
        Nobody has used this link yet.
      </p>
    );
  }
  return (
    <div className="overflow-x-auto">
      <table className="w-full min-w-[48rem] text-sm">
        <caption className="sr-only">Access log, newest first</caption>
        <thead className="border-b border-zinc-200 text-left text-xs uppercase tracking-wide text-muted dark:border-zinc-800">
          <tr>
            <th scope="col" className="py-2 pr-3 font-medium">
              Time
            </th>
            <th scope="col" className="py-2 pr-3 font-medium">
              Outcome
            </th>
            <th scope="col" className="py-2 pr-3 font-medium">
              Reason
            </th>
            <th scope="col" className="py-2 pr-3 font-medium">
              Address
            </th>
            <th scope="col" className="py-2 pr-3 font-medium">
              User agent
            </th>
            <th scope="col" className="py-2 font-medium">
              Preview agent
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100 dark:divide-zinc-900">
          {rows.map((row) => (
            <tr key={row.id} className="align-top">
              <td className="whitespace-nowrap py-2 pr-3">
                <span className="block">{formatExactDate(row.createdAt)}</span>
                <span className="text-xs text-muted">
                  <RelativeTime date={row.createdAt} now={now} />
                </span>
              </td>
              <td className="py-2 pr-3">{OUTCOME_LABEL[row.outcome] ?? row.outcome}</td>
              <td className="py-2 pr-3">{row.reason ? (REASON_LABEL[row.reason] ?? row.reason) : "—"}</td>
              <td className="whitespace-nowrap py-2 pr-3 font-mono text-xs">{row.clientAddress ?? "—"}</td>
              <td className="max-w-xs break-words py-2 pr-3 text-xs">{row.userAgent ?? "—"}</td>
              <td className="py-2">{row.previewAgent ? "Yes" : "No"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
