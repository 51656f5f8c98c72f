"use client";

import Link from "next/link";
import type { ReactNode } from "react";
import { NavLinks } from "@/components/shell/nav-links";
import { UserMenu } from "@/components/shell/user-menu";

/**
 * The signed-in pages' frame. A client component (it holds no state): each page's React Server Component payload
 * then names it with its three props instead of carrying the header's markup and classes.
 */
export function AppShell({ user, children, audit = false }: { user: { name: string; email: string }; children: ReactNode; audit?: boolean }) {
  return (
    <div className="flex min-h-dvh flex-col">
      <a
        href="#main"
        className="sr-only rounded-md bg-white px-3 py-2 text-sm font-medium text-sky-700 shadow focus:not-sr-only focus:absolute focus:left-4 focus:top-3 focus:z-50 dark:bg-zinc-900 dark:text-sky-400"
      >
        Skip to content
      </a>
      <header className="border-b border-zinc-200 dark:border-zinc-800">
        <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-4 gap-y-2 px-4 py-3">
          <Link href="/buckets" className="flex items-center gap-2 font-semibold">
            {/* biome-ignore lint/performance/noImgElement: a 24 px SVG from public/, nothing to optimise */}
            <img src="/icon.svg" alt="" width={24} height={24} />
            Bucketshare
          </Link>
          <nav aria-label="Main" className="order-3 w-full sm:order-none sm:w-auto">
            <NavLinks audit={audit} />
          </nav>
          <div className="ml-auto">
            <UserMenu name={user.name} email={user.email} />
          </div>
        </div>
      </header>
      <main id="main" tabIndex={-1} className="mx-auto w-full max-w-6xl flex-1 px-4 py-6 outline-none">
        {children}
      </main>
    </div>
  );
}
