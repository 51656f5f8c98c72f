import type { FileIcon } from "@/lib/file-type";
import { html, type Html } from "@/lib/recipient/html/escape";

/** File-type icons drawn inline (no request, no script): decorative, the type is also said in words. */

const PAGE = `<path d="M6.5 2.5h7.5l5 5v13a1.5 1.5 0 0 1-1.5 1.5h-11A1.5 1.5 0 0 1 5 20.5v-16.5a1.5 1.5 0 0 1 1.5-1.5z"/><path d="M14 2.5v5h5"/>`;

const GLYPHS: Record<FileIcon, string> = {
  pdf: `${PAGE}<path d="M8.5 12.5h7M8.5 15.5h7M8.5 18.5h4"/>`,
  document: `${PAGE}<path d="M8.5 12.5h7M8.5 15.5h7M8.5 18.5h4"/>`,
  text: `${PAGE}<path d="M8.5 12.5h7M8.5 15.5h5M8.5 18.5h6"/>`,
  image: `<rect x="3" y="4" width="18" height="16" rx="2"/><circle cx="9" cy="9.5" r="1.75"/><path d="M3.5 17.5l5-5 4 4 3-3 5 5"/>`,
  audio: `<path d="M9 17.5V6.5l10-2v11"/><circle cx="6.5" cy="17.5" r="2.5"/><circle cx="16.5" cy="15.5" r="2.5"/>`,
  video: `<rect x="3" y="5" width="18" height="14" rx="2"/><path d="M10 9.25v5.5l4.5-2.75z"/>`,
  archive: `${PAGE}<path d="M11 5h2M11 8h2M11 11h2"/><rect x="10" y="14" width="4" height="4" rx="1"/>`,
  code: `${PAGE}<path d="M10 13l-2 2.5 2 2.5M14 13l2 2.5-2 2.5"/>`,
  spreadsheet: `${PAGE}<path d="M8 11.5h8v7H8zM8 15h8M12 11.5v7"/>`,
  presentation: `<rect x="3" y="4" width="18" height="12" rx="1.5"/><path d="M12 16v4M8.5 20.5h7M7 12l3-3 2 2 4-4"/>`,
  file: PAGE,
  folder: `<path d="M3 7a2 2 0 0 1 2-2h4l2 2.5h8a2 2 0 0 1 2 2V18a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2z"/>`,
};

export function fileIcon(kind: FileIcon, size: "large" | "small" = "small"): Html {
  const glyph = { html: GLYPHS[kind] };
  return html`<span class="${`icon icon-${kind} icon-${size}`}" aria-hidden="true"><svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linecap="round" stroke-linejoin="round" focusable="false">${glyph}</svg></span>`;
}
