import { html, type Html } from "@/lib/recipient/html/escape";
import { downloadButton, recipientDocument } from "@/lib/recipient/html/templates";

/**
 * The recipient page of a multi-file share (/s/<token> with target "files"): title, total size and
 * file count, Download all (when the owner allows the ZIP), folders as breadcrumbs, a name filter
 * (a GET form, no script) and the files of one folder, 100 a page. Paths are relative to the
 * share: no bucket, key prefix, connection or storage host ever appears here.
 */

export type FileRowView = {
  path: string;
  name: string;
  size: string;
  type: string;
  state: "changed" | "missing" | null;
  /** Only for types shown with a forced passive type. */
  previewable: boolean;
  /** "Open" is offered: a type a browser shows passively (counted like a download). */
  openable: boolean;
};

export type FilesView = {
  token: string;
  title: string;
  ownerName: string;
  fileCount: number;
  totalSize: string;
  expires: { never: true } | { never: false; exact: string; relative: string; iso: string };
  downloadsLeft: number | null;
  zipAllowed: boolean;
  /** A share with a download limit counts only a POST: Download and Download all are form buttons. */
  downloadByPost: boolean;
  marked: { changed: number; missing: number };
  dir: string;
  query: string;
  folders: string[];
  files: FileRowView[];
  nextAfter: string | null;
  firstPage: boolean;
};

function pageHref(view: FilesView, params: { dir?: string; q?: string; after?: string }): string {
  const search = new URLSearchParams();
  if (params.dir) search.set("dir", params.dir);
  if (params.q) search.set("q", params.q);
  if (params.after) search.set("after", params.after);
  const query = search.toString();
  return `/s/${view.token}${query ? `?${query}` : ""}`;
}

function fileHref(view: FilesView, route: "download" | "preview", path: string): string {
  return `/s/${view.token}/${route}?${new URLSearchParams({ path }).toString()}`;
}

function breadcrumbs(view: FilesView): Html {
  const parts = view.dir.split("/").filter((part) => part !== "");
  const crumbs: Html[] = [];
  crumbs.push(
    parts.length || view.query ? html`<li><a href="${pageHref(view, {})}">All files</a></li>` : html`<li><span aria-current="page">All files</span></li>`,
  );
  parts.forEach((part, index) => {
    const dir = `${parts.slice(0, index + 1).join("/")}/`;
    const last = index === parts.length - 1 && !view.query;
    crumbs.push(last ? html`<li><span aria-current="page">${part}</span></li>` : html`<li><a href="${pageHref(view, { dir })}">${part}</a></li>`);
  });
  return html`<nav aria-label="Folder"><ol class="crumbs">${crumbs}</ol></nav>`;
}

const STATE_TEXT = { changed: "Changed since shared", missing: "No longer exists" } as const;

function fileRow(view: FilesView, file: FileRowView): Html {
  const shownName = view.query ? file.path : file.name;
  const actions = file.state
    ? html`<span class="error">${STATE_TEXT[file.state]}</span>`
    : html`${downloadButton(fileHref(view, "download", file.path), view.downloadByPost, html`Download<span class="sr-only"> ${file.name}</span>`, "link-button")}${
        file.openable
          ? html` · ${downloadButton(`${fileHref(view, "download", file.path)}&open=1`, view.downloadByPost, html`Open<span class="sr-only"> ${file.name}</span>`, "link-button", true)}`
          : null
      }${
        file.previewable
          ? html` · <a href="${fileHref(view, "preview", file.path)}" target="_blank" rel="noopener noreferrer">Preview<span class="sr-only"> ${file.name}</span></a>`
          : null
      }`;
  return html`<tr><th scope="row">${shownName}</th><td>${file.size}</td><td>${file.type}</td><td>${actions}</td></tr>`;
}

function folderRow(view: FilesView, name: string): Html {
  return html`<tr><th scope="row"><a href="${pageHref(view, { dir: `${view.dir}${name}/` })}">${name}/</a></th><td></td><td>Folder</td><td></td></tr>`;
}

export function filesPage(view: FilesView): string {
  const expires = view.expires.never ? html`No expiry` : html`<time datetime="${view.expires.iso}">${view.expires.exact}</time> (${view.expires.relative})`;
  const markedTotal = view.marked.changed + view.marked.missing;
  const marked = markedTotal
    ? html`<p role="status">${`${markedTotal} of ${view.fileCount} ${view.fileCount === 1 ? "file has" : "files have"} changed or been deleted since ${view.fileCount === 1 ? "it was" : "they were"} shared; ${markedTotal === 1 ? "it is" : "they are"} marked below and not given out.`}</p>`
    : null;
  const zip = view.zipAllowed
    ? html`<p>${downloadButton(`/s/${view.token}/zip`, view.downloadByPost, "Download all")}</p>
<p class="muted">Download all gives one ZIP file made by this server: its bytes pass through the Bucketshare server instead of coming straight from storage.${
        markedTotal ? " Files marked below are left out." : ""
      }</p>`
    : null;
  const rows = [...view.folders.map((name) => folderRow(view, name)), ...view.files.map((file) => fileRow(view, file))];
  const empty = rows.length === 0 ? html`<p>${view.query ? `No file name contains “${view.query}”.` : "This folder has no files."}</p>` : null;
  const table = rows.length
    ? html`<table><caption class="sr-only">Files</caption><thead><tr><th scope="col">Name</th><th scope="col">Size</th><th scope="col">Type</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead><tbody>${rows}</tbody></table>`
    : null;
  const pager = html`<nav aria-label="Pages" class="pager">${
    view.firstPage ? null : html`<a href="${pageHref(view, { dir: view.dir, q: view.query })}">First page</a> `
  }${view.nextAfter ? html`<a href="${pageHref(view, { dir: view.dir, q: view.query, after: view.nextAfter })}">Next page</a>` : null}</nav>`;
  const body = html`<h1>${view.title}</h1>
<p class="muted">${`Shared by ${view.ownerName}`}</p>
<dl class="facts"><dt>Files</dt><dd>${view.fileCount}</dd><dt>Total size</dt><dd>${view.totalSize}</dd><dt>Expires</dt><dd>${expires}</dd>${
    view.downloadsLeft === null ? null : html`<dt>Downloads left</dt><dd>${view.downloadsLeft}</dd>`
  }</dl>
${marked}${zip}
<h2 id="files-heading">Files</h2>
${breadcrumbs(view)}
<form method="get" action="${`/s/${view.token}`}" role="search" class="filter">${
    view.dir ? html`<input type="hidden" name="dir" value="${view.dir}">` : null
  }<label for="q">Filter by name</label><input id="q" name="q" type="search" value="${view.query}"> <button class="button" type="submit">Filter</button></form>
${empty}${table}${pager}`;
  return recipientDocument({ title: `${view.title} · Bucketshare`, body });
}
