"use client";

import { useRouter } from "next/navigation";
import { useActionState, useState, useTransition } from "react";
import { ShownOnce } from "@/components/settings/shown-once";
import { copyText } from "@/components/share/share-result";
import { LiveMessage } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Field, SelectField } from "@/components/ui/field";
import { useHydrated } from "@/components/ui/use-hydrated";
import type { ActionInput, ActionState } from "@/lib/actions/safe-action";
import { type StorageEventsSecretData, saveStorageEventsAction } from "@/lib/actions/save-storage-events";
import { turnOffStorageEventsAction } from "@/lib/actions/turn-off-storage-events";

type Provider = "minio" | "b2";
const LABELS: Record<Provider, string> = { minio: "MinIO", b2: "Backblaze B2" };

/**
 * Settings → Connections, per connection: "Storage events". The hook URL the provider posts to, the
 * provider, its secret (MinIO: a token Bucketshare makes, shown once; B2: the rule's signing secret,
 * pasted) and the provider's exact setup steps. docs/storage-events.md says the same at length.
 */
export function StorageEvents({
  connectionId,
  connectionName,
  provider,
  hookUrl,
  bucket,
}: {
  connectionId: string;
  connectionName: string;
  provider: Provider | null;
  hookUrl: string;
  /** A bucket to name in the setup steps (the connection's first listed one), else a placeholder. */
  bucket: string | null;
}) {
  const router = useRouter();
  const hydrated = useHydrated();
  const [, startTransition] = useTransition();
  const [chosen, setChosen] = useState<Provider>(provider ?? "minio");
  const [token, setToken] = useState<string | null>(null);
  const [confirmOff, setConfirmOff] = useState(false);
  const [notice, setNotice] = useState<{ tone: "error" | "success"; text: string } | null>(null);
  const [copied, setCopied] = useState(false);
  // A new form after each save: a pasted secret does not stay on the screen.
  const [formKey, setFormKey] = useState(0);

  const [saveState, save, saving] = useActionState(
    async (previous: ActionState<StorageEventsSecretData>, input: ActionInput) => {
      const state = await saveStorageEventsAction(previous, input);
      if (state.status === "success") {
        setNotice(state.message ? { tone: "success", text: state.message } : null);
        setToken(state.data?.secret ?? null);
        setFormKey((k) => k + 1);
      } else if (state.status === "error" || state.status === "unauthorized") setNotice({ tone: "error", text: state.message });
      else setNotice(null);
      return state;
    },
    { status: "idle" } as ActionState<StorageEventsSecretData>,
  );
  const [, turnOff, turningOff] = useActionState(
    async (previous: ActionState, input: ActionInput) => {
      const state = await turnOffStorageEventsAction(previous, input);
      setConfirmOff(false);
      if (state.status === "success") {
        setToken(null);
        setNotice(state.message ? { tone: "success", text: state.message } : null);
        router.refresh();
      } else if (state.status === "error" || state.status === "unauthorized") setNotice({ tone: "error", text: state.message });
      return state;
    },
    { status: "idle" } as ActionState,
  );

  const errors = saveState.status === "invalid" ? saveState.fieldErrors : {};
  const where = bucket ?? "BUCKET";
  const submitLabel = provider === null ? "Turn on storage events" : chosen === "minio" && provider === "minio" ? "Make a new token" : "Save storage events";

  return (
    <div className="space-y-3">
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        {provider
          ? `On, from ${LABELS[provider]}: links to an object are checked the moment the storage reports it deleted or replaced. The scheduled checks go on as a safety net.`
          : "Off: links are checked on the schedule only. MinIO and Backblaze B2 can tell Bucketshare at once when an object is deleted or replaced."}
        {provider === "minio" ? " “Make a new token” stops the current one at once: put the new one in MinIO’s auth_token." : ""}
      </p>
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <span className="font-medium">Hook URL</span>
        <code className="break-all rounded bg-white px-1.5 py-0.5 text-xs dark:bg-zinc-950">{hookUrl}</code>
        <Button
          variant="secondary"
          className="px-2.5 py-1"
          onClick={async () => setCopied((await copyText(hookUrl)) === "copied")}
          aria-label={`Copy hook URL of ${connectionName}`}
        >
          Copy
        </Button>
        <span role="status" className="text-emerald-700 dark:text-emerald-400">
          {copied ? "Copied" : ""}
        </span>
      </div>
      <LiveMessage tone="error" message={notice?.tone === "error" ? notice.text : undefined} />
      <LiveMessage tone="success" message={notice?.tone === "success" ? notice.text : undefined} />
      {/* Submitted by hand, not as a form action: React resets a form after its action, which would put the provider back and clear a pasted secret. */}
      <form
        key={formKey}
        onSubmit={(event) => {
          event.preventDefault();
          const data = new FormData(event.currentTarget);
          startTransition(() => save(data));
        }}
        className="flex flex-wrap items-end gap-3"
        noValidate
      >
        <input type="hidden" name="connectionId" value={connectionId} />
        <div className="w-48">
          <SelectField label="Provider" name="provider" value={chosen} onChange={(e) => setChosen(e.currentTarget.value as Provider)} errors={errors.provider}>
            <option value="minio">MinIO</option>
            <option value="b2">Backblaze B2</option>
          </SelectField>
        </div>
        {chosen === "b2" ? (
          <div className="min-w-64 flex-1">
            <Field
              label="B2 signing secret"
              name="secret"
              autoComplete="off"
              spellCheck={false}
              errors={errors.secret}
              hint="The rule's signing secret, as Backblaze shows it under Event Notifications → Secret."
            />
          </div>
        ) : null}
        <div className="flex gap-2">
          <Button type="submit" disabled={!hydrated || saving}>
            {saving ? "Saving…" : submitLabel}
            <span className="sr-only"> for {connectionName}</span>
          </Button>
          {provider ? (
            <Button variant="ghost" className="text-red-700 dark:text-red-400" onClick={() => setConfirmOff(true)}>
              Turn off storage events<span className="sr-only"> for {connectionName}</span>
            </Button>
          ) : null}
        </div>
      </form>
      {token ? (
        <ShownOnce
          label="MinIO auth token"
          value={token}
          copyLabel="Copy token"
          note="Shown only this once: Bucketshare keeps it encrypted and cannot show it again. Put it in MinIO's auth_token (below); if it is lost, make a new one."
          onDone={() => setToken(null)}
          focus
        />
      ) : null}
      <details className="text-sm text-zinc-700 dark:text-zinc-300">
        <summary className="cursor-pointer font-medium">How to set up {LABELS[chosen]}</summary>
        {chosen === "minio" ? (
          <div className="mt-2 space-y-2">
            <p>
              With the MinIO client (<code>mc</code>) and an alias <code>ALIAS</code> for the server, add Bucketshare as a webhook target named{" "}
              <code>bucketshare</code> with the token shown once above, restart, and send the bucket’s writes and deletes to it:
            </p>
            <pre className="overflow-x-auto rounded bg-white p-2 text-xs dark:bg-zinc-950">
              {`mc admin config set ALIAS notify_webhook:bucketshare endpoint="${hookUrl}" auth_token="TOKEN"
mc admin service restart ALIAS
mc event add ALIAS/${where} arn:minio:sqs::bucketshare:webhook --event put,delete`}
            </pre>
            <p>MinIO sends the token as “Authorization: Bearer TOKEN”. Add the event to each bucket you share from.</p>
          </div>
        ) : (
          <div className="mt-2 space-y-2">
            <ol className="list-decimal space-y-1 pl-5">
              <li>
                In the Backblaze web console, open Buckets, then <strong>Event Notifications</strong> of <code>{where}</code>, and click{" "}
                <strong>Add New Rule</strong>.
              </li>
              <li>
                Name it (say <code>bucketshare-links</code>), choose the event types <strong>Object Created</strong> (all), <strong>Object Deleted</strong>{" "}
                (all) and <strong>Hide Marker Created</strong>, and leave the prefix empty.
              </li>
              <li>
                Webhook URL: <code className="break-all">{hookUrl}</code> (B2 posts to HTTPS addresses only). Save the rule.
                {hookUrl.startsWith("http://") ? (
                  <strong className="block text-amber-800 dark:text-amber-300">
                    This address is not HTTPS, so B2 will not post to it: set PUBLIC_URL to the HTTPS address Bucketshare is reached at.
                  </strong>
                ) : null}
              </li>
              <li>
                Click <strong>Secret</strong> beside the rule, copy the signing secret, paste it above as “B2 signing secret” and save.
              </li>
              <li>“Test rule” in the console sends a test event: Bucketshare answers 200 and marks nothing.</li>
            </ol>
          </div>
        )}
      </details>
      <ConfirmDialog
        open={confirmOff}
        title={`Turn off storage events for ${connectionName}?`}
        confirmLabel="Turn off storage events"
        pending={turningOff}
        onClose={() => setConfirmOff(false)}
        onConfirm={() => startTransition(() => turnOff({ connectionId }))}
      >
        <p>Deliveries to this hook are refused from now on and the secret is forgotten. The scheduled checks go on.</p>
      </ConfirmDialog>
    </div>
  );
}
