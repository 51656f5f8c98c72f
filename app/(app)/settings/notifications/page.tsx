import type { Metadata } from "next";
import { SettingsShell } from "@/components/settings/settings-shell";
import { WebhookSection } from "@/components/settings/webhook-section";
import { can, webhookMustBePublic } from "@/lib/auth/permissions";
import { requireUser } from "@/lib/auth/session";
import { notFound } from "next/navigation";
import { getWebhookOverview } from "@/lib/webhooks/settings";
import { NotificationPreferencesForm } from "@/components/settings/notification-preferences-form";
import { getNotificationPreferences } from "@/lib/notifications/preferences";
import { mailConfigured } from "@/lib/mail/send";

export const metadata: Metadata = { title: "Notifications · Settings" };

export default async function NotificationsSettingsPage() {
  const user = await requireUser();
  if (!can(user, "webhooks.own")) notFound();
  return (
    <SettingsShell current="notifications" actor={user}>
      <WebhookSection overview={await getWebhookOverview(user.id)} now={new Date()} publicOnly={webhookMustBePublic(user)}>
        <NotificationPreferencesForm initial={await getNotificationPreferences(user.id)} mailConfigured={mailConfigured()} />
      </WebhookSection>
    </SettingsShell>
  );
}
