import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { MembersSection } from "@/components/members/members-section";
import { SettingsShell } from "@/components/settings/settings-shell";
import { can } from "@/lib/auth/permissions";
import { requireUser } from "@/lib/auth/session";
import { listMembers, listPendingInvites, listTeamConnections } from "@/lib/members/store";

export const metadata: Metadata = { title: "Members · Settings" };

export default async function MembersSettingsPage() {
  const user = await requireUser();
  if (!can(user, "members.manage")) notFound();
  const now = new Date();
  const [members, invites, connections] = await Promise.all([listMembers(user), listPendingInvites(user, now), listTeamConnections(user)]);
  return (
    <SettingsShell current="members" actor={user}>
      <MembersSection members={members} invites={invites} connections={connections} now={now} />
    </SettingsShell>
  );
}
