import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { AuditTable } from "@/components/audit/audit-table";
import { HistoryFilters } from "@/components/links/history-filters";
import { Button, buttonClass } from "@/components/ui/button";
import { FilterSelect } from "@/components/ui/filter-select";
import { PagerOff } from "@/components/ui/pager";
import { KINDS } from "@/lib/audit/kinds";
import { AUDIT_PAGE_SIZE, auditFilterSchema, listAuditEvents, listAuditPeople } from "@/lib/audit/list";
import { can } from "@/lib/auth/permissions";
import { requireUser } from "@/lib/auth/session";
import { pageNumberOf, type SearchParams } from "@/lib/search-params";

export const metadata: Metadata = { title: "Audit log" };

export default async function AuditPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const user = await requireUser();
  if (!can(user, "audit.view")) notFound();
  const search = await searchParams;
  const filter = auditFilterSchema.parse(search);
  const now = new Date();
  const [{ rows, newer, older }, people] = await Promise.all([listAuditEvents(user, filter), listAuditPeople(user)]);

  const query = new URLSearchParams();
  if (filter.person) query.set("person", filter.person);
  if (filter.kind) query.set("kind", filter.kind);
  const filtered = query.size > 0;
  // The page number rides along with the cursors, for the position text only.
  const paged = Boolean(filter.after || filter.before);
  const pageNumber = pageNumberOf(search, paged);
  const first = (pageNumber - 1) * AUDIT_PAGE_SIZE;
  const newerHref = newer
    ? `/audit?${new URLSearchParams([...query, ["before", newer], ["page", String(pageNumber - 1)]])}`
    : paged && pageNumber > 1
      ? `/audit?${query}`
      : null;
  const olderHref = older ? `/audit?${new URLSearchParams([...query, ["after", older], ["page", String(pageNumber + 1)]])}` : null;

  return (
    <div className="space-y-5">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold">Audit log</h1>
          <p className="text-sm text-zinc-600 dark:text-zinc-400">Every change made by a person of your team, newest first.</p>
        </div>
        <a href={`/audit/export?${query}`} className={buttonClass("secondary")} download>
          Export CSV
        </a>
      </div>

      <HistoryFilters filtered={filtered} current={query.toString()} label="Filter the audit log">
        <FilterSelect id="audit-person" label="Person" name="person" defaultValue={filter.person ?? "all"}>
          <option value="all">Everyone</option>
          {people.map((person) => (
            <option key={person.id} value={person.id}>
              {person.removed ? `${person.name} (removed)` : person.name}
            </option>
          ))}
        </FilterSelect>
        <FilterSelect id="audit-kind" label="Kind" name="kind" defaultValue={filter.kind ?? "all"}>
          <option value="all">All kinds</option>
          {KINDS.map((k) => (
            <option key={k.kind} value={k.kind}>
              {k.label}
            </option>
          ))}
        </FilterSelect>
        {/* Filters apply as they change; this button is for a browser without JavaScript only. */}
        <span className="hidden noscript:contents">
          <Button type="submit" variant="secondary">
            Apply
          </Button>
        </span>
      </HistoryFilters>

      {rows.length === 0 ? (
        <p className="rounded-lg border border-dashed border-zinc-300 p-6 text-center text-sm text-zinc-600 dark:border-zinc-700 dark:text-zinc-400">
          {filtered || paged ? "No events match these filters." : "Nothing recorded yet."}
        </p>
      ) : (
        <AuditTable rows={rows} now={now} />
      )}
      <nav aria-label="Pagination" className="flex flex-wrap items-center justify-between gap-2">
        {newerHref ? (
          <Link href={newerHref} className={buttonClass("secondary")}>
            Newer
          </Link>
        ) : (
          <PagerOff>Newer</PagerOff>
        )}
        <p role="status" className="text-sm text-zinc-600 max-sm:order-first max-sm:w-full max-sm:text-center dark:text-zinc-400">
          Page {pageNumber}
          {rows.length > 0 ? ` · events ${(first + 1).toLocaleString("en-US")}–${(first + rows.length).toLocaleString("en-US")}` : ""}
        </p>
        {olderHref ? (
          <Link href={olderHref} className={buttonClass("secondary")}>
            Older
          </Link>
        ) : (
          <PagerOff>Older</PagerOff>
        )}
      </nav>
    </div>
  );
}
