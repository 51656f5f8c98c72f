import type { RecipientBrand } from "@/lib/appearance/brand";
import type { FileIcon } from "@/lib/file-type";
import type { Translate } from "@/lib/i18n";
import { brandCss } from "@/lib/recipient/html/brand-style";
import { breakableName, html, type Html } from "@/lib/recipient/html/escape";
import { fileIcon } from "@/lib/recipient/html/icons";
import { RECIPIENT_CSS } from "@/lib/recipient/html/styles";

/**
 * What recipients of a managed link see (/s/<token>): the file page, the password page, the plain
 * pages for every refusal, and the title card link-preview agents get. Plain HTML, no script. They
 * receive only what is safe to show: never the bucket, key, connection or storage host; the only
 * storage URLs a recipient ever gets are the short-lived redirects of /download and /preview.
 * Every page is in the visitor's language (`t`) and wears the owner's brand (header, accent).
 */

/** What every recipient page is rendered with (lib/recipient/page-context.ts makes it from the request). */
export type RecipientPageContext = { t: Translate; brand: RecipientBrand };

export type OpenGraph = { title: string; description: string };

/** The page's header: the owner's logo (its alt text is their name) or their name, on every recipient page. */
function brandHeader(brand: RecipientBrand): Html {
  const mark = brand.logoUrl ? html`<img class="logo" src="${brand.logoUrl}" alt="${brand.name}">` : html`<span class="brand-name">${brand.name}</span>`;
  return html`<header class="top"><div class="top-inner">${mark}</div></header>`;
}

export function recipientDocument(page: RecipientPageContext, options: { title: string; body: Html; og?: OpenGraph }): string {
  const og = options.og;
  const { t, brand } = page;
  const accent = brandCss(brand);
  return (
    "<!DOCTYPE html>" +
    html`<html lang="${t.locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex, nofollow"><meta name="referrer" content="no-referrer"><title>${options.title}</title>${
      og
        ? html`<meta property="og:title" content="${og.title}"><meta property="og:description" content="${og.description}"><meta property="og:type" content="website"><meta property="og:site_name" content="${brand.name}"><meta name="twitter:card" content="summary"><meta name="twitter:title" content="${og.title}"><meta name="twitter:description" content="${og.description}">`
        : null
    }<style>${{ html: RECIPIENT_CSS }}</style>${accent ? html`<style>${{ html: accent }}</style>` : null}</head><body>${brandHeader(brand)}<main>${options.body}</main><footer class="foot muted">${t("document.footer")}</footer></body></html>`
      .html
  );
}

/** "<title> · <brand>": the tab says whose page it is. */
function pageTitle(page: RecipientPageContext, title: string): string {
  return `${title} · ${page.brand.name}`;
}

export type FilePreview =
  | { kind: "image" | "audio" | "video"; src: string }
  | { kind: "pdf"; href: string }
  | { kind: "text"; text: string; truncated: boolean }
  /** Any file of a link with a download limit: a preview would hand over the whole file uncounted. */
  | { kind: "downloadToView" }
  | null;

export type Expiry = { never: true } | { never: false; exact: string; relative: string; iso: string };

export type FileView = {
  token: string;
  fileName: string;
  /** Formatted in the visitor's language ("1.5 KB", "1,5 Ko"). */
  size: string;
  /** In words ("PDF document"), lib/file-type.ts. */
  type: string;
  icon: FileIcon;
  ownerName: string;
  expires: Expiry;
  downloadsLeft: number | null;
  /** A link with a download limit counts only the Download button's POST (a link that mail scanners follow must not use one up). */
  downloadByPost: boolean;
  /** "Open" is offered: an inline link whose served type a browser shows passively (counted like a download). */
  openable: boolean;
  preview: FilePreview;
};

export function expiresText(t: Translate, expires: Expiry): Html {
  return expires.never ? html`${t("facts.noExpiry")}` : html`<time datetime="${expires.iso}">${expires.exact}</time> (${expires.relative})`;
}

function previewSection(page: RecipientPageContext, view: FileView): Html | null {
  const { t } = page;
  const preview = view.preview;
  if (!preview) return null;
  let content: Html;
  switch (preview.kind) {
    case "image":
      content = html`<img src="${preview.src}" alt="${t("preview.imageAlt", { name: view.fileName })}">`;
      break;
    case "audio":
      content = html`<audio controls preload="metadata" src="${preview.src}"></audio>`;
      break;
    case "video":
      content = html`<video controls preload="metadata" src="${preview.src}"></video>`;
      break;
    case "pdf":
      // Chromium refuses PDFs in sandboxed frames, and this page frames nothing: the PDF opens in its own tab.
      content = html`<p><a href="${preview.href}" target="_blank" rel="noopener noreferrer">${t("preview.pdfLink")}</a> <span class="muted">${t("preview.newTab")}</span></p>`;
      break;
    case "text":
      // The scrolling box is a labelled region that takes keyboard focus, so the text can be scrolled without a mouse.
      content = html`<div class="text" role="region" tabindex="0" aria-label="${t("preview.textLabel", { name: view.fileName })}"><pre>${preview.text}</pre></div>${
        preview.truncated ? html`<p class="muted">${t("preview.truncated")}</p>` : null
      }`;
      break;
    case "downloadToView":
      content = html`<p>${t("preview.downloadToView")}</p>`;
      break;
  }
  return html`<section aria-labelledby="preview-heading"><h2 id="preview-heading">${t("preview.heading")}</h2><div class="preview">${content}</div></section>`;
}

export function filePage(page: RecipientPageContext, view: FileView): string {
  const { t } = page;
  const body = html`<div class="title-row">${fileIcon(view.icon, "large")}<div class="title-text"><h1>${breakableName(view.fileName)}</h1>
<p class="muted">${t("page.sharedBy", { name: view.ownerName })}</p></div></div>
<dl class="facts"><dt>${t("facts.size")}</dt><dd>${view.size}</dd><dt>${t("facts.type")}</dt><dd>${view.type}</dd><dt>${t("facts.expires")}</dt><dd>${expiresText(t, view.expires)}</dd>${
    view.downloadsLeft === null ? null : html`<dt>${t("facts.downloadsLeft")}</dt><dd>${view.downloadsLeft}</dd>`
  }</dl>
<p class="actions">${downloadButton(`/s/${view.token}/download`, view.downloadByPost, t("action.download"))}${
    view.openable ? html` ${downloadButton(`/s/${view.token}/download?open=1`, view.downloadByPost, t("action.open"), "button secondary", true)}` : null
  }</p>
${previewSection(page, view)}`;
  return recipientDocument(page, { title: pageTitle(page, view.fileName), body });
}

/** Download as a plain link (curl -L works), or as a POST button where only a POST counts; "Open" opens a new tab. */
export function downloadButton(href: string, byPost: boolean, label: string | Html, buttonClass = "button", newTab = false): Html {
  if (byPost) {
    const target = newTab ? html` target="_blank" rel="noopener noreferrer"` : null;
    return html`<form method="post" action="${href}" class="inline"${target}><button class="${buttonClass}" type="submit">${label}</button></form>`;
  }
  const target = newTab ? html` target="_blank" rel="noopener noreferrer"` : null;
  return html`<a class="${buttonClass}" href="${href}"${target}>${label}</a>`;
}

/** What a GET of /download or /zip answers on a link with a download limit: the button that counts. */
export function confirmDownloadPage(page: RecipientPageContext, view: { action: string; name: string; label?: "download" | "open" }): string {
  const { t } = page;
  const body = html`<h1>${view.name}</h1>
<p>${t("confirm.text")}</p>
<p class="actions">${downloadButton(view.action, true, t(view.label === "open" ? "action.open" : "action.download"))}</p>`;
  return recipientDocument(page, { title: pageTitle(page, view.name), body });
}

export type PasswordView = { token: string; error?: string; several?: boolean };

export function passwordPage(page: RecipientPageContext, view: PasswordView): string {
  const { t } = page;
  const error = view.error;
  const body = html`<h1>${t(view.several ? "password.headingMany" : "password.headingOne")}</h1>
<p>${t(view.several ? "password.introMany" : "password.introOne")}</p>
<form method="post" action="${`/s/${view.token}/unlock`}" novalidate>
<div class="field"><label for="password">${t("password.label")}</label><input id="password" name="password" type="password" autocomplete="off" autocapitalize="none" spellcheck="false"${
    error ? html` aria-invalid="true" aria-describedby="password-error" autofocus` : null
  }>${error ? html`<p id="password-error" class="error" role="alert">${error}</p>` : null}</div>
<button class="button" type="submit">${t("password.unlock")}</button>
</form>`;
  return recipientDocument(page, { title: pageTitle(page, t("password.title")), body });
}

export type StatusView = { heading: string; message: string };

export function statusPage(page: RecipientPageContext, view: StatusView): string {
  return recipientDocument(page, { title: pageTitle(page, view.heading), body: html`<h1>${view.heading}</h1><p>${view.message}</p>` });
}

/** For link-preview agents: a title card (Open Graph) and nothing else. */
export function titleCardPage(page: RecipientPageContext, og: OpenGraph): string {
  return recipientDocument(page, { title: og.title, og, body: html`<h1>${og.title}</h1><p>${og.description}</p>` });
}
