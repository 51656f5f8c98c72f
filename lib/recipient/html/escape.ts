/**
 * HTML for recipient pages, written as text: route handlers under app/s/ answer with their own
 * status codes and headers, and react-dom/server is not available to them (Next bundles route
 * handlers for React Server Components, where it throws). Every interpolated value is escaped
 * unless it is itself Html made here.
 */

export type Html = { readonly html: string };

type Part = string | number | Html | readonly Part[] | null | undefined | false;

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

function render(part: Part): string {
  if (part === null || part === undefined || part === false) return "";
  if (typeof part === "string") return escapeHtml(part);
  if (typeof part === "number") return String(part);
  if (Array.isArray(part)) return part.map(render).join("");
  return (part as Html).html;
}

/** html`<p>${text}</p>`: the template's own text is kept, every value is escaped. */
export function html(strings: TemplateStringsArray, ...values: Part[]): Html {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]!) + strings[i + 1]!;
  return { html: out };
}

/** Runs of this many characters without a space get break opportunities after their separators. */
const LONG_RUN = 24;

/**
 * A file name that wraps where a person would break it: a long run without spaces
 * ("Quarterly_financial_statement_Q3.xlsx") gets <wbr> after its separators (_ - . / +), so lines break
 * there instead of inside a word; short names are left as they are.
 */
export function breakableName(name: string): Html {
  if (!name.split(/\s+/).some((run) => run.length > LONG_RUN)) return html`${name}`;
  const parts = name.split(/(?<=[_\-./+])(?=[^\s])/);
  return { html: parts.map(escapeHtml).join("<wbr>") };
}
