"use client";

import { useActionState, useEffect, useId, useState, useTransition, type FormEvent } from "react";
import { useRouter } from "next/navigation";
import { changeMemberAction } from "@/lib/actions/change-member";
import { removeMemberAction } from "@/lib/actions/remove-member";
import { revokeInviteAction } from "@/lib/actions/revoke-invite";
import type { ActionInput, ActionState } from "@/lib/actions/safe-action";
import type { Grant, Role } from "@/lib/auth/permissions";
import { Alert, LiveMessage } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { SelectField } from "@/components/ui/field";
import { Modal, ModalFooter } from "@/components/ui/modal";
import { useHydrated } from "@/components/ui/use-hydrated";
import { GrantFields, type ConnectionOption } from "@/components/members/grant-fields";

const idle = { status: "idle" } as ActionState;

export type MemberSummary = { id: string; name: string; role: Role; grants: readonly Grant[] };

/** A member's "Change role and grants" form, folded away until opened. */
export function ChangeMemberForm({ member, connections }: { member: MemberSummary; connections: ConnectionOption[] }) {
  const ids = useId();
  const router = useRouter();
  const hydrated = useHydrated();
  const [, startTransition] = useTransition();
  const [role, setRole] = useState<string>(member.role);
  const [state, save, pending] = useActionState(async (previous: ActionState, input: ActionInput) => {
    const next = await changeMemberAction(previous, input);
    if (next.status === "success") router.refresh();
    return next;
  }, idle);
  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const input = new FormData(event.currentTarget);
    startTransition(() => save(input));
  }
  const errors = state.status === "invalid" ? state.fieldErrors : {};
  return (
    <details className="text-left">
      <summary className="cursor-pointer text-sm font-medium text-sky-700 dark:text-sky-400" aria-label={`Change role and grants of ${member.name}`}>
        Change
      </summary>
      <form onSubmit={onSubmit} noValidate className="mt-3 max-w-xl space-y-4 whitespace-normal" aria-labelledby={`${ids}-title`}>
        <h4 id={`${ids}-title`} className="text-sm font-semibold">
          Role and grants of {member.name}
        </h4>
        <LiveMessage
          tone="error"
          message={state.status === "error" || state.status === "unauthorized" || state.status === "invalid" ? state.message : undefined}
        />
        <LiveMessage tone="success" message={state.status === "success" ? state.message : undefined} />
        <input type="hidden" name="id" value={member.id} />
        <SelectField label="Role" name="role" value={role} onChange={(e) => setRole(e.target.value)} errors={errors.role}>
          <option value="member">Member</option>
          <option value="admin">Admin</option>
        </SelectField>
        {role === "member" ? <GrantFields connections={connections} grants={member.grants} errors={errors} /> : null}
        <Button type="submit" disabled={!hydrated || pending}>
          {pending ? "Saving…" : "Save changes"}
        </Button>
      </form>
    </details>
  );
}

/** "Remove member", confirmed in a dialog that asks what happens to their managed links. */
export function RemoveMemberButton({ member }: { member: { id: string; name: string } }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [links, setLinks] = useState<"keep" | "revoke">("keep");
  const [, startTransition] = useTransition();
  const [state, remove, pending] = useActionState(removeMemberAction, idle);
  useEffect(() => {
    if (state.status === "success") {
      setOpen(false);
      router.refresh();
    }
  }, [state, router]);
  const groupName = useId();
  return (
    <>
      <Button
        variant="ghost"
        className="px-2 py-1 text-xs text-red-700 dark:text-red-400"
        aria-label={`Remove member ${member.name}`}
        onClick={() => setOpen(true)}
      >
        Remove member
      </Button>
      <p role="status" aria-live="polite" className="sr-only">
        {state.status === "success" ? state.message : ""}
      </p>
      <Modal open={open} onClose={() => setOpen(false)} title={`Remove ${member.name}?`} closeButton={false} size="sm">
        <div className="space-y-3 text-sm text-zinc-700 dark:text-zinc-300">
          <p>They are signed out everywhere at once, their API tokens stop working, and they cannot sign in again.</p>
          <fieldset className="space-y-2">
            <legend className="font-medium text-zinc-900 dark:text-zinc-100">Their managed links</legend>
            <label className="flex items-start gap-2">
              <input type="radio" name={groupName} value="keep" checked={links === "keep"} onChange={() => setLinks("keep")} className="mt-1" />
              <span>Keep them working</span>
            </label>
            <label className="flex items-start gap-2">
              <input type="radio" name={groupName} value="revoke" checked={links === "revoke"} onChange={() => setLinks("revoke")} className="mt-1" />
              <span>Revoke them</span>
            </label>
          </fieldset>
          {state.status === "error" || state.status === "invalid" || state.status === "unauthorized" ? <Alert tone="error">{state.message}</Alert> : null}
        </div>
        <ModalFooter>
          <Button variant="secondary" onClick={() => setOpen(false)}>
            Cancel
          </Button>
          <Button variant="danger" disabled={pending} onClick={() => startTransition(() => remove({ id: member.id, links }))}>
            Remove member
          </Button>
        </ModalFooter>
      </Modal>
    </>
  );
}

/** "Revoke invite": the invite link stops working. */
export function RevokeInviteButton({ invite }: { invite: { id: string; email: string } }) {
  const router = useRouter();
  const [, startTransition] = useTransition();
  const [state, revoke, pending] = useActionState(revokeInviteAction, idle);
  useEffect(() => {
    if (state.status === "success") router.refresh();
  }, [state, router]);
  return (
    <>
      <Button
        variant="ghost"
        className="px-2 py-1 text-xs text-red-700 dark:text-red-400"
        aria-label={`Revoke invite for ${invite.email}`}
        disabled={pending}
        onClick={() => startTransition(() => revoke({ id: invite.id }))}
      >
        Revoke invite
      </Button>
      {state.status === "error" || state.status === "unauthorized" || state.status === "invalid" ? (
        <span role="alert" className="block text-xs text-red-700 dark:text-red-400">
          {state.message}
        </span>
      ) : null}
    </>
  );
}
