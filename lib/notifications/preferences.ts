import "server-only";
import { z } from "zod";
import { db } from "@/lib/db/client";
import type { NotificationKind } from "@/lib/notifications/token";

/** Settings → Notifications, stored per person on users (notify_*). */
export const DOWNLOAD_CHOICES = ["off", "each", "digest"] as const;

export const notificationPreferencesSchema = z.object({
  expiring: z.literal("on").optional(),
  expiringDays: z.coerce.number({ error: "Enter a number of days." }).int("Enter whole days.").min(1, "At least 1 day.").max(30, "At most 30 days."),
  broken: z.literal("on").optional(),
  downloads: z.enum(DOWNLOAD_CHOICES, { error: "Choose how to hear about downloads." }),
  uploads: z.literal("on").optional(),
  byEmail: z.literal("on").optional(),
  byWebhook: z.literal("on").optional(),
});

export type NotificationPreferences = {
  expiring: boolean;
  expiringDays: number;
  broken: boolean;
  downloads: (typeof DOWNLOAD_CHOICES)[number];
  uploads: boolean;
  byEmail: boolean;
  byWebhook: boolean;
};

export async function getNotificationPreferences(personId: string): Promise<NotificationPreferences> {
  const u = await db.user.findUniqueOrThrow({
    where: { id: personId },
    select: {
      notifyExpiring: true,
      notifyExpiringDays: true,
      notifyBroken: true,
      notifyDownloads: true,
      notifyUploads: true,
      notifyByEmail: true,
      notifyByWebhook: true,
    },
  });
  return {
    expiring: u.notifyExpiring,
    expiringDays: u.notifyExpiringDays,
    broken: u.notifyBroken,
    downloads: DOWNLOAD_CHOICES.find((c) => c === u.notifyDownloads) ?? "off",
    uploads: u.notifyUploads,
    byEmail: u.notifyByEmail,
    byWebhook: u.notifyByWebhook,
  };
}

export async function saveNotificationPreferences(personId: string, p: NotificationPreferences): Promise<void> {
  const before = await db.user.findUniqueOrThrow({ where: { id: personId }, select: { notifyDownloads: true } });
  await db.user.update({
    where: { id: personId },
    data: {
      // A new "Downloads" choice starts its window now: no e-mail about downloads from before it was chosen.
      ...(before.notifyDownloads === p.downloads ? {} : { downloadsDigestAt: new Date() }),
      notifyExpiring: p.expiring,
      notifyExpiringDays: p.expiringDays,
      notifyBroken: p.broken,
      notifyDownloads: p.downloads,
      notifyUploads: p.uploads,
      notifyByEmail: p.byEmail,
      notifyByWebhook: p.byWebhook,
    },
  });
}

export const KIND_WORDS: Record<NotificationKind, string> = {
  expiring: "Links about to expire",
  broken: "Links that broke",
  downloads: "Downloads",
  uploads: "Uploads received",
};

/** What an unsubscribe link turns off; false when the person no longer exists or was removed. */
export async function unsubscribe(personId: string, kind: NotificationKind): Promise<boolean> {
  const data =
    kind === "expiring"
      ? { notifyExpiring: false }
      : kind === "broken"
        ? { notifyBroken: false }
        : kind === "downloads"
          ? { notifyDownloads: "off" }
          : { notifyUploads: false };
  const { count } = await db.user.updateMany({ where: { id: personId, removedAt: null }, data });
  return count === 1;
}
