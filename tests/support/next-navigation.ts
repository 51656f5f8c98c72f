/**
 * `next/navigation` for integration tests (the integration project aliases it here). Like Next's
 * own, redirect() and notFound() throw to end the action or page; the error says where to
 * (`redirectTo`), which tests read through runRedirectingAction in ./helpers.
 */
export function redirect(url: string): never {
  throw Object.assign(new Error("NEXT_REDIRECT"), { redirectTo: url });
}

export function notFound(): never {
  throw new Error("NEXT_NOT_FOUND");
}
