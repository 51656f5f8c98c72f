"use client";

import { useActionState, useEffect, useId, useState, useTransition } from "react";
import { useRouter } from "next/navigation";
import { revokeApiTokenAction } from "@/lib/actions/revoke-api-token";
import type { ActionState } from "@/lib/actions/safe-action";
import type { ApiTokenView } from "@/lib/api/token-store";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { RelativeTime } from "@/components/ui/relative-time";

export type ApiTokenStatus = "active" | "expired" | "revoked";

/** Revoked wins over expired: a revoked token says so whatever its expiry. */
export function apiTokenStatus(token: Pick<ApiTokenView, "expiresAt" | "revokedAt">, now: Date): ApiTokenStatus {
  if (token.revokedAt) return "revoked";
  if (token.expiresAt && token.expiresAt.getTime() <= now.getTime()) return "expired";
  return "active";
}

const STATUS: Record<ApiTokenStatus, { label: string; className: string }> = {
  active: { label: "Active", className: "font-medium text-emerald-700 dark:text-emerald-400" },
  expired: { label: "Expired", className: "text-amber-800 dark:text-amber-300" },
  revoked: { label: "Revoked", className: "font-medium text-red-700 dark:text-red-400" },
};

const idle = { status: "idle" } as ActionState;

/** The owner's tokens, newest first, each with "Revoke token" (confirmed in a dialog) while it is active. */
export function ApiTokenList({ tokens, now }: { tokens: ApiTokenView[]; now: Date }) {
  const ids = useId();
  const router = useRouter();
  const [, startTransition] = useTransition();
  const [confirming, setConfirming] = useState<ApiTokenView | null>(null);
  const [state, revoke, pending] = useActionState(revokeApiTokenAction, idle);

  useEffect(() => {
    if (state.status === "success") {
      setConfirming(null);
      router.refresh();
    }
  }, [state, router]);

  return (
    <section aria-labelledby={`${ids}-heading`} className="space-y-2">
      <h3 id={`${ids}-heading`} className="text-base font-semibold">
        Your tokens
      </h3>
      <p role="status" aria-live="polite" className="text-sm text-emerald-700 dark:text-emerald-400">
        {state.status === "success" ? state.message : ""}
      </p>
      {tokens.length === 0 ? (
        <p className="text-sm text-muted">No tokens yet. Create one above to use the API.</p>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-zinc-200 dark:border-zinc-800">
          <table className="w-full text-left text-sm">
            <thead className="bg-zinc-50 text-xs uppercase text-zinc-600 dark:bg-zinc-900 dark:text-zinc-400">
              <tr>
                <th scope="col" className="px-3 py-2 font-medium">
                  Name
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  Token
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  Scopes
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  Created
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  Expires
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  Last used
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  Status
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-200 dark:divide-zinc-800">
              {tokens.map((token) => {
                const status = apiTokenStatus(token, now);
                const nameId = `${ids}-name-${token.id}`;
                return (
                  <tr key={token.id}>
                    <th id={nameId} scope="row" className="max-w-xs break-words px-3 py-2 text-left font-medium">
                      {token.name}
                    </th>
                    <td className="whitespace-nowrap px-3 py-2 font-mono text-xs">{token.prefix}…</td>
                    <td className="px-3 py-2">
                      <ul className="space-y-0.5">
                        {token.scopes.map((scope) => (
                          <li key={scope} className="whitespace-nowrap font-mono text-xs">
                            {scope}
                          </li>
                        ))}
                      </ul>
                    </td>
                    <td className="whitespace-nowrap px-3 py-2">
                      <RelativeTime date={token.createdAt} now={now} layout="stacked" />
                    </td>
                    <td className="whitespace-nowrap px-3 py-2">
                      {token.expiresAt ? <RelativeTime date={token.expiresAt} now={now} layout="stacked" /> : "Never"}
                    </td>
                    <td className="whitespace-nowrap px-3 py-2">
                      {token.lastUsedAt ? <RelativeTime date={token.lastUsedAt} now={now} layout="stacked" /> : "Never used"}
                    </td>
                    <td className={`whitespace-nowrap px-3 py-2 ${STATUS[status].className}`}>{STATUS[status].label}</td>
                    <td className="whitespace-nowrap px-3 py-2 text-right">
                      {status === "active" ? (
                        <Button
                          variant="ghost"
                          className="px-2 py-1 text-xs text-red-700 dark:text-red-400"
                          aria-describedby={nameId}
                          onClick={() => setConfirming(token)}
                        >
                          Revoke token
                        </Button>
                      ) : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <ConfirmDialog
        open={confirming !== null}
        title="Revoke this token?"
        confirmLabel="Revoke token"
        pending={pending}
        onClose={() => setConfirming(null)}
        onConfirm={() => confirming && startTransition(() => revoke({ id: confirming.id }))}
      >
        <p>
          Scripts and apps using <strong className="break-all">{confirming?.name}</strong> ({confirming?.prefix}…) are refused from the next request on. It
          stays listed as Revoked; this cannot be undone.
        </p>
        {state.status === "error" || state.status === "invalid" || state.status === "unauthorized" ? <Alert tone="error">{state.message}</Alert> : null}
      </ConfirmDialog>
    </section>
  );
}
