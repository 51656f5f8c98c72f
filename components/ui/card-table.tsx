/*
 * One markup for both sizes, shared by the history and the audit log. From 640 px up it is a table;
 * below, each row is a card: the rows become grids, the column headers stay for assistive technology
 * only (sr-only), and each cell shows its own small label instead (aria-hidden: the header already
 * names the cell).
 */

/** A cell: a block in a card, padded in a table. */
export const cardCell = "max-sm:block sm:py-2 sm:pr-3";

/** A row: a bordered two-column grid on a phone. */
export const cardRow =
  "align-top max-sm:grid max-sm:grid-cols-2 max-sm:gap-x-4 max-sm:gap-y-3 max-sm:rounded-lg max-sm:border max-sm:border-zinc-200 max-sm:p-3 max-sm:dark:border-zinc-800";

export const cardBody = "divide-y divide-zinc-100 max-sm:block max-sm:space-y-3 dark:divide-zinc-900";

/** The label a cell shows in a card (a phone), hidden from assistive technology and on wide screens. */
export function CellLabel({ children }: { children: string }) {
  return (
    <span aria-hidden="true" className="block text-xs text-muted sm:hidden">
      {children}
    </span>
  );
}

/** The column headers: visible from 640 px up, for assistive technology only below. The last column has no right padding. */
export function CardTableHead({ columns }: { columns: { label: React.ReactNode; className?: string }[] }) {
  return (
    <thead className="border-b border-zinc-200 text-left text-xs uppercase tracking-wide text-muted max-sm:sr-only dark:border-zinc-800">
      <tr>
        {columns.map((column, index) => (
          <th
            key={String(index)}
            scope="col"
            className={`${index === columns.length - 1 ? "py-2 font-medium" : "py-2 pr-3 font-medium"} ${column.className ?? ""}`}
          >
            {column.label}
          </th>
        ))}
      </tr>
    </thead>
  );
}
