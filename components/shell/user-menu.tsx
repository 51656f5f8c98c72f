"use client";

import { useActionState, useEffect, useId, useRef, useState } from "react";
import { signOutAction } from "@/lib/actions/sign-out";
import type { ActionState } from "@/lib/actions/safe-action";

export function UserMenu({ name, email }: { name: string; email: string }) {
  const [open, setOpen] = useState(false);
  const [state, action, pending] = useActionState(signOutAction, { status: "idle" } as ActionState);
  const menuId = useId();
  const root = useRef<HTMLDivElement>(null);
  const toggle = useRef<HTMLButtonElement>(null);

  // The session already ended elsewhere ("Sign out everywhere", a changed password): go to sign-in all the same.
  useEffect(() => {
    if (state.status === "unauthorized") window.location.assign("/sign-in");
  }, [state]);

  useEffect(() => {
    if (!open) return;
    const close = (event: MouseEvent | KeyboardEvent) => {
      if (event instanceof KeyboardEvent ? event.key === "Escape" : !root.current?.contains(event.target as Node)) {
        // Escape from inside the menu: the focus goes back to the button rather than to the page's start.
        if (event instanceof KeyboardEvent && root.current?.contains(document.activeElement)) toggle.current?.focus();
        setOpen(false);
      }
    };
    document.addEventListener("mousedown", close);
    document.addEventListener("keydown", close);
    return () => {
      document.removeEventListener("mousedown", close);
      document.removeEventListener("keydown", close);
    };
  }, [open]);

  return (
    <div ref={root} className="relative">
      <button
        ref={toggle}
        type="button"
        aria-expanded={open}
        aria-controls={menuId}
        aria-label={`Account menu for ${name}`}
        onClick={() => setOpen((v) => !v)}
        className="flex h-9 w-9 items-center justify-center rounded-full bg-sky-700 text-sm font-semibold text-white"
      >
        {name.trim().charAt(0).toUpperCase() || "?"}
      </button>
      {open ? (
        <div
          id={menuId}
          className="absolute right-0 z-20 mt-2 w-64 rounded-lg border border-zinc-200 bg-white p-2 shadow-lg dark:border-zinc-800 dark:bg-zinc-900"
        >
          <div className="px-2 py-1.5">
            <p className="truncate text-sm font-medium">{name}</p>
            <p className="truncate text-xs text-zinc-500 dark:text-zinc-400">{email}</p>
          </div>
          <form action={action}>
            <button type="submit" disabled={pending} className="mt-1 w-full rounded-md px-2 py-1.5 text-left text-sm hover:bg-zinc-100 dark:hover:bg-zinc-800">
              Sign out
            </button>
          </form>
        </div>
      ) : null}
    </div>
  );
}
