"use client";

import Link from "next/link";
import { RelativeTime } from "@/components/ui/relative-time";
import { fileKind, formatBytes } from "@/lib/format";
import { displayName, folderHref, objectHref } from "@/lib/paths";

/** An object as the listing sends it: [its name after the folder's prefix, size in bytes, last modified in seconds since 1970 or null]. */
export type ListedObject = [rest: string, size: number, lastModified: number | null];

/**
 * The key of the object listed in the row around `element` (its link's `?object=`); null in a folder's row or
 * outside a listing. For the handlers around the table.
 */
export function listedKey(element: Element): string | null {
  const href = element.closest("tr")?.querySelector("a[href^='?']")?.getAttribute("href");
  return href ? new URLSearchParams(href.slice(1)).get("object") : null;
}

/** The ids of the hidden words that name an object's checkbox and Quick Share button with its link (`_<row>`). */
const SELECT_WORD = "_s";
const QUICK_SHARE_WORD = "_q";

/** An object's address relative to the folder's page it is listed on (its query alone): the same link, shorter. */
const sameFolder = (href: string) => href.slice(href.indexOf("?"));

/**
 * The header and rows of one listing page, drawn here from plain data: the page's React Server Component payload
 * then carries a hundred short tuples rather than a second copy of a hundred rows of markup beside the
 * HTML. Rows stay plain markup: an object's key is written once, in its link (`?object=<key>`, read by
 * listedKey), for its checkbox and Quick Share button, which SelectionHost and QuickShareHostClient around
 * the table handle (event delegation), as they do a folder's Share folder button; columns and icons (the
 * link's `kind-…` class) are styled once in app/globals.css (`.listing`).
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
  // The buttons are never inside a form: no `type` (a hundred times). An object's checkbox and Quick Share button are
  // named by the hidden words in the header and the row's link (aria-labelledby: "Select <name>", "Quick Share
  // <name>"), rather than by a second and third copy of the name.
  return (
    <>
      <thead>
        <tr>
          <th scope="col" className="col-select">
            {objects.length > 0 && share ? (
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
            <span hidden id={SELECT_WORD}>
              Select
            </span>
            <span hidden id={QUICK_SHARE_WORD}>
              Quick Share
            </span>
          </th>
        </tr>
      </thead>
      <tbody>
        {folders.map((rest) => {
          const folder = prefix + rest;
          const name = displayName(folder, prefix);
          return (
            <tr key={`d:${rest}`}>
              <td />
              <td>
                <Link href={folderHref(connectionId, bucket, folder)} className="kind-folder">
                  {name === "" ? "(empty name)" : name}
                </Link>
              </td>
              <td>—</td>
              <td>—</td>
              <td>
                {share ? (
                  // biome-ignore lint/a11y/useButtonType: never inside a form (see above)
                  <button data-share-folder={folder} data-folder-name={name} aria-label={`Share folder ${name}`}>
                    Share folder
                  </button>
                ) : null}
              </td>
            </tr>
          );
        })}
        {objects.map(([rest, size, lastModified], i) => {
          const key = prefix + rest;
          const name = displayName(key, prefix);
          const selected = key === selectedKey;
          const nameId = `_${i}`;
          return (
            <tr key={`o:${rest}`} data-selected={selected ? true : undefined}>
              <td>{share ? <input type="checkbox" aria-labelledby={`${SELECT_WORD} ${nameId}`} /> : null}</td>
              <td>
                <Link
                  href={sameFolder(objectHref(connectionId, bucket, key, search))}
                  id={nameId}
                  className={`kind-${fileKind(key)}`}
                  aria-current={selected ? "true" : undefined}
                  scroll={false}
                  // The same page with ?object=: a prefetch gets nothing the page does not have, and each visible row's
                  // would be a request rendering the page's frame again (a 100-row folder: dozens per visit).
                  prefetch={false}
                >
                  {name}
                </Link>
              </td>
              <td>{formatBytes(size)}</td>
              <td>{lastModified === null ? "—" : <RelativeTime date={new Date(lastModified * 1000)} now={nowDate} layout="cell" />}</td>
              <td>
                {share ? (
                  // biome-ignore lint/a11y/useButtonType: never inside a form (see above)
                  <button aria-labelledby={`${QUICK_SHARE_WORD} ${nameId}`}>Quick Share</button>
                ) : null}
              </td>
            </tr>
          );
        })}
      </tbody>
    </>
  );
}
