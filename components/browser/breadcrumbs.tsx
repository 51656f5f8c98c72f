import Link from "next/link";
import type { Crumb } from "@/lib/paths";

export function Breadcrumbs({ connectionName, crumbs }: { connectionName: string; crumbs: Crumb[] }) {
  return (
    <nav aria-label="Breadcrumb" className="min-w-0">
      <ol className="flex flex-wrap items-center gap-1 text-sm">
        <li>
          <Link href="/buckets" className="text-sky-700 hover:underline dark:text-sky-400">
            {connectionName}
          </Link>
        </li>
        {crumbs.map((crumb, i) => (
          <li key={crumb.href} className="flex min-w-0 items-center gap-1">
            <span aria-hidden="true" className="text-zinc-400">
              /
            </span>
            {i === crumbs.length - 1 ? (
              <span aria-current="page" className="truncate font-medium">
                {crumb.label}
              </span>
            ) : (
              <Link href={crumb.href} className="truncate text-sky-700 hover:underline dark:text-sky-400">
                {crumb.label}
              </Link>
            )}
          </li>
        ))}
      </ol>
    </nav>
  );
}
