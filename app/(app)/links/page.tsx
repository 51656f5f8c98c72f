import type { Metadata } from "next";
import Link from "next/link";
import { HistoryFilters } from "@/components/links/history-filters";
import { HistoryTable } from "@/components/links/history-table";
import { Button, buttonClass } from "@/components/ui/button";
import { inputClass } from "@/components/ui/field";
import { FilterSelect } from "@/components/ui/filter-select";
import { PagerOff } from "@/components/ui/pager";
import { requireUser } from "@/lib/auth/session";
import { can } from "@/lib/auth/permissions";
import { countLinks, countLinksNeedingAttention, listHistoryBuckets, listIssuers, listLinks } from "@/lib/links/history";
import { HEALTH_LABELS, HEALTH_OUTCOMES } from "@/lib/health/outcome";
import { issuerLabel } from "@/lib/links/issuer";
import { HISTORY_PAGE_SIZE } from "@/lib/links/filters";
import { LINK_STATUSES, STATUS_LABEL } from "@/lib/links/status";
import { firstValue, pageNumberOf, type SearchParams } from "@/lib/search-params";
import { historyFilterSchema } from "@/lib/validation/share";

export const metadata: Metadata = { title: "Links" };

export default async function LinksPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const user = await requireUser();
  const search = await searchParams;
  const [scopeConnection, scopeBucket] = (firstValue(search.scope) ?? "").split("::");
  const filter = historyFilterSchema.parse({
    status: firstValue(search.status),
    type: firstValue(search.type),
    health: firstValue(search.health),
    connection: scopeConnection || undefined,
    bucket: scopeBucket || undefined,
    q: firstValue(search.q) || undefined,
    issuedBy: firstValue(search.issuedBy) || undefined,
    cursor: firstValue(search.cursor) || undefined,
  });
  const now = new Date();
  // Admins and the Owner see every link of the team, with an "Issued by" column and filter once the
  // team has someone besides them (a team of one has nobody to tell apart); a Member's list is their own.
  const teamWide = can(user, "links.all");
  const [{ rows, nextCursor }, scopes, total, issuers, attention] = await Promise.all([
    listLinks(user, filter, now),
    listHistoryBuckets(user),
    countLinks(user, filter, now),
    listIssuers(user),
    countLinksNeedingAttention(user, now),
  ]);

  const showIssuer = teamWide && issuers.length > 1;
  const query = new URLSearchParams();
  if (filter.status !== "all") query.set("status", filter.status);
  if (filter.type && filter.type !== "all") query.set("type", filter.type);
  if (filter.health !== "all") query.set("health", filter.health);
  if (firstValue(search.scope)) query.set("scope", firstValue(search.scope)!);
  if (filter.q) query.set("q", filter.q);
  if (showIssuer && filter.issuedBy) query.set("issuedBy", filter.issuedBy);
  const filtered = query.size > 0;
  const exportHref = `/links/export?${query}`;
  // The page number rides along with the cursor, for display only (a wrong one misnumbers nothing but the label).
  const pageNumber = pageNumberOf(search, Boolean(filter.cursor));
  const first = (pageNumber - 1) * HISTORY_PAGE_SIZE;
  const nextHref = nextCursor ? `/links?${new URLSearchParams([...query, ["cursor", nextCursor], ["page", String(pageNumber + 1)]])}` : null;

  return (
    <div className="space-y-5">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold">Links</h1>
          <p className="text-sm text-zinc-600 dark:text-zinc-400">
            {showIssuer ? "Every link of your team" : "Every link you issued"}, newest first, with whether it still works.
          </p>
        </div>
        <a href={exportHref} className={buttonClass("secondary")} download>
          Export CSV
        </a>
      </div>

      {attention.count > 0 && filter.health !== "needs-attention" ? (
        <div className="flex flex-wrap items-center justify-between gap-2 rounded-lg border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-950 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100">
          <p>
            <strong>
              {attention.capped ? `${attention.count}+` : attention.count} {attention.count === 1 && !attention.capped ? "link needs" : "links need"} attention
            </strong>
            : a health check found {attention.count === 1 && !attention.capped ? "it" : "them"} missing, changed, refused or about to stop working early.
          </p>
          <Link href="/links?health=needs-attention" className="font-medium underline underline-offset-2">
            Show links that need attention
          </Link>
        </div>
      ) : null}

      <HistoryFilters filtered={filtered} current={query.toString()}>
        <FilterSelect id="links-status" label="Status" name="status" defaultValue={filter.status}>
          <option value="all">All</option>
          {LINK_STATUSES.map((status) => (
            <option key={status} value={status}>
              {STATUS_LABEL[status]}
            </option>
          ))}
        </FilterSelect>
        <FilterSelect id="links-health" label="Health" name="health" defaultValue={filter.health}>
          <option value="all">Any health</option>
          <option value="needs-attention">Needs attention</option>
          {HEALTH_OUTCOMES.map((outcome) => (
            <option key={outcome} value={outcome}>
              {HEALTH_LABELS[outcome]}
            </option>
          ))}
        </FilterSelect>
        <FilterSelect id="links-type" label="Type" name="type" defaultValue={filter.type ?? "all"}>
          <option value="all">All types</option>
          <option value="direct">Direct</option>
          <option value="managed">Managed</option>
          <option value="request">Upload request</option>
        </FilterSelect>
        <FilterSelect id="links-scope" label="Bucket" name="scope" defaultValue={firstValue(search.scope) ?? ""}>
          <option value="">All buckets</option>
          {scopes.map((s) => (
            <option key={`${s.connectionId}::${s.bucket}`} value={`${s.connectionId ?? ""}::${s.bucket}`}>
              {s.connectionName} / {s.bucket}
            </option>
          ))}
        </FilterSelect>
        {showIssuer ? (
          <FilterSelect id="links-issued-by" label="Issued by" name="issuedBy" defaultValue={filter.issuedBy ?? ""}>
            <option value="">Everyone</option>
            {issuers.map((person) => (
              <option key={person.id} value={person.id}>
                {issuerLabel(person)}
              </option>
            ))}
          </FilterSelect>
        ) : null}
        <div className="space-y-1">
          <label htmlFor="links-q" className="block text-xs font-medium">
            Search
          </label>
          <input id="links-q" name="q" type="search" defaultValue={filter.q ?? ""} placeholder="Key or note" className={`${inputClass} w-56`} />
        </div>
        {/* Filters apply as they change; this button is for a browser without JavaScript (`noscript:`, a CSS media query), and only there. */}
        <span className="hidden noscript:contents">
          <Button type="submit" variant="secondary">
            Apply
          </Button>
        </span>
      </HistoryFilters>
      <p role="status" className="text-sm text-zinc-600 dark:text-zinc-400">
        {total.capped ? `${total.count.toLocaleString("en-US")}+ links` : `${total.count.toLocaleString("en-US")} ${total.count === 1 ? "link" : "links"}`}
      </p>

      {rows.length === 0 ? (
        <p className="rounded-lg border border-dashed border-zinc-300 p-6 text-center text-sm text-zinc-600 dark:border-zinc-700 dark:text-zinc-400">
          {filter.cursor || filtered ? "No links match these filters." : "No links yet. Open an object in Buckets and use Quick Share."}
        </p>
      ) : (
        <HistoryTable rows={rows} now={now} showIssuer={showIssuer} />
      )}
      <nav aria-label="Pagination" className="flex flex-wrap items-center justify-between gap-2">
        {filter.cursor ? (
          <Link href={`/links?${query}`} className={buttonClass("secondary")}>
            First page
          </Link>
        ) : (
          <PagerOff>First page</PagerOff>
        )}
        <p className="text-sm text-zinc-600 max-sm:order-first max-sm:w-full max-sm:text-center dark:text-zinc-400">
          Page {pageNumber}
          {rows.length > 0 ? ` · links ${(first + 1).toLocaleString("en-US")}–${(first + rows.length).toLocaleString("en-US")}` : ""}
        </p>
        {nextHref ? (
          <Link href={nextHref} className={buttonClass("secondary")}>
            Older links
          </Link>
        ) : (
          <PagerOff>Older links</PagerOff>
        )}
      </nav>
    </div>
  );
}
