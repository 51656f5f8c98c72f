import type { Metadata } from "next";
import { ChangePasswordForm } from "@/components/settings/change-password-form";
import { LogNetworkOnlyForm } from "@/components/settings/log-network-only-form";
import { SettingsShell } from "@/components/settings/settings-shell";
import { SignOutEverywhereForm } from "@/components/settings/sign-out-everywhere-form";
import { can } from "@/lib/auth/permissions";
import { requireUser } from "@/lib/auth/session";
import { countUserSessions } from "@/lib/auth/session-store";
import { getLogNetworkOnly } from "@/lib/links/manage";

export const metadata: Metadata = { title: "Account · Settings" };

export default async function AccountSettingsPage() {
  const user = await requireUser();
  const [sessions, logNetworkOnly] = await Promise.all([countUserSessions(user.id), getLogNetworkOnly(user.teamId)]);
  return (
    <SettingsShell current="account" actor={user}>
      <section aria-labelledby="account-heading" className="space-y-8">
        <div className="space-y-3">
          <div className="space-y-1">
            <h2 id="account-heading" className="text-lg font-semibold">
              Account
            </h2>
            <p className="text-sm text-zinc-600 dark:text-zinc-400">
              Signed in as {user.name} ({user.email}).
            </p>
            <p className="text-sm text-zinc-600 dark:text-zinc-400">
              {sessions <= 1 ? "Signed in on this browser only." : `Signed in on ${sessions} browsers or devices, this one included.`} A session ends when you
              sign out, after 7 days unused, and at the latest 30 days after signing in.
            </p>
          </div>
          <SignOutEverywhereForm />
        </div>
        {can(user, "instance.settings") ? (
          <section aria-labelledby="access-logs-heading" className="space-y-3">
            <div className="space-y-1">
              <h3 id="access-logs-heading" className="text-base font-semibold">
                Access logs
              </h3>
              <p className="text-sm text-zinc-600 dark:text-zinc-400">What managed links record about the people who open them.</p>
            </div>
            <LogNetworkOnlyForm initial={logNetworkOnly} />
          </section>
        ) : null}
        <section aria-labelledby="password-heading" className="space-y-3">
          <div className="space-y-1">
            <h3 id="password-heading" className="text-base font-semibold">
              Change password
            </h3>
            <p className="text-sm text-zinc-600 dark:text-zinc-400">Every other browser signed in as you is signed out; this one stays signed in.</p>
          </div>
          <ChangePasswordForm />
        </section>
      </section>
    </SettingsShell>
  );
}
