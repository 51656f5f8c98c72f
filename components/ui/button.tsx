import type { ButtonHTMLAttributes } from "react";

type Variant = "primary" | "secondary" | "danger" | "ghost";

const BASE = "inline-flex items-center justify-center gap-2 rounded-md px-3.5 py-2 text-sm font-medium transition-colors disabled:cursor-not-allowed";

const variants: Record<Variant, string> = {
  // sky-700 under white text: 5.9:1 (sky-600 is 4.0:1, below WCAG AA for this text size).
  primary: "bg-sky-700 text-white hover:bg-sky-800 disabled:bg-sky-700/60",
  secondary: "border border-zinc-300 bg-white text-zinc-900 hover:bg-zinc-50 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100 dark:hover:bg-zinc-800",
  danger: "bg-red-600 text-white hover:bg-red-700 disabled:bg-red-600/60",
  ghost: "text-zinc-700 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800",
};

/**
 * A button's classes. Without `extra`, one short class (`btn-secondary`…, the same utilities applied once in
 * app/globals.css): a page's buttons then cost a few bytes each in its HTML and React Server Component payload
 * rather than ~300. With `extra`, the utilities themselves, so that the extra ones combine with them exactly as
 * they always did.
 */
export function buttonClass(variant: Variant = "primary", extra = ""): string {
  return extra ? `${BASE} ${variants[variant]} ${extra}` : `btn-${variant}`;
}

export function Button({ variant = "primary", className = "", type = "button", ...props }: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: Variant }) {
  return <button type={type} className={buttonClass(variant, className)} {...props} />;
}
