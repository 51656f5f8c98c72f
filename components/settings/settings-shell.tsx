import Link from "next/link";
import type { ReactNode } from "react";

/** The sections of Settings, each a page of its own under /settings/…; the nav marks the one shown. */
export const SETTINGS_SECTIONS = [
  { id: "connections", href: "/settings/connections", label: "Connections" },
  { id: "notifications", href: "/settings/notifications", label: "Notifications" },
  { id: "api-tokens", href: "/settings/api-tokens", label: "API tokens" },
  { id: "account", href: "/settings/account", label: "Account" },
  { id: "appearance", href: "/settings/appearance", label: "Appearance" },
] as const;

export type SettingsSectionId = (typeof SETTINGS_SECTIONS)[number]["id"];

/** Every Settings page: one h1 "Settings", the section nav, then the section (which brings its one h2). */
export function SettingsShell({ current, children }: { current: SettingsSectionId; children: ReactNode }) {
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Settings</h1>
      <nav aria-label="Settings" className="border-b border-zinc-200 dark:border-zinc-800">
        <ul className="-mb-px flex flex-wrap gap-1">
          {SETTINGS_SECTIONS.map((s) => {
            const isCurrent = s.id === current;
            return (
              <li key={s.id}>
                <Link
                  href={s.href}
                  aria-current={isCurrent ? "page" : undefined}
                  className={`inline-block border-b-2 px-3 py-2 text-sm font-medium ${
                    isCurrent
                      ? "border-sky-700 text-zinc-900 dark:border-sky-400 dark:text-white"
                      : "border-transparent text-zinc-600 hover:border-zinc-300 hover:text-zinc-900 dark:text-zinc-400 dark:hover:border-zinc-600 dark:hover:text-white"
                  }`}
                >
                  {s.label}
                </Link>
              </li>
            );
          })}
        </ul>
      </nav>
      {children}
    </div>
  );
}
