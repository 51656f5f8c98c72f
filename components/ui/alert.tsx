import type { ReactNode } from "react";

const tones = {
  error: "border-red-300 bg-red-50 text-red-800 dark:border-red-900 dark:bg-red-950/50 dark:text-red-200",
  success: "border-emerald-300 bg-emerald-50 text-emerald-800 dark:border-emerald-900 dark:bg-emerald-950/50 dark:text-emerald-200",
  info: "border-sky-300 bg-sky-50 text-sky-900 dark:border-sky-900 dark:bg-sky-950/50 dark:text-sky-200",
  warning: "border-amber-300 bg-amber-50 text-amber-900 dark:border-amber-900 dark:bg-amber-950/50 dark:text-amber-200",
};

export function Alert({ tone = "info", children, role }: { tone?: keyof typeof tones; children: ReactNode; role?: "alert" | "status" }) {
  return (
    <div role={role} className={`rounded-md border px-3 py-2 text-sm ${tones[tone]}`}>
      {children}
    </div>
  );
}

/** A region that announces action results to screen readers (renders nothing when empty). */
export function LiveMessage({ tone, message }: { tone: "error" | "success"; message?: string }) {
  return (
    <div aria-live="polite" role={tone === "error" ? "alert" : "status"}>
      {message ? <Alert tone={tone}>{message}</Alert> : null}
    </div>
  );
}
