"use client";

import { useActionState, useState, useTransition } from "react";
import { useRouter } from "next/navigation";
import { removeWebhookAction } from "@/lib/actions/remove-webhook";
import { rotateWebhookSecretAction } from "@/lib/actions/rotate-webhook-secret";
import { saveWebhookAction, type WebhookSecretData } from "@/lib/actions/save-webhook";
import { sendTestWebhookAction } from "@/lib/actions/send-test-webhook";
import type { ActionInput, ActionState, ServerAction } from "@/lib/actions/safe-action";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Field } from "@/components/ui/field";
import { LiveMessage } from "@/components/ui/alert";
import { ShownOnce } from "@/components/settings/shown-once";
import { useHydrated } from "@/components/ui/use-hydrated";

type Notice = { tone: "error" | "success"; text: string } | null;

function noticeOf(state: ActionState<unknown>): Notice {
  if (state.status === "success") return state.message ? { tone: "success", text: state.message } : null;
  if (state.status === "error" || state.status === "unauthorized") return { tone: "error", text: state.message };
  return null;
}

/** Settings → webhook: the URL, the secret shown once after it is made, rotate, remove and a test event. */
export function WebhookForm({ url }: { url: string | null }) {
  const router = useRouter();
  const [, startTransition] = useTransition();
  const [notice, setNotice] = useState<Notice>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const [confirm, setConfirm] = useState<"rotate" | "remove" | null>(null);
  const hydrated = useHydrated();

  /** Wraps an action: its message becomes the notice, a secret it returns is shown (once). */
  function tracked<T>(action: ServerAction<T>, after?: (state: ActionState<T>) => void) {
    return async (previous: ActionState<T>, input: ActionInput) => {
      const state = await action(previous, input);
      setNotice(noticeOf(state as ActionState<unknown>));
      const data = state.status === "success" ? (state.data as WebhookSecretData | undefined) : undefined;
      if (data?.secret) setSecret(data.secret);
      after?.(state);
      return state;
    };
  }

  const idle = { status: "idle" } as const;
  const [saveState, save, saving] = useActionState(tracked(saveWebhookAction), idle as ActionState<WebhookSecretData>);
  const [, rotate, rotating] = useActionState(
    tracked(rotateWebhookSecretAction, () => setConfirm(null)),
    idle as ActionState<WebhookSecretData>,
  );
  const [, remove, removing] = useActionState(
    tracked(removeWebhookAction, (state) => {
      setConfirm(null);
      if (state.status === "success") setSecret(null);
    }),
    idle as ActionState,
  );
  // A failed test is an error state (nothing revalidates then): refresh so the list shows it.
  const [, test, testing] = useActionState(
    tracked(sendTestWebhookAction, () => router.refresh()),
    idle as ActionState,
  );

  const errors = saveState.status === "invalid" ? saveState.fieldErrors : {};
  const typed = saveState.status === "invalid" ? saveState.values?.webhookUrl : undefined;

  return (
    <div className="space-y-4">
      <LiveMessage tone="error" message={notice?.tone === "error" ? notice.text : undefined} />
      <LiveMessage tone="success" message={notice?.tone === "success" ? notice.text : undefined} />
      <form key={url ?? "none"} action={save} className="max-w-xl space-y-3" noValidate>
        <Field
          label="Webhook URL"
          name="webhookUrl"
          type="url"
          inputMode="url"
          autoComplete="off"
          spellCheck={false}
          placeholder="https://hooks.example.com/bucketshare"
          defaultValue={typed ?? url ?? ""}
          errors={errors.webhookUrl}
          hint="Optional. Each download of a managed link is POSTed here as JSON, signed with your secret. Leave it unset to send nothing."
        />
        <div className="flex flex-wrap gap-2">
          {/* `save` wraps the server action on the client, so until the form hydrates a click would do nothing (React renders no action for it). */}
          <Button type="submit" disabled={!hydrated || saving}>
            {saving ? "Saving…" : "Save webhook"}
          </Button>
          {url ? (
            <>
              <Button variant="secondary" disabled={testing} onClick={() => startTransition(() => test({}))}>
                {testing ? "Sending…" : "Send test event"}
              </Button>
              <Button variant="secondary" onClick={() => setConfirm("rotate")}>
                Rotate secret
              </Button>
              <Button variant="ghost" className="text-red-700 dark:text-red-400" onClick={() => setConfirm("remove")}>
                Remove webhook
              </Button>
            </>
          ) : null}
        </div>
      </form>
      {secret ? (
        <ShownOnce
          label="Signing secret"
          value={secret}
          copyLabel="Copy secret"
          note="Shown only this once: Bucketshare keeps it encrypted and cannot show it again. If it is lost, rotate it."
          onDone={() => setSecret(null)}
        />
      ) : null}
      <details className="max-w-xl text-sm text-zinc-700 dark:text-zinc-300">
        <summary className="cursor-pointer font-medium">How to check a delivery</summary>
        <div className="mt-2 space-y-2">
          <p>
            Each POST carries <code>X-Bucketshare-Timestamp</code> (unix seconds) and <code>X-Bucketshare-Signature: sha256=&lt;hex&gt;</code>, the HMAC-SHA256
            of <code>&lt;timestamp&gt;.&lt;body&gt;</code> keyed with the secret exactly as shown. Compare in constant time and refuse old timestamps (say, more
            than 5 minutes).
          </p>
          <p>
            Answer with any 2xx within 5 seconds. Anything else is retried after 10 s, 30 s, 2 min, 10 min, 1 h, 6 h and 12 h; redirects are not followed.{" "}
            <code>X-Bucketshare-Delivery</code> stays the same across retries: ignore one you have seen.
          </p>
        </div>
      </details>
      <ConfirmDialog
        open={confirm === "rotate"}
        title="Rotate the signing secret?"
        confirmLabel="Rotate secret"
        tone="primary"
        pending={rotating}
        onClose={() => setConfirm(null)}
        onConfirm={() => startTransition(() => rotate({}))}
      >
        <p>A new secret is made and shown once. Deliveries from then on are signed with it, so update your receiver.</p>
      </ConfirmDialog>
      <ConfirmDialog
        open={confirm === "remove"}
        title="Remove the webhook?"
        confirmLabel="Remove webhook"
        pending={removing}
        onClose={() => setConfirm(null)}
        onConfirm={() => startTransition(() => remove({}))}
      >
        <p>Downloads stop sending events, deliveries still waiting are cancelled, and the secret is forgotten.</p>
      </ConfirmDialog>
    </div>
  );
}
