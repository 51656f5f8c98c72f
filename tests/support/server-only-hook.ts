import { register } from "node:module";

/** `server-only` throws outside React Server Components; benchmarks load lib code directly. */
export function allowServerOnlyImports(): void {
  const hook = `export async function resolve(specifier, context, next) {
  if (specifier === "server-only") return { url: "data:text/javascript,export {};", shortCircuit: true };
  return next(specifier, context);
}`;
  register(`data:text/javascript,${encodeURIComponent(hook)}`);
}
