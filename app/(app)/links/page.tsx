import type { Metadata } from "next";
import Link from "next/link";
import { HistoryFilters } from "@/components/links/history-filters";
import { LinkRowActions } from "@/components/links/link-row-actions";
import { StatusBadge } from "@/components/links/status-badge";
import { DownloadsCell, ObjectStateMark } from "@/components/links/downloads-cell";
import { Button, buttonClass } from "@/components/ui/button";
import { inputClass } from "@/components/ui/field";
import { RelativeTime } from "@/components/ui/relative-time";
import { requireUser } from "@/lib/auth/session";
import { formatBytes, formatExactDate } from "@/lib/format";
import { countLinks, listHistoryBuckets, listLinks } from "@/lib/links/history";
import { HISTORY_PAGE_SIZE } from "@/lib/links/filters";
import { LINK_STATUSES, STATUS_LABEL } from "@/lib/links/status";
import { folderHref, objectHref } from "@/lib/paths";
import { historyFilterSchema } from "@/lib/validation/share";

/** A pagination control that cannot be used here: visibly off, and said so to assistive technology. */
const pageOff =
  "inline-flex cursor-not-allowed items-center rounded-md border border-dashed border-zinc-300 px-3.5 py-2 text-sm font-medium text-zinc-500 dark:border-zinc-700 dark:text-zinc-400";

export const metadata: Metadata = { title: "Links" };

type Search = Record<string, string | string[] | undefined>;

function one(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export default async function LinksPage({ searchParams }: { searchParams: Promise<Search> }) {
  const user = await requireUser();
  const search = await searchParams;
  const [scopeConnection, scopeBucket] = (one(search.scope) ?? "").split("::");
  const filter = historyFilterSchema.parse({
    status: one(search.status),
    type: one(search.type),
    connection: scopeConnection || undefined,
    bucket: scopeBucket || undefined,
    q: one(search.q) || undefined,
    cursor: one(search.cursor) || undefined,
  });
  const now = new Date();
  const [{ rows, nextCursor }, scopes, total] = await Promise.all([
    listLinks(user.id, filter, now),
    listHistoryBuckets(user.id),
    countLinks(user.id, filter, now),
  ]);

  const query = new URLSearchParams();
  if (filter.status !== "all") query.set("status", filter.status);
  if (filter.type && filter.type !== "all") query.set("type", filter.type);
  if (one(search.scope)) query.set("scope", one(search.scope)!);
  if (filter.q) query.set("q", filter.q);
  const filtered = query.size > 0;
  const exportHref = `/links/export?${query}`;
  // The page number rides along with the cursor, for display only (a wrong one misnumbers nothing but the label).
  const pageParam = Number.parseInt(one(search.page) ?? "", 10);
  const pageNumber = filter.cursor && Number.isSafeInteger(pageParam) && pageParam > 1 && pageParam <= 1_000_000 ? pageParam : 1;
  const first = (pageNumber - 1) * HISTORY_PAGE_SIZE;
  const nextHref = nextCursor ? `/links?${new URLSearchParams([...query, ["cursor", nextCursor], ["page", String(pageNumber + 1)]])}` : null;

  return (
    <div className="space-y-5">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold">Links</h1>
          <p className="text-sm text-zinc-600 dark:text-zinc-400">Every link you issued, newest first, with whether it still works.</p>
        </div>
        <a href={exportHref} className={buttonClass("secondary")} download>
          Export CSV
        </a>
      </div>

      <HistoryFilters filtered={filtered} current={query.toString()}>
        <div className="space-y-1">
          <label htmlFor="links-status" className="block text-xs font-medium">
            Status
          </label>
          <select id="links-status" name="status" defaultValue={filter.status} className={inputClass}>
            <option value="all">All</option>
            {LINK_STATUSES.map((status) => (
              <option key={status} value={status}>
                {STATUS_LABEL[status]}
              </option>
            ))}
          </select>
        </div>
        <div className="space-y-1">
          <label htmlFor="links-type" className="block text-xs font-medium">
            Type
          </label>
          <select id="links-type" name="type" defaultValue={filter.type ?? "all"} className={inputClass}>
            <option value="all">All types</option>
            <option value="direct">Direct</option>
            <option value="managed">Managed</option>
          </select>
        </div>
        <div className="space-y-1">
          <label htmlFor="links-scope" className="block text-xs font-medium">
            Bucket
          </label>
          <select id="links-scope" name="scope" defaultValue={one(search.scope) ?? ""} className={inputClass}>
            <option value="">All buckets</option>
            {scopes.map((s) => (
              <option key={`${s.connectionId}::${s.bucket}`} value={`${s.connectionId ?? ""}::${s.bucket}`}>
                {s.connectionName} / {s.bucket}
              </option>
            ))}
          </select>
        </div>
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
        <div className="overflow-x-auto">
          <table className="w-full min-w-[60rem] text-sm">
            <caption className="sr-only">Issued links</caption>
            <thead className="border-b border-zinc-200 text-left text-xs uppercase tracking-wide text-muted dark:border-zinc-800">
              <tr>
                <th scope="col" className="py-2 pr-3 font-medium">
                  Status
                </th>
                <th scope="col" className="py-2 pr-3 font-medium">
                  Type
                </th>
                <th scope="col" className="py-2 pr-3 font-medium">
                  Object
                </th>
                <th scope="col" className="py-2 pr-3 font-medium">
                  Note
                </th>
                <th scope="col" className="py-2 pr-3 font-medium">
                  Created
                </th>
                <th scope="col" className="py-2 pr-3 font-medium">
                  Expires
                </th>
                <th scope="col" className="py-2 pr-3 font-medium">
                  Downloads
                </th>
                <th scope="col" className="py-2 pr-3 font-medium">
                  Last access
                </th>
                <th scope="col" className="py-2 font-medium">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100 dark:divide-zinc-900">
              {rows.map((link) => (
                <tr key={link.id} className="align-top">
                  <td className="py-2 pr-3">
                    <StatusBadge status={link.status} />
                  </td>
                  <td className="py-2 pr-3">
                    <Link
                      href={`/links/${link.id}`}
                      className="text-sky-700 hover:underline dark:text-sky-400"
                      aria-label={`${link.kind === "managed" ? "Managed" : "Direct"}: details of the link to ${link.key}`}
                    >
                      {link.kind === "managed" ? "Managed" : "Direct"}
                    </Link>
                  </td>
                  <td className="max-w-xs py-2 pr-3">
                    <span className="block text-xs text-muted">
                      {link.connectionName} / {link.bucket}
                    </span>
                    {link.target === "files" ? (
                      <>
                        {link.connectionId ? (
                          <Link
                            href={folderHref(link.connectionId, link.bucket, link.key)}
                            className="break-all text-sky-700 hover:underline dark:text-sky-400"
                          >
                            {link.title ?? (link.key || link.bucket)}
                          </Link>
                        ) : (
                          <span className="break-all">{link.title ?? (link.key || link.bucket)}</span>
                        )}
                        <span className="block text-xs text-muted">
                          {(link.fileCount ?? 0).toLocaleString("en-US")} {link.fileCount === 1 ? "file" : "files"} · {formatBytes(link.objectSize)}
                        </span>
                      </>
                    ) : link.connectionId ? (
                      <Link href={objectHref(link.connectionId, link.bucket, link.key)} className="break-all text-sky-700 hover:underline dark:text-sky-400">
                        {link.key}
                      </Link>
                    ) : (
                      <span className="break-all">{link.key}</span>
                    )}
                    <ObjectStateMark state={link.status === link.objectState ? null : link.objectState} />
                  </td>
                  <td className="max-w-[12rem] break-words py-2 pr-3 text-zinc-600 dark:text-zinc-400">{link.note ?? "—"}</td>
                  <td className="whitespace-nowrap py-2 pr-3">
                    <RelativeTime date={link.createdAt} now={now} />
                  </td>
                  <td className="whitespace-nowrap py-2 pr-3">
                    {link.neverExpires ? (
                      <span>No expiry</span>
                    ) : (
                      <>
                        <span className="block">{formatExactDate(link.expiresAt)}</span>
                        <span className="text-xs text-muted">
                          <RelativeTime date={link.expiresAt} now={now} />
                        </span>
                      </>
                    )}
                    {link.revokedAt ? (
                      <span className="block text-xs text-muted">
                        Revoked <RelativeTime date={link.revokedAt} now={now} />
                      </span>
                    ) : null}
                  </td>
                  <td className="whitespace-nowrap py-2 pr-3">
                    <DownloadsCell kind={link.kind} count={link.downloadCount} limit={link.downloadLimit} />
                  </td>
                  <td className="whitespace-nowrap py-2 pr-3">
                    {link.lastAccessAt ? <RelativeTime date={link.lastAccessAt} now={now} /> : <span className="text-muted">—</span>}
                  </td>
                  <td className="py-2">
                    <LinkRowActions id={link.id} label={link.key} expired={link.status === "expired"} kind={link.kind} revoked={link.status === "revoked"} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <nav aria-label="Pagination" className="flex flex-wrap items-center justify-between gap-2">
        {filter.cursor ? (
          <Link href={`/links?${query}`} className={buttonClass("secondary")}>
            First page
          </Link>
        ) : (
          <span aria-disabled="true" className={pageOff}>
            First page
          </span>
        )}
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          Page {pageNumber}
          {rows.length > 0 ? ` · links ${(first + 1).toLocaleString("en-US")}–${(first + rows.length).toLocaleString("en-US")}` : ""}
        </p>
        {nextHref ? (
          <Link href={nextHref} className={buttonClass("secondary")}>
            Older links
          </Link>
        ) : (
          <span aria-disabled="true" className={pageOff}>
            Older links
          </span>
        )}
      </nav>
    </div>
  );
}
