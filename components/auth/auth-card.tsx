import type { ReactNode } from "react";

export function AuthCard({ title, intro, children }: { title: string; intro: ReactNode; children: ReactNode }) {
  return (
    <main className="flex min-h-dvh items-center justify-center px-4 py-12">
      <div className="w-full max-w-sm space-y-6">
        <div className="space-y-2 text-center">
          <p className="text-sm font-semibold tracking-wide text-sky-700 dark:text-sky-400">Bucketshare</p>
          <h1 className="text-2xl font-semibold">{title}</h1>
          <p className="text-sm text-zinc-600 dark:text-zinc-400">{intro}</p>
        </div>
        <div className="rounded-xl border border-zinc-200 p-6 shadow-sm dark:border-zinc-800">{children}</div>
      </div>
    </main>
  );
}
