"use client";

import { useActionState, useId, useState, useTransition, type FormEvent } from "react";
import { useRouter } from "next/navigation";
import { inviteMemberAction, type CreatedInviteData } from "@/lib/actions/invite-member";
import type { ActionInput, ActionState } from "@/lib/actions/safe-action";
import { Button } from "@/components/ui/button";
import { Field, SelectField } from "@/components/ui/field";
import { LiveMessage } from "@/components/ui/alert";
import { ShownOnce } from "@/components/settings/shown-once";
import { useHydrated } from "@/components/ui/use-hydrated";
import { GrantFields, type ConnectionOption } from "@/components/members/grant-fields";

const idle = { status: "idle" } as ActionState<CreatedInviteData>;

/** "Invite member": Email, Role and (for a Member) the grants; the invite link made is shown here once. */
export function InviteMemberForm({ connections }: { connections: ConnectionOption[] }) {
  const ids = useId();
  const router = useRouter();
  const hydrated = useHydrated();
  const [, startTransition] = useTransition();
  const [created, setCreated] = useState<CreatedInviteData | null>(null);
  const [formKey, setFormKey] = useState(0);
  const [role, setRole] = useState("member");
  const [state, invite, pending] = useActionState(async (previous: ActionState<CreatedInviteData>, input: ActionInput) => {
    const next = await inviteMemberAction(previous, input);
    if (next.status === "success" && next.data) {
      setCreated(next.data);
      setFormKey((k) => k + 1);
      setRole("member");
      router.refresh();
    }
    return next;
  }, idle);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const input = new FormData(event.currentTarget);
    startTransition(() => invite(input));
  }

  const errors = state.status === "invalid" ? state.fieldErrors : {};
  const typed = state.status === "invalid" ? state.values : undefined;
  return (
    <section aria-labelledby={`${ids}-title`} className="space-y-4">
      <h3 id={`${ids}-title`} className="text-base font-semibold">
        Invite member
      </h3>
      <LiveMessage
        tone="error"
        message={state.status === "error" || state.status === "unauthorized" || state.status === "invalid" ? state.message : undefined}
      />
      <LiveMessage tone="success" message={created && state.status === "success" && created.mail !== "failed" ? state.message : undefined} />
      <LiveMessage tone="error" message={created && state.status === "success" && created.mail === "failed" ? state.message : undefined} />
      {created ? (
        <ShownOnce
          key={created.id}
          label={`Invite link for ${created.email}`}
          value={typeof window === "undefined" ? created.path : new URL(created.path, window.location.origin).toString()}
          copyLabel="Copy invite link"
          note={
            created.mail === "sent"
              ? "It was e-mailed to them; you may also send it yourself. It is shown only this once and works once, for 7 days. Bucketshare keeps only a hash of it."
              : "Send it to them yourself: it is shown only this once and works once, for 7 days. Bucketshare keeps only a hash of it."
          }
          onDone={() => setCreated(null)}
          focus
        />
      ) : null}
      <form key={formKey} onSubmit={onSubmit} className="max-w-xl space-y-4" noValidate aria-labelledby={`${ids}-title`}>
        <Field label="Email" name="email" type="email" autoComplete="off" defaultValue={typed?.email ?? ""} errors={errors.email} />
        <SelectField label="Role" name="role" value={role} onChange={(e) => setRole(e.target.value)} errors={errors.role}>
          <option value="member">Member — only what you grant below</option>
          <option value="admin">Admin — members, connections and every link</option>
        </SelectField>
        {role === "member" ? <GrantFields connections={connections} errors={errors} /> : null}
        <Button type="submit" disabled={!hydrated || pending}>
          {pending ? "Inviting…" : "Invite member"}
        </Button>
      </form>
    </section>
  );
}
