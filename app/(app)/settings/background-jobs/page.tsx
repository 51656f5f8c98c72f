import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { BackgroundJobs } from "@/components/settings/background-jobs";
import { SettingsShell } from "@/components/settings/settings-shell";
import { can } from "@/lib/auth/permissions";
import { requireUser } from "@/lib/auth/session";
import { getBackgroundJobsOverview } from "@/lib/jobs/overview";

export const metadata: Metadata = { title: "Background jobs · Settings" };

export default async function BackgroundJobsSettingsPage() {
  const user = await requireUser();
  if (!can(user, "audit.view")) notFound();
  const now = new Date();
  return (
    <SettingsShell current="background-jobs" actor={user}>
      <BackgroundJobs overview={await getBackgroundJobsOverview(user, now)} now={now} />
    </SettingsShell>
  );
}
