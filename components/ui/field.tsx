import { useId, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from "react";

export const inputClass =
  "block w-full rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm shadow-sm placeholder:text-zinc-500 focus:border-sky-600 focus:outline-none focus:ring-1 focus:ring-sky-600 aria-[invalid=true]:border-red-500 dark:border-zinc-700 dark:bg-zinc-900 dark:placeholder:text-zinc-400 dark:focus:border-sky-400 dark:focus:ring-sky-400";

type FieldProps = {
  label: string;
  name: string;
  errors?: string[];
  hint?: ReactNode;
  id?: string;
};

type ControlProps = { id: string; name: string; "aria-invalid"?: true; "aria-describedby"?: string; className: string };

/**
 * True when an error already says what the hint says (the hint's words, less its full stop, are in it: "Use at least
 * 12 characters." under "At least 12 characters."): the error is shown in the hint's place, not both.
 */
export function errorRepeatsHint(errors: string[] | undefined, hint: ReactNode): boolean {
  if (typeof hint !== "string" || !errors?.length) return false;
  const said = hint.trim().replace(/[.!]$/, "").toLowerCase();
  return said !== "" && errors.some((error) => error.toLowerCase().includes(said));
}

/** Label, control, hint and errors, tied together with ids for assistive tech. */
function FieldShell({ label, name, errors, hint: givenHint, id, control }: FieldProps & { control: (props: ControlProps) => ReactNode }) {
  const generated = useId();
  const controlId = id ?? `${name}-${generated}`;
  const errorId = `${controlId}-error`;
  const hintId = `${controlId}-hint`;
  const hint = errorRepeatsHint(errors, givenHint) ? null : givenHint;
  const describedBy = [hint ? hintId : null, errors?.length ? errorId : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className="space-y-1">
      <label htmlFor={controlId} className="block text-sm font-medium">
        {label}
      </label>
      {control({
        id: controlId,
        name,
        ...(errors?.length ? { "aria-invalid": true as const } : {}),
        ...(describedBy ? { "aria-describedby": describedBy } : {}),
        className: inputClass,
      })}
      {hint ? (
        <p id={hintId} className="text-xs text-muted">
          {hint}
        </p>
      ) : null}
      <FieldError id={errorId} errors={errors} />
    </div>
  );
}

export function Field({ label, name, errors, hint, id, ...input }: FieldProps & InputHTMLAttributes<HTMLInputElement>) {
  return <FieldShell label={label} name={name} errors={errors} hint={hint} id={id} control={(props) => <input {...props} {...input} />} />;
}

export function SelectField({ label, name, errors, hint, id, children, ...select }: FieldProps & SelectHTMLAttributes<HTMLSelectElement>) {
  return (
    <FieldShell
      label={label}
      name={name}
      errors={errors}
      hint={hint}
      id={id}
      control={(props) => (
        <select {...props} {...select}>
          {children}
        </select>
      )}
    />
  );
}

export function TextAreaField({ label, name, errors, hint, id, ...textarea }: FieldProps & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  return <FieldShell label={label} name={name} errors={errors} hint={hint} id={id} control={(props) => <textarea {...props} {...textarea} />} />;
}

export function FieldError({ id, errors }: { id?: string; errors?: string[] }) {
  if (!errors?.length) return null;
  return (
    <p id={id} className="text-sm text-red-600 dark:text-red-400">
      {errors.join(" ")}
    </p>
  );
}
