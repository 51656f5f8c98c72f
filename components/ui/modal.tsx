"use client";

import { useId, type ReactNode } from "react";
import { useModalDialog } from "@/components/ui/use-modal-dialog";

const WIDTHS = {
  sm: "w-[min(28rem,calc(100vw-2rem))]",
  md: "w-[min(34rem,calc(100vw-1rem))]",
  lg: "w-[min(36rem,calc(100vw-1rem))]",
} as const;

/**
 * The frame of every modal: a native <dialog> opened modally while `open` (focus trap, Escape and the
 * backdrop come with it), named by its heading, with an optional line under the heading and a ✕ "Close"
 * button. Closing it any way (Escape, ✕, a button of the caller's) calls `onClose`.
 */
export function Modal({
  open,
  onClose,
  title,
  subtitle,
  closeButton = true,
  size = "md",
  children,
}: {
  open: boolean;
  onClose: () => void;
  title: ReactNode;
  subtitle?: ReactNode;
  /** False where the footer's Cancel is the way out (a confirmation). */
  closeButton?: boolean;
  size?: keyof typeof WIDTHS;
  children: ReactNode;
}) {
  const ref = useModalDialog(open);
  const titleId = useId();
  return (
    <dialog
      ref={ref}
      onClose={onClose}
      aria-labelledby={titleId}
      className={`m-auto max-h-[calc(100dvh-2rem)] ${WIDTHS[size]} overflow-y-auto rounded-xl border border-zinc-200 bg-white p-0 text-zinc-900 shadow-xl backdrop:bg-black/40 dark:border-zinc-800 dark:bg-zinc-900 dark:text-zinc-100`}
    >
      <div className="space-y-4 p-5">
        <div className="flex items-start justify-between gap-3">
          <div className="min-w-0">
            <h2 id={titleId} className="text-lg font-semibold">
              {title}
            </h2>
            {subtitle}
          </div>
          {closeButton ? (
            <button type="button" onClick={onClose} aria-label="Close" className="rounded p-1 text-muted hover:bg-zinc-100 dark:hover:bg-zinc-800">
              ✕
            </button>
          ) : null}
        </div>
        {children}
      </div>
    </dialog>
  );
}

/** The row of buttons at the end of a modal, right-aligned; `divided` draws a line above it. */
export function ModalFooter({ divided = false, children }: { divided?: boolean; children: ReactNode }) {
  return <div className={`flex justify-end gap-2${divided ? " border-t border-zinc-200 pt-3 dark:border-zinc-800" : ""}`}>{children}</div>;
}
