import { RelativeTime } from "@/components/ui/relative-time";
import { describeEvent, summariseUserAgent } from "@/lib/links/access-log-view";
import type { AccessLogRow } from "@/lib/links/manage";

/**
 * The link page's "Access log" table: time, what happened (a "Link preview" badge when a chat
 * app's unfurler asked), address, and the user agent summarised with the raw string one click
 * away. A page's preview is folded into its page view by listAccessLog.
 */
export function AccessLogTable({ rows, now }: { rows: AccessLogRow[]; now: Date }) {
  if (rows.length === 0) {
    return (
      <p className="rounded-lg border border-dashed border-zinc-300 p-4 text-center text-sm text-zinc-600 dark:border-zinc-700 dark:text-zinc-400">
        Nobody has used this link yet.
      </p>
    );
  }
  return (
    // A table from 640 px up; below, each event is a card (one markup: see history-table.tsx).
    <div className="sm:overflow-x-auto">
      <table className="w-full text-sm max-sm:block sm:min-w-[40rem]">
        <caption className="sr-only">Access log, newest first</caption>
        <thead className="border-b border-zinc-200 text-left text-xs uppercase tracking-wide text-muted max-sm:sr-only dark:border-zinc-800">
          <tr>
            <th scope="col" className="py-2 pr-3 font-medium">
              Time
            </th>
            <th scope="col" className="py-2 pr-3 font-medium">
              Event
            </th>
            <th scope="col" className="py-2 pr-3 font-medium">
              Address
            </th>
            <th scope="col" className="py-2 font-medium">
              Browser or app
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100 max-sm:block max-sm:space-y-3 dark:divide-zinc-900">
          {rows.map((row) => {
            const { action, detail } = describeEvent(row);
            return (
              <tr
                key={row.id}
                className="align-top max-sm:grid max-sm:grid-cols-2 max-sm:gap-x-4 max-sm:gap-y-2 max-sm:rounded-lg max-sm:border max-sm:border-zinc-200 max-sm:p-3 max-sm:dark:border-zinc-800"
              >
                <td className="max-sm:col-span-2 max-sm:block sm:py-2 sm:pr-3">
                  <RelativeTime date={row.createdAt} now={now} layout="stacked" />
                </td>
                <td className="max-sm:col-span-2 max-sm:block sm:py-2 sm:pr-3">
                  <span className="break-words">{action}</span>
                  {row.previewAgent ? (
                    <span className="ml-2 inline-block rounded bg-zinc-100 px-1.5 py-0.5 text-xs font-medium text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300">
                      Link preview
                    </span>
                  ) : null}
                  {detail ? <span className="block text-xs text-muted">{detail}</span> : null}
                </td>
                <td className="break-all font-mono text-xs max-sm:col-span-1 max-sm:block sm:whitespace-nowrap sm:py-2 sm:pr-3">
                  <span aria-hidden="true" className="block font-sans text-muted sm:hidden">
                    Address
                  </span>
                  {row.clientAddress ?? "—"}
                </td>
                <td className="text-xs max-sm:col-span-1 max-sm:block sm:max-w-xs sm:py-2">
                  <span aria-hidden="true" className="block text-muted sm:hidden">
                    Browser or app
                  </span>
                  {row.userAgent ? (
                    <details>
                      <summary className="cursor-pointer">{summariseUserAgent(row.userAgent)}</summary>
                      <span className="mt-1 block break-all font-mono text-muted">{row.userAgent}</span>
                    </details>
                  ) : (
                    "—"
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
