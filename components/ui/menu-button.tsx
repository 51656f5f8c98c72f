"use client";

import Link from "next/link";
import { useHydrated } from "@/components/ui/use-hydrated";
import { type KeyboardEvent, type ReactNode, useEffect, useId, useLayoutEffect, useRef, useState } from "react";

export type MenuEntry =
  | { kind: "action"; label: string; onSelect: () => void; tone?: "danger"; disabled?: boolean; title?: string }
  | { kind: "link"; label: string; href: string };

function itemsOf(menu: HTMLElement | null): HTMLElement[] {
  return Array.from(menu?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? []);
}

const itemClass =
  "block w-full whitespace-nowrap rounded px-3 py-1.5 text-left text-sm outline-none focus:bg-zinc-100 focus-visible:ring-2 focus-visible:ring-sky-600 dark:focus:bg-zinc-800 aria-disabled:cursor-not-allowed";

/**
 * A menu button (WAI-ARIA APG "menu button"): the button says aria-haspopup="menu" and
 * aria-expanded; the menu's items take focus with Up/Down (wrapping), Home and End; Escape closes
 * and puts focus back on the button; Tab or a click elsewhere closes. The menu is placed with
 * fixed positioning so a scrolling table around the button does not clip it.
 */
export function MenuButton({ label, title, entries, buttonClassName }: { label: ReactNode; title?: string; entries: MenuEntry[]; buttonClassName: string }) {
  const [open, setOpen] = useState(false);
  // Until the scripts arrive a click would do nothing: the button says so by being disabled.
  const hydrated = useHydrated();
  const [focusAt, setFocusAt] = useState<"first" | "last">("first");
  const [place, setPlace] = useState<{ top?: number; bottom?: number; right: number }>({ right: 0 });
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);
  const id = useId();

  function show(at: "first" | "last") {
    const rect = button.current?.getBoundingClientRect();
    if (rect) {
      const right = Math.max(8, window.innerWidth - rect.right);
      // Opens upwards when there is no room below.
      setPlace(rect.bottom + 200 > window.innerHeight ? { bottom: window.innerHeight - rect.top + 4, right } : { top: rect.bottom + 4, right });
    }
    setFocusAt(at);
    setOpen(true);
  }

  function close(refocus: boolean) {
    setOpen(false);
    if (refocus) button.current?.focus();
  }

  useLayoutEffect(() => {
    if (!open) return;
    const all = itemsOf(menu.current);
    (focusAt === "first" ? all[0] : all[all.length - 1])?.focus();
  }, [open, focusAt]);

  useEffect(() => {
    if (!open) return;
    const outside = (event: PointerEvent) => {
      const target = event.target as Node;
      if (!menu.current?.contains(target) && !button.current?.contains(target)) setOpen(false);
    };
    const away = () => setOpen(false);
    document.addEventListener("pointerdown", outside);
    window.addEventListener("resize", away);
    window.addEventListener("scroll", away, true);
    return () => {
      document.removeEventListener("pointerdown", outside);
      window.removeEventListener("resize", away);
      window.removeEventListener("scroll", away, true);
    };
  }, [open]);

  function onButtonKey(event: KeyboardEvent<HTMLButtonElement>) {
    if (event.key === "ArrowDown") {
      event.preventDefault();
      show("first");
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      show("last");
    }
  }

  function onMenuKey(event: KeyboardEvent<HTMLDivElement>) {
    const all = itemsOf(menu.current);
    const at = all.indexOf(document.activeElement as HTMLElement);
    const move = (index: number) => {
      event.preventDefault();
      all[(index + all.length) % all.length]?.focus();
    };
    switch (event.key) {
      case "ArrowDown":
        return move(at + 1);
      case "ArrowUp":
        return move(at < 0 ? all.length - 1 : at - 1);
      case "Home":
        return move(0);
      case "End":
        return move(all.length - 1);
      case "Escape":
        event.preventDefault();
        return close(true);
      case "Tab":
        return close(false);
      default:
        return undefined;
    }
  }

  return (
    <>
      <button
        ref={button}
        type="button"
        id={`${id}-button`}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? `${id}-menu` : undefined}
        title={title}
        className={buttonClassName}
        disabled={!hydrated}
        onClick={() => (open ? close(false) : show("first"))}
        onKeyDown={onButtonKey}
      >
        {label}
      </button>
      {open ? (
        <div
          ref={menu}
          id={`${id}-menu`}
          role="menu"
          aria-labelledby={`${id}-button`}
          tabIndex={-1}
          onKeyDown={onMenuKey}
          style={{ position: "fixed", top: place.top, bottom: place.bottom, right: place.right }}
          className="z-40 min-w-44 rounded-md border border-zinc-200 bg-white p-1 text-zinc-800 shadow-lg dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100"
        >
          {entries.map((entry) =>
            entry.kind === "link" ? (
              <Link key={entry.label} href={entry.href} role="menuitem" tabIndex={-1} className={itemClass} onClick={() => setOpen(false)}>
                {entry.label}
              </Link>
            ) : (
              <button
                key={entry.label}
                type="button"
                role="menuitem"
                tabIndex={-1}
                title={entry.title}
                aria-disabled={entry.disabled ? true : undefined}
                className={`${itemClass} ${entry.disabled ? "text-zinc-600 dark:text-zinc-400" : entry.tone === "danger" ? "text-red-700 dark:text-red-400" : ""}`}
                onClick={() => {
                  if (entry.disabled) return;
                  close(true);
                  entry.onSelect();
                }}
              >
                {entry.label}
              </button>
            ),
          )}
        </div>
      ) : null}
    </>
  );
}
