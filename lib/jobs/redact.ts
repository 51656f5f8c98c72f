import { redactText } from "@/lib/log";

/**
 * What an error shown to people (Settings → Background jobs) may say: credentials in URLs, query
 * strings that carry signatures or tokens, webhook signatures and secrets, bearer tokens and e-mail
 * passwords are replaced by "[redacted]". Pure; applied to every stored error before it is shown.
 */

const PATTERNS: readonly [RegExp, string][] = [
  // user:password@ in any URL (smtp://, https://…).
  [/([a-z][a-z0-9+.-]*:\/\/)[^\s/@]*@/gi, "$1[redacted]@"],
  // Query strings: presigned URLs and tokens (X-Amz-Signature, X-Amz-Credential, token=, sig=…).
  [/([?&][^\s=&#]+=)[^\s&#"')]+/g, "$1[redacted]"],
  // Webhook signatures and signing secrets.
  [/\b(sha256|v1)=[0-9a-f]{16,}/gi, "$1=[redacted]"],
  [/\bwhsec_[A-Za-z0-9_-]+/g, "whsec_[redacted]"],
  [/\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+/gi, "$1 [redacted]"],
  // API tokens of this app and long opaque keys.
  [/\bbks_[A-Za-z0-9_-]{8,}/g, "bks_[redacted]"],
  [/\b[A-Za-z0-9+/]{40,}={0,2}/g, "[redacted]"],
];

const MAX_LENGTH = 500;

export function redactError(text: string): string {
  let out = redactText(text);
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out.length > MAX_LENGTH ? `${out.slice(0, MAX_LENGTH - 1)}…` : out;
}
