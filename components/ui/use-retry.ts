"use client";

import { useRouter } from "next/navigation";
import { useTransition } from "react";

/**
 * "Try again" for an error boundary: `reset()` alone re-renders what the browser already has,
 * so the server is asked for the page again first (a server fault, such as a database that did
 * not answer, is then retried for real).
 */
export function useRetry(reset: () => void): { retry: () => void; pending: boolean } {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  return {
    retry: () =>
      startTransition(() => {
        router.refresh();
        reset();
      }),
    pending,
  };
}
