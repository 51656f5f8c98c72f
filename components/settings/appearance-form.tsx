"use client";

import { type ChangeEvent, type FormEvent, startTransition, useActionState, useEffect, useId, useRef, useState } from "react";
import { resetAppearanceAction, saveAppearanceAction } from "@/lib/actions/save-appearance";
import type { ActionState } from "@/lib/actions/safe-action";
import { accentColourProblem, normaliseHexColour } from "@/lib/appearance/colour";
import { LiveMessage } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field, FieldError, inputClass } from "@/components/ui/field";
import { useHydrated } from "@/components/ui/use-hydrated";

/** The largest logo accepted (lib/appearance/logo.ts MAX_LOGO_BYTES; that module is server-only). */
const MAX_LOGO_BYTES = 512 * 1024;
const LOGO_TOO_LARGE = "Logo must be at most 512 KiB. Save a smaller file (256 × 256 pixels is plenty) and try again.";
const ACCEPT = "image/png,image/jpeg,image/webp,image/gif,image/svg+xml,.png,.jpg,.jpeg,.webp,.gif,.svg";

export type SavedAppearance = { name: string; accent: string; logoUrl: string | null; isDefault: boolean };

const idle = { status: "idle" } as ActionState;

/** Settings → Appearance: the name, logo and accent colour recipients see, with a preview of a recipient page. */
export function AppearanceForm({ saved }: { saved: SavedAppearance }) {
  // One state for both forms: the message shown is the last action's.
  const [state, run, pending] = useActionState(
    (previous: ActionState, request: { kind: "save" | "reset"; input: FormData }) =>
      request.kind === "save" ? saveAppearanceAction(previous, request.input) : resetAppearanceAction(previous, request.input),
    idle,
  );
  const hydrated = useHydrated();
  const ids = useId();
  const [name, setName] = useState(saved.name);
  const [accent, setAccent] = useState(saved.accent);
  const [removeLogo, setRemoveLogo] = useState(false);
  const [chosenLogo, setChosenLogo] = useState<string | null>(null);
  const [logoTooLarge, setLogoTooLarge] = useState(false);
  const [fileKey, setFileKey] = useState(0);
  const fileInput = useRef<HTMLInputElement>(null);

  // Once saved (or reset), the fields show what is stored now: the colour as normalised, the new logo.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when what is saved changes (a new logo included)
  useEffect(() => {
    setName(saved.name);
    setAccent(saved.accent);
    setRemoveLogo(false);
    setChosenLogo(null);
    setLogoTooLarge(false);
    setFileKey((k) => k + 1);
  }, [saved.name, saved.accent, saved.logoUrl]);

  useEffect(() => () => void (chosenLogo && URL.revokeObjectURL(chosenLogo)), [chosenLogo]);

  const errors = state.status === "invalid" ? state.fieldErrors : {};
  const logoErrors = logoTooLarge ? [LOGO_TOO_LARGE] : errors.logo;
  // A refusal is said at its field; above the form only that there is one (never the same words twice).
  const formError =
    state.status === "error" || state.status === "unauthorized"
      ? state.message
      : state.status === "invalid" || logoTooLarge
        ? "Check the highlighted fields."
        : undefined;
  // The preview shows the colour typed once it is usable, else the saved one.
  const previewAccent = accentColourProblem(accent) === null ? normaliseHexColour(accent)! : saved.accent;
  const previewLogo = chosenLogo ?? (removeLogo ? null : saved.logoUrl);
  const previewName = name.trim() || saved.name;

  function onLogoChange(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    setLogoTooLarge(Boolean(file && file.size > MAX_LOGO_BYTES));
    setChosenLogo(file && file.size <= MAX_LOGO_BYTES ? URL.createObjectURL(file) : null);
    if (file) setRemoveLogo(false);
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    // Refused here too: a body this large would not reach the action.
    if (logoTooLarge) {
      fileInput.current?.focus();
      return;
    }
    const input = new FormData(event.currentTarget);
    startTransition(() => run({ kind: "save", input }));
  }

  function onReset(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    startTransition(() => run({ kind: "reset", input: new FormData() }));
  }

  const logoHintId = `${ids}-logo-hint`;
  const logoErrorId = `${ids}-logo-error`;
  const accentId = `${ids}-accent`;
  const accentHintId = `${ids}-accent-hint`;
  const accentErrorId = `${ids}-accent-error`;

  return (
    <div className="grid gap-8 lg:grid-cols-[minmax(0,28rem)_minmax(0,1fr)]">
      <div className="space-y-6">
        <form onSubmit={onSubmit} className="space-y-5" noValidate aria-label="Appearance">
          <LiveMessage tone="error" message={formError} />
          <LiveMessage tone="success" message={state.status === "success" ? state.message : undefined} />
          <Field
            label="Name shown to recipients"
            name="name"
            autoComplete="organization"
            value={name}
            onChange={(e) => setName(e.target.value)}
            errors={errors.name}
            hint="At the top of every page your recipients open, such as your company’s name. Up to 60 characters."
          />

          <div className="space-y-1">
            <label htmlFor={`${ids}-logo`} className="block text-sm font-medium">
              Logo
            </label>
            <div className="flex items-center gap-3">
              {saved.logoUrl && !removeLogo ? (
                // biome-ignore lint/performance/noImgElement: a same-origin PNG of at most 256×256; next/image adds nothing
                <img src={saved.logoUrl} alt="Current logo" className="h-12 w-12 rounded border border-zinc-200 bg-white object-contain dark:border-zinc-700" />
              ) : null}
              <input
                key={fileKey}
                ref={fileInput}
                id={`${ids}-logo`}
                type="file"
                name="logo"
                accept={ACCEPT}
                onChange={onLogoChange}
                aria-describedby={[logoHintId, logoErrors?.length ? logoErrorId : null].filter(Boolean).join(" ")}
                aria-invalid={logoErrors?.length ? true : undefined}
                className="block w-full text-sm file:mr-3 file:rounded-md file:border file:border-zinc-300 file:bg-white file:px-3 file:py-1.5 file:text-sm file:font-medium file:text-zinc-900 dark:file:border-zinc-700 dark:file:bg-zinc-900 dark:file:text-zinc-100"
              />
            </div>
            <p id={logoHintId} className="text-xs text-muted">
              {saved.logoUrl ? "Choose a file to replace the current logo." : "No logo yet: recipients see the name alone."}
              {/* An error says which files are taken: the hint does not say it again. */}
              {logoErrors?.length ? null : " PNG, JPEG, WebP, GIF or SVG up to 512 KiB; it is shown at most 256 × 256 pixels."}
            </p>
            <FieldError id={logoErrorId} errors={logoErrors} />
            {saved.logoUrl ? (
              <label className="flex items-center gap-2 pt-1 text-sm">
                <input type="checkbox" name="removeLogo" checked={removeLogo} onChange={(e) => setRemoveLogo(e.target.checked)} />
                Remove logo
              </label>
            ) : null}
          </div>

          <div className="space-y-1">
            <label htmlFor={accentId} className="block text-sm font-medium">
              Accent colour
            </label>
            <div className="flex items-center gap-2">
              <input
                id={accentId}
                name="accent"
                value={accent}
                onChange={(e) => setAccent(e.target.value)}
                autoComplete="off"
                spellCheck={false}
                aria-describedby={[accentHintId, errors.accent?.length ? accentErrorId : null].filter(Boolean).join(" ")}
                aria-invalid={errors.accent?.length ? true : undefined}
                className={`${inputClass} max-w-40 font-mono`}
              />
              <input
                type="color"
                aria-label="Colour picker"
                value={normaliseHexColour(accent) ?? saved.accent}
                onChange={(e) => setAccent(e.target.value)}
                className="h-9 w-12 cursor-pointer rounded-md border border-zinc-300 bg-white p-1 dark:border-zinc-700 dark:bg-zinc-900"
              />
            </div>
            <p id={accentHintId} className="text-xs text-muted">
              Buttons and links on recipient pages, with white text on it
              {errors.accent?.length ? "." : ": #rgb or #rrggbb, dark enough for a 4.5:1 contrast."}
            </p>
            <FieldError id={accentErrorId} errors={errors.accent} />
          </div>

          <Button type="submit" disabled={!hydrated || pending}>
            {pending ? "Saving…" : "Save appearance"}
          </Button>
        </form>

        {saved.isDefault ? null : (
          <form onSubmit={onReset} className="space-y-2 border-t border-zinc-200 pt-4 dark:border-zinc-800">
            <p className="text-sm text-zinc-600 dark:text-zinc-400">Back to Bucketshare’s name and colour, without a logo.</p>
            <Button type="submit" variant="secondary" disabled={!hydrated || pending}>
              Reset to Bucketshare’s
            </Button>
          </form>
        )}
      </div>

      <figure className="space-y-2">
        <figcaption className="text-sm font-medium">Preview of a recipient’s page</figcaption>
        <div className="overflow-hidden rounded-lg border border-zinc-200 bg-white text-zinc-900 shadow-sm dark:border-zinc-700">
          <div className="flex items-center gap-3 border-b border-zinc-200 px-4 py-3">
            {previewLogo ? (
              // biome-ignore lint/performance/noImgElement: the chosen file (a blob: URL) or the saved logo
              <img src={previewLogo} alt="" className="h-8 w-auto max-w-32 object-contain" />
            ) : null}
            <span className="font-semibold">{previewName}</span>
          </div>
          <div className="space-y-3 px-4 py-4 text-sm">
            <p>
              {previewName} shared{" "}
              <span style={{ color: previewAccent }} className="font-medium underline">
                quarterly-report.pdf
              </span>{" "}
              with you.
            </p>
            <span style={{ backgroundColor: previewAccent }} className="inline-block rounded-md px-3.5 py-2 font-medium text-white">
              Download
            </span>
          </div>
        </div>
      </figure>
    </div>
  );
}
