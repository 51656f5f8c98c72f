"use client";

import { useEffect, useRef } from "react";

/**
 * Keeps a native <dialog> opened modally (focus trap, Escape, backdrop) while `open` is true, and gives the
 * focus back to what had it before (the button that opened it) when it closes, however it closes.
 */
export function useModalDialog(open: boolean) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog || !open) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!dialog.open) dialog.showModal();
    return () => {
      if (dialog.open) dialog.close();
      // The browser returns the focus itself after close(), but not when an open dialog is removed from the page
      // (a "Done" button that unmounts it): then the focus would fall to the page's start.
      const active = document.activeElement;
      if (opener?.isConnected && (!active || active === document.body || !active.isConnected)) opener.focus();
    };
  }, [open]);
  return ref;
}
