"use client";

import { useState } from "react";
import { QuickShareDialog, type ShareTarget } from "@/components/share/quick-share-dialog";

/** A listing row's Quick Share action, named after the object for assistive tech. */
export function QuickShareRowButton({ target }: { target: ShareTarget }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button
        type="button"
        onClick={() => setOpen(true)}
        aria-label={`Quick Share ${target.name}`}
        className="rounded-md px-2 py-1 text-xs font-medium text-sky-700 hover:bg-sky-50 dark:text-sky-400 dark:hover:bg-sky-950/40"
      >
        Quick Share
      </button>
      {open ? <QuickShareDialog target={target} open={open} onClose={() => setOpen(false)} /> : null}
    </>
  );
}
