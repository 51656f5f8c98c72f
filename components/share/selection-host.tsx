"use client";

import { useCallback, useEffect, useRef, useState, type ReactNode } from "react";
import { listedKey } from "@/components/browser/listing-rows";
import { Button } from "@/components/ui/button";
import { FilesShareDialog, type FilesShareSource } from "@/components/share/files-share-dialog";

function storageKey(connectionId: string, bucket: string): string {
  return `bucketshare:selection:${connectionId}:${bucket}`;
}

/** "5 selected", or "5 selected in 2 folders" once the selection is not only in the folder shown. */
function selectionSummary(selected: string[], prefix: string): string {
  const folders = new Set(selected.map((k) => k.slice(0, k.lastIndexOf("/") + 1)));
  const count = `${selected.length.toLocaleString("en-US")} selected`;
  if (folders.size === 1 && folders.has(prefix)) return count;
  return `${count} in ${folders.size.toLocaleString("en-US")} ${folders.size === 1 ? "folder" : "folders"}`;
}

function readSelection(key: string): string[] {
  try {
    const parsed: unknown = JSON.parse(sessionStorage.getItem(key) ?? "[]");
    return Array.isArray(parsed) ? parsed.filter((k): k is string => typeof k === "string") : [];
  } catch {
    return [];
  }
}

/** The rows' checkboxes (only an object's row has one) and the key of each one's row (components/browser/listing-rows.tsx). */
const ROW_BOXES = "tbody input[type=checkbox]";
const keyOf = (box: HTMLInputElement) => listedKey(box) ?? "";

/**
 * Selection in a folder's listing: object rows render plain checkboxes beside a link naming the key and
 * folder rows a `data-share-folder` button (no client component per row). The selection lives in
 * sessionStorage per connection and bucket, so it spans pages and folders; "Share selected" sends
 * the keys to the server, which checks each one (paths relative to the keys' common folder).
 */
export function SelectionHost({
  connectionId,
  bucket,
  prefix,
  publicUrl,
  storagePrivateHost,
  longestSeconds = null,
  credentialsExpireAt = null,
  children,
}: {
  connectionId: string;
  bucket: string;
  prefix: string;
  publicUrl: string | null;
  storagePrivateHost: string | null;
  /** The person's grant allows links of at most this long (null: no limit of theirs). */
  longestSeconds?: number | null;
  /** When the connection's temporary credentials end (ISO); null for long-lived keys. */
  credentialsExpireAt?: string | null;
  children: ReactNode;
}) {
  const key = storageKey(connectionId, bucket);
  const [selected, setSelected] = useState<string[]>([]);
  const [source, setSource] = useState<FilesShareSource | null>(null);
  const container = useRef<HTMLDivElement>(null);

  useEffect(() => setSelected(readSelection(key)), [key]);

  const update = useCallback(
    (next: string[]) => {
      setSelected(next);
      try {
        if (next.length === 0) sessionStorage.removeItem(key);
        else sessionStorage.setItem(key, JSON.stringify(next));
      } catch {
        // Storage full or disabled: the selection still works on this page.
      }
    },
    [key],
  );

  // The rows' checkboxes are uncontrolled: reflect the selection into them after every render.
  useEffect(() => {
    const root = container.current;
    if (!root) return;
    const set = new Set(selected);
    const boxes = [...root.querySelectorAll<HTMLInputElement>(ROW_BOXES)];
    for (const box of boxes) box.checked = set.has(keyOf(box));
    const all = root.querySelector<HTMLInputElement>("input[data-select-all]");
    if (all) {
      const on = boxes.filter((b) => b.checked).length;
      all.checked = boxes.length > 0 && on === boxes.length;
      all.indeterminate = on > 0 && on < boxes.length;
    }
  });

  function onChange(event: React.ChangeEvent<HTMLDivElement>) {
    const target = event.target as unknown as HTMLInputElement;
    if (target.matches(ROW_BOXES)) {
      const k = keyOf(target);
      update(target.checked ? [...new Set([...selected, k])] : selected.filter((s) => s !== k));
    } else if (target.dataset.selectAll !== undefined) {
      const pageKeys = [...(container.current?.querySelectorAll<HTMLInputElement>(ROW_BOXES) ?? [])].map(keyOf);
      const page = new Set(pageKeys);
      update(target.checked ? [...new Set([...selected, ...pageKeys])] : selected.filter((s) => !page.has(s)));
    }
  }

  function onClick(event: React.MouseEvent<HTMLDivElement>) {
    const button = (event.target as HTMLElement).closest<HTMLButtonElement>("button[data-share-folder]");
    if (!button) return;
    setSource({ mode: "folder", connectionId, bucket, prefix: button.dataset.shareFolder!, name: button.dataset.folderName ?? button.dataset.shareFolder! });
  }

  const count = selected.length;
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions lint/a11y/useKeyWithClickEvents: delegation only; the events come from the real checkboxes and buttons inside (keyboard included)
    <div ref={container} onChange={onChange} onClick={onClick} className="space-y-2">
      <section
        aria-label="Selection"
        className={
          count > 0
            ? "flex flex-wrap items-center gap-3 rounded-lg border border-zinc-200 bg-zinc-50 px-3 py-2 dark:border-zinc-800 dark:bg-zinc-900"
            : "sr-only"
        }
      >
        <span aria-live="polite" className="text-sm font-medium">
          {count > 0 ? selectionSummary(selected, prefix) : ""}
        </span>
        {count > 0 ? (
          <>
            <Button onClick={() => setSource({ mode: "keys", connectionId, bucket, keys: selected })}>Share selected</Button>
            <Button variant="secondary" onClick={() => update([])}>
              Clear selection
            </Button>
          </>
        ) : null}
      </section>
      {children}
      {source ? (
        <FilesShareDialog
          key={source.mode === "folder" ? source.prefix : source.keys.join("\n")}
          source={source}
          publicUrl={publicUrl}
          storagePrivateHost={storagePrivateHost}
          longestSeconds={longestSeconds}
          credentialsExpireAt={credentialsExpireAt}
          open
          onClose={() => setSource(null)}
          onCreated={source.mode === "keys" ? () => update([]) : undefined}
        />
      ) : null}
    </div>
  );
}
