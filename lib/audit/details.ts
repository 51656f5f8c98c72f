/** Keys a detail may never have: whatever is named like a secret is dropped before a row is written (a last guard). */
const SECRET_KEYS = /pass|secret|token|key|url|hash/i;

/** An audit row's details without secret-looking keys or undefined values. */
export function cleanDetails(details: Record<string, unknown> = {}): Record<string, unknown> {
  return Object.fromEntries(Object.entries(details).filter(([k, v]) => !SECRET_KEYS.test(k) && v !== undefined));
}
