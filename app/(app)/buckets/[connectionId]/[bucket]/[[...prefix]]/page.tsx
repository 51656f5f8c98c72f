import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { cache, Suspense } from "react";
import { FolderHeading } from "@/components/browser/folder-heading";
import { FolderUploads } from "@/components/browser/folder-uploads";
import { UploadCorsNotice } from "@/components/browser/upload-cors-notice";
import { FolderListing } from "@/components/browser/folder-listing";
import { ListingSkeleton } from "@/components/browser/listing-skeleton";
import { ObjectDetailsPanel } from "@/components/browser/object-details";
import { beginUploadAction } from "@/lib/actions/begin-upload";
import { createFolderAction } from "@/lib/actions/create-folder";
import { can, canOnObject, canRequestUploads, listingView, longestExpirySeconds } from "@/lib/auth/permissions";
import { getSessionUser, getSessionUserId, pageFault, requireUser } from "@/lib/auth/session";
import { shareLimitsFor } from "@/lib/links/grant-limits";
import { publicBaseUrl } from "@/lib/env";
import { earlyFolderWork } from "@/lib/http/request-state";
import { firstValue } from "@/lib/search-params";
import { listLinksForObject } from "@/lib/links/manage";
import { openConnectionAlongside } from "@/lib/storage/connections";
import { type FolderPage as Listing, type Loaded, loadFolderOfPage, loadObjectView, PAGE_SIZE } from "@/lib/storage/listing";
import { privateEndpointHost } from "@/lib/storage/private-endpoint";
import { breadcrumbs, folderHref, prefixFromRouteParams } from "@/lib/paths";
import { folderUploadState } from "@/lib/uploads/session";

type Params = { connectionId: string; bucket: string; prefix?: string[] };
type Search = { page?: string | string[]; n?: string | string[]; q?: string | string[]; object?: string | string[] };

/** Above a Member's folder: the one folder leading down to it (if the filter lets it through), nothing read from storage. */
async function leadingFolderOnly(folder: string, prefix: string, filter: string): Promise<Loaded<Listing>> {
  const folders = folder.slice(prefix.length).startsWith(filter) ? [{ prefix: folder }] : [];
  return { ok: true, value: { folders, objects: [], nextToken: null, markerExists: true } };
}

/**
 * The connection as the person sees it, read once per request for the page and its title (React's cache),
 * alongside the session check (the person it finds decides whether the connection is seen; a database that
 * does not answer is requireUser's to report).
 */
const connectionFor = cache(async (userId: string, connectionId: string) => {
  // The request may have begun this very read on arrival (lib/boot/folder-early-start.ts), for this person.
  const early = await earlyFolderWork();
  const opening =
    early?.userId === userId && early.connectionId === connectionId
      ? early.open
      : openConnectionAlongside(
          getSessionUser().then(
            (user) => (user?.id === userId ? user : null),
            () => null,
          ),
          connectionId,
        );
  return opening.catch((error: unknown) => {
    // It may fail before the session check does: a database that does not answer is said so, as requireUser says it.
    throw pageFault(error);
  });
});

/**
 * The bucket's name as the title, only where the page shows it: an address outside a Member's grant (another
 * connection, a folder or object beside theirs) gets the 404 page, whose title must not repeat what was typed.
 */
export async function generateMetadata({ params, searchParams }: { params: Promise<Params>; searchParams: Promise<Search> }): Promise<Metadata> {
  const [{ connectionId, bucket, prefix: segments }, search, user] = await Promise.all([params, searchParams, getSessionUser()]);
  const selectedKey = firstValue(search.object);
  const visible =
    user !== null &&
    listingView(user, "browse", connectionId, bucket, prefixFromRouteParams(segments)) !== "none" &&
    (selectedKey === undefined || canOnObject(user, "browse", connectionId, bucket, selectedKey)) &&
    (await connectionFor(user.id, connectionId)) !== null;
  return { title: visible ? bucket : "Not found" };
}

export default async function FolderPage({ params, searchParams }: { params: Promise<Params>; searchParams: Promise<Search> }) {
  const [{ connectionId, bucket, prefix: segments }, search, claimedUserId] = await Promise.all([params, searchParams, getSessionUserId()]);
  // The connection is read alongside the user check; it is only used once that check passed.
  const [user, open] = await Promise.all([requireUser(), claimedUserId ? connectionFor(claimedUserId, connectionId) : null]);
  if (!open || open.connection.id !== connectionId || user.id !== claimedUserId) notFound();

  const prefix = prefixFromRouteParams(segments);
  // A Member sees their folder only: beside it nothing exists; above it, only the folder leading down to it.
  const view = listingView(user, "browse", connectionId, bucket, prefix);
  if (view === "none") notFound();
  const selectedKeyParam = firstValue(search.object);
  if (selectedKeyParam !== undefined && !canOnObject(user, "browse", connectionId, bucket, selectedKeyParam)) notFound();
  const shareLimits = listingView(user, "share", connectionId, bucket, prefix) === "all" ? shareLimitsFor(user, connectionId) : null;
  const filter = firstValue(search.q) ?? "";
  const pages = (Array.isArray(search.page) ? search.page : search.page ? [search.page] : []).filter(Boolean);
  const selectedKey = selectedKeyParam;
  const pageNumberParam = Number.parseInt(firstValue(search.n) ?? "", 10);
  const here = folderHref(connectionId, bucket, prefix);
  const listQuery = new URLSearchParams();
  if (filter) listQuery.set("q", filter);
  for (const page of pages) listQuery.append("page", page);
  const credentialsExpireAt = open.connection.sessionTokenExpiresAt?.toISOString() ?? null;
  // Only the host, and only when a direct link would work on this network alone (the dialog says so).
  // Never for someone who may not see the connection's settings.
  const storagePrivateHost = can(user, "connections.manage") ? privateEndpointHost(open.connection.endpoint) : null;
  const closeHref = listQuery.size ? `${here}?${listQuery}` : here;
  const crumbs = breadcrumbs(connectionId, bucket, prefix);
  // Upload controls only for who may upload into this very folder (decided here, on the server).
  const mayUpload = listingView(user, "upload", connectionId, bucket, prefix) === "all";
  // "Request files" only for who may request uploads into this very folder.
  const mayRequest = view === "all" && canRequestUploads(user, connectionId, bucket, prefix);
  const listingArea = (
    <Suspense key={`${here}|${filter}|${pages.at(-1) ?? ""}`} fallback={<ListingSkeleton />}>
      <FolderListing
        listing={view === "all" ? loadFolderOfPage(open, bucket, prefix, { token: pages.at(-1), filter }) : leadingFolderOnly(view.only, prefix, filter)}
        connectionId={connectionId}
        credentialsExpireAt={credentialsExpireAt}
        storagePrivateHost={storagePrivateHost}
        bucket={bucket}
        prefix={prefix}
        filter={filter}
        pages={pages}
        pageSize={PAGE_SIZE}
        pageNumberParam={Number.isSafeInteger(pageNumberParam) && pageNumberParam <= 10_000_000 ? pageNumberParam : undefined}
        selectedKey={selectedKey}
        shareLimits={shareLimits}
        manageConnection={can(user, "connections.manage")}
      />
    </Suspense>
  );

  return (
    <div className="space-y-4">
      <FolderHeading
        connectionId={connectionId}
        connectionName={open.connection.name}
        bucket={bucket}
        prefix={prefix}
        crumbs={crumbs}
        here={here}
        filter={filter}
        request={mayRequest ? { longestSeconds: longestExpirySeconds(user, connectionId) } : null}
      />
      <div className={selectedKey ? "grid gap-6 lg:grid-cols-[minmax(0,1fr)_24rem]" : ""}>
        {mayUpload ? (
          <div className="min-w-0 space-y-3">
            <Suspense fallback={null}>
              <UploadCorsNotice state={folderUploadState(user, open, bucket, prefix)} connectionId={connectionId} bucket={bucket} />
            </Suspense>
            <FolderUploads
              connectionId={connectionId}
              bucket={bucket}
              prefix={prefix}
              beginUpload={beginUploadAction}
              createFolder={createFolderAction}
              share={shareLimits ? { limits: shareLimits, credentialsExpireAt, storagePrivateHost, publicUrl: publicBaseUrl() } : null}
            >
              {listingArea}
            </FolderUploads>
          </div>
        ) : (
          listingArea
        )}
        {selectedKey ? (
          <Suspense key={selectedKey} fallback={<ListingSkeleton rows={4} />}>
            <ObjectDetailsPanel
              view={loadObjectView(open, bucket, selectedKey)}
              links={listLinksForObject(user, connectionId, bucket, selectedKey)}
              connectionId={connectionId}
              credentialsExpireAt={credentialsExpireAt}
              storagePrivateHost={storagePrivateHost}
              bucket={bucket}
              objectKey={selectedKey}
              manageConnection={can(user, "connections.manage")}
              shareLimits={canOnObject(user, "share", connectionId, bucket, selectedKey) ? shareLimitsFor(user, connectionId) : null}
              closeHref={closeHref}
            />
          </Suspense>
        ) : null}
      </div>
    </div>
  );
}
