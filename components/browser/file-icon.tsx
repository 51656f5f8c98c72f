import type { FileKind } from "@/lib/format";

/**
 * File-type icons as one inline SVG sprite (rendered once per page by <FileIconSprite />) and a
 * two-attribute <use> per row, so a 100-row listing stays light. Decorative: the name is the label.
 */
export function FileIcon({ kind }: { kind: FileKind }) {
  return (
    <svg aria-hidden="true" className={`file-icon kind-${kind}`} viewBox="0 0 20 20">
      <use href={kind === "folder" ? "#i-folder" : "#i-file"} />
    </svg>
  );
}

export function FileIconSprite() {
  return (
    <svg aria-hidden="true" width="0" height="0" className="absolute">
      <symbol id="i-folder" viewBox="0 0 20 20">
        <path fill="currentColor" d="M2 5.5A1.5 1.5 0 0 1 3.5 4h4l1.5 2h7.5A1.5 1.5 0 0 1 18 7.5v7a1.5 1.5 0 0 1-1.5 1.5h-13A1.5 1.5 0 0 1 2 14.5z" />
      </symbol>
      <symbol id="i-file" viewBox="0 0 20 20">
        <path fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinejoin="round" d="M5 2.75h6.5L15.25 6.5v10.75H5z" />
        <path fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinejoin="round" d="M11.5 2.75V6.5h3.75" />
        <rect x="7" y="10" width="6" height="4" rx="0.75" fill="currentColor" />
      </symbol>
    </svg>
  );
}
