import type { Metadata } from "next";
import { SettingsShell } from "@/components/settings/settings-shell";
import { WebhookSection } from "@/components/settings/webhook-section";
import { requireUser } from "@/lib/auth/session";
import { getWebhookOverview } from "@/lib/webhooks/settings";

export const metadata: Metadata = { title: "Notifications · Settings" };

export default async function NotificationsSettingsPage() {
  const user = await requireUser();
  return (
    <SettingsShell current="notifications" actor={user}>
      <WebhookSection overview={await getWebhookOverview(user.id)} now={new Date()} />
    </SettingsShell>
  );
}
