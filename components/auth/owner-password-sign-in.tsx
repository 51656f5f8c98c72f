"use client";

import { type ReactNode, useId, useState } from "react";

/**
 * With OIDC_ONLY the password form is the Owner's way in when the identity provider is down: closed
 * behind "Owner sign-in with password" (and not rendered until opened). The server refuses anyone else's password.
 */
export function OwnerPasswordSignIn({ children }: { children: ReactNode }) {
  const [open, setOpen] = useState(false);
  const id = useId();
  return (
    <div className="text-sm">
      <button
        type="button"
        aria-expanded={open}
        aria-controls={id}
        onClick={() => setOpen((v) => !v)}
        className="text-zinc-700 underline underline-offset-2 hover:text-zinc-900 dark:text-zinc-300 dark:hover:text-zinc-100"
      >
        Owner sign-in with password
      </button>
      <div id={id} className="mt-4" hidden={!open}>
        {open ? children : null}
      </div>
    </div>
  );
}
