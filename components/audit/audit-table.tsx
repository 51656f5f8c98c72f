import { RelativeTime } from "@/components/ui/relative-time";
import { CardTableHead, CellLabel, cardBody, cardCell, cardRow } from "@/components/ui/card-table";
import { kindLabel } from "@/lib/audit/kinds";

export type AuditTableRow = {
  id: string;
  actorName: string;
  kind: string;
  subject: string;
  address: string | null;
  createdAt: Date;
};

/** The Audit log's rows: when, who, what, to what, from where. */
export function AuditTable({ rows, now }: { rows: AuditTableRow[]; now: Date }) {
  return (
    <div className="sm:overflow-x-auto">
      <table className="w-full text-sm max-sm:block sm:min-w-[48rem]">
        <caption className="sr-only">Audit log</caption>
        <CardTableHead columns={[{ label: "When" }, { label: "Who" }, { label: "What" }, { label: "Subject", className: "min-w-48" }, { label: "Address" }]} />
        <tbody className={cardBody}>
          {rows.map((row) => (
            <tr key={row.id} className={cardRow}>
              <td className={`${cardCell} max-sm:col-span-2`}>
                <CellLabel>When</CellLabel>
                <RelativeTime date={row.createdAt} now={now} layout="stacked" />
              </td>
              <td className={`${cardCell} wrap-anywhere max-sm:col-span-1`}>
                <CellLabel>Who</CellLabel>
                {row.actorName}
              </td>
              <td className={`${cardCell} max-sm:col-span-1`}>
                <CellLabel>What</CellLabel>
                <span className="font-medium">{kindLabel(row.kind)}</span>
              </td>
              <td className={`${cardCell} wrap-anywhere max-sm:col-span-2 sm:max-w-xs`}>
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
