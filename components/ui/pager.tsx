import type { ReactNode } from "react";

const offClass =
  "inline-flex cursor-not-allowed items-center rounded-md border border-dashed border-zinc-300 px-3.5 py-2 text-sm font-medium text-zinc-500 dark:border-zinc-700 dark:text-zinc-400";

/**
 * A pager control (First page, Previous, Next…) that cannot be used where you are: visibly off
 * (dashed, faint) and aria-disabled, and neither a link nor a button, so there is nothing to press.
 */
export function PagerOff({ children }: { children: ReactNode }) {
  return (
    <span aria-disabled="true" className={offClass}>
      {children}
    </span>
  );
}
