import Link from "next/link";
import type { ReactNode } from "react";
import { type Actor, can, type RoleAction } from "@/lib/auth/permissions";

/**
 * The sections of Settings, each a page of its own under /settings/…; the nav marks the one shown and
 * lists a section with `requires` only for those lib/auth/permissions.ts lets take that action.
 */
export const SETTINGS_SECTIONS: readonly { id: string; href: string; label: string; requires?: RoleAction }[] = [
  { id: "connections", href: "/settings/connections", label: "Connections", requires: "connections.manage" },
  { id: "members", href: "/settings/members", label: "Members", requires: "members.manage" },
  { id: "notifications", href: "/settings/notifications", label: "Notifications", requires: "webhooks.own" },
  { id: "api-tokens", href: "/settings/api-tokens", label: "API tokens" },
  { id: "account", href: "/settings/account", label: "Account" },
  { id: "appearance", href: "/settings/appearance", label: "Appearance", requires: "instance.settings" },
  { id: "background-jobs", href: "/settings/background-jobs", label: "Background jobs", requires: "audit.view" },
];

export type SettingsSectionId = "connections" | "members" | "notifications" | "api-tokens" | "account" | "appearance" | "background-jobs";

/** Every Settings page: one h1 "Settings", the section nav, then the section (which brings its one h2). */
export function SettingsShell({ current, actor, children }: { current: SettingsSectionId; actor: Actor; children: ReactNode }) {
  const sections = SETTINGS_SECTIONS.filter((s) => !s.requires || can(actor, s.requires));
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Settings</h1>
      <nav aria-label="Settings" className="border-b border-zinc-200 dark:border-zinc-800">
        <ul className="-mb-px flex flex-wrap gap-1">
          {sections.map((s) => {
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
