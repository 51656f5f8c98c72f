"use client";

import { useEffect, useId, useRef, useState, type ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { inputClass } from "@/components/ui/field";
import { copyText } from "@/components/share/share-result";

/**
 * A secret the server answered with once (an API token, a webhook signing secret): a read-only field,
 * a copy button that announces "Copied" in a live region, a note that it will not be shown again, and
 * "Done" to put it away. With `focus`, the field takes the focus when it appears.
 */
export function ShownOnce({
  label,
  value,
  copyLabel,
  note,
  onDone,
  focus = false,
}: {
  label: string;
  value: string;
  copyLabel: string;
  note: ReactNode;
  onDone: () => void;
  focus?: boolean;
}) {
  const input = useRef<HTMLInputElement>(null);
  const fieldId = useId();
  const [copied, setCopied] = useState<"copied" | "selected" | null>(null);
  useEffect(() => {
    if (focus) input.current?.focus();
  }, [focus]);
  return (
    <div className="max-w-xl space-y-2 rounded-md border border-amber-300 bg-amber-50 p-3 dark:border-amber-900 dark:bg-amber-950/50">
      <label htmlFor={fieldId} className="block text-sm font-medium">
        {label}
      </label>
      <input
        ref={input}
        id={fieldId}
        readOnly
        value={value}
        onFocus={(e) => e.currentTarget.select()}
        aria-describedby={`${fieldId}-note`}
        className={`${inputClass} font-mono text-xs`}
        spellCheck={false}
        autoComplete="off"
      />
      <p id={`${fieldId}-note`} className="text-sm text-amber-900 dark:text-amber-200">
        {note}
      </p>
      <div className="flex flex-wrap items-center gap-2">
        <Button onClick={async () => setCopied(await copyText(value, input.current))}>{copyLabel}</Button>
        <Button variant="secondary" onClick={onDone}>
          Done
        </Button>
        <span role="status" aria-live="polite" className="text-sm text-emerald-700 dark:text-emerald-400">
          {copied === "copied" ? "Copied" : copied === "selected" ? "Selected: press Ctrl+C (⌘C) to copy" : ""}
        </span>
      </div>
    </div>
  );
}
