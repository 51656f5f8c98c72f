"use client";

import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { type FormEvent, type ReactNode, useEffect, useRef } from "react";

/** The query a filter form stands for: defaults left out, and no cursor (a new filter starts at page 1). */
function queryOf(form: HTMLFormElement): string {
  const query = new URLSearchParams();
  for (const [name, value] of new FormData(form)) {
    if (typeof value !== "string") continue;
    const text = name === "q" ? value.trim() : value;
    if (text === "" || text === "all") continue;
    query.set(name, text);
  }
  return query.toString();
}

/**
 * The history's filter form: a change of a select applies at once, typing in the search after a
 * pause (300 ms), each by replacing the URL. Without JavaScript it is a plain GET form whose
 * Apply button (shown only where scripting is off) submits it.
 */
export function HistoryFilters({
  children,
  filtered,
  current,
  label = "Filter links",
}: {
  children: ReactNode;
  filtered: boolean;
  current: string;
  /** The search landmark's name. */
  label?: string;
}) {
  const router = useRouter();
  const pathname = usePathname();
  const form = useRef<HTMLFormElement>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  useEffect(() => () => (timer.current ? clearTimeout(timer.current) : undefined), []);

  // The URL changed elsewhere (Clear filters, Back): the fields follow it, except the one being typed in.
  useEffect(() => {
    const fields = form.current?.elements;
    if (!fields) return;
    const query = new URLSearchParams(current);
    for (const field of Array.from(fields)) {
      if (!(field instanceof HTMLSelectElement || field instanceof HTMLInputElement) || !field.name || field === document.activeElement) continue;
      const wanted = query.get(field.name) ?? (field instanceof HTMLSelectElement && field.querySelector('option[value="all"]') ? "all" : "");
      if (field.value !== wanted) field.value = wanted;
    }
  }, [current]);

  function apply() {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    if (!form.current) return;
    const query = queryOf(form.current);
    if (query === current) return;
    router.replace(query ? `${pathname}?${query}` : pathname, { scroll: false });
  }

  function onChange(event: FormEvent<HTMLFormElement>) {
    const target = event.target as HTMLElement;
    if (target instanceof HTMLInputElement && target.type === "search") {
      if (timer.current) clearTimeout(timer.current);
      timer.current = setTimeout(apply, 300);
    } else {
      apply();
    }
  }

  return (
    <search aria-label={label}>
      <form
        ref={form}
        action={pathname}
        className="flex flex-wrap items-end gap-2"
        onChange={onChange}
        onSubmit={(event) => {
          event.preventDefault();
          apply();
        }}
      >
        {children}
        {filtered ? (
          <Link href={pathname} className="px-2 py-2 text-sm text-sky-700 underline-offset-2 hover:underline dark:text-sky-400" scroll={false}>
            Clear filters
          </Link>
        ) : null}
      </form>
    </search>
  );
}
