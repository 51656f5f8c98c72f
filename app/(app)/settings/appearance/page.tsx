import type { Metadata } from "next";
import { AppearanceForm } from "@/components/settings/appearance-form";
import { SettingsShell } from "@/components/settings/settings-shell";
import { getAppearanceSettings } from "@/lib/appearance/settings";
import { can } from "@/lib/auth/permissions";
import { requireUser } from "@/lib/auth/session";
import { notFound } from "next/navigation";

export const metadata: Metadata = { title: "Appearance · Settings" };

export default async function AppearanceSettingsPage() {
  const user = await requireUser();
  if (!can(user, "instance.settings")) notFound();
  const saved = await getAppearanceSettings(user.teamId);
  return (
    <SettingsShell current="appearance" actor={user}>
      <section aria-labelledby="appearance-heading" className="space-y-4">
        <div className="space-y-1">
          <h2 id="appearance-heading" className="text-lg font-semibold">
            Appearance
          </h2>
          <p className="text-sm text-zinc-600 dark:text-zinc-400">
            What people you share with see on a link’s page: your name, your logo and your colour instead of Bucketshare’s.
          </p>
        </div>
        <AppearanceForm saved={saved} />
      </section>
    </SettingsShell>
  );
}
