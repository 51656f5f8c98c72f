import type { InviteView, MemberView } from "@/lib/members/store";
import { RelativeTime } from "@/components/ui/relative-time";
import { InviteMemberForm } from "@/components/members/invite-member-form";
import { ChangeMemberForm, RemoveMemberButton, RevokeInviteButton } from "@/components/members/member-actions";
import type { ConnectionOption } from "@/components/members/grant-fields";
import { MakeOwnerButton } from "@/components/members/make-owner-button";

const ROLE_LABELS = { owner: "Owner", admin: "Admin", member: "Member" } as const;

const STATUS = {
  active: { label: "Active", className: "font-medium text-emerald-700 dark:text-emerald-400" },
  invited: { label: "Invited", className: "text-amber-800 dark:text-amber-300" },
  removed: { label: "Removed", className: "font-medium text-red-700 dark:text-red-400" },
} as const;

const th = "px-3 py-2 font-medium";
const td = "px-3 py-2 align-top";

/** Settings → "Members": the team's people, its pending invites and "Invite member". */
/** On a phone each person is a card: name and email across, role, last sign-in and status below, then the actions. */
const PHONE_CARD = "max-sm:grid max-sm:grid-cols-2 max-sm:py-1";

export function MembersSection({
  members,
  invites,
  connections,
  now,
}: {
  members: MemberView[];
  invites: InviteView[];
  connections: ConnectionOption[];
  now: Date;
}) {
  return (
    <section aria-labelledby="members-heading" className="space-y-6">
      <div className="space-y-1">
        <h2 id="members-heading" className="text-xl font-semibold">
          Members
        </h2>
        <p className="text-sm text-muted">Admins manage members, connections and every link. Members see only the connections and folders you grant them.</p>
      </div>
      {/* Focusable so that keyboard users can scroll it sideways on a narrow screen. */}
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a region that scrolls sideways must take the focus to be scrolled by keyboard (axe scrollable-region-focusable) */}
      <section aria-labelledby="members-table-caption" tabIndex={0} className="rounded-lg border sm:overflow-x-auto border-zinc-200 dark:border-zinc-800">
        <table className="w-full text-left text-sm max-sm:block">
          <caption id="members-table-caption" className="sr-only">
            People and invites
          </caption>
          <thead className="max-sm:sr-only bg-zinc-50 text-xs uppercase text-zinc-600 dark:bg-zinc-900 dark:text-zinc-400">
            <tr>
              <th scope="col" className={th}>
                Name
              </th>
              <th scope="col" className={th}>
                Email
              </th>
              <th scope="col" className={th}>
                Role
              </th>
              <th scope="col" className={th}>
                Last sign-in
              </th>
              <th scope="col" className={th}>
                Status
              </th>
              <th scope="col" className={th}>
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-200 dark:divide-zinc-800 max-sm:block">
            {members.map((member) => (
              <tr key={member.id} className={PHONE_CARD}>
                <th scope="row" className={`${td} font-medium max-sm:col-span-2`}>
                  {member.name}
                </th>
                <td className={`${td} [overflow-wrap:anywhere] max-sm:col-span-2`}>{member.email}</td>
                <td className={td}>{ROLE_LABELS[member.role]}</td>
                <td className={`${td} whitespace-nowrap`}>
                  {member.lastSignInAt ? <RelativeTime date={member.lastSignInAt} now={now} layout="stacked" /> : "Never"}
                </td>
                <td className={`${td} ${STATUS[member.status].className}`}>{STATUS[member.status].label}</td>
                <td className={`${td} space-y-2 max-sm:col-span-2`}>
                  {member.manageable ? (
                    <>
                      <ChangeMemberForm member={member} connections={connections} />
                      <RemoveMemberButton member={member} />
                    </>
                  ) : null}
                  {member.mayBecomeOwner ? <MakeOwnerButton member={member} /> : null}
                </td>
              </tr>
            ))}
            {invites.map((invite) => (
              <tr key={invite.id} className={PHONE_CARD}>
                <th scope="row" className={`${td} font-medium text-muted max-sm:col-span-2`}>
                  —
                </th>
                <td className={`${td} [overflow-wrap:anywhere] max-sm:col-span-2`}>{invite.email}</td>
                <td className={td}>{ROLE_LABELS[invite.role]}</td>
                <td className={td}>Never</td>
                <td className={`${td} ${STATUS.invited.className}`}>
                  {STATUS.invited.label}
                  <span className="block text-xs font-normal text-muted">
                    until <RelativeTime date={invite.expiresAt} now={now} />
                  </span>
                </td>
                <td className={td}>
                  <RevokeInviteButton invite={invite} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <InviteMemberForm connections={connections} />
    </section>
  );
}
