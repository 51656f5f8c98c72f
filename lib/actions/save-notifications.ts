"use server";

import { signedInAction } from "@/lib/actions/safe-action";
import { can } from "@/lib/auth/permissions";
import { AppError } from "@/lib/errors";
import { notificationPreferencesSchema, saveNotificationPreferences } from "@/lib/notifications/preferences";

/** Settings → Notifications: each person's own choices (no one else's). */
export const saveNotificationsAction = signedInAction("saveNotifications", notificationPreferencesSchema, async (input, user) => {
  if (!can(user, "webhooks.own")) throw new AppError("forbidden", "You cannot change notifications.");
  await saveNotificationPreferences(user.id, {
    expiring: input.expiring === "on",
    expiringDays: input.expiringDays,
    broken: input.broken === "on",
    downloads: input.downloads,
    uploads: input.uploads === "on",
    byEmail: input.byEmail === "on",
    byWebhook: input.byWebhook === "on",
  });
  return { message: "Notification settings saved.", revalidate: ["/settings/notifications"] };
});
