import { redirect } from "next/navigation";
import { can } from "@/lib/auth/permissions";
import { requireUser } from "@/lib/auth/session";

/** Settings opens on its first section the person may see (a Member has no Connections). */
export default async function SettingsPage() {
  const user = await requireUser();
  redirect(can(user, "connections.manage") ? "/settings/connections" : "/settings/account");
}
