import Link from "next/link";
import { ApiTokenForm } from "@/components/settings/api-token-form";
import { ApiTokenList } from "@/components/settings/api-token-list";
import type { ApiTokenView } from "@/lib/api/token-store";
import { API_SCOPE_OPTIONS, API_TOKEN_EXPIRY_CHOICES, DEFAULT_API_TOKEN_EXPIRY, MAX_API_TOKEN_EXPIRY_DAYS } from "@/lib/validation/api-token";

/** Settings → "API tokens": personal access tokens for scripts and apps, and where the API is described. */
export function ApiTokenSection({ tokens, now }: { tokens: ApiTokenView[]; now: Date }) {
  return (
    <section aria-labelledby="api-tokens-heading" className="space-y-4">
      <div className="space-y-1">
        <h2 id="api-tokens-heading" className="text-lg font-semibold">
          API tokens
        </h2>
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          Scripts and apps use a token to list objects and create, read and revoke links, sent as{" "}
          <code className="font-mono">Authorization: Bearer &lt;token&gt;</code>. Each token can do only what its scopes allow.
        </p>
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          Every endpoint is described in the{" "}
          <Link
            href="/api-reference"
            className="font-medium text-sky-700 underline underline-offset-2 hover:text-sky-800 dark:text-sky-400 dark:hover:text-sky-300"
          >
            API reference
          </Link>
          .
        </p>
      </div>
      <ApiTokenForm
        scopes={API_SCOPE_OPTIONS}
        expiryChoices={API_TOKEN_EXPIRY_CHOICES.map(({ id, label }) => ({ id, label }))}
        defaultExpiry={DEFAULT_API_TOKEN_EXPIRY}
        maxDays={MAX_API_TOKEN_EXPIRY_DAYS}
      />
      <ApiTokenList tokens={tokens} now={now} />
    </section>
  );
}
