"use client";

import Link from "next/link";
import { RelativeTime } from "@/components/ui/relative-time";
import { fileKind, formatBytes } from "@/lib/format";
import { displayName, folderHref, objectHref } from "@/lib/paths";

/** An object as the listing sends it: [its name after the folder's prefix, size in bytes, last modified in ms since 1970 or null]. */
export type ListedObject = [rest: string, size: number, lastModified: number | null];

/** An object's address relative to the folder's page it is listed on (its query alone): the same link, shorter. */
const sameFolder = (href: string) => href.slice(href.indexOf("?"));

/**
 * The rows of one listing page, drawn here from plain data: the page's React Server Component payload
 * then carries a hundred short tuples rather than a second copy of a hundred rows of markup beside the
 * HTML. Rows stay plain markup: an object's row carries its key once (`data-key`) for its checkbox and
 * Quick Share button, which SelectionHost and QuickShareHostClient around the table handle (event
 * delegation), as they do a folder's Share folder button; columns and icons (the link's `kind-…` class) are
 * styled once in app/globals.css (`.listing`).
 */
export function ListingRows({
  connectionId,
  bucket,
  prefix,
  query,
  folders,
  objects,
  selectedKey,
  share,
  now,
}: {
  connectionId: string;
  bucket: string;
  prefix: string;
  /** The listing's own query (filter and page tokens), kept in each object's link. */
  query: string;
  /** The folders inside `prefix`: what follows the prefix ("photos/"). */
  folders: string[];
  objects: ListedObject[];
  selectedKey: string | null;
  /** Checkboxes, Quick Share and Share folder buttons (the person may share here). */
  share: boolean;
  /** The server's now (ms since 1970): relative dates count from it, on the server and in the browser alike. */
  now: number;
}) {
  const search = new URLSearchParams(query);
  const nowDate = new Date(now);
  return (
    <tbody>
      {folders.map((rest) => {
        const folder = prefix + rest;
        const name = displayName(folder, prefix);
        return (
          <tr key={`d:${rest}`}>
            <td />
            <td>
              <Link href={folderHref(connectionId, bucket, folder)} className="kind-folder">
                <span>{name === "" ? "(empty name)" : name}</span>
              </Link>
            </td>
            <td>—</td>
            <td>—</td>
            <td>
              {share ? (
                <button type="button" data-share-folder={folder} data-folder-name={name} aria-label={`Share folder ${name}`}>
                  Share folder
                </button>
              ) : null}
            </td>
          </tr>
        );
      })}
      {objects.map(([rest, size, lastModified]) => {
        const key = prefix + rest;
        const name = displayName(key, prefix);
        const selected = key === selectedKey;
        return (
          <tr key={`o:${rest}`} data-key={key} data-selected={selected ? true : undefined}>
            <td>{share ? <input type="checkbox" aria-label={`Select ${name}`} /> : null}</td>
            <td>
              <Link
                href={sameFolder(objectHref(connectionId, bucket, key, search))}
                className={`kind-${fileKind(key)}`}
                aria-current={selected ? "true" : undefined}
                scroll={false}
              >
                <span>{name}</span>
              </Link>
            </td>
            <td>{formatBytes(size)}</td>
            <td>{lastModified === null ? "—" : <RelativeTime date={new Date(lastModified)} now={nowDate} layout="cell" />}</td>
            <td>
              {share ? (
                <button type="button" aria-label={`Quick Share ${name}`}>
                  Quick Share
                </button>
              ) : null}
            </td>
          </tr>
        );
      })}
    </tbody>
  );
}
