"use client";

import { useActionState } from "react";
import { signInWithSsoAction } from "@/lib/actions/sign-in-sso";
import type { ActionState } from "@/lib/actions/safe-action";
import { LiveMessage } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { useHydrated } from "@/components/ui/use-hydrated";

/** "Sign in with <OIDC_NAME>": starts single sign-on; the browser goes to the identity provider and comes back signed in. */
export function SsoSignIn({ providerName, callbackUrl, primary }: { providerName: string; callbackUrl?: string; primary: boolean }) {
  const [state, action, pending] = useActionState(signInWithSsoAction, { status: "idle" } as ActionState);
  const hydrated = useHydrated();
  const message = state.status === "error" || state.status === "invalid" || state.status === "unauthorized" ? state.message : undefined;
  return (
    <form action={action} className="space-y-3">
      <LiveMessage tone="error" message={message} />
      {callbackUrl ? <input type="hidden" name="callbackUrl" value={callbackUrl} /> : null}
      {/* Posted only once hydrated, like the password form (a native POST before then carries `Origin: null`). */}
      <Button type="submit" variant={primary ? "primary" : "secondary"} className="w-full" disabled={!hydrated || pending}>
        {pending ? `Going to ${providerName}…` : `Sign in with ${providerName}`}
      </Button>
    </form>
  );
}
