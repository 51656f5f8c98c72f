import type { FileIcon } from "@/lib/file-type";
import { breakableName, html, type Html } from "@/lib/recipient/html/escape";
import { fileIcon } from "@/lib/recipient/html/icons";
import { downloadButton, type Expiry, expiresText, type RecipientPageContext, recipientDocument } from "@/lib/recipient/html/templates";

/**
 * The recipient page of a multi-file share (/s/<token> with target "files"): title, total size and
 * file count, Download all (when the owner allows the ZIP), folders as breadcrumbs, a name filter
 * (a GET form, no script) and the files of one folder, 100 a page. Paths are relative to the
 * share: no bucket, key prefix, connection or storage host ever appears here.
 */

export type FileRowView = {
  path: string;
  name: string;
  /** In the visitor's language ("1.5 KB", "1,5 Ko"). */
  size: string;
  /** In words ("PDF document"), lib/file-type.ts. */
  type: string;
  icon: FileIcon;
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
  expires: Expiry;
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

function breadcrumbs(page: RecipientPageContext, view: FilesView): Html {
  const { t } = page;
  const parts = view.dir.split("/").filter((part) => part !== "");
  const crumbs: Html[] = [];
  crumbs.push(
    parts.length || view.query
      ? html`<li><a href="${pageHref(view, {})}">${t("files.allFiles")}</a></li>`
      : html`<li><span aria-current="page">${t("files.allFiles")}</span></li>`,
  );
  parts.forEach((part, index) => {
    const dir = `${parts.slice(0, index + 1).join("/")}/`;
    const last = index === parts.length - 1 && !view.query;
    crumbs.push(last ? html`<li><span aria-current="page">${part}</span></li>` : html`<li><a href="${pageHref(view, { dir })}">${part}</a></li>`);
  });
  return html`<nav aria-label="${t("files.folderNav")}"><ol class="crumbs">${crumbs}</ol></nav>`;
}

function fileRow(page: RecipientPageContext, view: FilesView, file: FileRowView): Html {
  const { t } = page;
  const shownName = view.query ? file.path : file.name;
  const actions = file.state
    ? html`<span class="error">${t(file.state === "changed" ? "files.changed" : "files.missing")}</span>`
    : html`${downloadButton(fileHref(view, "download", file.path), view.downloadByPost, html`${t("action.download")}<span class="sr-only"> ${file.name}</span>`, "link-button")}${
        file.openable
          ? downloadButton(
              `${fileHref(view, "download", file.path)}&open=1`,
              view.downloadByPost,
              html`${t("action.open")}<span class="sr-only"> ${file.name}</span>`,
              "link-button",
              true,
            )
          : null
      }${
        file.previewable
          ? html`<a href="${fileHref(view, "preview", file.path)}" target="_blank" rel="noopener noreferrer">${t("action.preview")}<span class="sr-only"> ${file.name}</span></a>`
          : null
      }`;
  // The row header is the name alone (what a screen reader announces for the row); the icon leads the type.
  return html`<tr><th scope="row">${breakableName(shownName)}</th><td class="size">${file.size}</td><td class="type"><span class="type-cell">${fileIcon(file.icon)}${file.type}</span></td><td class="row-actions">${actions}</td></tr>`;
}

function folderRow(page: RecipientPageContext, view: FilesView, name: string): Html {
  return html`<tr><th scope="row"><a href="${pageHref(view, { dir: `${view.dir}${name}/` })}">${name}/</a></th><td class="size"></td><td class="type"><span class="type-cell">${fileIcon("folder")}${page.t("files.folder")}</span></td><td class="row-actions"></td></tr>`;
}

export function filesPage(page: RecipientPageContext, view: FilesView): string {
  const { t } = page;
  const markedTotal = view.marked.changed + view.marked.missing;
  const marked = markedTotal ? html`<p role="status">${t("files.marked", { marked: markedTotal, total: view.fileCount })}</p>` : null;
  const zip = view.zipAllowed
    ? html`<p class="actions">${downloadButton(`/s/${view.token}/zip`, view.downloadByPost, t("action.downloadAll"))}</p>
<p class="muted">${t("files.zipNote")}${markedTotal ? ` ${t("files.zipLeftOut")}` : ""}</p>`
    : null;
  const rows = [...view.folders.map((name) => folderRow(page, view, name)), ...view.files.map((file) => fileRow(page, view, file))];
  const empty = rows.length === 0 ? html`<p>${view.query ? t("files.noMatch", { query: view.query }) : t("files.empty")}</p>` : null;
  const table = rows.length
    ? html`<table class="files"><caption class="sr-only">${t("files.caption")}</caption><thead><tr><th scope="col">${t("files.name")}</th><th scope="col">${t("files.size")}</th><th scope="col">${t("files.type")}</th><th scope="col"><span class="sr-only">${t("files.actions")}</span></th></tr></thead><tbody>${rows}</tbody></table>`
    : null;
  const pager = html`<nav aria-label="${t("files.pages")}" class="pager">${
    view.firstPage ? null : html`<a href="${pageHref(view, { dir: view.dir, q: view.query })}">${t("files.firstPage")}</a> `
  }${view.nextAfter ? html`<a href="${pageHref(view, { dir: view.dir, q: view.query, after: view.nextAfter })}">${t("files.nextPage")}</a>` : null}</nav>`;
  const body = html`<div class="title-row">${fileIcon("folder", "large")}<div class="title-text"><h1>${breakableName(view.title)}</h1>
<p class="muted">${t("page.sharedBy", { name: view.ownerName })}</p></div></div>
<dl class="facts"><dt>${t("facts.files")}</dt><dd>${view.fileCount}</dd><dt>${t("facts.totalSize")}</dt><dd>${view.totalSize}</dd><dt>${t("facts.expires")}</dt><dd>${expiresText(t, view.expires)}</dd>${
    view.downloadsLeft === null ? null : html`<dt>${t("facts.downloadsLeft")}</dt><dd>${view.downloadsLeft}</dd>`
  }</dl>
${marked}${zip}
<h2 id="files-heading">${t("files.heading")}</h2>
${breadcrumbs(page, view)}
<form method="get" action="${`/s/${view.token}`}" role="search" class="filter">${
    view.dir ? html`<input type="hidden" name="dir" value="${view.dir}">` : null
  }<label for="q">${t("files.filterLabel")}</label><input id="q" name="q" type="search" value="${view.query}"> <button class="button" type="submit">${t("files.filter")}</button></form>
${empty}${table}${pager}`;
  return recipientDocument(page, { title: `${view.title} · ${page.brand.name}`, body });
}
