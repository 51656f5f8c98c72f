import "server-only";
import { getLogoPng } from "@/lib/appearance/settings";
import { logoHashOf } from "@/lib/appearance/logo-path";
import { isDatabaseUnavailable } from "@/lib/errors";
import { log } from "@/lib/log";

/**
 * GET /brand/logo/<sha256>.png: an appearance logo, for anyone (recipients are strangers; no session, no cookie).
 * It only ever answers with a PNG this app re-encoded, found by its hash; the URL changes with the logo, so it may be
 * cached for good. Any other name, or a hash no logo has, is a 404 that says nothing more.
 */

const SAFE = { "X-Content-Type-Options": "nosniff", "Content-Security-Policy": "default-src 'none'" } as const;

function plain(status: number, text: string): Response {
  return new Response(`${text}\n`, { status, headers: { ...SAFE, "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" } });
}

export async function serveLogo(fileName: string): Promise<Response> {
  const hash = logoHashOf(fileName);
  if (!hash) return plain(404, "Not found");
  let png: Uint8Array | null;
  try {
    png = await getLogoPng(hash);
  } catch (error) {
    log.error("appearance.logo_failed", { error });
    return plain(isDatabaseUnavailable(error) ? 503 : 500, "Unavailable");
  }
  if (!png) return plain(404, "Not found");
  return new Response(new Uint8Array(png), {
    status: 200,
    headers: {
      ...SAFE,
      "Content-Type": "image/png",
      "Content-Length": String(png.byteLength),
      "Cache-Control": "public, max-age=31536000, immutable",
    },
  });
}
