import type { Metadata } from "next";
import Link from "next/link";
import { buttonClass } from "@/components/ui/button";
import { Alert } from "@/components/ui/alert";
import { ConnectionList } from "@/components/connections/connection-list";
import { ChangePasswordForm } from "@/components/settings/change-password-form";
import { SignOutEverywhereForm } from "@/components/settings/sign-out-everywhere-form";
import { LogNetworkOnlyForm } from "@/components/settings/log-network-only-form";
import { getLogNetworkOnly } from "@/lib/links/manage";
import { WebhookSection } from "@/components/settings/webhook-section";
import { getWebhookOverview } from "@/lib/webhooks/settings";
import { ApiTokenSection } from "@/components/settings/api-token-section";
import { listApiTokens } from "@/lib/api/token-store";
import { requireUser } from "@/lib/auth/session";
import { countUserSessions } from "@/lib/auth/session-store";
import { listConnectionsWithLinkCounts } from "@/lib/storage/connections";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage({ searchParams }: { searchParams: Promise<{ saved?: string; deleted?: string }> }) {
  const user = await requireUser();
  const [connections, sessions, params] = await Promise.all([listConnectionsWithLinkCounts(user.id), countUserSessions(user.id), searchParams]);
  return (
    <div className="space-y-8">
      <h1 className="text-2xl font-semibold">Settings</h1>
      <section aria-labelledby="connections-heading" className="space-y-4">
        <div className="flex flex-wrap items-center justify-between gap-2">
          <div>
            <h2 id="connections-heading" className="text-lg font-semibold">
              Connections
            </h2>
            <p className="text-sm text-zinc-600 dark:text-zinc-400">S3-compatible storage accounts Bucketshare can browse and share from.</p>
          </div>
          <Link href="/settings/connections/new" className={buttonClass("primary")}>
            Add connection
          </Link>
        </div>
        <div role="status" aria-live="polite">
          {params.saved ? <Alert tone="success">Connection saved.</Alert> : params.deleted ? <Alert tone="success">Connection deleted.</Alert> : null}
        </div>
        <ConnectionList connections={connections} />
      </section>
      <WebhookSection overview={await getWebhookOverview(user.id)} now={new Date()} />
      <ApiTokenSection tokens={await listApiTokens(user.id)} now={new Date()} />
      <section aria-labelledby="account-heading" className="space-y-3">
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
      </section>
      <section aria-labelledby="access-logs-heading" className="space-y-3">
        <div className="space-y-1">
          <h2 id="access-logs-heading" className="text-lg font-semibold">
            Access logs
          </h2>
          <p className="text-sm text-zinc-600 dark:text-zinc-400">What managed links record about the people who open them.</p>
        </div>
        <LogNetworkOnlyForm initial={await getLogNetworkOnly(user.id)} />
      </section>
      <section aria-labelledby="password-heading" className="space-y-3">
        <div className="space-y-1">
          <h2 id="password-heading" className="text-lg font-semibold">
            Change password
          </h2>
          <p className="text-sm text-zinc-600 dark:text-zinc-400">Every other browser signed in as you is signed out; this one stays signed in.</p>
        </div>
        <ChangePasswordForm />
      </section>
    </div>
  );
}
