import Form from "next/form";
import { notFound } from "next/navigation";
import { type ListedObject, ListingRows } from "@/components/browser/listing-rows";
import { StorageErrorPanel } from "@/components/browser/storage-error-panel";
import { QuickShareHost } from "@/components/share/quick-share-host";
import { SelectionHost } from "@/components/share/selection-host";
import { publicBaseUrl } from "@/lib/env";
import type { ShareLimits } from "@/lib/links/grant-limits";
import { buttonClass } from "@/components/ui/button";
import { PagerOff } from "@/components/ui/pager";
import type { FolderPage, Loaded } from "@/lib/storage/listing";
import { folderHref } from "@/lib/paths";

type Props = {
  listing: Promise<Loaded<FolderPage>>;
  connectionId: string;
  credentialsExpireAt: string | null;
  /** The storage's host when it is a loopback or private address (lib/storage/private-endpoint.ts). */
  storagePrivateHost: string | null;
  bucket: string;
  prefix: string;
  filter: string;
  pages: string[];
  /** The page's number as the pager's last step said it (`n`), for the label past MAX_PAGE_TOKENS. */
  pageNumberParam?: number;
  /** Entries per page (lib/storage/listing.ts PAGE_SIZE), for "items 101–200". */
  pageSize: number;
  selectedKey?: string;
  /** What the person may share here (lib/links/grant-limits.ts); null: nothing (no share buttons or selection). */
  shareLimits: ShareLimits | null;
  /** May open the connection's settings (the storage error's "Edit connection"). */
  manageConnection: boolean;
};

/**
 * Continuation tokens kept in the URL for Previous page. Past this many, the oldest are dropped
 * (Previous then stops at the oldest kept page) so the URL stays well under header size limits.
 */
const MAX_PAGE_TOKENS = 40;

function baseQuery(filter: string, pages: string[]): URLSearchParams {
  const query = new URLSearchParams();
  if (filter) query.set("q", filter);
  for (const page of pages) query.append("page", page);
  return query;
}

/** One page (100 entries) of a folder: folders first, then objects, with Previous/Next kept in the URL. */
export async function FolderListing({
  listing,
  connectionId,
  credentialsExpireAt,
  storagePrivateHost,
  bucket,
  prefix,
  filter,
  pages,
  pageNumberParam,
  pageSize,
  selectedKey,
  shareLimits,
  manageConnection,
}: Props) {
  const here = folderHref(connectionId, bucket, prefix);
  const result = await listing;
  if (!result.ok) {
    if (result.error.problem === "no_such_bucket") notFound();
    const query = baseQuery(filter, pages).toString();
    return <StorageErrorPanel info={result.error} connectionId={manageConnection ? connectionId : undefined} retryHref={query ? `${here}?${query}` : here} />;
  }
  const page = result.value;
  const empty = page.folders.length === 0 && page.objects.length === 0;
  // A folder exists in S3 only through what is under it (or its marker object).
  if (empty && prefix !== "" && !filter && pages.length === 0 && !page.markerExists) notFound();

  const now = new Date();
  const query = baseQuery(filter, pages);
  // Past MAX_PAGE_TOKENS pages the URL no longer says how deep it is: the number rides along
  // (display only; a wrong one misnumbers nothing but the label).
  const pageNumber = pages.length === 0 ? 1 : Math.max(pages.length + 1, pageNumberParam ?? 0);
  const count = page.folders.length + page.objects.length;
  const first = (pageNumber - 1) * pageSize;
  return (
    <div className="space-y-3">
      {empty ? (
        <p className="rounded-lg border border-dashed border-zinc-300 p-6 text-center text-sm text-zinc-600 dark:border-zinc-700 dark:text-zinc-400">
          {filter ? `Nothing here starts with “${filter}”.` : prefix ? "This folder is empty." : "This bucket is empty."}
        </p>
      ) : (
        <QuickShareHost
          connectionId={connectionId}
          bucket={bucket}
          credentialsExpireAt={credentialsExpireAt}
          storagePrivateHost={storagePrivateHost}
          limits={shareLimits}
        >
          <SelectionHost
            connectionId={connectionId}
            bucket={bucket}
            prefix={prefix}
            publicUrl={publicBaseUrl()}
            storagePrivateHost={storagePrivateHost}
            longestSeconds={shareLimits?.longestExpirySeconds ?? null}
            credentialsExpireAt={credentialsExpireAt}
          >
            <table className="listing">
              <caption className="sr-only">Contents of {prefix || bucket}</caption>
              <thead>
                <tr>
                  <th scope="col" className="col-select">
                    {page.objects.length > 0 && shareLimits ? (
                      <input type="checkbox" data-select-all="" aria-label="Select all on this page" />
                    ) : (
                      <span className="sr-only">Select</span>
                    )}
                  </th>
                  <th scope="col">Name</th>
                  <th scope="col" className="col-size">
                    Size
                  </th>
                  <th scope="col" className="col-date">
                    Last modified
                  </th>
                  <th scope="col" className="col-action">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <ListingRows
                connectionId={connectionId}
                bucket={bucket}
                prefix={prefix}
                query={query.toString()}
                folders={page.folders.map(({ prefix: folder }) => folder.slice(prefix.length))}
                objects={page.objects.map((o): ListedObject => [o.key.slice(prefix.length), o.size, o.lastModified?.getTime() ?? null])}
                selectedKey={selectedKey ?? null}
                share={shareLimits !== null}
                now={now.getTime()}
              />
            </table>
          </SelectionHost>
        </QuickShareHost>
      )}
      <nav aria-label="Pagination" className="flex flex-wrap items-center justify-between gap-2">
        {pages.length > 0 ? (
          <Form action={here}>
            {filter ? <input type="hidden" name="q" value={filter} /> : null}
            {pages.slice(0, -1).map((token, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: the page tokens are a fixed, ordered list (one may repeat as "")
              <input key={i} type="hidden" name="page" value={token} />
            ))}
            {pages.length > 1 ? <input type="hidden" name="n" value={pageNumber - 1} /> : null}
            <button type="submit" className={buttonClass("secondary")}>
              Previous page
            </button>
          </Form>
        ) : (
          <PagerOff>Previous page</PagerOff>
        )}
        <p className="text-sm text-zinc-600 max-sm:order-first max-sm:w-full max-sm:text-center dark:text-zinc-400">
          Page {pageNumber.toLocaleString("en-US")}
          {count > 0 ? ` · items ${(first + 1).toLocaleString("en-US")}–${(first + count).toLocaleString("en-US")}` : ""}
        </p>
        {page.nextToken ? (
          <Form action={here}>
            {filter ? <input type="hidden" name="q" value={filter} /> : null}
            {[...pages, page.nextToken].slice(-MAX_PAGE_TOKENS).map((token, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: the page tokens are a fixed, ordered list (one may repeat as "")
              <input key={i} type="hidden" name="page" value={token} />
            ))}
            <input type="hidden" name="n" value={pageNumber + 1} />
            <button type="submit" className={buttonClass("secondary")}>
              Next page
            </button>
          </Form>
        ) : (
          <PagerOff>Next page</PagerOff>
        )}
      </nav>
    </div>
  );
}
