import { createHash } from "node:crypto";

/**
 * The recipient pages' only stylesheet, inline and allowed by its hash in the CSP (no script runs
 * on these pages). Light and dark follow prefers-color-scheme; every text colour keeps at least
 * 4.5:1 against its background (WCAG 2.1 AA): zinc-900/zinc-600 on white, zinc-100/zinc-400 on
 * zinc-950, white on sky-700, sky-950 on sky-300, red-700 / red-300 for errors. The owner's accent
 * (lib/recipient/html/brand-style.ts) overrides --accent and --link in a second, hashed stylesheet.
 */
export const RECIPIENT_CSS = `
:root{color-scheme:light dark;--bg:#fff;--fg:#18181b;--muted:#52525b;--line:#e4e4e7;--field:#71717a;--card:#fafafa;--accent:#0369a1;--on-accent:#fff;--link:#0369a1;--error:#b91c1c;--focus:#0284c7;--tile:#f4f4f5}
@media (prefers-color-scheme:dark){:root{--bg:#09090b;--fg:#f4f4f5;--muted:#a1a1aa;--line:#3f3f46;--field:#a1a1aa;--card:#18181b;--accent:#7dd3fc;--on-accent:#082f49;--link:#7dd3fc;--error:#fca5a5;--focus:#38bdf8;--tile:#27272a}}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--fg);font:16px/1.5 ui-sans-serif,system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
.top{border-top:4px solid var(--accent);border-bottom:1px solid var(--line)}
.top-inner{max-width:48rem;margin:0 auto;padding:.75rem 1rem;display:flex;align-items:center;min-height:3.5rem}
.logo{display:block;max-height:40px;max-width:12rem;width:auto;height:auto}
.brand-name{font-weight:700;font-size:1.05rem;overflow-wrap:break-word}
main{max-width:48rem;margin:0 auto;padding:2rem 1rem 2rem}
h1{font-size:1.5rem;line-height:1.3;margin:0 0 .25rem;overflow-wrap:break-word;hyphens:none}
h2{font-size:1.1rem;margin:2rem 0 .75rem}
p{margin:0 0 1rem}
a{color:var(--link)}
:focus-visible{outline:2px solid var(--focus);outline-offset:2px}
.muted{color:var(--muted)}
.title-row{display:flex;gap:1rem;align-items:flex-start;margin:0 0 1.5rem}
.title-text{min-width:0;flex:1}
.title-text p{margin:0}
.icon{display:inline-flex;flex:none;align-items:center;justify-content:center;border-radius:.5rem;background:var(--tile);color:var(--muted)}
.icon svg{display:block;width:60%;height:60%}
.icon-large{width:3.5rem;height:3.5rem;border-radius:.75rem}
.icon-small{width:2rem;height:2rem}
.icon-pdf{color:#b91c1c}.icon-image{color:#7e22ce}.icon-audio{color:#be185d}.icon-video{color:#c2410c}.icon-archive{color:#a16207}.icon-code{color:#0f766e}.icon-spreadsheet{color:#15803d}.icon-document{color:#1d4ed8}.icon-presentation{color:#c2410c}.icon-folder{color:#0369a1}
@media (prefers-color-scheme:dark){.icon-pdf{color:#fca5a5}.icon-image{color:#d8b4fe}.icon-audio{color:#f9a8d4}.icon-video{color:#fdba74}.icon-archive{color:#fde047}.icon-code{color:#5eead4}.icon-spreadsheet{color:#86efac}.icon-document{color:#93c5fd}.icon-presentation{color:#fdba74}.icon-folder{color:#7dd3fc}}
.facts{display:grid;grid-template-columns:max-content 1fr;gap:.35rem 1rem;margin:0 0 1.5rem;padding:1rem;border:1px solid var(--line);border-radius:.75rem;background:var(--card)}
.facts dt{color:var(--muted)}
.facts dd{margin:0;overflow-wrap:break-word;min-width:0}
.actions{display:flex;flex-wrap:wrap;gap:.75rem;align-items:center}
.button{display:inline-flex;align-items:center;justify-content:center;border:0;border-radius:.5rem;padding:.7rem 1.5rem;background:var(--accent);color:var(--on-accent);font:inherit;font-weight:600;text-decoration:none;cursor:pointer;min-height:44px}
.button:hover{filter:brightness(1.1)}
.button.secondary{background:none;color:var(--link);box-shadow:inset 0 0 0 1px var(--link)}
.preview{border:1px solid var(--line);border-radius:.75rem;background:var(--card);padding:.75rem;overflow:hidden}
.preview img,.preview video{display:block;max-width:100%;height:auto;margin:0 auto}
.preview audio{width:100%}
.preview p:last-child{margin-bottom:0}
.preview .text{max-height:24rem;overflow:auto}
.preview pre{margin:0;white-space:pre-wrap;overflow-wrap:anywhere;font:13px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
label{display:block;font-weight:600;margin-bottom:.35rem}
input[type=password]{display:block;width:100%;max-width:22rem;padding:.6rem .7rem;border:1px solid var(--field);border-radius:.5rem;background:var(--bg);color:var(--fg);font:inherit;min-height:44px}
input[aria-invalid=true]{border-color:var(--error)}
.error{color:var(--error);margin:.4rem 0 0}
.field{margin:0 0 1rem}
.foot{max-width:48rem;margin:0 auto;padding:1rem 1rem 2rem;font-size:.8125rem}
.sr-only{position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0,0,0,0);white-space:nowrap;border:0}
table{width:100%;border-collapse:collapse;margin:0 0 1rem}
th,td{text-align:left;padding:.5rem;border-bottom:1px solid var(--line);vertical-align:middle}
thead th{font-size:.875rem;color:var(--muted);font-weight:600}
tbody th{font-weight:400}
tbody th{overflow-wrap:anywhere}
.type-cell{display:inline-flex;align-items:center;gap:.5rem}
td.size,td.type{white-space:nowrap;color:var(--muted)}
.row-actions{white-space:nowrap;text-align:right}
.row-actions>*+*{margin-left:1rem}
.crumbs{display:flex;flex-wrap:wrap;gap:.25rem;list-style:none;margin:0 0 1rem;padding:0}
.crumbs li{overflow-wrap:break-word;min-width:0}
.crumbs li+li::before{content:"/";margin-right:.25rem;color:var(--muted)}
.filter{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem;margin:0 0 1rem}
.filter label{margin:0}
input[type=search]{flex:1 1 10rem;min-width:0;max-width:20rem;padding:.6rem .7rem;border:1px solid var(--field);border-radius:.5rem;background:var(--bg);color:var(--fg);font:inherit;min-height:44px}
.pager{display:flex;gap:1rem}
form.inline{display:inline;margin:0}
.link-button{background:none;border:0;padding:0;color:var(--link);text-decoration:underline;font:inherit;cursor:pointer}
@media (max-width:40rem){
main{padding-top:1.25rem}
h1{font-size:1.3rem}
.icon-large{width:2.75rem;height:2.75rem}
.actions .button{flex:1 1 auto}
.facts{grid-template-columns:minmax(0,1fr);gap:0}
.facts dt{font-size:.875rem}
.facts dt:not(:first-child){margin-top:.6rem}
table.files thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0,0,0,0)}
table.files,table.files tbody{display:block}
table.files tr{display:flex;flex-wrap:wrap;align-items:center;column-gap:.75rem;padding:.65rem 0;border-bottom:1px solid var(--line)}
table.files th,table.files td{display:block;padding:0;border:0;text-align:left}
table.files th{flex:1 1 100%;min-width:0;font-weight:600;margin-bottom:.2rem}
table.files td.size,table.files td.type{font-size:.875rem;white-space:normal}
table.files td.type{order:1}
table.files td.size{order:2}
table.files td.row-actions{order:3}
table.files .icon-small{width:1.5rem;height:1.5rem}
table.files td.size:empty{display:none}
table.files td.row-actions{flex:1 1 100%;margin-top:.35rem;white-space:normal}
table.files td.row-actions:empty{display:none}
}
`.trim();

export const RECIPIENT_CSS_HASH = `sha256-${createHash("sha256").update(RECIPIENT_CSS).digest("base64")}`;
