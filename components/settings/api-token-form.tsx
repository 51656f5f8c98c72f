"use client";

import { useActionState, useEffect, useId, useRef, useState, useTransition, type FormEvent } from "react";
import { createApiTokenAction, type CreatedApiTokenData } from "@/lib/actions/create-api-token";
import type { ActionInput, ActionState } from "@/lib/actions/safe-action";
import { Button } from "@/components/ui/button";
import { Field, FieldError, SelectField } from "@/components/ui/field";
import { LiveMessage } from "@/components/ui/alert";
import { ShownOnce } from "@/components/settings/shown-once";
import { typedBeforeHydration, useHydrated, useTakeOverOnHydrate } from "@/components/ui/use-hydrated";

export type ScopeOption = { id: string; description: string };
export type ExpiryOption = { id: string; label: string };

const idle = { status: "idle" } as ActionState<CreatedApiTokenData>;

/** "YYYY-MM-DD" of a day counted from today, in the browser's time zone (for the date field's min and max). */
function localDate(daysFromToday: number): string {
  const day = new Date();
  day.setDate(day.getDate() + daysFromToday);
  return `${day.getFullYear()}-${String(day.getMonth() + 1).padStart(2, "0")}-${String(day.getDate()).padStart(2, "0")}`;
}

/** Settings → "API tokens": name, scopes and expiry; the token made is shown here once. */
export function ApiTokenForm({
  scopes,
  expiryChoices,
  defaultExpiry,
  maxDays,
}: {
  scopes: ScopeOption[];
  expiryChoices: ExpiryOption[];
  defaultExpiry: string;
  maxDays: number;
}) {
  const ids = useId();
  const [, startTransition] = useTransition();
  const [created, setCreated] = useState<CreatedApiTokenData | null>(null);
  // A new key after each token made: the form comes back empty, ready for the next one.
  const [formKey, setFormKey] = useState(0);
  const [expiry, setExpiry] = useState(defaultExpiry);
  const [timeZone, setTimeZone] = useState("UTC");
  useEffect(() => setTimeZone(Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC"), []);
  // The name and scopes are uncontrolled and keep what was typed before hydration; the expiry is
  // controlled (it shows or hides "Expires on"): take over a choice made before then.
  const hydrated = useHydrated();
  const form = useRef<HTMLFormElement>(null);
  useTakeOverOnHydrate(() => {
    const chosen = typedBeforeHydration(form.current?.elements.namedItem("expiry"), expiry);
    if (chosen !== undefined) setExpiry(chosen);
  });

  const [state, create, pending] = useActionState(async (previous: ActionState<CreatedApiTokenData>, input: ActionInput) => {
    const next = await createApiTokenAction(previous, input);
    if (next.status === "success" && next.data) {
      setCreated(next.data);
      setFormKey((k) => k + 1);
      setExpiry(defaultExpiry);
    }
    return next;
  }, idle);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const input = new FormData(event.currentTarget);
    startTransition(() => create(input));
  }

  const errors = state.status === "invalid" ? state.fieldErrors : {};
  const typed = state.status === "invalid" ? state.values : undefined;
  const scopesErrorId = `${ids}-scopes-error`;

  return (
    <div className="space-y-4">
      <LiveMessage
        tone="error"
        message={state.status === "error" || state.status === "unauthorized" || state.status === "invalid" ? state.message : undefined}
      />
      <LiveMessage tone="success" message={created && state.status === "success" ? state.message : undefined} />
      {created ? (
        <ShownOnce
          key={created.id}
          label="New token"
          value={created.token}
          copyLabel="Copy token"
          note="Copy it now: it will not be shown again. Bucketshare keeps only a hash of it. If it is lost, revoke it and create another."
          onDone={() => setCreated(null)}
          focus
        />
      ) : null}
      <form ref={form} key={formKey} onSubmit={onSubmit} className="max-w-xl space-y-4" noValidate aria-labelledby={`${ids}-title`}>
        <h3 id={`${ids}-title`} className="text-base font-semibold">
          New token
        </h3>
        <Field
          label="Token name"
          name="name"
          autoComplete="off"
          maxLength={100}
          defaultValue={typed?.name ?? ""}
          errors={errors.name}
          hint="What the token is for, such as “Nightly backup script”."
        />
        <fieldset className="space-y-2" aria-describedby={errors.scopes?.length ? scopesErrorId : undefined}>
          <legend className="text-sm font-medium">Scopes</legend>
          {scopes.map((scope) => (
            <label key={scope.id} className="flex items-start gap-2 text-sm">
              <input type="checkbox" name="scopes" value={scope.id} className="mt-1" aria-invalid={errors.scopes?.length ? true : undefined} />
              <span>
                <code className="font-mono">{scope.id}</code>
                <span className="text-muted"> — {scope.description}</span>
              </span>
            </label>
          ))}
          <FieldError id={scopesErrorId} errors={errors.scopes} />
        </fieldset>
        <SelectField label="Expiry" name="expiry" value={expiry} onChange={(e) => setExpiry(e.target.value)} errors={errors.expiry}>
          {expiryChoices.map((choice) => (
            <option key={choice.id} value={choice.id}>
              {choice.label}
            </option>
          ))}
        </SelectField>
        {expiry === "custom" ? (
          <Field
            label="Expires on"
            name="expiryDate"
            type="date"
            min={localDate(1)}
            max={localDate(maxDays)}
            defaultValue={typed?.expiryDate ?? ""}
            errors={errors.expiryDate}
            hint="The token stops working at the start of that day, in your time zone."
          />
        ) : null}
        <input type="hidden" name="timeZone" value={timeZone} />
        {/* Until the form hydrates, a click would submit it natively: a GET of Settings with the fields in the URL. */}
        <Button type="submit" disabled={!hydrated || pending}>
          {pending ? "Creating…" : "Create token"}
        </Button>
      </form>
    </div>
  );
}
