"use client";

import { useActionState } from "react";
import { saveNotificationsAction } from "@/lib/actions/save-notifications";
import type { ActionState } from "@/lib/actions/safe-action";
import type { NotificationPreferences } from "@/lib/notifications/preferences";
import { useHydrated } from "@/components/ui/use-hydrated";
import { Button } from "@/components/ui/button";
import { LiveMessage } from "@/components/ui/alert";

const hint = "block text-xs text-zinc-600 dark:text-zinc-400";

/**
 * Settings → Notifications: what this person hears about, and how (e-mail, their webhook). Uncontrolled
 * inputs keyed by the saved value, as the privacy form (a choice made before hydration stays made).
 */
export function NotificationPreferencesForm({ initial, mailConfigured }: { initial: NotificationPreferences; mailConfigured: boolean }) {
  const [state, action, pending] = useActionState(saveNotificationsAction, { status: "idle" } as ActionState);
  const hydrated = useHydrated();
  const daysError = state.status === "invalid" ? state.fieldErrors?.expiringDays?.[0] : undefined;
  const k = JSON.stringify(initial);
  return (
    <section aria-labelledby="what-you-hear-heading" className="space-y-4 rounded-lg border border-zinc-200 p-4 dark:border-zinc-800">
      <div className="space-y-1">
        <h3 id="what-you-hear-heading" className="text-base font-semibold">
          What you hear about
        </h3>
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          About the links you issued, batched: one e-mail per kind and round, never one per link. Each e-mail has a link to stop it without signing in.
          {mailConfigured ? "" : " E-mail is not set up on this server (SMTP_URL), so only your webhook hears about them."}
        </p>
      </div>
      <form action={action} key={k} className="space-y-3">
        <div className="space-y-1">
          <label className="flex items-start gap-2 text-sm">
            <input type="checkbox" name="expiring" defaultChecked={initial.expiring} className="mt-1" />
            <span>Links about to expire</span>
          </label>
          <label className="ml-6 flex items-center gap-2 text-sm">
            <span>Days before</span>
            <input
              type="number"
              name="expiringDays"
              min={1}
              max={30}
              defaultValue={initial.expiringDays}
              aria-invalid={daysError ? true : undefined}
              aria-describedby={daysError ? "expiring-days-error" : undefined}
              className="w-20 rounded border border-zinc-400 bg-transparent px-2 py-1"
            />
          </label>
          {daysError ? (
            <p id="expiring-days-error" className="ml-6 text-sm text-red-700 dark:text-red-400">
              {daysError}
            </p>
          ) : null}
        </div>
        <label className="flex items-start gap-2 text-sm">
          <input type="checkbox" name="broken" defaultChecked={initial.broken} className="mt-1" />
          <span>
            Links that broke
            <span className={hint}>When a check finds a link Missing, Changed, Access denied, Connection failing or Dies early.</span>
          </span>
        </label>
        <label className="flex flex-wrap items-center gap-2 text-sm">
          <span>Downloads</span>
          <select
            name="downloads"
            defaultValue={initial.downloads}
            aria-describedby="downloads-hint"
            className="max-w-full rounded border border-zinc-400 bg-transparent px-2 py-1"
          >
            <option value="off">No e-mail</option>
            <option value="each">An e-mail for each download (within a minute, several in one)</option>
            <option value="digest">A daily digest</option>
          </select>
          <span id="downloads-hint" className={`${hint} basis-full`}>
            Your webhook gets every download as link.downloaded whatever you choose here.
          </span>
        </label>
        <label className="flex items-start gap-2 text-sm">
          <input type="checkbox" name="uploads" defaultChecked={initial.uploads} className="mt-1" />
          <span>
            Uploads received
            <span className={hint}>An e-mail when files arrive through your upload requests.</span>
          </span>
        </label>
        <fieldset className="space-y-1">
          <legend className="text-sm font-medium">Send them</legend>
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" name="byEmail" defaultChecked={initial.byEmail} />
            <span>By e-mail</span>
          </label>
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" name="byWebhook" defaultChecked={initial.byWebhook} />
            <span>To my webhook (link.expiring, link.broken, digest.daily)</span>
          </label>
        </fieldset>
        <LiveMessage tone="success" message={state.status === "success" ? state.message : undefined} />
        <LiveMessage tone="error" message={state.status === "error" || state.status === "invalid" ? state.message : undefined} />
        <Button type="submit" disabled={!hydrated || pending}>
          Save notifications
        </Button>
      </form>
    </section>
  );
}
