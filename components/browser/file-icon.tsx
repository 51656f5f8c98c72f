import type { FileKind } from "@/lib/format";

/**
 * A file-type icon drawn by CSS (app/globals.css, `.file-icon`): one empty span per row keeps a
 * 100-row listing light. Decorative: the entry's name is its label.
 */
export function FileIcon({ kind }: { kind: FileKind }) {
  return <span className={`file-icon kind-${kind}`} />;
}
