import type { Metadata } from "next";
import { ApiTokenSection } from "@/components/settings/api-token-section";
import { SettingsShell } from "@/components/settings/settings-shell";
import { listApiTokens } from "@/lib/api/token-store";
import { requireUser } from "@/lib/auth/session";

export const metadata: Metadata = { title: "API tokens · Settings" };

export default async function ApiTokensSettingsPage() {
  const user = await requireUser();
  return (
    <SettingsShell current="api-tokens" actor={user}>
      <ApiTokenSection tokens={await listApiTokens(user.id)} now={new Date()} />
    </SettingsShell>
  );
}
