"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";
import { QuickShareDialog, type ShareTarget } from "@/components/share/quick-share-dialog";

/** The details panel's "Quick Share" button. */
export function QuickShareButton({ target }: { target: ShareTarget }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button onClick={() => setOpen(true)}>Quick Share</Button>
      {open ? <QuickShareDialog target={target} open={open} onClose={() => setOpen(false)} /> : null}
    </>
  );
}
