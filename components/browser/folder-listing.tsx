import { notFound } from "next/navigation";
import { type ListedObject, ListingRows } from "@/components/browser/listing-rows";
import { ListingPager } from "@/components/browser/listing-pager";
import { StorageErrorPanel } from "@/components/browser/storage-error-panel";
import { QuickShareHost } from "@/components/share/quick-share-host";
import { SelectionHost } from "@/components/share/selection-host";
import { publicBaseUrl } from "@/lib/env";
import type { ShareLimits } from "@/lib/links/grant-limits";
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
              <ListingRows
                connectionId={connectionId}
                bucket={bucket}
                prefix={prefix}
                query={query.toString()}
                folders={page.folders.map(({ prefix: folder }) => folder.slice(prefix.length))}
                objects={page.objects.map(
                  (o): ListedObject => [o.key.slice(prefix.length), o.size, o.lastModified ? Math.floor(o.lastModified.getTime() / 1000) : null],
                )}
                selectedKey={selectedKey ?? null}
                share={shareLimits !== null}
                now={now.getTime()}
              />
            </table>
          </SelectionHost>
        </QuickShareHost>
      )}
      <ListingPager
        here={here}
        filter={filter}
        pages={pages}
        nextToken={page.nextToken}
        pageNumber={pageNumber}
        count={count}
        first={first}
        maxPageTokens={MAX_PAGE_TOKENS}
      />
    </div>
  );
}
