"use client";

import { useEffect } from "react";

/**
 * Moves the keyboard focus to the element with this id when it appears: a keyboard user who opens an
 * object lands on its details instead of tabbing past the rest of a 100-row listing. The target needs
 * tabIndex={-1}.
 */
export function FocusOnArrival({ targetId }: { targetId: string }) {
  useEffect(() => {
    document.getElementById(targetId)?.focus();
  }, [targetId]);
  return null;
}
