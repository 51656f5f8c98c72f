"use client";

import { useActionState, useRef, useState, useTransition, type FormEvent } from "react";
import { saveConnectionAction } from "@/lib/actions/save-connection";
import { testConnectionAction } from "@/lib/actions/test-connection";
import type { ActionState } from "@/lib/actions/safe-action";
import { PROVIDERS, getProvider, presetEndpoint, type ProviderId } from "@/lib/storage/provider-presets";
import { typedBeforeHydration, useHydrated, useTakeOverOnHydrate } from "@/components/ui/use-hydrated";
import { Button } from "@/components/ui/button";
import { useReloadOnSuccess } from "@/components/ui/use-reload-on-success";
import { Field, SelectField, TextAreaField } from "@/components/ui/field";
import { Alert } from "@/components/ui/alert";
import { MAX_CHECK_RATE } from "@/lib/health/rate";

export type ConnectionFormValues = {
  id?: string;
  name: string;
  provider: ProviderId;
  endpoint: string;
  region: string;
  forcePathStyle: boolean;
  accessKeyId: string;
  buckets: string;
  hasSessionToken: boolean;
  sessionTokenExpiresAt?: string;
  /** Health checks per second, as typed; blank: the server's default. */
  healthCheckRate: string;
};

const idle = { status: "idle" } as ActionState;

function localDateTime(iso?: string): string {
  if (!iso) return "";
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function ConnectionForm({ initial, defaultHealthCheckRate }: { initial?: ConnectionFormValues; defaultHealthCheckRate: number }) {
  const editing = Boolean(initial?.id);
  const [values, setValues] = useState<ConnectionFormValues>(
    initial ?? {
      name: "",
      provider: "aws",
      endpoint: presetEndpoint(getProvider("aws"), "us-east-1"),
      region: "us-east-1",
      forcePathStyle: false,
      accessKeyId: "",
      buckets: "",
      hasSessionToken: false,
      healthCheckRate: "",
    },
  );
  const [secret, setSecret] = useState("");
  const [sessionToken, setSessionToken] = useState("");
  const [tokenExpiry, setTokenExpiry] = useState(localDateTime(initial?.sessionTokenExpiresAt));
  const [clearToken, setClearToken] = useState(false);
  const [accountId, setAccountId] = useState("");
  const [endpointTouched, setEndpointTouched] = useState(editing);
  const [saveState, save, saving] = useActionState(saveConnectionAction, idle);
  useReloadOnSuccess(saveState);
  const [testState, test, testing] = useActionState(testConnectionAction, idle);
  const [, startTransition] = useTransition();
  const provider = getProvider(values.provider);
  const hydrated = useHydrated();
  const formRef = useRef<HTMLFormElement>(null);

  // What is typed before the form hydrates stays in the fields but not in state, and React would
  // clear it on the next render (a name typed on a slow connection vanished, or was refused as
  // missing): take it over once, as the form hydrates. `values` here is what the server rendered.
  useTakeOverOnHydrate(() => {
    const elements = formRef.current?.elements;
    const typed = (name: string, rendered: string) => typedBeforeHydration(elements?.namedItem(name), rendered);
    const providerId = typed("provider", values.provider);
    if (providerId) onProvider(providerId as ProviderId);
    const texts = (["name", "endpoint", "region", "accessKeyId", "buckets", "healthCheckRate"] as const).flatMap((key) => {
      const value = typed(key, values[key]);
      return value === undefined ? [] : [[key, value] as const];
    });
    if (texts.length > 0) setValues((v) => ({ ...v, ...Object.fromEntries(texts) }));
    if (texts.some(([key]) => key === "endpoint")) setEndpointTouched(true);
    const pathStyle = elements?.namedItem("forcePathStyle");
    if (pathStyle instanceof HTMLInputElement && pathStyle.checked !== values.forcePathStyle) set("forcePathStyle", pathStyle.checked);
    setSecret(typed("secretAccessKey", "") ?? "");
    setSessionToken(typed("sessionToken", "") ?? "");
  });

  const errors = saveState.status === "invalid" ? saveState.fieldErrors : testState.status === "invalid" ? testState.fieldErrors : {};

  function suggestEndpoint(next: { provider: ProviderId; region: string; accountId?: string }) {
    const preset = getProvider(next.provider);
    return presetEndpoint(preset, next.region).replace("{accountId}", next.accountId || "{accountId}");
  }

  function set<K extends keyof ConnectionFormValues>(key: K, value: ConnectionFormValues[K]) {
    setValues((v) => ({ ...v, [key]: value }));
  }

  function onProvider(id: ProviderId) {
    const preset = getProvider(id);
    setValues((v) => ({
      ...v,
      provider: id,
      region: preset.defaultRegion,
      forcePathStyle: preset.pathStyle,
      endpoint: preset.endpointPattern ? suggestEndpoint({ provider: id, region: preset.defaultRegion, accountId }) : v.endpoint,
    }));
    setEndpointTouched(false);
  }

  function onRegion(region: string) {
    setValues((v) => ({
      ...v,
      region,
      endpoint: !endpointTouched && provider.endpointPattern.includes("{region}") ? suggestEndpoint({ provider: v.provider, region, accountId }) : v.endpoint,
    }));
  }

  function formData(): FormData {
    const data = new FormData();
    if (values.id) data.set("id", values.id);
    data.set("name", values.name);
    data.set("provider", values.provider);
    data.set("endpoint", values.endpoint);
    data.set("region", values.region);
    data.set("forcePathStyle", values.forcePathStyle ? "on" : "");
    data.set("accessKeyId", values.accessKeyId);
    data.set("secretAccessKey", secret);
    data.set("sessionToken", sessionToken);
    data.set("sessionTokenExpiresAt", tokenExpiry ? new Date(tokenExpiry).toISOString() : "");
    data.set("clearSessionToken", clearToken ? "on" : "");
    data.set("buckets", values.buckets);
    data.set("healthCheckRate", values.healthCheckRate);
    return data;
  }

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    startTransition(() => save(formData()));
  }

  const testMessage =
    testState.status === "success"
      ? { tone: "success" as const, text: testState.message }
      : testState.status === "error"
        ? { tone: "error" as const, text: testState.message }
        : null;
  const saveError =
    saveState.status === "error" || saveState.status === "unauthorized" ? saveState.message : saveState.status === "invalid" ? saveState.message : null;

  return (
    <form ref={formRef} onSubmit={onSubmit} className="space-y-5" noValidate>
      <div className="grid gap-4 sm:grid-cols-2">
        <Field
          label="Name"
          name="name"
          value={values.name}
          onChange={(e) => set("name", e.target.value)}
          errors={errors.name}
          required
          placeholder="Production media"
        />
        <SelectField
          label="Provider"
          name="provider"
          value={values.provider}
          onChange={(e) => onProvider(e.target.value as ProviderId)}
          errors={errors.provider}
        >
          {PROVIDERS.map((p) => (
            <option key={p.id} value={p.id}>
              {p.label}
            </option>
          ))}
        </SelectField>
        {provider.needsAccountId ? (
          <Field
            label="Account ID"
            name="accountId"
            value={accountId}
            onChange={(e) => {
              setAccountId(e.target.value);
              if (!endpointTouched) set("endpoint", suggestEndpoint({ provider: values.provider, region: values.region, accountId: e.target.value }));
            }}
            hint="Your Cloudflare account ID; it becomes part of the endpoint."
          />
        ) : null}
        <div className="sm:col-span-2">
          <Field
            label="Endpoint"
            name="endpoint"
            type="url"
            value={values.endpoint}
            onChange={(e) => {
              setEndpointTouched(true);
              set("endpoint", e.target.value);
            }}
            errors={errors.endpoint}
            hint={provider.hint}
            required
            placeholder="https://s3.example.com"
          />
        </div>
        <div>
          <Field
            label="Region"
            name="region"
            list="connection-regions"
            value={values.region}
            onChange={(e) => onRegion(e.target.value)}
            errors={errors.region}
            autoComplete="off"
          />
          <datalist id="connection-regions">
            {provider.regions.map((r) => (
              <option key={r} value={r} />
            ))}
          </datalist>
        </div>
        <div className="flex items-end pb-2">
          <label className="flex items-center gap-2 text-sm">
            <input
              type="checkbox"
              name="forcePathStyle"
              checked={values.forcePathStyle}
              onChange={(e) => set("forcePathStyle", e.target.checked)}
              className="h-4 w-4"
            />
            Path-style addressing
          </label>
        </div>
        <Field
          label="Access key ID"
          name="accessKeyId"
          value={values.accessKeyId}
          onChange={(e) => set("accessKeyId", e.target.value)}
          errors={errors.accessKeyId}
          autoComplete="off"
          spellCheck={false}
          required
        />
        <Field
          label="Secret access key"
          name="secretAccessKey"
          type="password"
          value={secret}
          onChange={(e) => setSecret(e.target.value)}
          errors={errors.secretAccessKey}
          autoComplete="new-password"
          placeholder={editing ? "Leave blank to keep the saved secret" : ""}
          hint="Stored encrypted; never shown again."
          required={!editing}
        />
        <Field
          label="Health checks per second"
          name="healthCheckRate"
          inputMode="decimal"
          value={values.healthCheckRate}
          onChange={(e) => set("healthCheckRate", e.target.value)}
          errors={errors.healthCheckRate}
          autoComplete="off"
          placeholder={String(defaultHealthCheckRate)}
          hint={`How many links' objects the health checker may look at per second on this connection: above 0, at most ${MAX_CHECK_RATE}; keep it under your provider's request limit. Blank: the default, ${defaultHealthCheckRate} per second.`}
        />
      </div>

      <details className="rounded-md border border-zinc-200 p-3 dark:border-zinc-800">
        <summary className="cursor-pointer text-sm font-medium">Temporary credentials and bucket list</summary>
        <div className="mt-3 grid gap-4 sm:grid-cols-2">
          <div className="sm:col-span-2">
            <TextAreaField
              label="Session token"
              name="sessionToken"
              rows={2}
              value={sessionToken}
              onChange={(e) => setSessionToken(e.target.value)}
              placeholder={values.hasSessionToken ? "Leave blank to keep the saved token" : "Only for temporary (STS) credentials"}
            />
          </div>
          <Field
            label="Session token expires at"
            name="sessionTokenExpiresAt"
            type="datetime-local"
            value={tokenExpiry}
            onChange={(e) => setTokenExpiry(e.target.value)}
            errors={errors.sessionTokenExpiresAt}
            hint="Links issued with these credentials end at this time at the latest."
          />
          {values.hasSessionToken ? (
            <label className="flex items-center gap-2 self-end pb-2 text-sm">
              <input type="checkbox" checked={clearToken} onChange={(e) => setClearToken(e.target.checked)} className="h-4 w-4" />
              Remove the saved session token
            </label>
          ) : null}
          <div className="sm:col-span-2">
            <TextAreaField
              label="Bucket names"
              name="buckets"
              rows={2}
              value={values.buckets}
              onChange={(e) => set("buckets", e.target.value)}
              errors={errors.buckets}
              placeholder="photos, backups"
              hint="Optional. For keys that may not list buckets (ListBuckets): the buckets to show, separated by commas."
            />
          </div>
        </div>
      </details>

      <div aria-live="polite" role="status">
        {testing ? <Alert tone="info">Testing the connection…</Alert> : testMessage ? <Alert tone={testMessage.tone}>{testMessage.text}</Alert> : null}
      </div>
      <div aria-live="polite" role="alert">
        {saveError ? <Alert tone="error">{saveError}</Alert> : null}
      </div>

      <div className="flex flex-wrap gap-2">
        {/* Until the form hydrates, Save would submit it natively (a GET with the secret in the URL) and Test would do nothing. */}
        <Button type="button" variant="secondary" disabled={!hydrated || testing} onClick={() => startTransition(() => test(formData()))}>
          Test connection
        </Button>
        <Button type="submit" disabled={!hydrated || saving}>
          {saving ? "Saving…" : "Save connection"}
        </Button>
      </div>
    </form>
  );
}
