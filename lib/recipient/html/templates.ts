import { html, type Html } from "@/lib/recipient/html/escape";
import { RECIPIENT_CSS } from "@/lib/recipient/html/styles";

/**
 * What recipients of a managed link see (/s/<token>): the file page, the password page, the plain
 * pages for every refusal, and the title card link-preview agents get. Plain HTML, no script. They
 * receive only what is safe to show: never the bucket, key, connection or storage host; the only
 * storage URLs a recipient ever gets are the short-lived redirects of /download and /preview.
 */

export type OpenGraph = { title: string; description: string };

export function recipientDocument(options: { title: string; body: Html; og?: OpenGraph }): string {
  const og = options.og;
  return (
    "<!DOCTYPE html>" +
    html`<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex, nofollow"><meta name="referrer" content="no-referrer"><title>${options.title}</title>${
      og
        ? html`<meta property="og:title" content="${og.title}"><meta property="og:description" content="${og.description}"><meta property="og:type" content="website"><meta property="og:site_name" content="Bucketshare"><meta name="twitter:card" content="summary"><meta name="twitter:title" content="${og.title}"><meta name="twitter:description" content="${og.description}">`
        : null
    }<style>${{ html: RECIPIENT_CSS }}</style></head><body><main>${options.body}<footer class="muted">Shared with Bucketshare</footer></main></body></html>`
      .html
  );
}

export type FilePreview =
  | { kind: "image" | "audio" | "video"; src: string }
  | { kind: "pdf"; href: string }
  | { kind: "text"; text: string; truncated: boolean }
  /** Any file of a link with a download limit: a preview would hand over the whole file uncounted. */
  | { kind: "downloadToView" }
  | null;

export type FileView = {
  token: string;
  fileName: string;
  size: string;
  type: string;
  ownerName: string;
  expires: { never: true } | { never: false; exact: string; relative: string; iso: string };
  downloadsLeft: number | null;
  /** A link with a download limit counts only the Download button's POST (a link that mail scanners follow must not use one up). */
  downloadByPost: boolean;
  /** "Open" is offered: an inline link whose served type a browser shows passively (counted like a download). */
  openable: boolean;
  preview: FilePreview;
};

function previewSection(view: FileView): Html | null {
  const preview = view.preview;
  if (!preview) return null;
  let content: Html;
  switch (preview.kind) {
    case "image":
      content = html`<img src="${preview.src}" alt="${`Preview of ${view.fileName}`}">`;
      break;
    case "audio":
      content = html`<audio controls preload="metadata" src="${preview.src}"></audio>`;
      break;
    case "video":
      content = html`<video controls preload="metadata" src="${preview.src}"></video>`;
      break;
    case "pdf":
      // Chromium refuses PDFs in sandboxed frames, and this page frames nothing: the PDF opens in its own tab.
      content = html`<p><a href="${preview.href}" target="_blank" rel="noopener noreferrer">Open the PDF preview</a> <span class="muted">(opens in a new tab)</span></p>`;
      break;
    case "text":
      // The scrolling box is a labelled region that takes keyboard focus, so the text can be scrolled without a mouse.
      content = html`<div class="text" role="region" tabindex="0" aria-label="${`Text of ${view.fileName}`}"><pre>${preview.text}</pre></div>${
        preview.truncated ? html`<p class="muted">Only the beginning of the file is shown.</p>` : null
      }`;
      break;
    case "downloadToView":
      content = html`<p>Download to view. Links with a download limit show no preview: a preview would give the whole file without counting it.</p>`;
      break;
  }
  return html`<section aria-labelledby="preview-heading"><h2 id="preview-heading">Preview</h2><div class="preview">${content}</div></section>`;
}

export function filePage(view: FileView): string {
  const expires = view.expires.never ? html`No expiry` : html`<time datetime="${view.expires.iso}">${view.expires.exact}</time> (${view.expires.relative})`;
  const body = html`<h1>${view.fileName}</h1>
<p class="muted">${`Shared by ${view.ownerName}`}</p>
<dl class="facts"><dt>Size</dt><dd>${view.size}</dd><dt>Type</dt><dd>${view.type}</dd><dt>Expires</dt><dd>${expires}</dd>${
    view.downloadsLeft === null ? null : html`<dt>Downloads left</dt><dd>${view.downloadsLeft}</dd>`
  }</dl>
<p>${downloadButton(`/s/${view.token}/download`, view.downloadByPost, "Download")}${
    view.openable ? html` ${downloadButton(`/s/${view.token}/download?open=1`, view.downloadByPost, "Open", "button secondary", true)}` : null
  }</p>
${previewSection(view)}`;
  return recipientDocument({ title: `${view.fileName} · Bucketshare`, body });
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
export function confirmDownloadPage(view: { action: string; name: string; label?: "Download" | "Open" }): string {
  const body = html`<h1>${view.name}</h1>
<p>This link can be downloaded a limited number of times. Each download counts once you press the button.</p>
<p>${downloadButton(view.action, true, view.label ?? "Download")}</p>`;
  return recipientDocument({ title: `${view.name} · Bucketshare`, body });
}

export type PasswordView = { token: string; error?: string; several?: boolean };

export function passwordPage(view: PasswordView): string {
  const error = view.error;
  const body = html`<h1>${view.several ? "These files are protected" : "This file is protected"}</h1>
<p>${view.several ? "The person who shared them set a password. Enter it to see and download the files." : "The person who shared it set a password. Enter it to see and download the file."}</p>
<form method="post" action="${`/s/${view.token}/unlock`}" novalidate>
<div class="field"><label for="password">Password</label><input id="password" name="password" type="password" autocomplete="off" autocapitalize="none" spellcheck="false"${
    error ? html` aria-invalid="true" aria-describedby="password-error" autofocus` : null
  }>${error ? html`<p id="password-error" class="error" role="alert">${error}</p>` : null}</div>
<button class="button" type="submit">Unlock</button>
</form>`;
  return recipientDocument({ title: "Password required · Bucketshare", body });
}

export type StatusView = { heading: string; message: string };

export function statusPage(view: StatusView): string {
  return recipientDocument({ title: `${view.heading} · Bucketshare`, body: html`<h1>${view.heading}</h1><p>${view.message}</p>` });
}

/** For link-preview agents: a title card (Open Graph) and nothing else. */
export function titleCardPage(og: OpenGraph): string {
  return recipientDocument({ title: og.title, og, body: html`<h1>${og.title}</h1><p>${og.description}</p>` });
}
