import { RelativeTime } from "@/components/ui/relative-time";
import { kindLabel } from "@/lib/audit/kinds";

export type AuditTableRow = {
  id: string;
  actorName: string;
  kind: string;
  subject: string;
  address: string | null;
  createdAt: Date;
};

/*
 * As the history's table (components/links/history-table.tsx): a table from 640 px up; below, each
 * row is a card, the column headers stay for assistive technology only and each cell shows its own label.
 */
const th = "py-2 pr-3 font-medium";
const cell = "max-sm:block sm:py-2 sm:pr-3";
const cardLabel = "block text-xs text-muted sm:hidden";

function CellLabel({ children }: { children: string }) {
  return (
    <span aria-hidden="true" className={cardLabel}>
      {children}
    </span>
  );
}

/** The Audit log's rows: when, who, what, to what, from where. */
export function AuditTable({ rows, now }: { rows: AuditTableRow[]; now: Date }) {
  return (
    <div className="sm:overflow-x-auto">
      <table className="w-full text-sm max-sm:block sm:min-w-[48rem]">
        <caption className="sr-only">Audit log</caption>
        <thead className="border-b border-zinc-200 text-left text-xs uppercase tracking-wide text-muted max-sm:sr-only dark:border-zinc-800">
          <tr>
            <th scope="col" className={th}>
              When
            </th>
            <th scope="col" className={th}>
              Who
            </th>
            <th scope="col" className={th}>
              What
            </th>
            <th scope="col" className={`${th} min-w-48`}>
              Subject
            </th>
            <th scope="col" className="py-2 font-medium">
              Address
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100 max-sm:block max-sm:space-y-3 dark:divide-zinc-900">
          {rows.map((row) => (
            <tr
              key={row.id}
              className="align-top max-sm:grid max-sm:grid-cols-2 max-sm:gap-x-4 max-sm:gap-y-3 max-sm:rounded-lg max-sm:border max-sm:border-zinc-200 max-sm:p-3 max-sm:dark:border-zinc-800"
            >
              <td className={`${cell} max-sm:col-span-2`}>
                <CellLabel>When</CellLabel>
                <RelativeTime date={row.createdAt} now={now} layout="stacked" />
              </td>
              <td className={`${cell} wrap-anywhere max-sm:col-span-1`}>
                <CellLabel>Who</CellLabel>
                {row.actorName}
              </td>
              <td className={`${cell} max-sm:col-span-1`}>
                <CellLabel>What</CellLabel>
                <span className="font-medium">{kindLabel(row.kind)}</span>
              </td>
              <td className={`${cell} wrap-anywhere max-sm:col-span-2 sm:max-w-xs`}>
                <CellLabel>Subject</CellLabel>
                {row.subject || "—"}
              </td>
              <td className="max-sm:col-span-2 max-sm:block sm:py-2 whitespace-nowrap text-zinc-600 dark:text-zinc-400">
                <CellLabel>Address</CellLabel>
                {row.address ?? "—"}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
