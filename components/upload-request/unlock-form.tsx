"use client";

import { type FormEvent, useState } from "react";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { useHydrated } from "@/components/ui/use-hydrated";

/** "Password" and "Unlock" on an upload request with a password (the managed links' guessing limits hold). */
export function UnlockForm({ token }: { token: string }) {
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  // Until hydrated, Unlock (and Enter in the field) would submit natively: a GET with the password in the URL.
  const hydrated = useHydrated();

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const password = String(new FormData(event.currentTarget).get("password") ?? "");
    setPending(true);
    setError(null);
    try {
      const response = await fetch(`/u/${token}/unlock`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        credentials: "same-origin",
        body: JSON.stringify({ password }),
      });
      if (response.ok) {
        window.location.reload();
        return;
      }
      const body = (await response.json().catch(() => null)) as { detail?: string } | null;
      setError(body?.detail ?? "The password could not be checked. Try again.");
    } catch {
      setError("The app could not be reached. Try again.");
    } finally {
      setPending(false);
    }
  }

  return (
    <form onSubmit={(event) => void submit(event)} className="space-y-3 rounded-lg border border-zinc-200 p-4 dark:border-zinc-800" noValidate>
      <h2 className="font-semibold">This request is protected by a password</h2>
      <p className="text-sm text-muted">Enter the password you were given to send files.</p>
      <Field
        label="Password"
        name="password"
        type="password"
        autoComplete="off"
        autoCapitalize="none"
        spellCheck={false}
        required
        errors={error ? [error] : undefined}
      />
      <Button type="submit" disabled={pending || !hydrated}>
        Unlock
      </Button>
      <p aria-live="polite" className="sr-only">
        {error ?? ""}
      </p>
    </form>
  );
}
