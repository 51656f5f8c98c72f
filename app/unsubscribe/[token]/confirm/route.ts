import { unsubscribeWithToken } from "@/lib/notifications/unsubscribe";

/**
 * POST /unsubscribe/<token>/confirm: the unsubscribe itself, without sign-in (the signed token is the
 * credential). The page's button gets a 303 back to the page ("You are unsubscribed"); a mail client's
 * one-click POST (RFC 8058: body List-Unsubscribe=One-Click) gets a plain 200. A tampered token: 400, nothing changed.
 */
export async function POST(request: Request, { params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const body = await readStart(request, 1024);
  const oneClick = new URLSearchParams(body.slice(0, 200)).get("List-Unsubscribe") === "One-Click";
  const target = await unsubscribeWithToken(token);
  if (!target) {
    return new Response("This unsubscribe link is not valid: nothing was changed.", { status: 400, headers: { "content-type": "text/plain; charset=utf-8" } });
  }
  if (oneClick) return new Response("Unsubscribed.", { status: 200, headers: { "content-type": "text/plain; charset=utf-8" } });
  return new Response(null, { status: 303, headers: { location: `/unsubscribe/${encodeURIComponent(token)}?done=1` } });
}

/**
 * GET /unsubscribe/<token>/confirm (the List-Unsubscribe header's URL opened in a browser, or fetched by a link
 * previewer): changes nothing, leads to the page and its button.
 */
export async function GET(_request: Request, { params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  return new Response(null, { status: 303, headers: { location: `/unsubscribe/${encodeURIComponent(token)}` } });
}

/** The first `max` bytes of the body at most (the one-click body is one short form field); the rest is not read. */
async function readStart(request: Request, max: number): Promise<string> {
  const reader = request.body?.getReader();
  if (!reader) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < max) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } catch {
    return "";
  } finally {
    reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).subarray(0, max).toString("utf8");
}
