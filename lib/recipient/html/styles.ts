import { createHash } from "node:crypto";

/**
 * The recipient pages' only stylesheet, inline and allowed by its hash in the CSP (no script runs
 * on these pages). Light and dark follow prefers-color-scheme; every text colour keeps at least
 * 4.5:1 against its background (WCAG 2.1 AA): zinc-900/zinc-600 on white, zinc-100/zinc-400 on
 * zinc-950, white on sky-700, sky-950 on sky-300, red-700 / red-300 for errors.
 */
export const RECIPIENT_CSS = `
:root{color-scheme:light dark;--bg:#fff;--fg:#18181b;--muted:#52525b;--line:#d4d4d8;--field:#71717a;--card:#fafafa;--accent:#0369a1;--on-accent:#fff;--link:#0369a1;--error:#b91c1c;--focus:#0284c7}
@media (prefers-color-scheme:dark){:root{--bg:#09090b;--fg:#f4f4f5;--muted:#a1a1aa;--line:#3f3f46;--field:#a1a1aa;--card:#18181b;--accent:#7dd3fc;--on-accent:#082f49;--link:#7dd3fc;--error:#fca5a5;--focus:#38bdf8}}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--fg);font:16px/1.5 ui-sans-serif,system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
main{max-width:44rem;margin:0 auto;padding:2rem 1rem 3rem}
h1{font-size:1.5rem;line-height:1.3;margin:0 0 1rem;overflow-wrap:anywhere}
h2{font-size:1.1rem;margin:2rem 0 .75rem}
p{margin:0 0 1rem}
a{color:var(--link)}
:focus-visible{outline:2px solid var(--focus);outline-offset:2px}
.muted{color:var(--muted)}
.facts{display:grid;grid-template-columns:max-content 1fr;gap:.35rem 1rem;margin:0 0 1.5rem}
.facts dt{color:var(--muted)}
.facts dd{margin:0;overflow-wrap:anywhere}
.button{display:inline-block;border:0;border-radius:.5rem;padding:.7rem 1.25rem;background:var(--accent);color:var(--on-accent);font:inherit;font-weight:600;text-decoration:none;cursor:pointer;min-height:44px}
.button:hover{filter:brightness(1.1)}
.button.secondary{background:none;color:var(--link);box-shadow:inset 0 0 0 1px var(--link)}
.preview{border:1px solid var(--line);border-radius:.5rem;background:var(--card);padding:.75rem;overflow:hidden}
.preview img,.preview video{display:block;max-width:100%;height:auto;margin:0 auto}
.preview audio{width:100%}
.preview .text{max-height:24rem;overflow:auto}
.preview pre{margin:0;white-space:pre-wrap;overflow-wrap:anywhere;font:13px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
label{display:block;font-weight:600;margin-bottom:.35rem}
input[type=password]{display:block;width:100%;max-width:22rem;padding:.6rem .7rem;border:1px solid var(--field);border-radius:.5rem;background:var(--bg);color:var(--fg);font:inherit;min-height:44px}
input[aria-invalid=true]{border-color:var(--error)}
.error{color:var(--error);margin:.4rem 0 0}
.field{margin:0 0 1rem}
footer{margin-top:3rem;font-size:.875rem}
.sr-only{position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0,0,0,0);white-space:nowrap;border:0}
table{width:100%;border-collapse:collapse;margin:0 0 1rem}
th,td{text-align:left;padding:.4rem .5rem;border-bottom:1px solid var(--line);vertical-align:top;overflow-wrap:anywhere}
tbody th{font-weight:400}
td:nth-child(2){white-space:nowrap}
.crumbs{display:flex;flex-wrap:wrap;gap:.25rem;list-style:none;margin:0 0 1rem;padding:0}
.crumbs li+li::before{content:"/";margin-right:.25rem;color:var(--muted)}
.filter{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem;margin:0 0 1rem}
.filter label{margin:0}
input[type=search]{padding:.6rem .7rem;border:1px solid var(--field);border-radius:.5rem;background:var(--bg);color:var(--fg);font:inherit;min-height:44px}
.pager{display:flex;gap:1rem}
form.inline{display:inline;margin:0}
.link-button{background:none;border:0;padding:0;color:var(--link);text-decoration:underline;font:inherit;cursor:pointer}
`.trim();

export const RECIPIENT_CSS_HASH = `sha256-${createHash("sha256").update(RECIPIENT_CSS).digest("base64")}`;
