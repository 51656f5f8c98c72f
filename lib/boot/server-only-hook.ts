import { register } from "node:module";

/**
 * `import "server-only"` throws outside React Server Components (Next aliases it away in its own
 * bundle). lib/boot/server.ts loads the download route's code outside Next (its fast path), so it
 * resolves that one specifier to an empty module, for this process's own ESM loader only.
 */
export function allowServerOnlyImports(): void {
  const hook = `export async function resolve(specifier, context, next) {
  if (specifier === "server-only") return { url: "data:text/javascript,export {};", shortCircuit: true };
  return next(specifier, context);
}`;
  register(`data:text/javascript,${encodeURIComponent(hook)}`);
}
