"use client";

import { useLayoutEffect, useSyncExternalStore } from "react";

const subscribeNever = () => () => {};

/**
 * False while the page is the server's HTML alone (before hydration), true once React runs it here.
 * Forms keep their submit button disabled until then. Clicked earlier, the browser submits the
 * form natively: one whose submit is JavaScript's (`onSubmit`) as a GET of the page with the fields
 * in the URL; one posting to a server action as a POST that Next refuses with a bare 500, because
 * under Referrer-Policy: no-referrer a native POST carries `Origin: null`.
 */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    subscribeNever,
    () => true,
    () => false,
  );
}

type FormField = Element | RadioNodeList | null | undefined;

/**
 * What a field holds now when it differs from what the server rendered into it (`rendered`): the
 * text typed or the option picked before the form hydrated. React keeps that in the field but not
 * in a controlled field's state, and puts the state back on the next render; undefined when there
 * is nothing to take over.
 */
export function typedBeforeHydration(field: FormField, rendered: string): string | undefined {
  const value = field instanceof HTMLInputElement || field instanceof HTMLSelectElement || field instanceof HTMLTextAreaElement ? field.value : undefined;
  return value === undefined || value === rendered ? undefined : value;
}

/**
 * Runs `takeOver` once, as the component hydrates (before the browser paints React's first render),
 * so that a controlled field can take over what was typed into it before then.
 */
export function useTakeOverOnHydrate(takeOver: () => void) {
  // biome-ignore lint/correctness/useExhaustiveDependencies: once, at hydration: later renders hold what the fields hold
  useLayoutEffect(takeOver, []);
}
