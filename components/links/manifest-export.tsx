"use client";

import { useRef, useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { SelectField } from "@/components/ui/field";
import { useHydrated } from "@/components/ui/use-hydrated";
import { DEFAULT_MANIFEST_EXPIRY_SECONDS, MANIFEST_EXPIRY_PRESETS, manifestFileName, type ManifestFormat } from "@/lib/links/manifest-format";

type Progress =
  | { state: "idle" }
  | { state: "running"; done: number; total: number }
  | { state: "done"; count: number; expiresAt: string | null }
  | { state: "error"; message: string };

const number = (n: number) => n.toLocaleString("en-US");

/**
 * Link page of a multi-file share → "Export manifest": fetches /links/<id>/manifest, counts the
 * entries as they stream in (one per line; the first line is the CSV header or JSON's `[`) to
 * show "12,000 of 30,000 URLs", then offers the file for saving.
 */
export function ManifestExport({ id, title, fileCount }: { id: string; title: string | null; fileCount: number }) {
  const [progress, setProgress] = useState<Progress>({ state: "idle" });
  const abort = useRef<AbortController | null>(null);
  const hydrated = useHydrated();

  async function exportManifest(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const format = (form.get("format") === "json" ? "json" : "csv") satisfies ManifestFormat;
    const expires = String(form.get("expires") ?? DEFAULT_MANIFEST_EXPIRY_SECONDS);
    abort.current?.abort();
    const controller = new AbortController();
    abort.current = controller;
    setProgress({ state: "running", done: 0, total: fileCount });
    try {
      const response = await fetch(`/links/${encodeURIComponent(id)}/manifest?${new URLSearchParams({ format, expires })}`, {
        signal: controller.signal,
        cache: "no-store",
      });
      if (!response.ok || !response.body) {
        // A problem answer (docs/errors.md): `detail` says what went wrong and what to do.
        const body = (await response.json().catch(() => null)) as { detail?: string } | null;
        setProgress({ state: "error", message: body?.detail ?? `The manifest could not be made (HTTP ${response.status}). Try again.` });
        return;
      }
      const total = Number(response.headers.get("X-Total-Count") ?? fileCount) || fileCount;
      const chunks: Uint8Array[] = [];
      const reader = response.body.getReader();
      let lines = 0;
      let lastShown = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
        for (let i = 0; i < value.length; i++) if (value[i] === 10) lines++;
        const entries = Math.min(Math.max(lines - 1, 0), total);
        if (entries - lastShown >= 1_000 || entries === total) {
          lastShown = entries;
          setProgress({ state: "running", done: entries, total });
        }
      }
      const blob = new Blob(chunks as BlobPart[], { type: format === "csv" ? "text/csv" : "application/json" });
      const url = URL.createObjectURL(blob);
      const anchor = document.createElement("a");
      anchor.href = url;
      anchor.download = manifestFileName(title, format);
      document.body.append(anchor);
      anchor.click();
      anchor.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      setProgress({ state: "done", count: Math.min(Math.max(lines - 1, 0), total), expiresAt: response.headers.get("X-Manifest-Expires-At") });
    } catch (error) {
      if ((error as Error).name === "AbortError") return;
      setProgress({ state: "error", message: "The manifest download broke off before the end. Try again." });
    } finally {
      if (abort.current === controller) abort.current = null;
    }
  }

  const running = progress.state === "running";
  return (
    <section aria-labelledby="manifest-export-title" className="space-y-3 rounded-lg border border-zinc-200 p-4 dark:border-zinc-800">
      <div>
        <h2 id="manifest-export-title" className="text-lg font-semibold">
          Export manifest
        </h2>
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          For tools such as curl, wget or a script: one line per file with its path, size, ETag and a direct presigned URL. These URLs go straight to the
          storage: they work until they expire (at most 7 days) even if you revoke this share, and their downloads are not counted or logged here.
        </p>
      </div>
      <form onSubmit={(event) => void exportManifest(event)} className="grid gap-4 sm:grid-cols-[10rem_12rem_auto] sm:items-end">
        <SelectField label="Format" name="format" defaultValue="csv" disabled={running}>
          <option value="csv">CSV</option>
          <option value="json">JSON</option>
        </SelectField>
        <SelectField label="Expires in" name="expires" defaultValue={String(DEFAULT_MANIFEST_EXPIRY_SECONDS)} disabled={running}>
          {MANIFEST_EXPIRY_PRESETS.map((preset) => (
            <option key={preset.id} value={preset.seconds}>
              {preset.label}
            </option>
          ))}
        </SelectField>
        <div>
          {/* Until the form hydrates, a click would submit it natively (a GET of this page) and export nothing. */}
          <Button type="submit" disabled={!hydrated || running}>
            Export manifest
          </Button>
        </div>
      </form>
      <div role="status" aria-live="polite" className="space-y-1 text-sm">
        {progress.state === "running" ? (
          <>
            <progress className="w-full" max={progress.total || 1} value={progress.done} aria-label="Manifest progress" />
            <p>
              {number(progress.done)} of {number(progress.total)} URLs
            </p>
          </>
        ) : progress.state === "done" ? (
          <p className="text-emerald-700 dark:text-emerald-400">
            Manifest ready: {number(progress.count)} URLs
            {progress.expiresAt ? `, valid until ${new Date(progress.expiresAt).toUTCString()}` : ""}.
          </p>
        ) : progress.state === "error" ? (
          <p className="text-red-700 dark:text-red-400">{progress.message}</p>
        ) : null}
      </div>
    </section>
  );
}
