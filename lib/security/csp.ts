/**
 * The Content-Security-Policy: scripts only from this origin with the request's nonce, no
 * framing, no plugins, forms only to this origin. `storageOrigins` are the endpoints previews
 * load from (short-lived presigned URLs).
 */
export function contentSecurityPolicy(options: { nonce: string; dev?: boolean; storageOrigins?: string[] }): string {
  const storage = (options.storageOrigins ?? []).join(" ");
  const directives: Record<string, string> = {
    "default-src": "'self'",
    "script-src": `'self' 'nonce-${options.nonce}' 'strict-dynamic'${options.dev ? " 'unsafe-eval'" : ""}`,
    "style-src": "'self' 'unsafe-inline'",
    "img-src": `'self' data: blob: ${storage}`.trim(),
    "media-src": `'self' ${storage}`.trim(),
    "frame-src": storage || "'none'",
    "connect-src": `'self'${options.dev ? " ws: wss:" : ""}`,
    "font-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
  };
  return Object.entries(directives)
    .map(([name, value]) => `${name} ${value}`)
    .join("; ");
}
