"use client";

import Form from "next/form";
import { Breadcrumbs } from "@/components/browser/breadcrumbs";
import { Button } from "@/components/ui/button";
import { inputClass } from "@/components/ui/field";
import { RequestFilesButton } from "@/components/upload-requests/request-files-dialog";
import type { Crumb } from "@/lib/paths";

/**
 * A folder page's heading: breadcrumbs, the folder's name, "Request files" (`request`, for who may request uploads
 * here) and the filter. A client component (it holds no state): the page's React Server Component payload then
 * carries its few props rather than its markup and classes.
 */
export function FolderHeading({
  connectionId,
  connectionName,
  bucket,
  prefix,
  crumbs,
  here,
  filter,
  request,
}: {
  connectionId: string;
  connectionName: string;
  bucket: string;
  prefix: string;
  crumbs: Crumb[];
  /** The folder page's own address (the filter's action). */
  here: string;
  filter: string;
  request: { longestSeconds: number | null } | null;
}) {
  const title = crumbs.at(-1)?.label ?? bucket;
  return (
    <div className="flex flex-wrap items-end justify-between gap-3">
      <div className="min-w-0 space-y-1">
        <Breadcrumbs connectionName={connectionName} crumbs={crumbs} />
        <h1 className="truncate text-2xl font-semibold">{title}</h1>
      </div>
      <div className="flex flex-wrap items-end gap-2">
        {request ? (
          <RequestFilesButton connectionId={connectionId} bucket={bucket} prefix={prefix} folderName={title} longestSeconds={request.longestSeconds} />
        ) : null}
        <Form action={here} className="flex items-end gap-2" role="search">
          <label htmlFor="filter" className="sr-only">
            Filter by name
          </label>
          <input id="filter" name="q" defaultValue={filter} placeholder="Filter by name prefix" className={`${inputClass} w-56`} />
          <Button type="submit" variant="secondary">
            Filter
          </Button>
        </Form>
      </div>
    </div>
  );
}
